// The analytic engine: closed-form means of every metric, for every enabled strategy.
// docs/model.md writes out each formula and the primary source of each mechanism; the comments
// here name the terms. Every extra cycle is booked in a ledger by touchpoint and component
// (COST_COMPONENTS), so the breakdown a result carries sums to the totals it explains.
import { fixed } from './fixed.ts';
import type { CostComponent, Estimate, ResultFlag, RunOutput, StrategyId, StrategyResult } from './api.ts';
import { COST_COMPONENTS } from './api.ts';
import { batchShape } from './batches.ts';
import {
  costTableOf,
  cr3SwitchCosts,
  hasOwnKeys,
  resolveCostEntries,
  RETIRED_COST_KEYS,
  type CostTable,
  type Cr3SwitchCosts,
} from './costs.ts';
import type { AttackerContext } from './metrics.ts';
import { INERT_FIELDS, type Scenario } from './scenario.ts';
import { capabilityRows, enabledStrategies, removesFromDirectMap, strategyParams } from './strategies.ts';
import { TOUCHPOINT_IDS, TOUCHPOINTS, type TouchpointGate, type TouchpointId } from './touchpoints.ts';
import { MODEL_VERSION } from './version.ts';

const PAGE_BYTES = 4096;
/**
 * Above this many pages flush_tlb_kernel_range flushes the whole TLB instead
 * (tlb_single_page_flush_ceiling, arch/x86/mm/tlb.c).
 */
export const FULL_FLUSH_CEILING = 33;
/** Queues are capped here so saturated means stay finite; the utilisation metrics show the real value and the result is flagged. */
const MAX_UTILIZATION = 0.99;
/** From this utilisation on, queueing means are approximations: the result advises the simulator. */
const SIMULATOR_ADVISED = 0.3;
/** S3 with remoteFlush "batched" shoots the window down on other CPUs once per this many pages. */
export const S3_REMOTE_BATCH = FULL_FLUSH_CEILING - 1;
/** Bytes KVM reads per guest page-table level or instruction page when it fetches an instruction (one PTE, or up to 15 bytes). */
const FETCH_BYTES_PER_PAGE = 8;

const NT = TOUCHPOINT_IDS.length;
const NC = COST_COMPONENTS.length;
// The ledger keeps a bit per component, and per row, in an Int32 (Ledger.eventBits, .eventRows).
if (NC > 31 || NT + 1 > 31) throw new Error(`${NC} cost components, ${NT} touchpoints: the ledger's bit masks hold 31`);
/** Ledger row for terms tied to no touchpoint. */
const NONE = NT;
const COMPONENT = Object.fromEntries(COST_COMPONENTS.map((c, i) => [c, i])) as Record<CostComponent, number>;
const BREAKDOWN_KEYS = [...TOUCHPOINT_IDS, 'none'].flatMap((tp) => COST_COMPONENTS.map((c) => `${tp}.${c}`));
const TP_INDEX = Object.fromEntries(TOUCHPOINT_IDS.map((id, i) => [id, i])) as Record<TouchpointId, number>;

/** A shared, frozen estimate: metrics of many strategies and points are 0 or a state. */
const shared = (mean: number): Estimate => Object.freeze({ mean, ci95: 0, n: 1 });
const ZERO = shared(0);
const ONE = shared(1);
/** exposure.<ctx>.state: 0 never, 1 in windows, 2 always. */
const STATE: readonly Estimate[] = [ZERO, ONE, shared(2)];
/**
 * An exact (formula) estimate. Zeros and ones share frozen objects: many of a point's metrics are
 * 0 or 1 (a fraction always exposed), and a sweep makes millions of estimates. Results are
 * read-only (api.ts).
 */
const exact = (mean: number): Estimate => (mean === 0 ? ZERO : mean === 1 ? ONE : { mean, ci95: 0, n: 1 });

/**
 * TOUCHPOINTS in index order, every record of one shape (optional fields present as undefined):
 * effectiveTouchpoints reads them for every point, and one shape keeps those reads monomorphic.
 */
const TOUCHPOINT_INFO = TOUCHPOINT_IDS.map((id) => {
  const { context, ratePer, gate, kvmPath } = TOUCHPOINTS[id];
  return { id, context, ratePer, gate, kvmPath };
});

/** A touchpoint as the model sees it: gated by its VM feature, its rate per thread, its footprint after the exit mix. */
export interface EffectiveTouchpoint {
  id: TouchpointId;
  index: number;
  context: 'kvm' | 'vmm';
  kvmPath: 'uaccess' | 'kernelMap' | undefined;
  /** Events per second per vCPU (kvm) or per VM (vmm). */
  ratePerSec: number;
  /** Mean pages and bytes an event reaches, over all its events. */
  pagesPerEvent: number;
  bytesPerEvent: number;
  /**
   * Share of the events that reach guest memory at all (MMIO: those not on the fast path; PIO: the
   * string forms; 1 elsewhere): each of those reaches pagesPerEvent / touchShare pages. The
   * formulas take the mean; the simulator draws each event's class, so its percentiles show both.
   */
  touchShare: number;
}

/** Pages KVM reads to fetch the instruction of an MMIO exit (upstream.md "Vendors"; docs/model.md). */
export function instructionFetchPages(s: Scenario): number {
  // Intel VMX: KVM fetches the instruction at guest RIP, walking the guest's page tables (one
  // read per level, on different pages) and reading the instruction page. AMD SVM with decode
  // assists carries the bytes in the VMCB; an arm64 data abort with ISV=1 is decoded from the
  // syndrome: neither reads guest memory.
  return s.host.vendor === 'intel' ? s.workload.exitMix.guestPagingLevels + 1 : 0;
}

type TouchpointSpecs = Scenario['workload']['touchpoints'];
type TouchpointSpec = TouchpointSpecs[TouchpointId];

/**
 * A scenario's touchpoint specs in TOUCHPOINT_IDS order, read by name: a read keyed by a varying
 * id is a megamorphic lookup, and this runs for every point (checked against TOUCHPOINT_IDS below).
 */
const specsInOrder = (t: TouchpointSpecs): TouchpointSpec[] => [
  t.mmio,
  t.pio,
  t.nestedTdp,
  t.pfnCache,
  t.hvaCache,
  t.hypercall,
  t.dirtyLog,
  t.populate,
  t.postCopy,
  t.migration,
  t.virtio,
  t.snapshot,
];
{
  const probe = Object.fromEntries(
    TOUCHPOINT_IDS.map((id) => [id, { ratePerSec: 0, pagesPerEvent: 0, bytesPerEvent: 0, id }]),
  );
  const order = specsInOrder(probe as unknown as TouchpointSpecs).map((spec) => (spec as unknown as { id: string }).id);
  if (order.join() !== TOUCHPOINT_IDS.join()) throw new Error(`specsInOrder reads ${order.join()}, not TOUCHPOINT_IDS`);
}

/** Whether a gated touchpoint's VM feature is on (named reads, as above). */
function gateOpen(s: Scenario, gate: TouchpointGate | undefined): boolean {
  switch (gate) {
    case undefined:
      return true;
    case 'nested':
      return s.vm.nested;
    case 'dirtyLogging':
      return s.vm.dirtyLogging;
    case 'postCopy':
      return s.vm.postCopy;
  }
}

/**
 * The touchpoints of a scenario as the model charges them, and the inputs it ignored: a gated
 * touchpoint (nested TDP without vm.nested, ...) has no events.
 */
export function effectiveTouchpoints(s: Scenario): { tps: EffectiveTouchpoint[]; ignored: string[] } {
  const ignored: string[] = [];
  const mix = s.workload.exitMix;
  const tps: EffectiveTouchpoint[] = [];
  const specs = specsInOrder(s.workload.touchpoints);
  for (let index = 0; index < NT; index++) {
    const info = TOUCHPOINT_INFO[index]!;
    const id = info.id;
    const spec = specs[index]!;
    let rate = spec.ratePerSec;
    if (!gateOpen(s, info.gate)) {
      if (rate > 0) ignored.push(`workload.touchpoints.${id}.ratePerSec (vm.${info.gate} is off)`);
      rate = 0;
    }
    if (info.context === 'kvm' && info.ratePer === 'vm') rate /= s.vm.vcpus;
    let pages = spec.pagesPerEvent;
    let bytes = spec.bytesPerEvent;
    let touchShare = 1;
    if (id === 'mmio') {
      const fetch = mix.instructionDecode === 'vendor' ? instructionFetchPages(s) : 0;
      // Zero-length ioeventfds take the fast MMIO path: nothing is read.
      touchShare = 1 - mix.fastMmioShare;
      pages = touchShare * (fetch + pages);
      bytes = touchShare * (fetch * FETCH_BYTES_PER_PAGE + bytes);
    } else if (id === 'pio') {
      // Only string forms (INS/OUTS) touch guest memory.
      touchShare = mix.pioStringShare;
      pages *= touchShare;
      bytes *= touchShare;
    }
    tps.push({
      id,
      index,
      context: info.context,
      kvmPath: info.kvmPath,
      ratePerSec: rate,
      pagesPerEvent: pages,
      bytesPerEvent: bytes,
      touchShare,
    });
  }
  return { tps, ignored };
}

/**
 * A touchpoint's events of one class: those that reach guest memory, or those that reach none.
 * `weight` is the class's share of the touchpoint's events: what it books goes in per event of
 * the touchpoint, so it books weight x its own cycles per event.
 */
export interface TouchClass extends EffectiveTouchpoint {
  weight: number;
}

/**
 * The touchpoints split by class (touchShare q): a share 1 - q of the events reaches nothing, the
 * rest pagesPerEvent / q pages each. Poisson arrivals split at random are independent Poisson
 * streams of rates q r and (1 - q) r, so the formulas that are not linear in an event's pages
 * (S2's batches and flushes, S3's remote flushes, the peak mapped) take each class as a
 * touchpoint of its own, as the simulator draws them. A touchpoint of one class is itself.
 */
export function touchClasses(tps: EffectiveTouchpoint[]): TouchClass[] {
  const out: TouchClass[] = [];
  for (const t of tps) {
    const q = t.touchShare;
    if (q >= 1 || (t.pagesPerEvent === 0 && t.bytesPerEvent === 0)) {
      out.push({ ...t, weight: 1 });
      continue;
    }
    const reaching = { pagesPerEvent: t.pagesPerEvent / q, bytesPerEvent: t.bytesPerEvent / q };
    out.push({ ...t, ...reaching, ratePerSec: q * t.ratePerSec, touchShare: 1, weight: q });
    out.push({
      ...t,
      pagesPerEvent: 0,
      bytesPerEvent: 0,
      ratePerSec: (1 - q) * t.ratePerSec,
      touchShare: 1,
      weight: 1 - q,
    });
  }
  return out;
}

/** What every strategy's formulas share. */
interface Model {
  s: Scenario;
  c: CostTable;
  hz: number;
  N: number;
  V: number;
  /** vCPUs of other VMs, running the same strategy and workload. */
  O: number;
  /** Share of a vCPU's time in guest mode, where a shootdown IPI costs a VM exit. */
  guestShare: number;
  /** Share of the time a vCPU thread is on a CPU when an IPI lands there (time-sharing lowers it). */
  running: number;
  /**
   * Time-shared vCPUs (placement "shared", V + O > N): the vCPUs taking turns on a CPU, (V + O) / N
   * on average; 1 otherwise. A KVM exit's mean latency is multiplied by it (see latencies()).
   */
  turns: number;
  /** CPUs that run no vCPU of any VM. */
  bystanders: number;
  ipi: boolean;
  /** Kernel flushes invalidate the user PCID too (flushesUserPcid). */
  kptiPcid: boolean;
  tps: EffectiveTouchpoint[];
  /** The touchpoints split by whether an event reaches guest memory (touchClasses). */
  classes: TouchClass[];
  guestPages: number;
  vmmViaSyscall: boolean;
  /** CR3 write cost, and the refill it causes without PCID. */
  cr3: Cr3SwitchCosts;
  /** Direct-map splits when guest memory leaves the direct map. */
  splits: { splits: number; hostShare: number };
  /** Cycles to handle one event of each touchpoint before any strategy adds to it (baselineCycles), by index. */
  baseline: number[];
  /** Mean latency of each touchpoint's events before any strategy adds to it (shared estimates). */
  baselineLatency: Estimate[];
  /** The VMM's touchpoints with events, in index order. */
  vmmActive: EffectiveTouchpoint[];
  /** The lasting cost of the split direct map (cycles/s) for strategies that remove guest memory from it, and for those that do not. */
  splitCycles: { removed: number; kept: number };
}

