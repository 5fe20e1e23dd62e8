// The scenario format 'gmemlab/scenario@1' (docs/scenario-format.md) and its validation.
// Bounds are part of the format: they keep hostile or mistyped input from making the model
// (or the simulator) allocate or run without bound.
import { z } from 'zod';
import { COST_KEYS, RETIRED_COST_KEYS } from './costs.ts';
import type { ValidationIssue, ValidationResult } from './api.ts';
import { TOUCHPOINT_IDS } from './touchpoints.ts';

const rate = z.number().finite().min(0).max(1e9);

export const touchpointSchema = z
  .object({
    ratePerSec: rate.describe('events per second (per vCPU for KVM-side touchpoints, per VM for VMM-side)'),
    pagesPerEvent: z
      .number()
      .finite()
      .min(0)
      .max(1_000_000)
      .refine((v) => v === 0 || v >= 1e-3, 'must be 0 or at least 0.001')
      .describe('guest pages touched per event'),
    bytesPerEvent: z.number().finite().min(0).max(1e12).describe('bytes copied per event'),
    write: z.boolean().describe('the event writes guest memory (otherwise it reads)'),
  })
  .strict();

/** A touchpoint with no events: what a scenario written before the touchpoint existed means. */
const touchpointOff = (pagesPerEvent: number, bytesPerEvent: number, write: boolean) => ({
  ratePerSec: 0,
  pagesPerEvent,
  bytesPerEvent,
  write,
});

// Touchpoints added by model 2.0 are optional: a scenario written before them has none of
// their events (docs/scenario-format.md, "Compatibility").
const ADDED_IN_2_0: Partial<Record<(typeof TOUCHPOINT_IDS)[number], ReturnType<typeof touchpointOff>>> = {
  hvaCache: touchpointOff(1, 64, true),
  dirtyLog: touchpointOff(0, 0, true),
  populate: touchpointOff(1, 4096, true),
};

const touchpointsShape = Object.fromEntries(
  TOUCHPOINT_IDS.map((id) => {
    const off = ADDED_IN_2_0[id];
    return [id, off === undefined ? touchpointSchema : touchpointSchema.default(off)];
  }),
) as Record<(typeof TOUCHPOINT_IDS)[number], typeof touchpointSchema>;

// Retired keys still read (a model 1.x file keeps loading); the model ignores them and says so.
const costOverridesShape = Object.fromEntries(
  [...COST_KEYS, ...RETIRED_COST_KEYS].map((k) => [
    k,
    // A copy bandwidth of 0 (or next to it) would make every copy take forever: a floor of 0.01 bytes a cycle.
    (k === 'copyBytesPerCycle'
      ? z.number().finite().min(0.01).max(1e12)
      : z.number().finite().min(0).max(1e12)
    ).optional(),
  ]),
) as Record<(typeof COST_KEYS)[number] | (typeof RETIRED_COST_KEYS)[number], z.ZodOptional<z.ZodNumber>>;

const enabled = z.boolean().describe('run this strategy');
const share = z.number().finite().min(0).max(1);

