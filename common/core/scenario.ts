// The scenario format 'gmemlab/scenario@1' (docs/scenario-format.md) and its validation.
// Bounds are part of the format: they keep hostile or mistyped input from making the model
// (or the simulator) allocate or run without bound.
import { z } from 'zod';
import { COST_KEYS, RETIRED_COST_KEYS } from './costs.ts';
import type { ValidationIssue, ValidationResult } from './api.ts';
import { TOUCHPOINT_IDS } from './touchpoints.ts';

/** Most events per second a touchpoint may have. */
export const MAX_RATE_PER_SEC = 1e9;
const rate = z.number().finite().min(0).max(MAX_RATE_PER_SEC);

export const touchpointSchema = z
  .object({
    ratePerSec: rate.describe('Rate [events/s]: per vCPU for KVM-side touchpoints, per VM for VMM-side ones'),
    pagesPerEvent: z
      .number()
      .finite()
      .min(0)
      .max(1_000_000)
      .refine((v) => v === 0 || v >= 1e-3, 'must be 0 or at least 0.001')
      .describe('Pages [pages/event]: guest pages touched per event'),
    bytesPerEvent: z.number().finite().min(0).max(1e12).describe('Bytes [bytes/event]: bytes copied per event'),
    // Retired (model 2.2.0): no formula or simulated event tells a write from a read (every
    // strategy maps, restores or switches the same for both). Still read, so older files load;
    // dropped by validateScenario, and hidden from forms (retired).
    write: z.boolean().optional().meta({ retired: true, description: 'Writes (retired: not used by the model)' }),
  })
  .strict();

/** A touchpoint with no events: what a scenario written before the touchpoint existed means. */
const touchpointOff = (pagesPerEvent: number, bytesPerEvent: number) => ({
  ratePerSec: 0,
  pagesPerEvent,
  bytesPerEvent,
});