type Exposure = { state: 0 | 1 | 2; fraction: number; longestUs: number };
const NEVER: Exposure = { state: 0, fraction: 0, longestUs: 0 };
const ALWAYS: Exposure = { state: 2, fraction: 1, longestUs: 0 };
/** Some guest pages always mapped (fraction of guest memory). */
const alwaysSome = (fraction: number): Exposure =>
  fraction <= 0 ? NEVER : { state: 2, fraction: Math.min(1, fraction), longestUs: 0 };
const windows = (fraction: number, longestUs: number): Exposure =>
  fraction <= 0 ? NEVER : { state: 1, fraction: Math.min(1, fraction), longestUs };
/**
 * An exposure with the share reachable through stale TLB entries added to its fraction. A page
 * stays reachable through another CPU's stale entry for as long as the entry lives (`lifeUs`):
 * the longest window is that, where it is longer than the longest a page is mapped (until 2.9.0
 * it stayed the latter, so S3 without remote flushes gave 0.14 us beside a share made of
 * 1,000-us stale entries); exposure that had none becomes windows as long as a stale entry lives.
 */
function withStaleEntries(e: Exposure, stale: number, lifeUs: number): Exposure {
  if (!(stale > 0)) return e;
  if (e.state === 0) return windows(stale, lifeUs);
  return { state: e.state, fraction: Math.min(1, e.fraction + stale), longestUs: Math.max(e.longestUs, lifeUs) };
}

/** Both at once: the worse state, the summed share. */
function both(a: Exposure, b: Exposure): Exposure {
  if (a.state === 0) return b;
  if (b.state === 0) return a;
  if (a.state === 2 && a.fraction >= 1) return a;
  if (b.state === 2 && b.fraction >= 1) return b;
  return {
    state: a.state > b.state ? a.state : b.state,
    fraction: Math.min(1, a.fraction + b.fraction),
    longestUs: Math.max(a.longestUs, b.longestUs),
  };
}

/**
 * A strategy's charges: cycles per event by touchpoint and component, and cycles/s not tied to an
 * event. A strategy books a handful of the ~150 slots: a bit per booked component, by row, lets
 * totals (which drains them) and reset visit only those, in the order of the slots (so every sum
 * adds the same numbers in the same order as a walk over all of them: the slots skipped hold +0).
 */
class Ledger {
  /** Extra cycles per event on the thread that handles it: [touchpoint * NC + component]. */
  readonly perEvent = new Float64Array(NT * NC);
  /** Extra cycles per second on each vCPU not tied to its own events (received shootdowns, CR3 switches). */
  readonly perVcpu = new Float64Array((NT + 1) * NC);
  /** Extra cycles per second on CPUs that run no vCPU (bystanders) and host-wide terms. */
  readonly other = new Float64Array((NT + 1) * NC);
  /** By touchpoint: bit c set when perEvent has booked component c. */
  readonly eventBits = new Int32Array(NT);
  /** By row (touchpoint or NONE): bit c set when perVcpu or other has booked component c. */
  readonly spreadBits = new Int32Array(NT + 1);
  /**
   * By touchpoint: its extra cycles per event, all components (filled by totals(), for the rows
   * with eventBits; read only where eventBits is not 0).
   */
  readonly eventSum = new Float64Array(NT);
  /** Bit r set when eventBits[r] (eventRows) or spreadBits[r] (spreadRows) is not 0. */
  eventRows = 0;
  spreadRows = 0;
  /**
   * By touchpoint: the variance of its extra cycles per event from work only some of its events
   * pay (a batch's closing flush; occasional()). Read only for rows with a bit in varianceRows.
   */
  readonly eventVariance = new Float64Array(NT);
  varianceRows = 0;

  /** Whether totals() has set every booked slot back to +0 since the last booking (see reset()). */
  drained = true;

  /**
   * Empties the ledger for the next strategy. Usually totals() has already set every booked slot
   * back to +0 as it summed it (one pass over the slots rather than two) and only the masks are
   * left; if it did not run (a strategy's formulas threw), the slots are zeroed here.
   */
  reset(): this {
    if (!this.drained) {
      for (let rows = this.eventRows; rows !== 0; rows &= rows - 1) {
        const row = lowestBit(rows);
        for (let bits = this.eventBits[row]!; bits !== 0; bits &= bits - 1)
          this.perEvent[row * NC + lowestBit(bits)] = 0;
      }
      for (let rows = this.spreadRows; rows !== 0; rows &= rows - 1) {
        const row = lowestBit(rows);
        for (let bits = this.spreadBits[row]!; bits !== 0; bits &= bits - 1) {
          const k = row * NC + lowestBit(bits);
          this.perVcpu[k] = 0;
          this.other[k] = 0;
        }
      }
    }
    this.drained = false;
    for (let rows = this.eventRows; rows !== 0; rows &= rows - 1) this.eventBits[lowestBit(rows)] = 0;
    for (let rows = this.spreadRows; rows !== 0; rows &= rows - 1) this.spreadBits[lowestBit(rows)] = 0;
    this.eventRows = 0;
    this.spreadRows = 0;
    this.varianceRows = 0;
    return this;
  }

  /**
   * Books work of `cycles` that an event of touchpoint tp pays with chance `chance` (the event
   * that closes a batch pays its flush): its mean, as event() does, and its variance, chance (1 -
   * chance) cycles^2 (terms booked on one touchpoint are taken as independent).
   */
  occasional(tp: number, c: number, chance: number, cycles: number): void {
    this.event(tp, c, chance * cycles);
    if (!(chance > 0 && chance < 1)) return;
    const bit = 1 << tp;
    if ((this.varianceRows & bit) === 0) {
      this.eventVariance[tp] = 0;
      this.varianceRows |= bit;
    }
    this.eventVariance[tp] = this.eventVariance[tp]! + chance * (1 - chance) * cycles * cycles;
  }

  // c is a component's index, COMPONENT.<name> (a lookup keyed by its name on every booking was
  // a megamorphic load).
  event(tp: number, c: number, cycles: number): void {
    const k = tp * NC + c;
    this.perEvent[k] = this.perEvent[k]! + cycles;
    this.eventBits[tp] = this.eventBits[tp]! | (1 << c);
    this.eventRows |= 1 << tp;
  }

  vcpu(tp: number, c: number, cyclesPerSec: number): void {
    const k = tp * NC + c;
    this.perVcpu[k] = this.perVcpu[k]! + cyclesPerSec;
    this.spreadBits[tp] = this.spreadBits[tp]! | (1 << c);
    this.spreadRows |= 1 << tp;
  }

  host(tp: number, c: number, cyclesPerSec: number): void {
    const k = tp * NC + c;
    this.other[k] = this.other[k]! + cyclesPerSec;
    this.spreadBits[tp] = this.spreadBits[tp]! | (1 << c);
    this.spreadRows |= 1 << tp;
  }
}

/** Index of the lowest set bit of a non-zero 32-bit mask. */
export const lowestBit = (bits: number): number => 31 - Math.clz32(bits & -bits);

/** Per-strategy outcome before it becomes metrics. */
interface Outcome {
  bystanderIpisPerSec: number;
  lockUtilization: number;
  receiverUtilization: number;
  exposure: Record<AttackerContext, Exposure>;
  staleTlbFraction: number;
  /**
   * The longest a stale entry lives (us): a flush skipped, deferred or batched; 0 with none. The
   * longest, not the mean the share takes: a deferred flush waits for a sched-in that may not come
   * within the entry's life, a batch's first page waits for the whole batch.
   */
  staleTlbLifeUs: number;
  irqNmiWithGuestMappedPerSec: number;
  peakPagesMapped: number;
  flushOverCeiling: boolean;
  /** The flushes this strategy sends (absent when it sends none). */
  receivers?: Receivers;
}

/** Flushes some touchpoint causes: per second from each vCPU and from the VMM, and pages each. */
interface FlushStream {
  tp: number;
  /** Shootdowns per second from each vCPU thread and from the VMM. */
  perVcpu: number;
  perVmm: number;
  pages: number;
  /** Shootdowns sent back to back, each once the last has completed (S2's eachPage); 1 if absent. */
  burst?: number;
}

// ---------------------------------------------------------------------------------------------
// Shootdowns (docs/model.md, "Flushes and their receivers")

/**
 * Invalidation work on one CPU for a kernel flush of `pages`: up to the ceiling one INVLPG a page
 * and, with KPTI and PCID, an INVPCID a page for the loaded mm's user PCID too
 * (native_flush_tlb_one_user(), arch/x86/mm/tlb.c); a full flush above it.
 */
export function flushWork(c: CostTable, pages: number, kptiPcid: boolean): number {
  return pages <= FULL_FLUSH_CEILING ? pages * (kptiPcid ? c.invlpg + c.invpcidOne : c.invlpg) : c.fullTlbFlush;
}

/**
 * Whether a kernel flush also invalidates each page in the user PCID (KPTI with PCID, x86 only).
 * INVPCID is assumed (Haswell on); without it the kernel flushes the whole user PCID at the next
 * return to user instead, which the model does not tell apart.
 */
export const flushesUserPcid = (s: Scenario): boolean => s.host.vendor !== 'arm64' && s.host.kpti && s.host.pcid;

/**
 * Whether changes to the direct map queue on one lock for the whole host. x86 takes cpa_lock
 * around each page's change (__change_page_attr_set_clr(), arch/x86/mm/pat/set_memory.c), but
 * not with debug_pagealloc, which maps the direct map a page at a time. arm64 takes
 * pgtable_split_lock (a mutex) in split_kernel_leaf_mapping() before each change where its linear
 * map keeps block mappings (CPUs with BBML2_NOABORT); mapped a page at a time from boot (rodata=full,
 * its default, without BBML2_NOABORT) it changes it without one (arch/arm64/mm/mmu.c). So: a
 * lock wherever the direct map has huge pages.
 */
export const hasHostDirectMapLock = (s: Scenario): boolean => s.host.directMapPageSize !== '4K';

/** The refill a full flush leaves behind on every CPU it hit. */
export function refillAfterFlush(c: CostTable, pages: number): number {
  return pages > FULL_FLUSH_CEILING ? c.tlbRefillAfterFlush : 0;
}

const localWork = (m: Model, pages: number) => flushWork(m.c, pages, m.kptiPcid);

/**
 * Cycles a receiver spends on one flush of `pages`, the VM exit it takes in guest mode (a share
 * `guestShare` of the time) included. The formulas and the simulator serve flushes by it.
 */
export function receiverServiceCycles(c: CostTable, pages: number, kptiPcid: boolean, guestShare: number): number {
  return c.ipiReceiveWork + flushWork(c, pages, kptiPcid) + guestShare * c.vmExitRoundTrip;
}

const receiverService = (m: Model, pages: number) => receiverServiceCycles(m.c, pages, m.kptiPcid, m.guestShare);

/**
 * The lasting cost of a split direct map: a share of the host-mode cycles (guest-mode work
 * translates through EPT/NPT, not the host's direct map), on the share of host memory that holds
 * host data in split pages.
 */