const hostSchema = z
  .object({
    cpus: z.number().int().min(1).max(8192).describe('online host CPUs'),
    ghz: z.number().finite().min(0.1).max(10).describe('clock, GHz (converts cycles to time)'),
    vendor: z
      .enum(['intel', 'amd', 'arm64'])
      .default('intel')
      .describe('CPU vendor: decides what an MMIO exit reads and which x86-only fields apply'),
    tlbInvalidation: z
      .enum(['ipi', 'broadcast'])
      .default('ipi')
      .describe(
        'how kernel TLB entries are invalidated on other CPUs: IPIs (x86), or hardware broadcast (AMD INVLPGB, arm64 TLBI)',
      ),
    memoryGiB: z
      .number()
      .finite()
      .min(0.0625)
      .max(1_048_576)
      .default(256)
      .describe('host memory, GiB (bounds how many direct-map huge pages scattered 4K folios can split)'),
    otherVmVcpus: z
      .number()
      .int()
      .min(0)
      .max(65536)
      .default(0)
      .describe(
        'vCPUs of other VMs on this host, running the same strategy and workload (their shootdowns land here too)',
      ),
    pcid: z.boolean().describe('PCID in use (CR3 writes keep the TLB); x86'),
    kpti: z
      .boolean()
      .default(false)
      .describe(
        'kernel page-table isolation on (x86 KPTI, arm64 unmap-kernel-at-EL0): user page tables map almost none of the kernel half',
      ),
    meltdownAffected: z
      .boolean()
      .default(false)
      .describe('the CPU is affected by Meltdown: without KPTI, userspace can read the kernel mapping speculatively'),
    smap: z.boolean().describe('SMAP enabled (x86): the kernel faults on user pages outside STAC/CLAC'),
    smapStopsSpeculation: z
      .boolean()
      .describe('SMAP also blocks speculative kernel loads from USER=1 pages (not assumed for any CPU)'),
    lass: z
      .boolean()
      .describe(
        'LASS present and enabled (x86): no user access to the upper half, no kernel data access to the lower half outside STAC/CLAC',
      ),
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
  .strict();

const exitMixSchema = z
  .object({
    instructionDecode: z
      .enum(['given', 'vendor'])
      .default('given')
      .describe(
        'given: mmio.pagesPerEvent is everything an MMIO exit reads; vendor: it is the operand pages, and host.vendor adds the instruction fetch and guest page-table walk',
      ),
    fastMmioShare: share
      .default(0)
      .describe('share of MMIO exits on zero-length ioeventfds (fast MMIO bus: nothing read from guest memory)'),
    pioStringShare: share
      .default(1)
      .describe('share of port I/O exits that are string forms (INS/OUTS); the rest touch no guest memory'),
    guestPagingLevels: z
      .union([z.literal(4), z.literal(5)])
      .default(4)
      .describe('levels of the guest page tables KVM walks to fetch an instruction (5 with LA57)'),
  })
  .strict();

export const scenarioSchema = z
  .object({
    format: z.literal('gmemlab/scenario@1'),
    name: z.string().trim().min(1).max(200),
    description: z.string().max(4000).default(''),
    host: hostSchema,
    vm: z
      .object({
        vcpus: z.number().int().min(1).max(1024),
        memoryGiB: z.number().finite().min(0.0625).max(65536),
        backingPageSize: z.enum(['4K', '2M', '1G']).describe('guest_memfd backing page size'),
        nested: z.boolean().describe('the guest runs its own guests: nested TDP faults happen only when on'),
        dirtyLogging: z
          .boolean()
          .describe('dirty logging on: dirty-logging faults and migration pre-copy happen only when on'),
        postCopy: z.boolean().describe('post-copy / demand paging on: its faults happen only when on'),
        placement: z
          .enum(['pinned', 'shared'])
          .describe('pinned: each vCPU on its own host CPU; shared: vCPUs time-share all CPUs'),
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
    workload: z
      .object({
        touchpoints: z.object(touchpointsShape).strict(),
        exitMix: exitMixSchema.prefault({}).describe('what exits of each kind read (shares a trace cannot tell apart)'),
      })
      .strict(),
    strategies: z
      .object({
        S0: z.object({ enabled }).strict(),
        S1: z
          .object({
            enabled,
            gup: z
              .boolean()
              .default(false)
              .describe('the seed thread variant: guest_memfd allows gup() (upstream refuses it)'),
            flushOnZap: z
              .boolean()
              .default(true)
              .describe(
                'flush the TLB after zapping each folio from the direct map (upstream since v8); off leaves stale entries',
              ),
          })
          .strict(),
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
            flush: z
              .enum(['immediate', 'deferred', 'none'])
              .default('immediate')
              .describe(
                'immediate: shoot down every CPU; deferred: a pending flush per CPU, done when it next schedules the task (XPFO); none: no flush',
              ),
            keepPfnCacheRestored: z
              .boolean()
              .default(true)
              .describe(
                'keep pfn-cache pages restored while the cache lives (the 2024 RFCs), instead of not serving them',
              ),
          })
          .strict(),
        S3: z
          .object({
            enabled,
            remoteFlush: z
              .enum(['none', 'batched', 'broadcast'])
              .default('none')
              .describe('invalidate the window on other CPUs: never, in batches, or at every unmap'),
          })
          .strict(),
        S4: z
          .object({
            enabled,
            switchPoint: z.enum(['kvm_run', 'vcpu_load']).describe('where KVM switches to its own CR3'),
          })
          .strict(),
        S5: z.object({ enabled }).strict(),
        S6: z.object({ enabled }).strict().default({ enabled: false }).describe('real ASI (address-space isolation)'),
        hugeFolioRemoval: z
          .boolean()
          .default(false)
          .describe(
            'remove guest memory from the direct map in backing-size folios (not upstream: order-0 only today)',
          ),
        vmmAccess: z.enum(['syscall', 'selective-mmap']).describe('how the VMM reaches guest memory under S2-S6'),
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
  .strict()
  .superRefine((s, ctx) => {
    // Pairs the hardware cannot have (docs/model.md, "Vendors").
    if (s.host.vendor === 'arm64' && s.host.tlbInvalidation === 'ipi')
      ctx.addIssue({
        code: 'custom',
        path: ['host', 'tlbInvalidation'],
        message: 'arm64 invalidates kernel TLB entries with broadcast TLBI instructions: use "broadcast"',
      });
    if (s.host.vendor === 'arm64' && s.host.lass)
      ctx.addIssue({
        code: 'custom',
        path: ['host', 'lass'],
        message: 'LASS is an x86 feature: arm64 has PAN and E0PD',
      });
    if (s.host.memoryGiB < s.vm.memoryGiB)
      ctx.addIssue({
        code: 'custom',
        path: ['host', 'memoryGiB'],
        message: `must be at least the VM's memory (${s.vm.memoryGiB} GiB)`,
      });
  });

export const SCENARIO_FORMAT = 'gmemlab/scenario@1';

/** The format named by a file from a newer gmemlab (gmemlab/scenario@N, N > 1), if that is what it is. */
function newerFormat(input: unknown): string | undefined {
  if (input === null || typeof input !== 'object' || !('format' in input)) return undefined;
  const format = (input as { format: unknown }).format;
  if (typeof format !== 'string') return undefined;
  const match = /^gmemlab\/scenario@([0-9]{1,6})$/.exec(format);
  return match !== null && Number(match[1]) > 1 ? format : undefined;
}

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
  const newer = newerFormat(input);
  if (newer !== undefined)
    return {
      ok: false,
      issues: [
        {
          path: 'format',
          message: `${newer} was written by a newer gmemlab; this version reads ${SCENARIO_FORMAT}: upgrade gmemlab to read it`,
        },
      ],
    };
  const parsed = scenarioSchema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issues: ValidationIssue[] = parsed.error.issues.map((i) => ({
    path: i.path.map(String).join('.'),
    message: formatIssue(i),
  }));
  return { ok: false, issues };
}