// Touchpoints added by model 2.0 are optional: a scenario written before them has none of
// their events (docs/scenario-format.md, "Compatibility").
const ADDED_IN_2_0: Partial<Record<(typeof TOUCHPOINT_IDS)[number], ReturnType<typeof touchpointOff>>> = {
  hvaCache: touchpointOff(1, 64),
  dirtyLog: touchpointOff(0, 0),
  populate: touchpointOff(1, 4096),
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

const enabled = z.boolean().describe('Run this strategy: include it in every run and sweep of the scenario');
const share = z.number().finite().min(0).max(1);

const hostSchema = z
  .object({
    cpus: z
      .number()
      .int()
      .min(1)
      .max(8192)
      .describe('Host CPUs [CPUs]: online host CPUs; a global shootdown reaches all of them'),
    ghz: z.number().finite().min(0.1).max(10).describe('Clock [GHz]: converts cycles to time'),
    vendor: z
      .enum(['intel', 'amd', 'arm64'])
      .default('intel')
      .describe('CPU vendor: decides what an MMIO exit reads and which x86-only fields apply'),
    tlbInvalidation: z
      .enum(['ipi', 'broadcast'])
      .default('ipi')
      .describe(
        'TLB invalidation: how kernel TLB entries are invalidated on other CPUs: IPIs (x86), or hardware broadcast (AMD INVLPGB, arm64 TLBI)',
      ),
    memoryGiB: z
      .number()
      .finite()
      .min(0.0625)
      .max(1_048_576)
      .default(256)
      .describe('Host memory [GiB]: bounds how many direct-map huge pages scattered 4K folios can split'),
    otherVmVcpus: z
      .number()
      .int()
      .min(0)
      .max(65536)
      .default(0)
      .describe(
        "Other VMs' vCPUs [vCPUs]: vCPUs of other VMs on this host, running the same strategy and workload (their shootdowns land here too)",
      ),
    pcid: z.boolean().describe('PCID: in use, so CR3 writes keep the TLB (x86)'),
    kpti: z
      .boolean()
      .default(false)
      .describe(
        'KPTI: kernel page-table isolation on (x86 KPTI, arm64 unmap-kernel-at-EL0): user page tables map almost none of the kernel half',
      ),
    meltdownAffected: z
      .boolean()
      .default(false)
      .describe('Meltdown-affected: without KPTI, userspace can read the kernel mapping speculatively'),
    smap: z.boolean().describe('SMAP: enabled (x86): the kernel faults on user pages outside STAC/CLAC'),
    smapStopsSpeculation: z
      .boolean()
      .describe(
        'SMAP stops speculation: SMAP also blocks speculative kernel loads from USER=1 pages (not assumed for any CPU)',
      ),
    lass: z
      .boolean()
      .describe(
        'LASS: present and enabled (x86): no user access to the upper half, no kernel data access to the lower half outside STAC/CLAC',
      ),
    directMapPageSize: z
      .enum(['4K', '2M', '1G'])
      .describe(
        'Direct-map page size: the largest page size the direct map uses. 4K: mapped a page at a time from boot, so removing guest memory splits nothing and takes no host-wide lock (arm64 with rodata=full, its default, on CPUs without BBML2_NOABORT; x86 with debug_pagealloc)',
      ),
    irqPerSecPerCpu: rate.describe('Host IRQs [IRQs/s per CPU]: host interrupts per second on each CPU'),
    nmiPerSecPerCpu: rate.describe('Host NMIs [NMIs/s per CPU]: perf and watchdog NMIs per second on each CPU'),
    costs: z
      .object(costOverridesShape)
      .strict()
      .default({})
      .describe('Costs: overrides of the default cost table, by key (cycles unless the entry says otherwise)'),
    // Set by applying a host profile (gmemlab calibrate): which measured profile host.costs holds.
    profile: z
      .object({
        id: z.string().regex(/^[0-9a-f]{64}$/, 'must be a host profile id (its content hash)'),
        name: z.string().trim().min(1).max(200),
        // The entries it set: only those are measured; another override is the user's own
        // (absent in scenarios from before 2.7.0: every override counted as the profile's).
        entries: z.array(z.enum(COST_KEYS)).max(COST_KEYS.length).optional(),
      })
      .strict()
      .optional()
      .describe('Host profile: the measured profile the costs come from'),
  })
  .strict();

const exitMixSchema = z
  .object({
    instructionDecode: z
      .enum(['given', 'vendor'])
      .default('given')
      .describe(
        'Instruction decode: given means mmio.pagesPerEvent is everything an MMIO exit reads; vendor means it is the operand pages, and host.vendor adds the instruction fetch and guest page-table walk',
      ),
    fastMmioShare: share
      .default(0)
      .describe(
        'Fast MMIO share [fraction]: share of MMIO exits on zero-length ioeventfds (fast MMIO bus: nothing read from guest memory)',
      ),
    pioStringShare: share
      .default(1)
      .describe(
        'String PIO share [fraction]: share of port I/O exits that are string forms (INS/OUTS); the rest touch no guest memory',
      ),
    guestPagingLevels: z
      .union([z.literal(4), z.literal(5)])
      .default(4)
      .describe('Guest paging levels: levels of the guest page tables KVM walks to fetch an instruction (5 with LA57)'),
  })
  .strict();

export const scenarioSchema = z
  .object({
    format: z.literal('gmemlab/scenario@1').describe('Format: the scenario format and its version'),
    name: z.string().trim().min(1).max(200).describe('Name: shown in the history and in exports'),
    description: z.string().max(4000).default('').describe('Description: free text kept with the scenario'),
    host: hostSchema.describe('Host: the machine the VM runs on'),
    vm: z
      .object({
        vcpus: z.number().int().min(1).max(1024).describe('vCPUs [vCPUs]: virtual CPUs of the VM'),
        memoryGiB: z.number().finite().min(0.0625).max(65536).describe('Guest memory [GiB]: memory of the VM'),
        backingPageSize: z
          .enum(['4K', '2M', '1G'])
          .describe('Backing page size: the page size guest_memfd allocates guest memory in'),
        nested: z.boolean().describe('Nested: the guest runs its own guests; nested TDP faults happen only when on'),
        dirtyLogging: z.boolean().describe('Dirty logging: on, so dirty-logging faults and migration pre-copy happen'),
        postCopy: z.boolean().describe('Post-copy: post-copy / demand paging on; its faults happen only when on'),
        placement: z
          .enum(['pinned', 'shared'])
          .describe('Placement: pinned puts each vCPU on its own host CPU; shared lets vCPUs time-share all CPUs'),
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
        exitMix: exitMixSchema
          .prefault({})
          .describe('Exit mix: what exits of each kind read (shares a trace cannot tell apart)'),
      })
      .strict()
      .describe('Workload: the rate and footprint of every touchpoint'),
    strategies: z
      .object({
        S0: z.object({ enabled }).strict(),
        S1: z
          .object({
            enabled,
            gup: z
              .boolean()
              .default(false)
              .describe('Allow gup(): the seed thread variant, guest_memfd allows gup() (upstream refuses it)'),
            flushOnZap: z
              .boolean()
              .default(true)
              .describe(
                'Flush on zap: flush the TLB after zapping each folio from the direct map (the NO_DIRECT_MAP series since v8, not yet in mainline); off leaves stale entries on x86 (on arm64 the zap flushes by itself)',
              ),
          })
          .strict(),
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
            flush: z
              .enum(['immediate', 'deferred', 'none'])
              .default('immediate')
              .describe(
                'Flush: immediate shoots down every CPU; deferred leaves a pending flush per CPU, done when it next schedules the task (XPFO); none does not flush',
              ),
            flushRange: z
              .enum(['eachPage', 'coveringRange', 'pageList'])
              .default('eachPage')
              .describe(
                "Flush range: how pages removed together (an event's, a batch's) are flushed: eachPage, one kernel-range flush a page (an IPI to every CPU each, as set_memory_np() sends; a full flush over 33 pages); coveringRange, one flush over the range covering them (scattered 4K pages: over the 33-page ceiling, a full flush everywhere); pageList, one IPI that invalidates each page (not upstream)",
              ),
            keepPfnCacheRestored: z
              .boolean()
              .default(true)
              .describe(
                'Keep pfn-cache restored: keep pfn-cache pages restored while the cache lives (the 2024 RFCs), instead of not serving them',
              ),
          })
          .strict(),
        S3: z
          .object({
            enabled,
            remoteFlush: z
              .enum(['none', 'batched', 'broadcast'])
              .default('none')
              .describe('Remote flush: invalidate the window on other CPUs never, in batches, or at every unmap'),
          })
          .strict(),
        S4: z
          .object({
            enabled,
            switchPoint: z
              .enum(['kvm_run', 'vcpu_load'])
              .describe(
                'Switch point (no effect since model 2.1: vcpu_load crosses as often as KVM_RUN): where KVM switches to its own CR3',
              ),
          })
          .strict(),
        S5: z.object({ enabled }).strict(),
        S6: z.object({ enabled }).strict().default({ enabled: false }).describe('real ASI (address-space isolation)'),
        hugeFolioRemoval: z
          .boolean()
          .default(false)
          .describe(
            'Huge-folio removal: remove guest memory from the direct map in backing-size folios (not upstream: order-0 only today)',
          ),
        vmmAccess: z
          .enum(['syscall', 'selective-mmap'])
          .describe('VMM access: how the VMM reaches guest memory when it has no mapping of it (S2-S6)'),
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
  .strict()
  .superRefine((s, ctx) => {
    for (const issue of crossFieldIssues(s))
      ctx.addIssue({ code: 'custom', path: issue.path.split('.'), message: issue.message });
  });

/** Problems no single field shows: pairs the hardware cannot have (docs/model.md, "Vendors"), and sizes that must fit. */
function crossFieldIssues(s: {
  host: { vendor: string; tlbInvalidation: string; lass: boolean; memoryGiB: number };
  vm: { memoryGiB: number };
}): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (s.host.vendor === 'arm64' && s.host.tlbInvalidation === 'ipi')
    issues.push({
      path: 'host.tlbInvalidation',
      message: 'arm64 invalidates kernel TLB entries with broadcast TLBI instructions: use "broadcast"',
    });
  if (s.host.vendor === 'arm64' && s.host.lass)
    issues.push({ path: 'host.lass', message: 'LASS is an x86 feature: arm64 has PAN and E0PD' });
  if (s.host.memoryGiB < s.vm.memoryGiB)
    issues.push({ path: 'host.memoryGiB', message: `must be at least the VM's memory (${s.vm.memoryGiB} GiB)` });
  return issues;
}

/**
 * Fields the format still reads (old files carry them) that change nothing in this model: not
 * offered for sweeping, and a value other than the first flags the result inputIgnored.
 */
export const INERT_FIELDS = [
  {
    path: 'strategies.S4.switchPoint',
    why: 'strategies.S4.switchPoint is not used by the model (since 2.1: vcpu_load crosses as often as KVM_RUN)',
  },
] as const;

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

/** A zod issue in a user's words ("must be one of ...", "must be a whole number, not 2.5"): scenarios' and the contract's. */
export function formatIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length > 1 ? 's' : ''}: ${issue.keys.join(', ')}`;
    case 'invalid_type':
      // The form's own cases first, in a user's words: a fraction where a count goes, an empty
      // or non-numeric field (the form sends NaN).
      if (issue.expected === 'int' && typeof issue.input === 'number' && Number.isFinite(issue.input))
        return `must be a whole number, not ${issue.input}`;
      if ((issue.expected === 'number' || issue.expected === 'int') && Number.isNaN(issue.input))
        return 'must be a number (it is empty or not a number)';
      return issue.input === undefined
        ? `missing field (expected ${issue.expected})`
        : `expected ${issue.expected}, got ${issue.input === null ? 'null' : Array.isArray(issue.input) ? 'array' : Number.isNaN(issue.input) ? 'NaN' : typeof issue.input}`;
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

/**
 * The scenario without fields that are read only so older files load (a touchpoint's `write`):
 * what is saved, hashed into a revision id and shown is what the model uses.
 */
function withoutRetiredFields(s: Scenario): Scenario {
  for (const id of TOUCHPOINT_IDS) delete s.workload.touchpoints[id].write;
  return s;
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
  // reportInput: without it zod leaves issue.input out, and every wrong type read as "missing field".
  const parsed = scenarioSchema.safeParse(input, { reportInput: true });
  if (parsed.success) return { ok: true, value: withoutRetiredFields(parsed.data) };
  const issues: ValidationIssue[] = parsed.error.issues.map((i) => ({
    path: i.path.map(String).join('.'),
    message: formatIssue(i),
  }));
  return { ok: false, issues };
}

/** Wrappers a field's schema may have around the schema of its value. */
const WRAPPERS = new Set(['optional', 'default', 'prefault', 'nullable', 'readonly']);

/** The schema of the value at a dotted path, wrappers included; undefined when the path does not end at a plain value. */
function leafSchema(path: string): z.ZodType | undefined {
  let node: z.ZodType = scenarioSchema;
  for (const segment of path.split('.')) {
    let inner = node;
    while (WRAPPERS.has(inner._zod.def.type)) inner = (inner._zod.def as unknown as { innerType: z.ZodType }).innerType;
    if (!(inner instanceof z.ZodObject) || !Object.hasOwn(inner.shape, segment)) return undefined;
    node = inner.shape[segment] as z.ZodType;
  }
  let value = node;
  while (WRAPPERS.has(value._zod.def.type)) value = (value._zod.def as unknown as { innerType: z.ZodType }).innerType;
  return ['number', 'string', 'boolean', 'enum', 'literal'].includes(value._zod.def.type) ? node : undefined;
}

/**
 * leafSchema by path, found once. Only paths that end at a value are kept, so the map is bounded
 * by the schema however many other paths requests bring.
 */
const leafSchemas = new Map<string, z.ZodType>();

/**
 * validateScenario for `candidate`, a copy of a scenario that validateScenario accepted (its
 * `value`) with one value changed, at `path` (setParameter): the same answer, found by checking
 * only that value's schema and the rules across fields, which a sweep of thousands of points
 * cannot afford to do the whole scenario's way (a tenth of a millisecond a point). Where the path
 * does not end at a plain value, the value is refused, or its schema would change it, it
 * validates the whole.
 */
export function validateChangedScenario(candidate: Scenario, path: string): ValidationResult<Scenario> {
  let schema = leafSchemas.get(path);
  if (schema === undefined) {
    schema = path === 'format' ? undefined : leafSchema(path);
    if (schema === undefined) return validateScenario(candidate);
    leafSchemas.set(path, schema);
  }
  let parent: Record<string, unknown> = candidate as unknown as Record<string, unknown>;
  const keys = path.split('.');
  for (const key of keys.slice(0, -1)) parent = parent[key] as Record<string, unknown>;
  const value = parent[keys[keys.length - 1]!];
  const parsed = schema.safeParse(value, { reportInput: true });
  // A refused value ends the sweep: the whole scenario's check reports it as it always has
  // (with the rules across fields that still apply, in zod's order).
  if (!parsed.success) return validateScenario(candidate);
  if (!Object.is(parsed.data, value)) return validateScenario(candidate);
  const issues = crossFieldIssues(candidate);
  // A retired field set by the change is dropped, as validateScenario drops it.
  return issues.length === 0 ? { ok: true, value: withoutRetiredFields(candidate) } : { ok: false, issues };
}