function splitPenaltyCycles(m: Model, hostShare: number): number {
  const guestModeCpus = Math.min(m.N, (m.V + m.O) * m.running * m.guestShare);
  return (m.N - guestModeCpus) * m.hz * (m.c.directMapSplitOverheadPct / 100) * hostShare;
}
const refillAfter = (m: Model, pages: number) => refillAfterFlush(m.c, pages);

export interface Receivers {
  /**
   * The receivers' mean queue wait, in cycles, for a flush that arrives (Pollaczek-Khinchine);
   * an initiator waits only the part its own work does not cover (initiatorFlush).
   */
  queueWait: number;
  utilization: number;
  bystanderIpisPerSec: number;
  /**
   * What each vCPU sends, by kind: shootdowns per second, pages each, and how many go back to
   * back. The simulator draws the other VMs' vCPUs' flushes from these (the same workload).
   */
  vcpuFlushes: { perVcpu: number; pages: number; burst: number }[];
}

/**
 * Charges the CPUs that receive the flushes of `streams` and returns what initiators wait for.
 * With IPIs (flush_tlb_kernel_range: every online CPU but the initiator, since kernel mappings
 * have no mm cpumask) each receiver takes an interrupt, does the invalidation, and, when a vCPU
 * is in guest mode there, takes a VM exit for it. With broadcast invalidation (AMD INVLPGB,
 * arm64 TLBI) no CPU is interrupted; only full flushes leave a refill behind.
 */
function chargeReceivers(m: Model, ledger: Ledger, streams: FlushStream[]): Receivers {
  const { c, V, O } = m;
  let total = 0; // flushes per second, host-wide
  for (const st of streams) total += (V + O) * st.perVcpu + st.perVmm;
  const vcpuFlushes = streams
    .filter((st) => st.perVcpu > 0)
    .map((st) => ({ perVcpu: st.perVcpu, pages: st.pages, burst: st.burst ?? 1 }));
  if (total === 0) return { queueWait: 0, utilization: 0, bystanderIpisPerSec: 0, vcpuFlushes };
  let serviceSum = 0; // flushes/s x receiver service cycles, at a vCPU in guest mode
  let burstMoment = 0; // bursts/s x (a burst's service cycles)^2: the second moment, for the wait
  for (const st of streams) {
    const all = (V + O) * st.perVcpu + st.perVmm;
    if (all === 0) continue;
    const burst = st.burst ?? 1;
    // A vCPU receives every flush but its own, while it is on a CPU.
    const received = (all - st.perVcpu) * m.running;
    const refill = refillAfter(m, st.pages);
    if (m.ipi) {
      const work = c.ipiReceiveWork + localWork(m, st.pages);
      ledger.vcpu(st.tp, COMPONENT.receivers, received * work);
      ledger.vcpu(st.tp, COMPONENT.inducedExits, received * m.guestShare * c.vmExitRoundTrip);
      ledger.host(st.tp, COMPONENT.receivers, m.bystanders * all * work);
      const service = receiverService(m, st.pages);
      serviceSum += all * service;
      burstMoment += (all / burst) * (burst * service) ** 2;
    }
    // A host full flush does not invalidate a guest's VPID/ASID-tagged entries (SDM vol. 3,
    // "Operations that Invalidate Cached Mappings"): a vCPU refills only while in host mode.
    ledger.vcpu(st.tp, COMPONENT.tlbRefill, received * (1 - m.guestShare) * refill);
    ledger.host(st.tp, COMPONENT.tlbRefill, m.bystanders * all * refill);
  }
  if (!m.ipi) return { queueWait: 0, utilization: 0, bystanderIpisPerSec: 0, vcpuFlushes };
  const utilization = serviceSum / m.hz;
  const rho = Math.min(utilization, MAX_UTILIZATION);
  // Each receiver serves flushes one at a time; the initiator waits for the last one. Bursts
  // arrive as a Poisson stream, each served as one job of its flushes' service (M/G/1,
  // Pollaczek-Khinchine: the second moment of a burst's service; M/D/1 where every burst is one
  // flush of one size, as before 2.5.0).
  const queueWait = burstMoment / m.hz / (2 * (1 - rho));
  // Each CPU that runs no vCPU of this VM takes every flush; where every CPU runs one of its vCPUs
  // there is none to take one (until 2.9.0 the flush rate was given there too).
  return { queueWait, utilization, bystanderIpisPerSec: m.N > m.V ? total : 0, vcpuFlushes };
}

/**
 * Cycles the initiator of `flushes` shootdowns of `pages` each, sent back to back, spends, waiting
 * for completion included: the first waits for the receivers' queue, the others find them free
 * (each is sent once the last has completed).
 */
function initiatorFlush(m: Model, pages: number, receivers: Receivers, fromVcpu: boolean, flushes = 1): number {
  const { c } = m;
  if (!m.ipi) return flushes * (c.tlbsyncWait + (pages <= FULL_FLUSH_CEILING ? pages : 1) * c.invlpgbPerPage);
  // A receiver in guest mode acknowledges only after its VM exit (half the round trip).
  const otherVcpus = m.V + m.O - (fromVcpu ? 1 : 0) > 0;
  const exitWait = otherVcpus ? (m.guestShare * c.vmExitRoundTrip) / 2 : 0;
  const each = c.shootdownBase + c.shootdownPerTarget * (m.N - 1) + localWork(m, pages) + exitWait;
  // The initiator's own part overlaps the receivers' service of its flushes: it completes at the
  // later of the two, so only a queue wait W beyond the slack d between them delays it (the
  // simulator's max()). E[(W - d)+] with W's tail as M/G/1 has it roughly: P(W > 0) = rho, and
  // exponential beyond (exact for M/M/1); a receiver slower than the initiator (d < 0) delays it
  // by W - d. Until 2.5.0 the whole mean wait was added.
  const slack = flushes * (each - receiverService(m, pages));
  const w = receivers.queueWait;
  const rho = Math.min(receivers.utilization, MAX_UTILIZATION);
  const late = slack < 0 ? w - slack : w > 0 ? w * Math.exp((-rho * slack) / w) : 0;
  return flushes * each + late;
}

// ---------------------------------------------------------------------------------------------
// What every strategy that removes guest memory from the direct map shares

const BACKING_PAGES = { '4K': 1, '2M': 512, '1G': 262144 } as const;

/** Pages removed from the direct map at once: order-0 folios upstream, backing-size folios as an option. */
export function zapPages(s: Scenario): number {
  return s.strategies.hugeFolioRemoval ? BACKING_PAGES[s.vm.backingPageSize] : 1;
}

const PAGE_SIZE_BYTES = { '4K': PAGE_BYTES, '2M': 2 ** 21, '1G': 2 ** 30 } as const;

/**
 * Direct-map huge pages split by removing guest memory, and the share of host memory that holds
 * host data in split 2M pages. Removal at or above a region's size splits nothing; backing that
 * covers whole aligned regions splits exactly the regions guest memory covers (and they hold no
 * host data); smaller folios scattered over host memory split a region whenever one of them
 * lands in it: of H regions, H (1 - e^(-g/H)) for g folios placed at random. A direct map in 4K
 * pages from boot (arm64's default, x86 with debug_pagealloc) has nothing to split.
 */
export function directMapSplits(s: Scenario): { splits: number; hostShare: number } {
  if (s.host.directMapPageSize === '4K') return { splits: 0, hostShare: 0 };
  const guestBytes = s.vm.memoryGiB * 2 ** 30;
  const hostBytes = s.host.memoryGiB * 2 ** 30;
  const backing = PAGE_SIZE_BYTES[s.vm.backingPageSize];
  const granule = s.strategies.hugeFolioRemoval ? backing : PAGE_BYTES;
  const split = (region: number): number => {
    if (granule >= region) return 0;
    if (backing >= region) return Math.ceil(guestBytes / region);
    const regions = hostBytes / region;
    return regions * (1 - Math.exp(-guestBytes / backing / regions));
  };
  const splits2M = split(2 ** 21);
  const splits1G = s.host.directMapPageSize === '1G' ? split(2 ** 30) : 0;
  const hostData = backing < 2 ** 21 ? Math.max(0, splits2M * 2 ** 21 - guestBytes) : 0;
  return { splits: splits2M + splits1G, hostShare: Math.min(1, hostData / hostBytes) };
}

/**
 * Kernel-range flushes of a folio's pages that one population zap sends, back to back: guest_memfd's
 * flush_tlb_kernel_range() after the zap (`explicit`: S1's flushOnZap, always for the others; in
 * the NO_DIRECT_MAP series since v8, not yet in mainline), and on arm64 one more inside the zap
 * itself. There set_direct_map_valid_noflush() is set_memory_valid(), whose
 * __change_memory_common() flushes whenever it clears PTE_VALID (arch/arm64/mm/pageattr.c;
 * Hildenbrand on v11: "there might be a double TLB flush on some architectures"); x86's
 * __set_pages_np() does not flush. So on arm64 skipping the explicit flush leaves no stale entry.
 */
export function zapFlushes(s: Scenario, explicit: boolean): number {
  return (explicit ? 1 : 0) + (s.host.vendor === 'arm64' ? 1 : 0);
}

/** Population: each zapped folio costs a PTE update and its flushes (zapFlushes), sent as one burst. */
function populationStream(m: Model, explicit: boolean): FlushStream | undefined {
  const tp = m.tps[TP_INDEX.populate]!;
  const flushes = zapFlushes(m.s, explicit);
  if (flushes === 0 || tp.ratePerSec === 0) return undefined;
  const z = zapPages(m.s);
  return { tp: tp.index, perVcpu: (flushes * tp.ratePerSec) / z, perVmm: 0, pages: z, burst: flushes };
}

function chargePopulation(m: Model, ledger: Ledger, explicit: boolean, receivers: Receivers): void {
  const tp = m.tps[TP_INDEX.populate]!;
  if (tp.ratePerSec === 0) return;
  const z = zapPages(m.s);
  const flushes = zapFlushes(m.s, explicit);
  ledger.event(tp.index, COMPONENT.pteUpdate, m.c.pteUpdate / z);
  if (flushes > 0) ledger.event(tp.index, COMPONENT.initiatorFlush, initiatorFlush(m, z, receivers, true, flushes) / z);
}

/** Pages per second removed at population by this VM. */
const populatedPagesPerSec = (m: Model) => m.tps[TP_INDEX.populate]!.ratePerSec * m.V;

/** read()/write() on guest_memfd: a syscall (two CR3 switches more with KPTI) and one more copy. */
function chargeSyscall(m: Model, ledger: Ledger, tp: EffectiveTouchpoint): void {
  const { c } = m;
  let cycles = c.syscall + tp.bytesPerEvent / c.copyBytesPerCycle;
  if (m.s.host.kpti) {
    cycles += 2 * m.cr3.write;
    ledger.event(tp.index, COMPONENT.tlbRefill, syscallRefill(c, m.cr3, tp.bytesPerEvent));
  }
  ledger.event(tp.index, COMPONENT.syscallCopy, cycles);
}

/**
 * The refill a read()/write() of `bytes` leaves with KPTI: each of its two CR3 switches refills
 * its path's pages, and without PCID the copy walks its two buffers again (the user's and the
 * guest page's kernel mapping: only the kernel image stays global). Shared with the simulator.
 */
export function syscallRefill(c: CostTable, cr3: Cr3SwitchCosts, bytes: number): number {
  if (!cr3.flushes) return 0;
  return 2 * cr3.refill + 2 * Math.ceil(bytes / PAGE_BYTES) * c.tlbRefillPerPage;
}

/** Exposure of the VMM under S2-S5: none through syscalls, a share always with a selective mmap. */
function vmmExposure(m: Model): Exposure {
  return m.vmmViaSyscall ? NEVER : alwaysSome(m.s.strategies.selectiveMmapFraction);
}

/** Without KPTI on a Meltdown-affected CPU userspace reads kernel mappings speculatively. */
const meltdown = (m: Model) => m.s.host.meltdownAffected && !m.s.host.kpti;

