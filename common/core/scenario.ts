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
    ratePerSec: rate.describe('Rate [events/s]: per vCPU for KVM-side touchpoints, per VM for VMM-side ones'),
    pagesPerEvent: z
      .number()
      .finite()
      .min(0)
      .max(1_000_000)
      .describe('Pages [pages/event]: guest pages touched per event'),
    bytesPerEvent: z.number().finite().min(0).max(1e12).describe('Bytes [bytes/event]: bytes copied per event'),
    write: z.boolean().describe('Writes: the event writes guest memory (otherwise it reads)'),
  })
  .strict();

const touchpointsShape = Object.fromEntries(TOUCHPOINT_IDS.map((id) => [id, touchpointSchema])) as Record<
  (typeof TOUCHPOINT_IDS)[number],
  typeof touchpointSchema
>;

const costOverridesShape = Object.fromEntries(
  COST_KEYS.map((k) => [k, z.number().finite().min(0).max(1e12).optional()]),
) as Record<(typeof COST_KEYS)[number], z.ZodOptional<z.ZodNumber>>;

const enabled = z.boolean().describe('Run this strategy: include it in every run and sweep of the scenario');

export const scenarioSchema = z
  .object({
    format: z.literal('gmemlab/scenario@1').describe('Format: the scenario format and its version'),
    name: z.string().trim().min(1).max(200).describe('Name: shown in the history and in exports'),
    description: z.string().max(4000).default('').describe('Description: free text kept with the scenario'),
    host: z
      .object({
        cpus: z
          .number()
          .int()
          .min(1)
          .max(8192)
          .describe('Host CPUs [CPUs]: online host CPUs; a global shootdown reaches all of them'),
        ghz: z.number().finite().min(0.1).max(10).describe('Clock [GHz]: converts cycles to time'),
        pcid: z.boolean().describe('PCID: in use, so CR3 writes keep the TLB'),
        smap: z.boolean().describe('SMAP: supervisor-mode access prevention enabled'),
        smapStopsSpeculation: z
          .boolean()
          .describe('SMAP stops speculation: SMAP also blocks speculative kernel loads from USER=1 pages'),
        lass: z.boolean().describe('LASS: linear address space separation present and enabled'),
        directMapPageSize: z
          .enum(['2M', '1G'])
          .describe('Direct-map page size: the largest page size the direct map uses'),
        irqPerSecPerCpu: rate.describe('Host IRQs [IRQs/s per CPU]: host interrupts per second on each CPU'),
        nmiPerSecPerCpu: rate.describe('Host NMIs [NMIs/s per CPU]: perf and watchdog NMIs per second on each CPU'),
        costs: z
          .object(costOverridesShape)
          .strict()
          .default({})
          .describe('Costs: overrides of the default cost table, by key (cycles unless the entry says otherwise)'),
      })
      .strict()
      .describe('Host: the machine the VM runs on'),
    vm: z
      .object({
        vcpus: z.number().int().min(1).max(1024).describe('vCPUs [vCPUs]: virtual CPUs of the VM'),
        memoryGiB: z.number().finite().min(0.0625).max(65536).describe('Guest memory [GiB]: memory of the VM'),
        backingPageSize: z
          .enum(['4K', '2M', '1G'])
          .describe('Backing page size: the page size guest_memfd allocates guest memory in'),
        nested: z.boolean().describe('Nested: the guest runs its own guests (nested TDP in use)'),
        dirtyLogging: z.boolean().describe('Dirty logging: dirty-page logging is on (live migration)'),
        postCopy: z.boolean().describe('Post-copy: the VM runs post-copy after a migration (demand paging)'),
        placement: z
          .enum(['pinned', 'shared'])
          .describe('Placement: pinned puts each vCPU on its own host CPU; shared lets vCPUs float over all CPUs'),
        userspaceExitsPerSecPerVcpu: rate.describe(
          'Exits to the VMM [exits/s per vCPU]: KVM_RUN returns to the VMM per second on each vCPU',
        ),
        schedInsPerSecPerVcpu: rate.describe(
          'vCPU sched-ins [sched-ins/s per vCPU]: vcpu_load calls through the preempt notifiers',
        ),
        inKvmRunFraction: z
          .number()
          .finite()
          .min(0)
          .max(1)
          .describe(
            'Time in KVM_RUN [fraction]: share of time a vCPU thread spends inside KVM_RUN, guest mode included',
          ),
      })
      .strict()
      .describe('VM: the guest and how it runs'),
    workload: z
      .object({
        touchpoints: z
          .object(touchpointsShape)
          .strict()
          .describe('Touchpoints: who touches guest memory, how often and how much'),
      })
      .strict()
      .describe('Workload: the rate and footprint of every touchpoint'),
    strategies: z
      .object({
        S0: z.object({ enabled }).strict(),
        S1: z.object({ enabled }).strict(),
        S2: z
          .object({
            enabled,
            batchPages: z
              .number()
              .int()
              .min(1)
              .max(4096)
              .describe('Batch [pages]: pages kept mapped before a flush (B)'),
            flushAfterUs: z
              .number()
              .finite()
              .min(0)
              .max(1e6)
              .describe('Flush after [us]: flush a partial batch after this long; 0 flushes only when full'),
          })
          .strict(),
        S3: z.object({ enabled }).strict(),
        S4: z
          .object({
            enabled,
            switchPoint: z.enum(['kvm_run', 'vcpu_load']).describe('Switch point: where KVM switches to its own CR3'),
          })
          .strict(),
        S5: z.object({ enabled }).strict(),
        vmmAccess: z
          .enum(['syscall', 'selective-mmap'])
          .describe('VMM access: how the VMM reaches guest memory when it has no mapping of it (S2-S5)'),
        selectiveMmapFraction: z
          .number()
          .finite()
          .min(0)
          .max(1)
          .describe('Selective mmap share [fraction]: share of guest memory the VMM keeps mmapped with selective-mmap'),
      })
      .strict()
      .describe('Strategies: which to run, and their parameters'),
    simulation: z
      .object({
        method: z
          .enum(['analytic', 'des'])
          .describe('Method: analytic (closed-form means, instant) or des (discrete-event simulation)'),
        durationSec: z
          .number()
          .finite()
          .min(0.001)
          .max(3600)
          .describe('Duration [s]: simulated seconds per seed (des)'),
        seeds: z
          .array(
            z
              .number()
              .int()
              .min(0)
              .max(2 ** 31 - 1),
          )
          .min(1)
          .max(100)
          .describe('Seeds: one simulation per seed (des); the 95% CI is over the seeds'),
        arrivals: z
          .enum(['poisson', 'fixed'])
          .optional()
          .describe(
            'Arrivals: how touchpoint events arrive at each thread (des): poisson, the default, or fixed intervals of 1 / rate',
          ),
      })
      .strict()
      .describe('Simulation: how the run computes its figures'),
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
