// The contract's calibration calls (docs/calibration.md): make a host profile from tool outputs,
// list and read saved profiles, apply one to a scenario. Spread into `contract` (index.ts).
import { z } from 'zod';
import { scenarioSchema, type HostProfile, type Scenario } from '../core/index.ts';

/** Declares a call: `call<Output>()(inputSchema)` (as index.ts does). */
function call<O>() {
  return <I extends z.ZodType>(input: I): { input: I; output: O } => ({ input, output: undefined as O });
}

export interface HostProfileSummary {
  id: string;
  name: string;
  hostName: string | null;
  cpuModel: string | null;
  tools: string;
  createdAt: string;
  savedAt: string;
  /** Cost entries the profile sets. */
  entries: string[];
}

export interface CalibrationResult {
  id: string;
  profile: HostProfile;
  /** False when this very profile was already saved. */
  created: boolean | null;
}

const profileId = z.string().regex(/^[0-9a-f]{64}$/, 'must be a host profile id (its content hash)');

export const calibrationCalls = {
  /** Reads tool outputs (each named, as dropped or pasted), makes a host profile and saves it. */
  calibrateHost: call<CalibrationResult>()(
    z
      .object({
        files: z
          .array(
            z
              .object({
                name: z.string().trim().min(1).max(300),
                text: z.string().min(1, 'is empty').max(5_000_000, 'is over 5 MB: not a tool output gmemlab reads'),
              })
              .strict(),
          )
          .min(1, 'give at least one file')
          .max(50),
        name: z.string().trim().min(1).max(200),
        ghz: z.number().finite().min(0.1).max(10).optional(),
        cpus: z.number().int().min(1).max(8192).optional(),
        /** A comparison table's column to read (a heading word such as "after", or 1 or 2). */
        column: z
          .string()
          .trim()
          .min(1)
          .max(40)
          .regex(/^[A-Za-z0-9_-]+$/, 'must be a column heading word, or 1 or 2')
          .optional(),
      })
      .strict(),
  ),
  listHostProfiles: call<HostProfileSummary[]>()(z.object({}).strict()),
  getHostProfile: call<HostProfile & { id: string }>()(z.object({ id: profileId }).strict()),
  /** The scenario with the profile's measured costs in host.costs and the profile named in host.profile. */
  applyHostProfile: call<{ scenario: Scenario }>()(z.object({ profileId, scenario: scenarioSchema }).strict()),
} as const;