/**
 * Kernel reach into a USER=1 mapping (S1's VMM mapping, S5's carve-out): architectural without
 * SMAP; with SMAP, speculative unless the CPU stops speculative loads at SMAP; LASS (for the
 * lower half only) stops it outside STAC/CLAC windows. `inUaccess` is the exposure of the
 * uaccess windows themselves, which neither SMAP nor LASS closes.
 */
function kernelReachOfUserMapping(m: Model, lowerHalf: boolean, inUaccess: Exposure): Exposure {
  const { host } = m.s;
  // A lower-half mapping exists only in its process's page tables: kernel code reaches it only
  // on the CPUs running with the VMM's mm loaded (its vCPU threads and the VMM thread; vhost
  // kthreads that adopt it are not modelled), so the kernel-at-large fraction is weighted by
  // that CPU share. S5's carve-out is in the kernel half, which every mm shares: every CPU.
  const reach = lowerHalf ? alwaysSome(vmmMmCpuShare(m)) : ALWAYS;
  if (!host.smap) return reach;
  if (host.smapStopsSpeculation || (lowerHalf && host.lass)) return inUaccess;
  return reach;
}

/** Share of the host's CPUs that run with the VMM's mm loaded: this VM's vCPU threads and the VMM thread. */
const vmmMmCpuShare = (m: Model) => Math.min(1, (m.V * m.running + 1) / m.N);

/** The uaccess windows of KVM's accesses: each page is reachable for its share of the copy. */
function uaccessWindows(m: Model): Exposure {
  let pageSec = 0;
  let longest = 0;
  for (const tp of m.tps) {
    if (tp.context !== 'kvm' || tp.ratePerSec === 0 || tp.pagesPerEvent === 0) continue;
    const perPage = tp.bytesPerEvent / tp.pagesPerEvent / m.c.copyBytesPerCycle / m.hz;
    pageSec += m.V * tp.ratePerSec * tp.pagesPerEvent * perPage;
    longest = Math.max(longest, perPage);
  }
  return windows(pageSec / m.guestPages, longest * 1e6);
}

const irqRate = (m: Model) => m.s.host.irqPerSecPerCpu + m.s.host.nmiPerSecPerCpu;

/** An outcome: what the strategy gives, defaults (nothing) for the rest. Written out rather than spread: it runs per strategy. */
function base(o: Partial<Outcome>): Outcome {
  return {
    bystanderIpisPerSec: o.bystanderIpisPerSec ?? 0,
    lockUtilization: o.lockUtilization ?? 0,
    receiverUtilization: o.receiverUtilization ?? 0,
    exposure: o.exposure ?? { kernel: NEVER, kvm: NEVER, vmm: NEVER, userspace: NEVER },
    staleTlbFraction: o.staleTlbFraction ?? 0,
    staleTlbLifeUs: o.staleTlbLifeUs ?? 0,
    irqNmiWithGuestMappedPerSec: o.irqNmiWithGuestMappedPerSec ?? 0,
    peakPagesMapped: o.peakPagesMapped ?? 0,
    flushOverCeiling: o.flushOverCeiling ?? false,
    receivers: o.receivers,
  };
}

// ---------------------------------------------------------------------------------------------
// The strategies

function statusQuo(m: Model): Outcome {
  return base({
    exposure: { kernel: ALWAYS, kvm: ALWAYS, vmm: ALWAYS, userspace: meltdown(m) ? ALWAYS : NEVER },
    irqNmiWithGuestMappedPerSec: m.N * irqRate(m),
  });
}

function mmapNoDirectMap(m: Model, ledger: Ledger): Outcome {
  const { s } = m;
  // KVM reaches guest memory by uaccess through the memslot's userspace_addr, as it does today:
  // nothing extra on those paths. pfn-cache pages get a vmap() alias (the pfncache series).
  const explicit = s.strategies.S1.flushOnZap;
  const pop = populationStream(m, explicit);
  const receivers = chargeReceivers(m, ledger, pop ? [pop] : []);
  chargePopulation(m, ledger, explicit, receivers);
  const alias = alwaysSome(pfnCacheShare(m.s));
  const kernel = both(kernelReachOfUserMapping(m, true, uaccessWindows(m)), alias);
  return base({
    bystanderIpisPerSec: receivers.bystanderIpisPerSec,
    receivers,
    receiverUtilization: receivers.utilization,
    exposure: { kernel, kvm: ALWAYS, vmm: ALWAYS, userspace: meltdown(m) ? alias : NEVER },
    // Without a flush, a zapped page may stay in other CPUs' TLBs.
    staleTlbFraction: pop ? 0 : (populatedPagesPerSec(m) * m.c.staleTlbLifetimeUs * 1e-6) / m.guestPages,
    staleTlbLifeUs: pop ? 0 : m.c.staleTlbLifetimeUs,
    irqNmiWithGuestMappedPerSec: m.V * irqRate(m),
    flushOverCeiling: pop !== undefined && pop.pages > FULL_FLUSH_CEILING,
  });
}

/** Pages of the flush each touchpoint's closing event triggers: the batch, or the event's own pages when more. */
const flushPages = (batch: number, t: EffectiveTouchpoint): number => Math.max(batch, t.pagesPerEvent);

/**
 * How S2 flushes a whole number of pages removed together (`strategies.S2.flushRange`), as
 * shootdowns of `pages` each. flush_tlb_kernel_range() takes one range, and order-0 guest pages
 * lie scattered in the direct map: either each page is a flush of its own (`eachPage`: an IPI to
 * every CPU a page, as set_memory_np() sends for one page), or one flush covers their range, far
 * over the 33-page ceiling (`coveringRange`: a full flush and a refill on every CPU). Over the
 * ceiling, eachPage too flushes everything once, as cpa_flush() does for more pages than that.
 * `pageList`, one IPI in which each receiver invalidates each page, is how cpa_flush() serves a
 * CPA array, but nothing offers it for removing guest pages (not upstream); models before 2.5.0
 * flushed so. Both methods.
 */
export function s2FlushOf(range: Scenario['strategies']['S2']['flushRange'], pages: number): ShootdownShape {
  if (pages <= 1 || range === 'pageList') return { flushes: 1, pages };
  if (range === 'coveringRange' || pages > FULL_FLUSH_CEILING) return { flushes: 1, pages: FULL_FLUSH_CEILING + 1 };
  return { flushes: pages, pages: 1 };
}

/**
 * s2FlushOf for a mean number of pages, as the simulator draws them: the whole numbers either
 * side of the mean, each with its share (1.2 pages: 1 page 80% of the time, 2 pages 20%).
 */
export function s2Flushes(
  range: Scenario['strategies']['S2']['flushRange'],
  pages: number,
): (ShootdownShape & { share: number })[] {
  const low = Math.floor(pages);
  const above = pages - low;
  const shapes = [{ share: 1 - above, ...s2FlushOf(range, low) }];
  if (above > 0) shapes.push({ share: above, ...s2FlushOf(range, low + 1) });
  return shapes;
}

/** Shootdowns of `pages` pages each, `flushes` of them one after another. */
export interface ShootdownShape {
  flushes: number;
  pages: number;
}

/**
 * An S2 initiator's batches. Closed on the page count: exact (`batchShape`). With a flush timer,
 * armed at a batch's first page (as in the simulator), the continuous approximation: the batch
 * stays open w = min(flushAfterUs, (B - 1) / P) after its first page, so it holds b = 1 + P w
 * pages (at most B) and is flushed by the event that brings p_t pages with chance min(1, p_t / b).
 * Either way: `idleSec`, the mean time from a flush to the batch's first page (events of no pages
 * first); `firstPageWaitSec`, from the first page to the batch's close; `waitingPagesMean`, the
 * pages restored and waiting for the close, on average over time.
 */
function s2Batches(tps: EffectiveTouchpoint[], P: number, eventsPerSec: number, B: number, flushAfterUs: number) {
  if (flushAfterUs === 0) {
    const shape = batchShape(tps, B, FULL_FLUSH_CEILING);
    return {
      closes: shape.closes,
      batch: B,
      waitingPagesMean: shape.eventsPerBatch === 0 ? 0 : shape.waitingPageGaps / shape.eventsPerBatch,
      idleSec: eventsPerSec === 0 ? 0 : shape.eventsToFirstPage / eventsPerSec,
      // From the event that brings the batch's first page to the one that closes it.
      firstPageWaitSec: eventsPerSec === 0 ? 0 : (shape.eventsPerBatch - shape.eventsToFirstPage) / eventsPerSec,
    };
  }
  const open = P === 0 ? 0 : Math.min(flushAfterUs * 1e-6, (B - 1) / P);
  const b = 1 + P * open;
  const closes: number[] = [];
  for (const t of tps) closes.push(t.pagesPerEvent === 0 ? 0 : Math.min(1, t.pagesPerEvent / b));
  return {
    closes,
    batch: b,
    // Per batch, the first page waits w and the P w after it w / 2 on average; b pages a batch.
    waitingPagesMean: P === 0 ? 0 : ((open + (P * open * open) / 2) * P) / b,
    idleSec: eventsPerSec === 0 ? 0 : batchShape(tps, 1, FULL_FLUSH_CEILING).eventsToFirstPage / eventsPerSec,
    firstPageWaitSec: open,
  };
}

/** An S2 initiator: `count` threads of touchpoints `tps`, their pages and events per second, their batches. */
function s2Initiator(s: Scenario, count: number, vcpu: boolean, tps: TouchClass[]) {
  let P = 0;
  let eventsPerSec = 0;
  for (const t of tps) {
    P += t.ratePerSec * t.pagesPerEvent;
    if (t.pagesPerEvent > 0) eventsPerSec += t.ratePerSec;
  }
  const { batchPages, flushAfterUs } = s.strategies.S2;
  return { count, vcpu, tps, P, eventsPerSec, batches: s2Batches(tps, P, eventsPerSec, batchPages, flushAfterUs) };
}

/** Pages per second S2's initiators restore, all of them together. */
function restoredPagesPerSec(groups: { count: number; P: number }[]): number {
  let n = 0;
  for (const g of groups) n += g.count * g.P;
  return n;
}

