// The host profile format 'gmemlab/host-profile@1' as a schema: profiles read back from a file
// (`gmemlab calibrate --out`) or from the database are checked before they are applied.
import { z } from 'zod';
import { COST_KEYS } from '../costs.ts';
import type { ValidationIssue, ValidationResult } from '../api.ts';
import { HOST_PROFILE_FORMAT, type HostProfile } from './profile.ts';
import { CALIBRATION_SOURCE_KINDS } from './types.ts';

const text = (max: number) => z.string().max(max);
const cycles = z.number().finite().min(0).max(1e12);
const figureShape = {
  file: text(500),
  figure: text(500),
  unit: text(40),
};

export const hostProfileSchema = z
  .object({
    format: z.literal(HOST_PROFILE_FORMAT),
    name: z.string().trim().min(1).max(200),
    createdAt: text(40),
    host: z
      .object({
        name: text(300).nullable(),
        cpuModel: text(300).nullable(),
        onlineCpus: z.number().int().min(1).max(8192).nullable(),
        ghz: z.number().finite().min(0.1).max(10).nullable(),
        kernel: text(300).nullable(),
      })
      .strict(),
    sources: z
      .array(
        z
          .object({
            file: text(500),
            kind: z.enum(CALIBRATION_SOURCE_KINDS),
            sha256: z
              .string()
              .regex(/^[0-9a-f]{64}$/)
              .nullable(),
            tool: text(300),
            measuredAt: text(300).nullable(),
            hostName: text(300).nullable(),
          })
          .strict(),
      )
      .min(1)
      .max(100),
    costs: z
      .array(
        z
          .object({
            key: z.enum(COST_KEYS),
            value: cycles,
            low: cycles,
            high: cycles,
            curve: text(100).nullable(),
            figures: z.array(text(1000)).max(1000),
            rule: text(4000),
          })
          .strict(),
      )
      .max(COST_KEYS.length),
    curves: z
      .array(
        z
          .object({
            name: text(100),
            over: z.literal('host.cpus'),
            entries: z.array(z.enum(COST_KEYS)).max(COST_KEYS.length),
            model: text(300),
            points: z
              .array(z.object({ cpus: z.number().int().min(1).max(8192), cycles, low: cycles, high: cycles }).strict())
              .max(1000),
          })
          .strict(),
      )
      .max(20),
    unused: z
      .array(z.object({ ...figureShape, value: z.number().finite().nullable(), reason: text(2000) }).strict())
      .max(100_000),
  })
  .strict();

/** Every problem in a profile read back from a file, with dotted paths; never throws. */
export function validateHostProfile(input: unknown): ValidationResult<HostProfile> {
  const parsed = hostProfileSchema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data as HostProfile };
  const issues: ValidationIssue[] = parsed.error.issues.map((i) => ({
    path: i.path.map(String).join('.'),
    message: i.message,
  }));
  return { ok: false, issues };
}
