// The scenario format 'gmemlab/scenario@1' (docs/scenario-format.md) and its validation.
// Bounds are part of the format: they keep hostile or mistyped input from making the model
// (or the simulator) allocate or run without bound.
import { z } from 'zod';
import { COST_KEYS } from './costs.ts';
import type { ValidationIssue, ValidationResult } from './api.ts';
import { TOUCHPOINT_IDS } from './touchpoints.ts';

const rate = z.number().finite().min(0).max(1e9);

export const touchpointSchema = z
  .object({
    ratePerSec: rate.describe('events per second (per vCPU for KVM-side touchpoints, per VM for VMM-side)'),
    pagesPerEvent: z.number().finite().min(0).max(1_000_000).describe('guest pages touched per event'),
    bytesPerEvent: z.number().finite().min(0).max(1e12).describe('bytes copied per event'),
    write: z.boolean().describe('the event writes guest memory (otherwise it reads)'),
  })
  .strict();

const touchpointsShape = Object.fromEntries(TOUCHPOINT_IDS.map((id) => [id, touchpointSchema])) as Record<
  (typeof TOUCHPOINT_IDS)[number],
  typeof touchpointSchema
>;

const costOverridesShape = Object.fromEntries(
  COST_KEYS.map((k) => [k, z.number().finite().min(0).max(1e12).optional()]),
) as Record<(typeof COST_KEYS)[number], z.ZodOptional<z.ZodNumber>>;

const enabled = z.boolean().describe('run this strategy');

export const scenarioSchema = z
  .object({
    format: z.literal('gmemlab/scenario@1'),
    name: z.string().trim().min(1).max(200),
    description: z.string().max(4000).default(''),
    host: z
      .object({
        cpus: z.number().int().min(1).max(8192).describe('online host CPUs'),
        ghz: z.number().finite().min(0.1).max(10).describe('clock, GHz (converts cycles to time)'),
        pcid: z.boolean().describe('PCID in use (CR3 writes keep the TLB)'),
        smap: z.boolean().describe('SMAP enabled'),
        smapStopsSpeculation: z.boolean().describe('SMAP also blocks speculative kernel loads from USER=1 pages'),
        lass: z.boolean().describe('LASS (linear address space separation) present and enabled'),
        directMapPageSize: z.enum(['2M', '1G']).describe('largest page size the direct map uses'),
        irqPerSecPerCpu: rate.describe('host interrupts per second per CPU'),
        nmiPerSecPerCpu: rate.describe('NMIs per second per CPU (perf, watchdog)'),
        costs: z
          .object(costOverridesShape)
          .strict()
          .default({})
          .describe('overrides of the default cost table (cycles unless the key says otherwise)'),
        // Set by applying a host profile (gmemlab calibrate): which measured profile host.costs holds.
        profile: z
          .object({
            id: z.string().regex(/^[0-9a-f]{64}$/, 'must be a host profile id (its content hash)'),
            name: z.string().trim().min(1).max(200),
          })
          .strict()
          .optional()
          .describe('host profile the measured costs come from'),
      })
      .strict(),
    vm: z
      .object({
        vcpus: z.number().int().min(1).max(1024),
        memoryGiB: z.number().finite().min(0.0625).max(65536),
        backingPageSize: z.enum(['4K', '2M', '1G']).describe('guest_memfd backing page size'),
        nested: z.boolean().describe('the guest runs its own guests (nested TDP in use)'),
        dirtyLogging: z.boolean(),
        postCopy: z.boolean(),
        placement: z
          .enum(['pinned', 'shared'])
          .describe('pinned: each vCPU on its own host CPU; shared: vCPUs float over all CPUs'),
        userspaceExitsPerSecPerVcpu: rate.describe('KVM_RUN returns to the VMM per second per vCPU'),
        schedInsPerSecPerVcpu: rate.describe('vCPU thread sched-ins per second (vcpu_load via preempt notifiers)'),
        inKvmRunFraction: z
          .number()
          .finite()
          .min(0)
          .max(1)
          .describe('fraction of time a vCPU thread spends inside KVM_RUN (guest mode included)'),
      })
      .strict(),
    workload: z.object({ touchpoints: z.object(touchpointsShape).strict() }).strict(),
    strategies: z
      .object({
        S0: z.object({ enabled }).strict(),
        S1: z.object({ enabled }).strict(),
        S2: z
          .object({
            enabled,
            batchPages: z.number().int().min(1).max(4096).describe('pages kept mapped before a flush (B)'),
            flushAfterUs: z
              .number()
              .finite()
              .min(0)
              .max(1e6)
              .describe('flush a partial batch after this long; 0 = only when full'),
          })
          .strict(),
        S3: z.object({ enabled }).strict(),
        S4: z
          .object({
            enabled,
            switchPoint: z.enum(['kvm_run', 'vcpu_load']).describe('where KVM switches to its own CR3'),
          })
          .strict(),
        S5: z.object({ enabled }).strict(),
        vmmAccess: z.enum(['syscall', 'selective-mmap']).describe('how the VMM reaches guest memory under S2-S5'),
        selectiveMmapFraction: z
          .number()
          .finite()
          .min(0)
          .max(1)
          .describe('share of guest memory the VMM keeps mmapped with selective-mmap'),
      })
      .strict(),
    simulation: z
      .object({
        method: z.enum(['analytic', 'des']),
        durationSec: z.number().finite().min(0.001).max(3600).describe('simulated seconds (des)'),
        seeds: z
          .array(
            z
              .number()
              .int()
              .min(0)
              .max(2 ** 31 - 1),
          )
          .min(1)
          .max(100),
        arrivals: z
          .enum(['poisson', 'fixed'])
          .optional()
          .describe(
            'how touchpoint events arrive at each thread (des): poisson, the default, or fixed intervals of 1 / rate',
          ),
      })
      .strict(),
  })
  .strict();

export type Scenario = z.infer<typeof scenarioSchema>;
export type TouchpointSpec = z.infer<typeof touchpointSchema>;

function formatIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length > 1 ? 's' : ''}: ${issue.keys.join(', ')}`;
    case 'invalid_type':
      return issue.input === undefined
        ? `missing field (expected ${issue.expected})`
        : `expected ${issue.expected}, got ${issue.input === null ? 'null' : Array.isArray(issue.input) ? 'array' : typeof issue.input}`;
    case 'too_small':
      return `must be ${issue.inclusive === false ? '>' : '>='} ${String(issue.minimum)}${issue.origin === 'array' ? ' items' : issue.origin === 'string' ? ' characters' : ''}`;
    case 'too_big':
      return `must be ${issue.inclusive === false ? '<' : '<='} ${String(issue.maximum)}${issue.origin === 'array' ? ' items' : issue.origin === 'string' ? ' characters' : ''}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return issue.message;
  }
}

/** Every problem in the input, each with its dotted field path and a plain reason. Never throws. */
export function validateScenario(input: unknown): ValidationResult<Scenario> {
  const parsed = scenarioSchema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issues: ValidationIssue[] = parsed.error.issues.map((i) => ({
    path: i.path.map(String).join('.'),
    message: formatIssue(i),
  }));
  return { ok: false, issues };
}