function onDemandDirectMap(m: Model, ledger: Ledger): Outcome {
  const { s, c, hz, V, O, N } = m;
  const policy = s.strategies.S2.flush;
  // Initiators: each vCPU thread (KVM touchpoints) and the VMM (when it goes through the kernel).
  // pfn-cache pages stay restored while the cache lives (or are not served); population is a zap.
  const vcpuTps: TouchClass[] = [];
  const vmmTps: TouchClass[] = [];
  for (const t of m.classes)
    if (t.context === 'kvm') {
      if (t.id !== 'pfnCache' && t.id !== 'populate') vcpuTps.push(t);
    } else if (m.vmmViaSyscall) vmmTps.push(t);
  const groups = [s2Initiator(s, V, true, vcpuTps), s2Initiator(s, 1, false, vmmTps)];

  // Flushes: sent to every CPU (immediate), left for each CPU's next sched-in (deferred, XPFO),
  // or never (none).
  const streams: FlushStream[] = [];
  const pop = populationStream(m, true);
  if (pop) streams.push(pop);
  let flushOverCeiling = pop !== undefined && pop.pages > FULL_FLUSH_CEILING;
  let accessFlushesPerVcpu = 0;
  let accessFlushesVmm = 0;
  const range = s.strategies.S2.flushRange;
  for (const g of groups)
    for (let i = 0; i < g.tps.length; i++) {
      const t = g.tps[i]!;
      const rate = t.ratePerSec * g.batches.closes[i]!;
      if (rate === 0) continue;
      const pages = flushPages(g.batches.batch, t);
      if (g.vcpu) accessFlushesPerVcpu += rate;
      else accessFlushesVmm += rate;
      // Deferred flushes are full ones by design, and "none" flushes nothing: no ceiling to cross.
      if (policy !== 'immediate') continue;
      for (const shape of s2Flushes(range, pages)) {
        if (shape.share === 0) continue;
        if (shape.pages > FULL_FLUSH_CEILING) flushOverCeiling = true;
        streams.push({
          tp: t.index,
          perVcpu: g.vcpu ? rate * shape.share * shape.flushes : 0,
          perVmm: g.vcpu ? 0 : rate * shape.share * shape.flushes,
          pages: shape.pages,
          burst: shape.flushes,
        });
      }
    }
  const receivers = chargeReceivers(m, ledger, streams);
  chargePopulation(m, ledger, true, receivers);

  let staleTlbFraction = 0;
  let staleTlbLifeUs = 0;
  const accessFlushesHost = (V + O) * accessFlushesPerVcpu + accessFlushesVmm;
  if (policy === 'deferred' && accessFlushesHost > 0) {
    // XPFO's deferred flush: each CPU flushes everything at its next sched-in if one is pending.
    // vCPU CPUs schedule at their sched-in rate; they refill only their host working set (the
    // guest's tagged entries survive). CPUs that run no vCPU are taken as idle: they never
    // schedule, so they pay nothing and keep stale entries for their whole life.
    const schedIns = s.vm.schedInsPerSecPerVcpu;
    const perCpu = Math.min(accessFlushesHost, schedIns);
    ledger.vcpu(NONE, COMPONENT.receivers, perCpu * c.fullTlbFlush);
    ledger.vcpu(NONE, COMPONENT.tlbRefill, perCpu * (1 - m.guestShare) * c.tlbRefillAfterFlush);
    // A flush only shortens an entry's life: at most c.staleTlbLifetimeUs either way.
    const lifetime = c.staleTlbLifetimeUs * 1e-6;
    const staleSec = m.bystanders > 0 ? lifetime : Math.min(lifetime, 1 / Math.max(schedIns, 1e-9));
    staleTlbFraction = (restoredPagesPerSec(groups) * staleSec) / m.guestPages;
    staleTlbLifeUs = c.staleTlbLifetimeUs;
  } else if (policy === 'none') {
    staleTlbFraction = (restoredPagesPerSec(groups) * c.staleTlbLifetimeUs * 1e-6) / m.guestPages;
    staleTlbLifeUs = c.staleTlbLifetimeUs;
  }

  // The direct-map lock: on x86 set_direct_map_*() change the direct map under cpa_lock, one
  // spinlock for the whole host, taken around each page's __change_page_attr()
  // (__change_page_attr_set_clr(), arch/x86/mm/pat/set_memory.c; a split direct map is changed
  // a 4K page at a time); on arm64 with block mappings each change first takes
  // pgtable_split_lock (hasHostDirectMapLock; its hold, the split check, is taken as one PTE
  // update too). So each page restored or removed is one acquisition holding one PTE
  // update, from this VM's threads and from the other VMs' vCPUs (same workload; their VMMs are
  // not counted, as for the flushes), and each zapped folio at population one more, from every
  // VM. A direct map in 4K pages from boot takes no such lock: no wait.
  const zapPagesPerFolio = zapPages(s);
  const populate = m.tps[TP_INDEX.populate]!;
  const zapsPerSec = ((V + O) * populate.ratePerSec) / zapPagesPerFolio;
  let lockRate = zapsPerSec;
  for (const g of groups) {
    const threads = g.vcpu ? V + O : g.count;
    for (const t of g.tps) lockRate += 2 * t.ratePerSec * t.pagesPerEvent * threads;
  }
  const hold = c.pteUpdate / hz;
  const rho = hasHostDirectMapLock(s) ? lockRate * hold : 0;
  // M/D/1 mean wait (Pollaczek-Khinchine with a fixed hold): lambda S^2 / (2 (1 - rho)), the same
  // for every acquisition (Poisson arrivals see time averages).
  const lockWaitSec = rho === 0 ? 0 : (lockRate * hold * hold) / (2 * (1 - Math.min(rho, MAX_UTILIZATION)));
  if (zapsPerSec > 0 && rho > 0)
    ledger.event(populate.index, COMPONENT.lockWait, (lockWaitSec * hz) / zapPagesPerFolio);

  let mappedPages = 0; // mean pages mapped at once (Little's law)
  // With B = 1 every page closes its own batch at once (a timer never fires): summed per touchpoint.
  const ownBatches = s.strategies.S2.batchPages === 1;
  let noneMapped = 1; // probability that no initiator has a page mapped
  let longestSec = 0;
  let peak = 0;
  for (const g of groups) {
    const { batches, eventsPerSec, P } = g;
    let flushCycles = 0;
    // Page-cycles mapped a second where each event is its own batch (B = 1): each page
    // from its restore to the end of its own event's flush, touchpoint by touchpoint (an average
    // over them would drop that the events of more pages also hold them longer).
    let ownBatchPageCycles = 0;
    // From a page's restore to the end of its flush: the access, the removal under the lock (a
    // wait and a PTE update a page) and the flush (event-weighted means over this initiator's
    // touchpoints).
    let afterRestoreSum = 0;
    for (let i = 0; i < g.tps.length; i++) {
      const t = g.tps[i]!;
      if (t.pagesPerEvent === 0) continue;
      const pages = flushPages(batches.batch, t);
      let perFlush = 0;
      if (policy === 'immediate')
        for (const shape of s2Flushes(range, pages))
          perFlush += shape.share * initiatorFlush(m, shape.pages, receivers, g.vcpu, shape.flushes);
      else if (policy === 'deferred') perFlush = localWork(m, pages);
      // Booked per event of the touchpoint: this class's share of them (weight) pays it.
      ledger.event(t.index, COMPONENT.pteUpdate, t.weight * 2 * t.pagesPerEvent * c.pteUpdate);
      ledger.event(t.index, COMPONENT.lockWait, t.weight * 2 * t.pagesPerEvent * lockWaitSec * hz);
      ledger.occasional(t.index, COMPONENT.initiatorFlush, t.weight * batches.closes[i]!, perFlush);
      if (t.context === 'vmm') chargeSyscall(m, ledger, t);
      flushCycles += (t.ratePerSec / eventsPerSec) * perFlush;
      const afterRestoreCycles =
        t.bytesPerEvent / c.copyBytesPerCycle + t.pagesPerEvent * (c.pteUpdate + lockWaitSec * hz);
      afterRestoreSum += t.ratePerSec * afterRestoreCycles;
      ownBatchPageCycles += t.ratePerSec * t.pagesPerEvent * (afterRestoreCycles + perFlush);
      peak = Math.max(peak, g.count * pages);
    }
    if (eventsPerSec === 0) continue;
    const afterRestore = afterRestoreSum / eventsPerSec;
    const flushWindowSec = (afterRestore + flushCycles) / hz;
    // An initiator's batch cycle: the wait for its first page (events of no pages hold none),
    // the batch open after it, and the flush; it holds pages from its first page to the flush's end.
    const cycleSec = batches.idleSec + batches.firstPageWaitSec + flushWindowSec;
    const mappedSec = batches.firstPageWaitSec + flushWindowSec;
    noneMapped *= (1 - mappedSec / cycleSec) ** g.count;
    // Little's law: pages mapped = those waiting for their batch to close, plus each page's time
    // from restore to the end of its flush.
    mappedPages += g.count * (ownBatches ? ownBatchPageCycles / hz : batches.waitingPagesMean + P * flushWindowSec);
    longestSec = Math.max(longestSec, batches.firstPageWaitSec + flushWindowSec);
  }
  const restoredForLife = alwaysSome(pfnCacheRestoredShare(s));
  const exposed = both(windows(mappedPages / m.guestPages, longestSec * 1e6), restoredForLife);
  return base({
    bystanderIpisPerSec: receivers.bystanderIpisPerSec,
    receivers,
    lockUtilization: rho,
    receiverUtilization: receivers.utilization,
    exposure: { kernel: exposed, kvm: exposed, vmm: vmmExposure(m), userspace: meltdown(m) ? exposed : NEVER },
    staleTlbFraction,
    staleTlbLifeUs,
    // Restored pages are in the direct map on every CPU: every CPU's handlers see them while any initiator has some.
    irqNmiWithGuestMappedPerSec: N * irqRate(m) * (restoredForLife.state === 2 ? 1 : 1 - noneMapped),
    peakPagesMapped: Math.ceil(peak),
    flushOverCeiling,
  });
}

function perCpuWindow(m: Model, ledger: Ledger): Outcome {
  const { s, c, hz, V } = m;
  const remote = s.strategies.S3.remoteFlush;
  // Map, unmap, and flush the slot locally (flush_tlb_one_kernel(): the user PCID too with KPTI).
  const perPage = 2 * c.pteWriteLocal + localWork(m, 1);
  const served: TouchClass[] = [];
  for (const t of m.classes) if (t.id !== 'populate' && (t.context === 'kvm' || m.vmmViaSyscall)) served.push(t);
  const streams: FlushStream[] = [];
  const pop = populationStream(m, true);
  if (pop) streams.push(pop);
  let pagesPerSec = 0;
  for (const t of served) {
    if (t.ratePerSec === 0 || t.pagesPerEvent === 0) continue;
    pagesPerSec += (t.context === 'kvm' ? V : 1) * t.ratePerSec * t.pagesPerEvent;
    const kvm = t.context === 'kvm';
    // Remote invalidation of the window: at every unmap, or once per S3_REMOTE_BATCH pages.
    if (remote === 'broadcast')
      streams.push({
        tp: t.index,
        perVcpu: kvm ? t.ratePerSec : 0,
        perVmm: kvm ? 0 : t.ratePerSec,
        pages: t.pagesPerEvent,
      });
    else if (remote === 'batched') {
      const rate = (t.ratePerSec * t.pagesPerEvent) / S3_REMOTE_BATCH;
      streams.push({ tp: t.index, perVcpu: kvm ? rate : 0, perVmm: kvm ? 0 : rate, pages: S3_REMOTE_BATCH });
    }
  }
  const receivers = chargeReceivers(m, ledger, streams);
  chargePopulation(m, ledger, true, receivers);
  let mappedPages = 0;
  let longestSec = 0;
  let vcpuMappedTime = 0; // per vCPU CPU: share of time a page is mapped in its window
  let vmmMappedTime = 0; // the VMM thread's, when it goes through the kernel (syscalls): its windows are in the same shared slot region
  for (const t of served) {
    const vcpu = t.context === 'kvm';
    // Booked per event of the touchpoint: this class's share of them (weight) pays it.
    ledger.event(t.index, COMPONENT.windowMap, t.weight * t.pagesPerEvent * perPage);
    if (remote === 'broadcast' && t.pagesPerEvent > 0)
      ledger.event(t.index, COMPONENT.initiatorFlush, t.weight * initiatorFlush(m, t.pagesPerEvent, receivers, vcpu));
    else if (remote === 'batched') {
      // The event that fills the batch of 32 pays its remote flush (one in 32 / p of them).
      const perBatch = initiatorFlush(m, S3_REMOTE_BATCH, receivers, vcpu);
      const chance = Math.min(1, t.pagesPerEvent / S3_REMOTE_BATCH);
      if (chance === 0) ledger.event(t.index, COMPONENT.initiatorFlush, 0);
      else
        ledger.occasional(
          t.index,
          COMPONENT.initiatorFlush,
          t.weight * chance,
          (t.pagesPerEvent / S3_REMOTE_BATCH / chance) * perBatch,
        );
    }
    if (!vcpu) chargeSyscall(m, ledger, t);
    if (t.pagesPerEvent === 0) continue;
    // A page is mapped for its own access only: the PTE writes, its share of the copy, the INVLPG.
    const windowSec = (perPage + t.bytesPerEvent / t.pagesPerEvent / c.copyBytesPerCycle) / hz;
    mappedPages += (t.context === 'kvm' ? V : 1) * t.ratePerSec * t.pagesPerEvent * windowSec;
    if (t.ratePerSec > 0) longestSec = Math.max(longestSec, windowSec);
    if (vcpu) vcpuMappedTime += t.ratePerSec * t.pagesPerEvent * windowSec;
    else vmmMappedTime += t.ratePerSec * t.pagesPerEvent * windowSec;
  }
  // Without remote invalidation other CPUs may keep a translation they loaded speculatively:
  // for its life, or until the batch's remote flush if that comes sooner.
  const lifetime = c.staleTlbLifetimeUs * 1e-6;
  const staleSec =
    remote === 'none'
      ? lifetime
      : remote === 'batched'
        ? Math.min(lifetime, (S3_REMOTE_BATCH - 1) / 2 / Math.max(pagesPerSec / (V + 1), 1e-9))
        : 0;
  // The longest: a batch's first page waits for the whole batch to fill, twice the mean wait.
  const staleLongestSec = remote === 'batched' ? Math.min(lifetime, 2 * staleSec) : staleSec;
  // Pages go through a thread's slot one after another: at most one mapped per thread at once.
  const mapsPages = (ctx: 'kvm' | 'vmm') =>
    served.some((t) => t.context === ctx && t.ratePerSec > 0 && t.pagesPerEvent > 0);
  const kvm = windows(mappedPages / m.guestPages, longestSec * 1e6);
  return base({
    bystanderIpisPerSec: receivers.bystanderIpisPerSec,
    receivers,
    receiverUtilization: receivers.utilization,
    exposure: {
      // The slot is in the shared kernel page tables (a fixmap slot; an mm-local ephmap is visible
      // to every CPU running that mm): kernel code on any CPU can reach it while it is mapped.
      kernel: kvm,
      kvm,
      vmm: vmmExposure(m),
      userspace: meltdown(m) ? kvm : NEVER,
    },
    staleTlbFraction: (pagesPerSec * staleSec) / m.guestPages,
    staleTlbLifeUs: staleLongestSec * 1e6,
    // Any CPU's interrupt finds a page mapped while some thread has one in its window: the vCPUs'
    // and, until 2.7.0 left out, the VMM's (half the simulator's count on quiet-cloud-vm).
    irqNmiWithGuestMappedPerSec: m.N * irqRate(m) * Math.min(1, V * vcpuMappedTime + vmmMappedTime),
    peakPagesMapped: (mapsPages('kvm') ? V : 0) + (m.vmmViaSyscall && mapsPages('vmm') ? 1 : 0),
    flushOverCeiling: pop !== undefined && pop.pages > FULL_FLUSH_CEILING,
  });
}

/** S4's switch-point crossings per second per vCPU: KVM_RUN entries/exits and sched-ins. */
export function s4Crossings(s: Scenario): { perSec: number; held: number } {
  // vcpu_load()/vcpu_put() run on every KVM_RUN (and the other vCPU ioctls), with preempt
  // notifiers at sched-in/out on top: a vcpu_load switch point crosses at least as often as a
  // KVM_RUN one, and holds KVM's CR3 for the same time inside KVM_RUN.
  return { perSec: s.vm.userspaceExitsPerSecPerVcpu + s.vm.schedInsPerSecPerVcpu, held: s.vm.inKvmRunFraction };
}

function kvmOnlyCr3(m: Model, ledger: Ledger): Outcome {
  const { s, V } = m;
  const pop = populationStream(m, true);
  const receivers = chargeReceivers(m, ledger, pop ? [pop] : []);
  chargePopulation(m, ledger, true, receivers);
  const { perSec: crossings, held } = s4Crossings(s);
  ledger.vcpu(NONE, COMPONENT.cr3Switch, 2 * crossings * m.cr3.write);
  ledger.vcpu(NONE, COMPONENT.tlbRefill, 2 * crossings * m.cr3.refill);
  const pfn = m.tps[TP_INDEX.pfnCache]!;
  // pfn-cache updates outside KVM_RUN (irqfd, Xen event channels in IRQ context) switch in and out.
  const outside = 1 - held;
  ledger.event(pfn.index, COMPONENT.cr3Switch, outside * 2 * m.cr3.write);
  ledger.event(pfn.index, COMPONENT.tlbRefill, outside * 2 * m.cr3.refill);
  for (const t of m.tps)
    if (t.context === 'vmm' && m.vmmViaSyscall) {
      chargeSyscall(m, ledger, t);
      ledger.event(t.index, COMPONENT.cr3Switch, 2 * m.cr3.write);
      ledger.event(t.index, COMPONENT.tlbRefill, 2 * m.cr3.refill);
    }
  const meanHoldSec = crossings > 0 ? held / crossings : s.simulation.durationSec;
  // Guest memory is mapped on a CPU while its vCPU holds KVM's CR3, for every host path that runs
  // there inside KVM_RUN (IRQs, NMIs, softirqs, the page-fault handler, the scheduler on HLT).
  const fraction = held <= 0 ? 0 : 1 - (1 - held) ** V;
  const inKvm = held >= 1 ? ALWAYS : windows(fraction, Math.min(s.simulation.durationSec, meanHoldSec) * 1e6);
  // The kernel at large reaches it only on the CPUs holding KVM's CR3: weighted by their share.
  const cpuShare = Math.min(1, (V * m.running * held) / m.N);
  const kernel =
    held >= 1 ? alwaysSome(cpuShare) : windows(cpuShare, Math.min(s.simulation.durationSec, meanHoldSec) * 1e6);
  return base({
    bystanderIpisPerSec: receivers.bystanderIpisPerSec,
    receivers,
    receiverUtilization: receivers.utilization,
    exposure: { kernel, kvm: inKvm, vmm: vmmExposure(m), userspace: NEVER },
    irqNmiWithGuestMappedPerSec: V * irqRate(m) * held,
    flushOverCeiling: pop !== undefined && pop.pages > FULL_FLUSH_CEILING,
  });
}

function userCarveOut(m: Model, ledger: Ledger): Outcome {
  const { s, c } = m;
  const pop = populationStream(m, true);
  const receivers = chargeReceivers(m, ledger, pop ? [pop] : []);
  chargePopulation(m, ledger, true, receivers);
  for (const t of m.tps) {
    // uaccess paths already pay STAC/CLAC today: nothing extra. Kernel-mapping paths gain a pair.
    if (t.context === 'kvm' && t.kvmPath === 'kernelMap')
      ledger.event(t.index, COMPONENT.uaccess, t.pagesPerEvent * (c.stac + c.clac));
    else if (t.context === 'vmm' && m.vmmViaSyscall) {
      chargeSyscall(m, ledger, t);
      ledger.event(t.index, COMPONENT.uaccess, t.pagesPerEvent * (c.stac + c.clac));
    }
  }
  // With KPTI the carve-out's PGD slot is not cloned into user page tables; LASS stops user
  // access to the upper half. Either hides it from userspace.
  const hidden = s.host.kpti || s.host.lass;
  return base({
    bystanderIpisPerSec: receivers.bystanderIpisPerSec,
    receivers,
    receiverUtilization: receivers.utilization,
    exposure: {
      kernel: kernelReachOfUserMapping(m, false, uaccessWindows(m)),
      kvm: ALWAYS,
      vmm: hidden ? vmmExposure(m) : ALWAYS,
      userspace: hidden ? NEVER : ALWAYS,
    },
    irqNmiWithGuestMappedPerSec: m.N * irqRate(m),
    flushOverCeiling: pop !== undefined && pop.pages > FULL_FLUSH_CEILING,
  });
}

/**
 * Whether a KVM touchpoint leaves ASI's restricted address space when it touches guest memory: on
 * a kernel mapping of the page (the pfn caches), and when a new page is zeroed at population
 * (Jackman, Aug 2025, lists "zeroing sensitive pages from the allocator" among ASI's exits). The
 * uaccess paths do not: KVM's restricted address space maps the VM's own user half (Shahid's
 * KVM ASI RFC, Feb 2022, ASI_MAP_ALL_USERSPACE or asi_map_user() of the memslots), which is
 * also why S6 leaves that mapping reachable (its exposure, as S1's).
 */
export function exitsAsi(t: Pick<EffectiveTouchpoint, 'id' | 'context' | 'kvmPath'>): boolean {
  return t.context === 'kvm' && (t.kvmPath === 'kernelMap' || t.id === 'populate');
}

function isolation(m: Model, ledger: Ledger): Outcome {
  const { c, hz, V } = m;
  // A KVM access to guest memory through a kernel mapping faults in the restricted address space
  // and exits ASI; the way back to the guest runs the mitigation, as the access tainted the CPU.
  let unrestricted = 0; // per vCPU: share of time in the unrestricted address space
  let longest = 0;
  for (const t of m.tps) {
    if (!exitsAsi(t) || t.pagesPerEvent === 0 || t.ratePerSec === 0) continue;
    // An event with a mean of p < 1 pages touches guest memory with chance p (the simulator draws the same).
    const touches = Math.min(1, t.pagesPerEvent);
    ledger.event(t.index, COMPONENT.asiTransition, touches * (c.asiExit + c.asiTaintMitigation));
    // The CPU stays unrestricted from the exit until the next asi_enter, at VM entry: the rest of
    // the event's handling.
    const sec = (c.asiExit + m.baseline[t.index]!) / hz;
    unrestricted += touches * t.ratePerSec * sec;
    longest = Math.max(longest, sec);
  }
  const share = Math.min(1, unrestricted);
  // The kernel at large: the direct map while a vCPU's CPU is unrestricted, weighted by those CPUs.
  const directKernel = windows(Math.min(1, (V * m.running * share) / m.N), longest * 1e6);
  // KVM's restricted address space maps the VM's own user half (the VMM's mapping): KVM reaches
  // guest memory always, as under S1, and so do the IRQ/NMI handlers on the vCPUs' CPUs; the
  // kernel at large on the CPUs running the VMM's mm (S1's rule). Until 2.5.0 KVM's context was
  // weighted by that CPU share too, though KVM runs on those CPUs.
  const viaUser = kernelReachOfUserMapping(m, true, NEVER);
  return base({
    exposure: { kernel: both(directKernel, viaUser), kvm: ALWAYS, vmm: ALWAYS, userspace: NEVER },
    irqNmiWithGuestMappedPerSec: V * irqRate(m),
  });
}

/** A strategy's formulas (a switch, not a lookup keyed by id: it runs for every strategy of every point). */
function outcomeOf(id: StrategyId, m: Model, ledger: Ledger): Outcome {
  switch (id) {
    case 'S0':
      return statusQuo(m);
    case 'S1':
      return mmapNoDirectMap(m, ledger);
    case 'S2':
      return onDemandDirectMap(m, ledger);
    case 'S3':
      return perCpuWindow(m, ledger);
    case 'S4':
      return kvmOnlyCr3(m, ledger);
    case 'S5':
      return userCarveOut(m, ledger);
    case 'S6':
      return isolation(m, ledger);
  }
}

/** Time to handle one event before any strategy adds to it. */
export function baselineCycles(c: CostTable, tp: Pick<EffectiveTouchpoint, 'id' | 'bytesPerEvent'>): number {
  const copy = tp.bytesPerEvent / c.copyBytesPerCycle;
  switch (tp.id) {
    case 'mmio':
    case 'pio':
    case 'hypercall':
    case 'dirtyLog':
    case 'populate': // the EPT/NPT violation that faults the page in, then clearing it
      return c.vmExitRoundTrip + copy;
    case 'nestedTdp':
      return c.nestedExitRoundTrip + copy;
    case 'postCopy':
      return c.userfaultRoundTrip + copy;
    default:
      return copy;
  }
}

/** Adds host cycles/s to a breakdown under ledger slot k's key. */
function book(breakdown: Record<string, number>, k: number, hostCycles: number): void {
  const key = BREAKDOWN_KEYS[k]!;
  breakdown[key] = (breakdown[key] ?? 0) + hostCycles;
}

/**
 * Sums the ledger: per vCPU and host-wide, and into `breakdown` when given, by touchpoint and
 * component (host cycles/s). Drains it on the way: each slot read is set back to +0, the masks
 * stay for latencies() and vmmUtilization() until reset().
 */
function totals(
  m: Model,
  ledger: Ledger,
  splitCycles: number,
  breakdown: Record<string, number> | undefined,
): { perVcpu: number; host: number } {
  const { V, O } = m;
  let perVcpu = 0;
  let host = 0;
  // Slots the strategy never booked hold +0: they add nothing, so only booked ones are visited.
  // Each booked touchpoint's cycles per event are summed on the way (ledger.eventSum: latencies).
  for (let rows = ledger.eventRows; rows !== 0; rows &= rows - 1) {
    const tp = m.tps[lowestBit(rows)]!;
    const rate = tp.ratePerSec;
    const kvm = tp.context === 'kvm';
    const threads = kvm ? V + O : 1;
    let sum = 0;
    for (let bits = ledger.eventBits[tp.index]!; bits !== 0; bits &= bits - 1) {
      const k = tp.index * NC + lowestBit(bits);
      const cycles = ledger.perEvent[k]!;
      ledger.perEvent[k] = 0;
      sum += cycles;
      if (rate === 0) continue;
      const perSec = rate * cycles;
      if (kvm) perVcpu += perSec;
      const hostCycles = threads * perSec;
      if (hostCycles === 0) continue;
      host += hostCycles;
      if (breakdown !== undefined) book(breakdown, k, hostCycles);
    }
    ledger.eventSum[tp.index] = sum;
  }
  for (let rows = ledger.spreadRows; rows !== 0; rows &= rows - 1) {
    const row = lowestBit(rows);
    for (let bits = ledger.spreadBits[row]!; bits !== 0; bits &= bits - 1) {
      const k = row * NC + lowestBit(bits);
      const vcpuCycles = ledger.perVcpu[k]!;
      const otherCycles = ledger.other[k]!;
      ledger.perVcpu[k] = 0;
      ledger.other[k] = 0;
      perVcpu += vcpuCycles;
      const hostCycles = (V + O) * vcpuCycles + otherCycles;
      if (hostCycles === 0) continue;
      host += hostCycles;
      if (breakdown !== undefined) book(breakdown, k, hostCycles);
    }
  }
  ledger.drained = true;
  if (splitCycles !== 0) {
    host += splitCycles;
    if (breakdown !== undefined) book(breakdown, NONE * NC + COMPONENT.directMapSplit, splitCycles);
  }
  return { perVcpu, host };
}

/** Extra cycles per event of touchpoint i (after totals()). */
const eventCycles = (ledger: Ledger, i: number): number => (ledger.eventBits[i] === 0 ? 0 : ledger.eventSum[i]!);

/** Share of the VMM thread's time its touchpoints take (baseline handling and the strategy's work; after totals()). */
function vmmUtilization(m: Model, ledger: Ledger): number {
  let busy = 0;
  for (const tp of m.vmmActive) busy += tp.ratePerSec * (m.baseline[tp.index]! + eventCycles(ledger, tp.index));
  return busy / m.hz;
}

/** The flags of a result that has none: shared, frozen (most results have none). */
const NO_FLAGS = Object.freeze([]) as unknown as ResultFlag[];
/** A result's distributions: the formulas give means only. Shared, frozen. */
const NO_DISTRIBUTIONS = Object.freeze({}) as StrategyResult['distributions'];

function flagsOf(m: Model, o: Outcome, perVcpu: number, vmmBusy: number, ignored: string[]): ResultFlag[] {
  const flags: ResultFlag[] = [];
  const { s, V, O, N } = m;
  if (s.vm.placement === 'pinned' && V + O > N)
    flags.push({
      code: 'infeasible',
      message: `${V + O} pinned vCPUs (${V} of this VM, ${O} of others) on ${N} host CPUs: pinning needs a CPU each`,
    });
  // The demand at the offered rates: a simulated run replaces these with what it measured
  // (des/run.ts: desFlags), where queueing slows the vCPUs and they offer less.
  if (o.lockUtilization >= 1)
    flags.push({
      code: 'saturated',
      message: `the direct-map lock is busy ${fixed(o.lockUtilization * 100, 0)}% of the time: requests pile up without bound; the figures are the demand at the offered rates (waits taken at 99% busy), more than a host can serve`,
    });
  if (o.receiverUtilization >= 1)
    flags.push({
      code: 'saturated',
      message: `shootdown receivers are busy ${fixed(o.receiverUtilization * 100, 0)}% of the time: flushes pile up without bound (a storm); the figures are the demand at the offered rates (waits taken at 99% busy), more than a host can serve`,
    });
  if (vmmBusy >= 1)
    flags.push({
      code: 'saturated',
      message: `the VMM's work on guest memory takes ${fixed(vmmBusy, 1)} threads' worth of time at the offered rates: one VMM thread falls behind, and its requests pile up`,
    });
  const contention = Math.max(o.lockUtilization, o.receiverUtilization, vmmBusy < 1 ? vmmBusy : 0);
  if (contention >= SIMULATOR_ADVISED && contention < 1)
    flags.push({
      code: 'simulatorNeeded',
      message: `queues are ${fixed(contention * 100, 0)}% busy: the analytic means are approximations here; the simulator gives the distribution`,
    });
  if (perVcpu >= m.hz) flags.push(overloadedFlag(perVcpu, m.hz));
  if (o.flushOverCeiling)
    flags.push({
      code: 'fullFlushCeiling',
      message: `some flushes cover more than ${FULL_FLUSH_CEILING} pages: every CPU flushes its whole TLB and refills it`,
    });
  for (const message of ignored) flags.push({ code: 'inputIgnored', message });
  return flags.length === 0 ? NO_FLAGS : flags;
}

/** The messages of the scenario's inputIgnored flags (the same for every strategy). */
function ignoredInputs(s: Scenario, touchpoints: string[]): string[] {
  const out: string[] = [];
  for (const what of touchpoints) out.push(`${what} is not used by the model`);
  // Keyed reads by a varying name are megamorphic: most scenarios override nothing, and this runs per point.
  const costs = s.host.costs as Record<string, number | undefined>;
  if (hasOwnKeys(costs))
    for (const key of RETIRED_COST_KEYS)
      if (costs[key] !== undefined) out.push(`host.costs.${key} (retired in model 2.0) is not used by the model`);
  return out;
}

/** The ignored inputs of one strategy's result: the scenario's, and its own inert settings (INERT_FIELDS). */
function ignoredFor(s: Scenario, id: StrategyId, ignored: string[]): string[] {
  // S4's switch point, read but unused: flagged on S4's result when moved off kvm_run.
  if (id !== 'S4' || s.strategies.S4.switchPoint === 'kvm_run') return ignored;
  return [...ignored, INERT_FIELDS.find((f) => f.path === 'strategies.S4.switchPoint')!.why];
}

/**
 * Mean latency of each touchpoint's events (us), by index, after totals(): baseline handling and
 * the strategy's work. A touchpoint the strategy did not charge shares the model's baseline
 * estimate. (A new array each time: storing new estimates into a long-lived one costs a write
 * barrier each.)
 */
function latencies(m: Model, ledger: Ledger): Estimate[] {
  const out = m.baselineLatency.slice();
  for (let rows = ledger.eventRows; rows !== 0; rows &= rows - 1) {
    const i = lowestBit(rows);
    out[i] = exact(((m.baseline[i]! + ledger.eventSum[i]!) / m.hz) * 1e6 * turnsOf(m, i));
  }
  // The VMM's requests wait for those ahead of them (a vCPU's exits do not: each is synchronous).
  const waitUs = vmmQueueWaitSec(m, ledger) * 1e6;
  if (waitUs > 0) for (const tp of m.vmmActive) out[tp.index] = exact(out[tp.index]!.mean + waitUs);
  return out;
}

/**
 * Mean wait of a VMM request for the thread: it serves its touchpoints' events one at a time in
 * the order they arrive (as the simulator's VMM thread does). Poisson arrivals, handling time S_t
 * of touchpoint t: M/G/1, Pollaczek-Khinchine, W = sum_t r_t E[S_t^2] / (2 (1 - rho)), rho =
 * sum_t r_t E[S_t] (a merged stream: each second moment weighted by its share of the requests).
 * E[S_t^2] is the mean's square plus the variance of the work only some events pay (a batch's
 * closing flush: Ledger.occasional). At rho >= 1 the queue grows without bound (flag saturated):
 * the wait is that at MAX_UTILIZATION, as the lock's.
 */
function vmmQueueWaitSec(m: Model, ledger: Ledger): number {
  let rho = 0;
  let second = 0;
  for (const tp of m.vmmActive) {
    const S = (m.baseline[tp.index]! + eventCycles(ledger, tp.index)) / m.hz;
    const variance = (ledger.varianceRows & (1 << tp.index)) === 0 ? 0 : ledger.eventVariance[tp.index]!;
    rho += tp.ratePerSec * S;
    second += tp.ratePerSec * (S * S + variance / (m.hz * m.hz));
  }
  return second === 0 ? 0 : second / (2 * (1 - Math.min(rho, MAX_UTILIZATION)));
}

/**
 * Time-shared vCPUs take turns of one scheduler slice on a CPU (the simulator's model,
 * des/simulate.ts). An exit of length d handled in a turn crosses the turn's end with probability
 * d / slice, and is then preempted on its way back into the guest until the vCPU's next turn,
 * (M - 1) slices later: its mean latency is d + d (M - 1) = M d, for KVM's touchpoints.
 */
const turnsOf = (m: Model, i: number): number => (m.tps[i]!.context === 'kvm' ? m.turns : 1);

function evaluate(m: Model, id: StrategyId, ledger: Ledger, ignored: string[], withBreakdown: boolean) {
  const o = outcomeOf(id, m, ledger.reset());
  const { hz, N } = m;
  const removes = removesFromDirectMap(id);
  const breakdown: Record<string, number> | undefined = withBreakdown ? {} : undefined;
  const t = totals(m, ledger, removes ? m.splitCycles.removed : m.splitCycles.kept, breakdown);
  // A page left in another CPU's TLB after its removal (a flush skipped or deferred) is still
  // reachable there by kernel code, KVM's included: its share counts as exposure too, or skipping
  // the flush would look both cheaper and safer (docs/model.md, "Exposure and its states").
  const kernel = withStaleEntries(o.exposure.kernel, o.staleTlbFraction, o.staleTlbLifeUs);
  const kvm = withStaleEntries(o.exposure.kvm, o.staleTlbFraction, o.staleTlbLifeUs);
  const { vmm } = o.exposure;
  // Without KPTI on a Meltdown-affected CPU userspace reads what the kernel's translations reach.
  const userspace = meltdown(m)
    ? withStaleEntries(o.exposure.userspace, o.staleTlbFraction, o.staleTlbLifeUs)
    : o.exposure.userspace;
  const lat = latencies(m, ledger);
  // One object literal with every key that is always there: V8 builds it from a fixed shape,
  // which a loop of computed keys does not get (this runs for every strategy of every point).
  // m.tps is in TOUCHPOINT_IDS order.
  const metrics: Record<string, Estimate> = {
    'cost.overheadPct': exact((100 * t.perVcpu) / hz),
    'cost.cyclesPerSecPerVcpu': exact(t.perVcpu),
    'cost.slowdownFactor': exact(1 + t.perVcpu / hz),
    'cost.hostOverheadPct': exact((100 * t.host) / (N * hz)),
    'cost.cyclesPerSecHost': exact(t.host),
    'cost.bystanderIpisPerSec': exact(o.bystanderIpisPerSec),
    'cost.lockUtilization': exact(o.lockUtilization),
    'cost.receiverUtilization': exact(o.receiverUtilization),
    'exposure.kernel.state': STATE[kernel.state]!,
    'exposure.kernel.fraction': exact(kernel.state === 0 ? 0 : kernel.fraction),
    'exposure.kvm.state': STATE[kvm.state]!,
    'exposure.kvm.fraction': exact(kvm.state === 0 ? 0 : kvm.fraction),
    'exposure.vmm.state': STATE[vmm.state]!,
    'exposure.vmm.fraction': exact(vmm.state === 0 ? 0 : vmm.fraction),
    'exposure.userspace.state': STATE[userspace.state]!,
    'exposure.userspace.fraction': exact(userspace.state === 0 ? 0 : userspace.fraction),
    'exposure.kernel.staleTlbFraction': exact(Math.min(1, o.staleTlbFraction)),
    'exposure.kvm.irqNmiWithGuestMappedPerSec': exact(o.irqNmiWithGuestMappedPerSec),
    'footprint.directMapSplits': exact(removes ? m.splits.splits : 0),
    'footprint.peakPagesMapped': exact(o.peakPagesMapped),
    'latency.mmio.meanUs': lat[0]!,
    'latency.pio.meanUs': lat[1]!,
    'latency.nestedTdp.meanUs': lat[2]!,
    'latency.pfnCache.meanUs': lat[3]!,
    'latency.hvaCache.meanUs': lat[4]!,
    'latency.hypercall.meanUs': lat[5]!,
    'latency.dirtyLog.meanUs': lat[6]!,
    'latency.populate.meanUs': lat[7]!,
    'latency.postCopy.meanUs': lat[8]!,
    'latency.migration.meanUs': lat[9]!,
    'latency.virtio.meanUs': lat[10]!,
    'latency.snapshot.meanUs': lat[11]!,
  };
  // Only exposure in windows has a longest window.
  if (kernel.state === 1) metrics['exposure.kernel.longestWindowUs'] = exact(kernel.longestUs);
  if (kvm.state === 1) metrics['exposure.kvm.longestWindowUs'] = exact(kvm.longestUs);
  if (vmm.state === 1) metrics['exposure.vmm.longestWindowUs'] = exact(vmm.longestUs);
  if (userspace.state === 1) metrics['exposure.userspace.longestWindowUs'] = exact(userspace.longestUs);
  return {
    metrics,
    breakdown,
    flags: flagsOf(m, o, t.perVcpu, vmmUtilization(m, ledger), ignored),
  };
}

/** The model's shared inputs for a scenario. */
function modelOf(scenario: Scenario, c: CostTable, tps: EffectiveTouchpoint[]): Model {
  const { host, vm } = scenario;
  const V = vm.vcpus;
  const O = host.otherVmVcpus;
  const N = host.cpus;
  const m: Model = {
    s: scenario,
    c,
    hz: host.ghz * 1e9,
    N,
    V,
    O,
    guestShare: vm.inKvmRunFraction,
    // Time-shared vCPUs are on a CPU only part of the time: an IPI then interrupts whatever runs.
    running: vm.placement === 'shared' ? Math.min(1, N / (V + O)) : 1,
    turns: vm.placement === 'shared' && V + O > N ? (V + O) / N : 1,
    bystanders: Math.max(0, N - V - O),
    ipi: host.tlbInvalidation === 'ipi',
    kptiPcid: flushesUserPcid(scenario),
    tps,
    classes: touchClasses(tps),
    guestPages: (vm.memoryGiB * 2 ** 30) / PAGE_BYTES,
    vmmViaSyscall: scenario.strategies.vmmAccess === 'syscall',
    cr3: cr3SwitchCosts(c, host.pcid),
    splits: directMapSplits(scenario),
    baseline: [],
    baselineLatency: [],
    vmmActive: [],
    splitCycles: { removed: 0, kept: 0 },
  };
  const baselines = baselinesOf(m);
  m.baseline = baselines.cycles;
  m.baselineLatency = baselines.latency;
  for (const tp of tps) if (tp.context === 'vmm' && tp.ratePerSec > 0) m.vmmActive.push(tp);
  m.splitCycles = { removed: splitPenaltyCycles(m, m.splits.hostShare), kept: splitPenaltyCycles(m, 0) };
  return m;
}

const scratch = new Ledger();

/** Each touchpoint's baseline: cycles per event, and its mean latency as an estimate (shared by the results that do not charge it). */
interface Baselines {
  cycles: number[];
  latency: Estimate[];
}

/** The inputs of the last baselines made, and those baselines: a sweep's points mostly share them. */
let lastBaselines: { c: CostTable; hz: number; turns: number; bytes: number[]; baselines: Baselines } | undefined;

/** The baselines of a model's touchpoints (they depend on the cost table, the clock, the vCPUs' turns and the bytes an event copies). */
function baselinesOf(m: Model): Baselines {
  const { c, hz, turns, tps } = m;
  const last = lastBaselines;
  if (last !== undefined && last.c === c && last.hz === hz && last.turns === turns) {
    let same = true;
    for (let i = 0; i < NT && same; i++) same = last.bytes[i] === tps[i]!.bytesPerEvent;
    if (same) return last.baselines;
  }
  const cycles: number[] = [];
  const latency: Estimate[] = [];
  const bytes: number[] = [];
  for (let i = 0; i < NT; i++) {
    const tp = tps[i]!;
    const base = baselineCycles(c, tp);
    cycles.push(base);
    latency.push(exact(((base + 0) / hz) * 1e6 * turnsOf(m, i)));
    bytes.push(tp.bytesPerEvent);
  }
  const baselines = { cycles, latency };
  lastBaselines = { c, hz, turns, bytes, baselines };
  return baselines;
}

/** Terms the simulator takes from the formulas rather than simulating them. */
export interface FormulaTerms {
  /** The flushes this strategy sends (their rate stands in for other VMs' vCPUs, which are not simulated). */
  receivers: Receivers | undefined;
  /** Cycles per second on each vCPU, and on the whole host (the per-vCPU part included), by breakdown key. */
  perVcpu: number;
  host: number;
  breakdown: Record<string, number>;
  /** How long a stale TLB entry lives (us; 0 with none): the simulator does not follow other CPUs' TLBs. */
  staleTlbLifeUs: number;
}

/**
 * What the simulator takes from the formulas for one strategy: the flushes other VMs send, and
 * the terms it does not simulate: S2's deferred flushes (done at each CPU's next sched-in), the
 * lasting cost of the split direct map, and how long a stale TLB entry lives.
 */
export function formulaTermsForSimulation(scenario: Scenario, id: StrategyId): FormulaTerms {
  const costTable = resolveCostEntries(scenario.host.costs, scenario.host.profile);
  const { tps } = effectiveTouchpoints(scenario);
  const m = modelOf(scenario, costTableOf(costTable), tps);
  const ledger = new Ledger();
  const o = outcomeOf(id, m, ledger);
  const breakdown: Record<string, number> = {};
  let perVcpu = 0;
  let host = 0;
  if (id === 'S2' && scenario.strategies.S2.flush === 'deferred')
    for (const comp of ['receivers', 'tlbRefill'] as const) {
      const k = NONE * NC + COMPONENT[comp];
      perVcpu += ledger.perVcpu[k]!;
      const cycles = (m.V + m.O) * ledger.perVcpu[k]! + ledger.other[k]!;
      if (cycles > 0) breakdown[BREAKDOWN_KEYS[k]!] = cycles;
      host += cycles;
    }
  const split = removesFromDirectMap(id) ? m.splits : { splits: 0, hostShare: 0 };
  const splitCycles = splitPenaltyCycles(m, split.hostShare);
  if (splitCycles > 0) breakdown[BREAKDOWN_KEYS[NONE * NC + COMPONENT.directMapSplit]!] = splitCycles;
  host += splitCycles;
  return { receivers: o.receivers, perVcpu, host, breakdown, staleTlbLifeUs: o.staleTlbLifeUs };
}

/** Share of guest memory the pfn caches keep mapped in the kernel: one page per vCPU while they are used. */
function pfnCacheShare(s: Scenario): number {
  const used = s.workload.touchpoints.pfnCache.ratePerSec > 0;
  return used ? s.vm.vcpus / ((s.vm.memoryGiB * 2 ** 30) / PAGE_BYTES) : 0;
}

/** Share of guest memory S2 keeps restored for the pfn caches. */
export function pfnCacheRestoredShare(s: Scenario): number {
  return s.strategies.S2.keepPfnCacheRestored ? pfnCacheShare(s) : 0;
}

/**
 * The flag for a strategy whose work takes a whole vCPU or more: the formulas' demand at the
 * offered rates, or (given `simulatedBacklog`, the exits still waiting per vCPU at the end of a
 * simulated run) the work the simulation booked, a lower bound: the exits still waiting add to it.
 */
export function overloadedFlag(perVcpu: number, hz: number, simulatedBacklog?: number): ResultFlag {
  const share = `${fixed((100 * perVcpu) / hz, 0)}% of a vCPU`;
  const slower = fixed(1 + perVcpu / hz, 2);
  return {
    code: 'overloaded',
    message:
      simulatedBacklog === undefined
        ? `the strategy's work is ${share} at the offered rates: the guest would run ${slower}x slower, and so not make those rates`
        : `the simulation booked the strategy's work at ${share}, with ${fixed(simulatedBacklog, 0)} exits per vCPU still waiting at the end: the guest would run at least ${slower}x slower, and so not make the offered rates`,
  };
}

export { BREAKDOWN_KEYS, NONE as BREAKDOWN_NONE, COMPONENT as COMPONENT_INDEX };

export interface AnalyticOptions {
  /**
   * Book the breakdown by touchpoint and component (default true). A sweep that stores only the
   * metrics can leave it out: it is what makes an analytic point cost twice as much, and any
   * analytic result's breakdown can be computed again from its scenario (`runAnalytic`).
   */
  breakdown?: boolean;
}

/** The enabled strategies and the parameters each runs with, for the last scenario's strategies and host. */
let lastPlan:
  | { strategies: Scenario['strategies']; host: Scenario['host']; ids: StrategyId[]; params: Record<string, unknown>[] }
  | undefined;

/**
 * enabledStrategies() and strategyParams() of a scenario. They read only its strategies and host,
 * which a sweep's points share as objects unless it varies them (setParameter copies only the
 * path it changes): the last scenario's are given again then. Results are read-only.
 */
function planOf(scenario: Scenario): { ids: StrategyId[]; params: Record<string, unknown>[] } {
  const { strategies, host } = scenario;
  if (lastPlan !== undefined && lastPlan.strategies === strategies && lastPlan.host === host) return lastPlan;
  const ids = enabledStrategies(scenario);
  lastPlan = { strategies, host, ids, params: ids.map((id) => strategyParams(scenario, id)) };
  return lastPlan;
}

/**
 * Every metric of every enabled strategy, from the formulas; the same scenario always gives the
 * same result. The scenario is read as a value: it must not be changed after it was given here
 * (the core never changes one; planOf() and capabilityRows() recognise a sweep's shared parts).
 */
export function runAnalytic(scenario: Scenario, options: AnalyticOptions = {}): RunOutput {
  const costTable = resolveCostEntries(scenario.host.costs, scenario.host.profile);
  const { tps, ignored } = effectiveTouchpoints(scenario);
  const m = modelOf(scenario, costTableOf(costTable), tps);
  const inputsIgnored = ignoredInputs(scenario, ignored);
  const capabilityOf = capabilityRows(scenario);
  const plan = planOf(scenario);
  const strategies: StrategyResult[] = plan.ids.map((id, i) => {
    const { metrics, breakdown, flags } = evaluate(
      m,
      id,
      scratch,
      ignoredFor(scenario, id, inputsIgnored),
      options.breakdown !== false,
    );
    const result: StrategyResult = {
      strategy: id,
      params: plan.params[i]!,
      metrics,
      distributions: NO_DISTRIBUTIONS,
      capability: capabilityOf(id),
      flags,
    };
    if (breakdown !== undefined) result.breakdown = breakdown;
    return result;
  });
  return { modelVersion: MODEL_VERSION, method: 'analytic', seeds: [], costTable, strategies };
}
