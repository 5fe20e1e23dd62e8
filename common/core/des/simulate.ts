// One seed of the discrete-event simulation of one strategy. vCPU threads and the VMM thread
// are single servers fed by Poisson arrivals of every touchpoint; the direct-map lock is a FIFO
// server; a shootdown interrupts every other CPU; IRQ/NMI arrivals test whether guest memory is
// mapped on their CPU. It measures what the formulas cannot: queueing, tails, windows.
import type { CostComponent, StrategyId } from '../api.ts';
import { COST_COMPONENTS } from '../api.ts';
import {
  formulaTermsForSimulation,
  baselineCycles,
  BREAKDOWN_NONE,
  COMPONENT_INDEX,
  effectiveTouchpoints,
  exitsAsi,
  flushWork,
  s2FlushOf,
  flushesUserPcid,
  hasHostDirectMapLock,
  lowestBit,
  FULL_FLUSH_CEILING,
  pfnCacheRestoredShare,
  refillAfterFlush,
  receiverServiceCycles,
  S3_REMOTE_BATCH,
  s4Crossings,
  syscallRefill as syscallRefillCycles,
  zapFlushes,
  zapPages as zapPagesOf,
} from '../analytic.ts';
import { costTableOf, cr3SwitchCosts, resolveCostEntries, type CostTable } from '../costs.ts';
import type { Scenario } from '../scenario.ts';
import { removesFromDirectMap } from '../strategies.ts';
import { TOUCHPOINT_IDS } from '../touchpoints.ts';
import { AliasTable } from './alias.ts';
import { EventHeap } from './heap.ts';
import { Prng } from './prng.ts';
import { summarise, type LatencySummary } from './summary.ts';

export { BUCKET_UPPER_US } from './summary.ts';

const NC = COST_COMPONENTS.length;
const NT = TOUCHPOINT_IDS.length;

export interface SeedStats {
  events: number;
  /** Per vCPU per second: its own accesses and the shootdowns it receives. */
  perVcpuExtraCycles: number;
  /** VMM thread, per second. */
  vmmExtraCycles: number;
  /** Per second, on CPUs that run no vCPU of any VM. */
  bystanderCycles: number;
  /** Shootdown IPIs per second landing on a CPU that runs no vCPU of this VM (0 with broadcast invalidation). */
  bystanderIpisPerSec: number;
  lockBusyFraction: number;
  receiverBusyFraction: number;
  /**
   * The VMM thread's work booked, as a share of the run: the jobs it started (their whole
   * length), and those still waiting at the end at the mean length of its jobs. 1 or more: it
   * cannot keep up (a backlog grows), as the lock's and the receivers' booked work says.
   */
  vmmBookedFraction: number;
  /** The VMM thread's requests still waiting when the run ended. */
  vmmBacklog: number;
  /** Exits still waiting per vCPU when the run ended (mean over the vCPUs). */
  vcpuBacklog: number;
  mappedPageSeconds: number; // integral of pages mapped on demand
  anyHeldSeconds: number; // S4: time with at least one CPU holding KVM's CR3
  heldCpuSeconds: number; // S4: CPU x time holding KVM's CR3
  longestWindowSec: number;
  irqWithGuestMapped: number; // per second
  peakPagesMapped: number;
  /** Host cycles per second by breakdown key index (touchpoint x component, as the formulas book them). */
  breakdown: Float64Array;
  /** Per touchpoint: sorted latencies (us) are summarised here. */
  latency: Record<string, LatencySummary>;
}

export interface SimulationHooks {
  /** Called every `progressEvery` events with the fraction of simulated time done; return true to stop. */
  onProgress?: (fraction: number) => boolean | void;
  progressEvery?: number;
}

export class SimulationCancelled extends Error {
  override name = 'SimulationCancelled';
}

// Queued event kinds, packed with a thread or vCPU index into the heap's int payload. Arrivals
// and interrupts are not queued: they come from one merged stream (see `simulateSeed`).
const DONE = 0; // thread
const FLUSH_TIMER = 1; // thread
const CROSS = 2; // vCPU (S4 state change)
const RESTORE = 3; // thread: its S2 job asks for the lock to restore its pages
const REMOVE = 4; // thread: its S2 job asks for the lock to remove them again
const TICK = 5; // a fixed-interval arrival stream (one per thread and touchpoint)
const ARRIVE = 6; // an arrival moved into its time-shared vCPU's next turn on the CPU (thread * NT + touchpoint)
const ZAP = 7; // thread: its S2 population job asks for the lock to zap the folio
const pack = (kind: number, index: number): number => kind | (index << 3);
/** Adds `cycles` of `component` to the running job's parts (Thread.parts, partBits). */
const addPart = (th: Pick<Thread, 'parts' | 'partBits'>, component: CostComponent, cycles: number): void => {
  const k = COMPONENT_INDEX[component];
  th.parts[k] = th.parts[k]! + cycles;
  th.partBits |= 1 << k;
};
/**
 * The scheduler's slice when vCPUs time-share CPUs: EEVDF's base slice, 0.75 ms scaled by
 * 1 + log2(CPUs) with the CPU count capped at 8 (kernel/sched/fair.c, sysctl_sched_base_slice
 * and get_update_sysctl_factor(); renamed from sched_min_granularity in "sched/debug: Rename
 * sysctl_sched_min_granularity to sysctl_sched_base_slice",
 * https://lore.kernel.org/r/20230531124604.205287511@infradead.org). 3 ms on 8 or more CPUs.
 */
export function schedSliceSec(cpus: number): number {
  return 0.75e-3 * (1 + Math.floor(Math.log2(Math.max(1, Math.min(cpus, 8)))));
}

/** Merged-stream outcome markers that are not a thread. */
const IRQ = -1;
const OTHER_VM_FLUSH = -2;
const OTHER_VM_LOCK = -3;

/** Jobs waiting at a thread: a growable ring of (arrival time, touchpoint), no object per job. */
class JobQueue {
  private arrivals = new Float64Array(64);
  private tps = new Uint8Array(64);
  private head = 0;
  length = 0;

  push(arrival: number, tp: number): void {
    if (this.length === this.arrivals.length) this.grow();
    const i = (this.head + this.length) & (this.arrivals.length - 1);
    this.arrivals[i] = arrival;
    this.tps[i] = tp;
    this.length++;
  }

  /** Removes the oldest job; returns its touchpoint, and its arrival via `lastArrival`. */
  shift(): number {
    const i = this.head;
    this.lastArrival = this.arrivals[i]!;
    this.head = (i + 1) & (this.arrivals.length - 1);
    this.length--;
    return this.tps[i]!;
  }

  lastArrival = 0;

  private grow(): void {
    const size = this.arrivals.length;
    const arrivals = new Float64Array(size * 2);
    const tps = new Uint8Array(size * 2);
    for (let k = 0; k < this.length; k++) {
      arrivals[k] = this.arrivals[(this.head + k) & (size - 1)]!;
      tps[k] = this.tps[(this.head + k) & (size - 1)]!;
    }
    this.arrivals = arrivals;
    this.tps = tps;
    this.head = 0;
  }
}

/** Latencies of one touchpoint, in a growable typed array (summarised once at the end). */
class Samples {
  values = new Float64Array(1024);
  length = 0;

  push(v: number): void {
    if (this.length === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = v;
  }

  samples(): Float64Array {
    return this.values.subarray(0, this.length);
  }
}

interface Thread {
  cpu: number;
  isVcpu: boolean;
  queue: JobQueue;
  busy: boolean;
  /** S2: pages removed again but not yet flushed; when the first was restored; the sum of the others' restores after it. */
  batch: number;
  batchFirst: number;
  batchLater: number;
  timerArmed: boolean;
  /** S2: the job between its lock requests: its touchpoint, arrival, pages, and when its pages were restored (NaN before, and once removed). */
  jobTp: number;
  jobArrival: number;
  jobPages: number;
  /** The copy of the current job's bytes, in seconds (0 for an event that reaches nothing). */
  jobCopySec: number;
  jobRestoredAt: number;
  /** When the running job began, and whether its end has been booked (finish). */
  jobBegin: number;
  jobBooked: boolean;
  /** The running job's extra cycles by component (COST_COMPONENTS). */
  parts: Float64Array;
  /** A bit per component the running job has booked in parts: a job touches a few of them, or none (S0). */
  partBits: number;
  /** Pages populated since the last zap (huge-folio removal), and pages through the S3 window since its last remote flush. */
  populated: number;
  windowPages: number;
  /** S2: pages of the current restore or removal still to go through the lock, one at a time. */
  lockPagesLeft: number;
}

/** Simulated events one seed of a strategy would take, estimated before it starts (for the guard rail): within a few % unless a thread saturates, and then an upper bound, as a saturated thread finishes fewer jobs than arrive. */
export function estimateEvents(s: Scenario, strategy: StrategyId): number {
  // Per job: its arrival and its completion; a job that goes through S2's direct-map lock (all of
  // KVM's, and the VMM's when it reaches guest memory by syscall) also asks for it twice a page
  // and may arm a flush timer; an S2 population job asks for it once.
  const timer = s.strategies.S2.flushAfterUs > 0 ? 1 : 0;
  const { tps } = effectiveTouchpoints(s);
  let perSec = 0;
  for (const tp of tps) {
    const kvm = tp.context === 'kvm';
    const locked =
      strategy === 'S2' &&
      tp.id !== 'populate' &&
      tp.id !== 'pfnCache' &&
      (kvm || s.strategies.vmmAccess === 'syscall');
    const jobEvents = locked
      ? 2 + tp.touchShare * (2 * Math.ceil(tp.pagesPerEvent / Math.max(tp.touchShare, 1e-9)) + timer)
      : strategy === 'S2' && tp.id === 'populate'
        ? 3
        : 2;
    perSec += jobEvents * tp.ratePerSec * (kvm ? s.vm.vcpus : 1);
    // Other VMs' flushes arrive as events of their own.
    if (kvm && s.host.otherVmVcpus > 0 && strategy !== 'S0' && strategy !== 'S6')
      perSec += tp.ratePerSec * s.host.otherVmVcpus;
    // ...and under S2 their direct-map lock requests (an upper bound: zaps counted a page each).
    if (kvm && strategy === 'S2' && tp.id !== 'pfnCache' && tp.pagesPerEvent > 0)
      perSec += (tp.id === 'populate' ? 1 : 2 * tp.pagesPerEvent) * tp.ratePerSec * s.host.otherVmVcpus;
  }
  perSec += s.host.cpus * (s.host.irqPerSecPerCpu + s.host.nmiPerSecPerCpu);
  if (strategy === 'S4') perSec += 2 * s.vm.vcpus * s4Crossings(s).perSec;
  return perSec * s.simulation.durationSec;
}

export function simulateSeed(s: Scenario, strategy: StrategyId, seed: number, hooks: SimulationHooks = {}): SeedStats {
  const c: CostTable = costTableOf(resolveCostEntries(s.host.costs, s.host.profile));
  const hz = s.host.ghz * 1e9;
  const N = s.host.cpus;
  const V = s.vm.vcpus;
  const O = s.host.otherVmVcpus;
  const g = s.vm.inKvmRunFraction;
  const ipi = s.host.tlbInvalidation === 'ipi';
  const kptiPcid = flushesUserPcid(s);
  const hostLock = hasHostDirectMapLock(s);
  const duration = s.simulation.durationSec;
  const viaSyscall = s.strategies.vmmAccess === 'syscall';
  const { batchPages: B, flushAfterUs, flush: s2Policy, flushRange: s2Range } = s.strategies.S2;
  const removes = removesFromDirectMap(strategy);
  const zapFlushCount = zapFlushes(s, strategy === 'S1' ? s.strategies.S1.flushOnZap : true);
  const zapPages = zapPagesOf(s);
  const s3Remote = s.strategies.S3.remoteFlush;
  const cr3 = cr3SwitchCosts(c, s.host.pcid);
  const running = s.vm.placement === 'shared' ? Math.min(1, N / (V + O)) : 1;
  const bystanders = Math.max(0, N - V - O);
  const { held } = s4Crossings(s);
  const pfnPagesRestored = pfnCacheRestoredShare(s) > 0;
  const fromFormulas = formulaTermsForSimulation(s, strategy);
  const { tps: effective } = effectiveTouchpoints(s);
  const tps = effective.map((tp) => {
    const kvm = tp.context === 'kvm';
    const syscallPath = !kvm && viaSyscall && strategy !== 'S0' && strategy !== 'S1' && strategy !== 'S6';
    let syscallCycles = 0;
    let syscallRefill = 0;
    if (syscallPath) {
      syscallCycles = c.syscall + tp.bytesPerEvent / c.copyBytesPerCycle + (s.host.kpti ? 2 * cr3.write : 0);
      syscallRefill = s.host.kpti ? syscallRefillCycles(c, cr3, tp.bytesPerEvent) : 0;
    }
    return {
      ...tp,
      kvm,
      // Per-event constants, worked out once rather than at every event.
      copySec: tp.bytesPerEvent / c.copyBytesPerCycle / hz,
      baselineSec: (baselineCycles(c, tp) - tp.bytesPerEvent / c.copyBytesPerCycle) / hz,
      syscallPath,
      // The VMM using its own mapping: no strategy work.
      direct: !kvm && !syscallPath,
      syscallCycles,
      syscallRefill,
      // S2 restores only what it serves on demand (pfn-cache pages stay restored; population is a zap).
      onDemand: tp.id !== 'pfnCache' && tp.id !== 'populate',
      exitsAsi: exitsAsi(tp),
    };
  });
  const POPULATE = TOUCHPOINT_IDS.indexOf('populate');

  // Threads: one per vCPU (on CPU i when pinned, spread over all CPUs when shared), and the VMM.
  const thread = (cpu: number, isVcpu: boolean): Thread => ({
    cpu,
    isVcpu,
    queue: new JobQueue(),
    busy: false,
    batch: 0,
    batchFirst: 0,
    batchLater: 0,
    timerArmed: false,
    jobTp: 0,
    jobArrival: 0,
    jobPages: 0,
    jobCopySec: 0,
    jobRestoredAt: Number.NaN,
    jobBegin: 0,
    jobBooked: false,
    parts: new Float64Array(NC),
    partBits: 0,
    populated: 0,
    windowPages: 0,
    lockPagesLeft: 0,
  });
  // vCPU i runs on CPU i mod N. Pinned, it owns that CPU (V > N pinned is flagged infeasible by
  // the formulas). Shared with more vCPUs than CPUs (this VM's and the other VMs'), the vCPUs on
  // a CPU take turns of one scheduler slice, round robin: this VM's j-th vCPU on the CPU has
  // turn j, the other VMs' vCPUs (not simulated one by one) the turns after. A vCPU runs its
  // guest, and so exits, only in its turns; a job that runs past the end of its turn is
  // preempted on the way back into the guest and resumes at the vCPU's next turn.
  const threads: Thread[] = [];
  for (let i = 0; i < V; i++) threads.push(thread(i % N, true));
  threads.push(thread(V % N, false));
  const timeShared = s.vm.placement === 'shared' && V + O > N;
  const slice = schedSliceSec(N);
  /** How many vCPUs (this VM's and others') take turns on each CPU. */
  const turns = new Int32Array(N);
  for (let cpu = 0; cpu < N; cpu++) {
    const mine = Math.floor(V / N) + (cpu < V % N ? 1 : 0);
    const all = Math.floor((V + O) / N) + (cpu < (V + O) % N ? 1 : 0);
    turns[cpu] = timeShared ? Math.max(1, mine, all) : 1;
  }
  // Each CPU's round starts at its own offset (drawn from the seed, the same for every strategy).
  const turnPhase = new Float64Array(N);
  const phaseOfTurns = new Prng(seed, 5_000_000);
  for (let cpu = 0; cpu < N; cpu++) turnPhase[cpu] = phaseOfTurns.nextUnit() * turns[cpu]! * slice;
  /** Where `at` falls in vCPU `v`'s round: the start of that round and the vCPU's turn in it. */
  const roundOf = (v: number, at: number): { round: number; turnStart: number; turnEnd: number } => {
    const cpu = v % N;
    const length = turns[cpu]! * slice;
    const round = turnPhase[cpu]! + Math.floor((at - turnPhase[cpu]!) / length) * length;
    const turnStart = round + Math.floor(v / N) * slice;
    return { round, turnStart, turnEnd: turnStart + slice };
  };
  /** The time-shared vCPU's next moment on its CPU at or after `at`. */
  const nextOnCpu = (v: number, at: number): number => {
    const { turnStart, turnEnd } = roundOf(v, at);
    if (at < turnStart) return turnStart;
    if (at < turnEnd) return at;
    return turnStart + turns[v % N]! * slice;
  };
  /** This VM's vCPU on `cpu` at `at`, or -1 (another VM's vCPU, or none). */
  const vcpuOn = (cpu: number, at: number): number => {
    if (!timeShared || turns[cpu] === 1) return cpu < V ? cpu : -1;
    const length = turns[cpu]! * slice;
    const turn = Math.floor(((((at - turnPhase[cpu]!) % length) + length) % length) / slice);
    const v = cpu + turn * N;
    return v < V ? v : -1;
  };
  // Seconds of interrupt work each CPU owes its next job: its own share in `debt`, plus what was
  // broadcast to every CPU since it last paid (`acc.broadcast - paidUpTo`). A shootdown is O(1), not
  // a loop over the host's CPUs.
  const debt = new Float64Array(N);
  const paidUpTo = new Float64Array(N);
  // Running totals in seconds or cycles. They live on one object rather than in local variables
  // because the closures below update them: V8 boxes a double held in a closure's variable anew at
  // every write, which made the garbage collector a tenth of a run.
  const acc = {
    broadcast: 0,
    lockFreeAt: 0,
    lockBusy: 0,
    receiversFreeAt: 0,
    receiverBusy: 0,
    vcpuExtra: 0,
    vmmExtra: 0,
    vmmService: 0,
    vmmJobs: 0,
    bystander: 0,
    ipisToBystanders: 0,
    mappedPageSeconds: 0,
    longest: 0,
  };
  // Host cycles by breakdown key, as booked: this VM's vCPUs (scaled to the other VMs' at the end), the VMM, bystanders.
  const vcpuLedger = new Float64Array((NT + 1) * NC);
  const hostLedger = new Float64Array((NT + 1) * NC);
  const book = (ledger: Float64Array, tp: number, comp: CostComponent, cycles: number): void => {
    const k = tp * NC + COMPONENT_INDEX[comp];
    ledger[k] = ledger[k]! + cycles;
  };
  const settle = (cpu: number): number => {
    const owed = debt[cpu]! + (acc.broadcast - paidUpTo[cpu]!);
    debt[cpu] = 0;
    paidUpTo[cpu] = acc.broadcast;
    return owed;
  };
  const cpuThread = new Int32Array(N).fill(-1);
  for (const [ti, th] of threads.entries()) if (cpuThread[th.cpu] === -1) cpuThread[th.cpu] = ti;

  const heap = new EventHeap();
  // Every thread's arrivals and the host's IRQs/NMIs are independent Poisson streams, and merged
  // they are one Poisson stream of the summed rate whose events each belong to stream k with
  // probability rate_k / sum. So the simulator draws one merged stream and marks each event
  // with its thread and touchpoint, or as an interrupt (whose CPU is drawn uniformly), or as a
  // shootdown sent by another VM's vCPU (those are not simulated: their rate comes from the
  // formulas). The event heap holds only what the simulation itself schedules.
  // Common random numbers: the stream draws nothing that depends on the strategy, so the same
  // seed gives every strategy the same arrivals.
  // With fixed-interval arrivals, each thread and touchpoint ticks every 1 / rate from a random
  // phase instead, and only the interrupts are left to the merged stream.
  const fixed = s.simulation.arrivals === 'fixed';
  const phaseRng = new Prng(seed, 4_000_000);
  const outcomeThread: number[] = [];
  const outcomeTouchpoint: number[] = [];
  const outcomeRate: number[] = [];
  const tickThread: number[] = [];
  const tickTouchpoint: number[] = [];
  const tickGap: number[] = [];
  for (const [ti, th] of threads.entries()) {
    for (const [k, tp] of tps.entries()) {
      if (tp.kvm !== th.isVcpu || tp.ratePerSec <= 0) continue;
      if (fixed) {
        heap.push(phaseRng.nextUnit() / tp.ratePerSec, pack(TICK, tickGap.length));
        tickThread.push(ti);
        tickTouchpoint.push(k);
        tickGap.push(1 / tp.ratePerSec);
        continue;
      }
      outcomeThread.push(ti);
      outcomeTouchpoint.push(k);
      outcomeRate.push(tp.ratePerSec);
    }
  }
  const irqRate = N * (s.host.irqPerSecPerCpu + s.host.nmiPerSecPerCpu);
  if (irqRate > 0) {
    outcomeThread.push(IRQ);
    outcomeTouchpoint.push(-1);
    outcomeRate.push(irqRate);
  }
  // The other VMs' vCPUs flush as this VM's do (the formulas' per-vCPU streams): one outcome a
  // kind of flush, a burst of them (S2's eachPage) one arrival.
  const otherVmFlushes = O > 0 ? (fromFormulas.receivers?.vcpuFlushes ?? []) : [];
  for (const [i, f] of otherVmFlushes.entries()) {
    if (!(f.perVcpu > 0)) continue;
    outcomeThread.push(OTHER_VM_FLUSH);
    outcomeTouchpoint.push(i);
    outcomeRate.push((O * f.perVcpu) / f.burst);
  }
  // S2: the other VMs' vCPUs take the host-wide direct-map lock too (not simulated one by one: a
  // Poisson stream of single-page holds, two a page restored and removed, one a zapped folio).
  let otherVmLockRate = 0;
  if (strategy === 'S2' && O > 0 && hostLock)
    for (const [k, tp] of tps.entries()) {
      if (!tp.kvm || tp.ratePerSec <= 0 || tp.pagesPerEvent <= 0) continue;
      if (k === POPULATE) otherVmLockRate += (O * tp.ratePerSec) / zapPages;
      else if (tp.onDemand) otherVmLockRate += 2 * O * tp.ratePerSec * tp.pagesPerEvent;
    }
  if (otherVmLockRate > 0) {
    outcomeThread.push(OTHER_VM_LOCK);
    outcomeTouchpoint.push(-1);
    outcomeRate.push(otherVmLockRate);
  }
  const streamRate = outcomeRate.reduce((a, b) => a + b, 0);
  const outcomes = streamRate > 0 ? new AliasTable(outcomeRate) : undefined;
  const streamRng = new Prng(seed, 1);
  const streamGap = 1 / streamRate;
  let nextArrival = outcomes ? streamRng.nextExponential(streamGap) : Infinity;
  const crossRng = Array.from({ length: V }, (_, v) => new Prng(seed, 2_000_000 + v));
  const pageRng = threads.map((_, ti) => new Prng(seed, 3_000_000 + ti));
  /** Whole pages for one event: a mean of 1.2 is 1 page, or 2 one time in five. */
  const pagesOf = (ti: number, mean: number): number => pageRng[ti]!.nextWhole(mean);

  // S4: each vCPU alternates between holding KVM's CR3 (mean h / c) and not (mean (1 - h) / c).
  const crossings = s4Crossings(s).perSec;
  const holding = new Uint8Array(V);
  let holdersNow = 0;
  const holdStartedAt = new Float64Array(V);
  let s4SwitchCycles = 0;
  // A vCPU that always holds it (h = 1) still switches out and back at each crossing.
  const alwaysHeld = held >= 1;
  const inMean = alwaysHeld ? 1 / crossings : held / crossings;
  const outMean = (1 - held) / crossings;
  if (strategy === 'S4') {
    for (let v = 0; v < V; v++) {
      holding[v] = 1;
      holdersNow++;
      if (crossings > 0) heap.push(crossRng[v]!.nextExponential(inMean), pack(CROSS, v));
    }
  }

  let events = 0;
  let now: number;
  let mappedNow = 0;
  let anyHeldSeconds = 0;
  let heldCpuSeconds = 0;
  let heldSince = 0;
  let irqMapped = 0;
  let peak = 0;
  // When guest memory is mapped because of each thread's current work (S2: its batch, from the
  // first restore to the flush's end; S3: its window), for IRQ arrivals to test against.
  const mappedFrom = new Float64Array(V + 1).fill(Infinity);
  const mappedUntil = new Float64Array(V + 1);
  const latencies = tps.map(() => new Samples());

  let busyThreads = 0;

  /** The CPUs a flush reaches, charged for it: this VM's vCPUs, and CPUs that run no vCPU. */
  const receive = (tp: number, pages: number, vcpuReceivers: number): void => {
    const refill = refillAfterFlush(c, pages);
    if (ipi) {
      const work = c.ipiReceiveWork + flushWork(c, pages, kptiPcid);
      book(vcpuLedger, tp, 'receivers', vcpuReceivers * work);
      book(vcpuLedger, tp, 'inducedExits', vcpuReceivers * g * c.vmExitRoundTrip);
      acc.vcpuExtra += vcpuReceivers * (work + g * c.vmExitRoundTrip);
      book(hostLedger, tp, 'receivers', bystanders * work);
      acc.bystander += bystanders * work;
      if (N > V) acc.ipisToBystanders++; // a CPU that runs no vCPU of this VM takes it
      acc.broadcast += (work + refill) / hz;
    }
    // A host full flush leaves a guest's VPID/ASID-tagged entries: a vCPU refills only for its
    // host-mode share (as the formulas charge it; until 2.5.0 the simulator charged all of it).
    book(vcpuLedger, tp, 'tlbRefill', vcpuReceivers * (1 - g) * refill);
    acc.vcpuExtra += vcpuReceivers * (1 - g) * refill;
    book(hostLedger, tp, 'tlbRefill', bystanders * refill);
    acc.bystander += bystanders * refill;
  };

  /**
   * The receivers (one queue: each CPU serves flushes one at a time) take `flushes` flushes of
   * `pages` that reach them at `at`, one after another; returns when they have served them.
   */
  const receiversServe = (at: number, pages: number, flushes: number): number => {
    const service = (flushes * receiverServiceCycles(c, pages, kptiPcid, g)) / hz;
    acc.receiversFreeAt = Math.max(at, acc.receiversFreeAt) + service;
    acc.receiverBusy += service;
    return acc.receiversFreeAt;
  };

  /**
   * `flushes` shootdowns of `pages` each, sent back to back by thread `th` from `at` on behalf of
   * touchpoint `tp` (one, but for S2's eachPage): returns when the last completes. With IPIs they
   * complete when the initiator's fixed parts are done and every receiver has served them:
   * receivers serve flushes one at a time, so a burst of flushes makes later ones wait (the
   * storm). A burst is served as one job, its flushes one after another (as the formulas' queue
   * takes it): in fact the receivers are free in the gaps while the initiator sends the next one,
   * so others' waits behind a burst are an upper bound. Broadcast invalidation interrupts nobody.
   */
  const shootdown = (th: Thread, at: number, pages: number, tp: number, flushes = 1): number => {
    const vcpuReceivers = (V - (th.isVcpu ? 1 : 0)) * running;
    for (let i = 0; i < flushes; i++) receive(tp, pages, vcpuReceivers);
    if (!ipi)
      return at + (flushes * (c.tlbsyncWait + (pages <= FULL_FLUSH_CEILING ? pages : 1) * c.invlpgbPerPage)) / hz;
    const own = c.ipiReceiveWork + flushWork(c, pages, kptiPcid) + refillAfterFlush(c, pages);
    debt[th.cpu] = debt[th.cpu]! - (flushes * own) / hz; // no IPI to itself
    const exitWait = V + O - (th.isVcpu ? 1 : 0) > 0 ? (g * c.vmExitRoundTrip) / 2 : 0;
    const fixedEnd =
      at +
      (flushes * (c.shootdownBase + c.shootdownPerTarget * (N - 1) + flushWork(c, pages, kptiPcid) + exitWait)) / hz;
    return Math.max(fixedEnd, receiversServe(at, pages, flushes));
  };

  /**
   * A folio's zap from the direct map, done at `zappedAt` on thread `th` for touchpoint `tp`: books
   * its PTE update and the flush that follows (unless S1 opts out); returns when both are done.
   */
  const afterZap = (th: Thread, zappedAt: number, tp: number): number => {
    addPart(th, 'pteUpdate', c.pteUpdate);
    if (zapFlushCount === 0) return zappedAt;
    const flushed = shootdown(th, zappedAt, zapPages, tp, zapFlushCount);
    addPart(th, 'initiatorFlush', (flushed - zappedAt) * hz);
    return flushed;
  };

  /** S2: ends a thread's batch at `at` (flush policy applied) and books how long its pages stayed mapped. */
  const flushBatch = (th: Thread, at: number, tp: number): number => {
    const pages = th.batch;
    let end = at;
    if (s2Policy === 'immediate') {
      // s2FlushOf: one shootdown a page, one over the covering range, or one list.
      const { flushes, pages: each } = s2FlushOf(s2Range, pages);
      end = shootdown(th, at, each, tp, flushes);
    } else if (s2Policy === 'deferred') end = at + flushWork(c, pages, kptiPcid) / hz;
    // Each page was reachable from its restore until the flush completes; the first the longest.
    acc.longest = Math.max(acc.longest, end - th.batchFirst);
    acc.mappedPageSeconds += pages * (end - th.batchFirst) - th.batchLater;
    th.batch = 0;
    mappedNow -= pages;
    return end;
  };

  /**
   * S6: the exit from ASI's restricted address space and the mitigation on the way back, booked
   * on `th`, for an event of `p` pages of a touchpoint that leaves it (exitsAsi: kernel-mapping
   * paths and population). Returns the cycles, 0 for the others.
   */
  const asiExitCycles = (th: Thread, tp: (typeof tps)[number], p: number): number => {
    if (p === 0 || !tp.exitsAsi) return 0;
    const cycles = c.asiExit + c.asiTaintMitigation;
    addPart(th, 'asiTransition', cycles);
    return cycles;
  };

  /** Starts a job of touchpoint `jobTp` that arrived at `arrival` on thread `ti` at `at`. */
  const start = (ti: number, at: number, jobTp: number, arrival: number): void => {
    const th = threads[ti]!;
    const tp = tps[jobTp]!;
    // A new job's parts start at zero: only those the last one booked need it.
    for (let bits = th.partBits; bits !== 0; bits &= bits - 1) th.parts[lowestBit(bits)] = 0;
    th.partBits = 0;
    th.busy = true;
    busyThreads++;
    const begin = at + settle(th.cpu);
    th.jobBegin = begin;
    th.jobBooked = false;
    // A vCPU's exit is synchronous: its latency starts when the exit is handled, not when an
    // earlier exit was still being handled. The VMM's requests do queue.
    const from = th.isVcpu ? begin : arrival;
    // Each event's class first (an MMIO exit on the fast path reaches nothing, a decoded one its
    // pages), then its pages: the whole numbers either side of the class's mean.
    const touched = tp.touchShare >= 1 || pageRng[ti]!.nextUnit() < tp.touchShare;
    const p = !touched || tp.pagesPerEvent === 0 ? 0 : pagesOf(ti, tp.pagesPerEvent / tp.touchShare);
    const copy = touched ? tp.copySec / tp.touchShare : 0;
    th.jobCopySec = copy;
    if (tp.syscallPath) {
      addPart(th, 'syscallCopy', tp.syscallCycles);
      addPart(th, 'tlbRefill', tp.syscallRefill);
    }
    let t = begin + tp.baselineSec + (tp.syscallCycles + tp.syscallRefill) / hz;
    if (jobTp === POPULATE) {
      // First touch: the folio is zapped from the direct map and (mostly) flushed everywhere.
      if (removes && ++th.populated >= zapPages) {
        th.populated = 0;
        if (strategy === 'S2') {
          // S2 models the direct-map lock (cpa_lock, host-wide): the zap asks for it when it
          // gets there, as an event, so the lock serves requests in the order they are made.
          th.jobTp = jobTp;
          th.jobArrival = from;
          heap.push(t, pack(ZAP, ti));
          return;
        }
        t = afterZap(th, t + c.pteUpdate / hz, jobTp);
      }
      // Under S6 zeroing a page that becomes sensitive exits ASI (until 2.5.0 only the formulas said so).
      t += copy + (strategy === 'S6' ? asiExitCycles(th, tp, p) / hz : 0);
    } else if (tp.direct || strategy === 'S0' || strategy === 'S1') {
      t += copy;
    } else if (strategy === 'S5') {
      // A STAC/CLAC pair a page on kernel-mapping and syscall paths; uaccess paths pay it today.
      const pair = tp.kvmPath === 'kernelMap' || tp.syscallPath ? p * (c.stac + c.clac) : 0;
      if (pair > 0) addPart(th, 'uaccess', pair);
      t += copy + pair / hz;
    } else if (strategy === 'S6') {
      t += copy + asiExitCycles(th, tp, p) / hz;
    } else if (strategy === 'S3') {
      const work = p * (2 * c.pteWriteLocal + flushWork(c, 1, kptiPcid));
      addPart(th, 'windowMap', work);
      if (p > 0) {
        // Pages go through the slot one after another, each for its share of the window.
        mappedFrom[ti] = t;
        mappedUntil[ti] = t + work / hz + copy;
        acc.mappedPageSeconds += work / hz + copy;
        acc.longest = Math.max(acc.longest, (work / hz + copy) / p);
        peak = Math.max(peak, busyThreads);
      }
      t += work / hz + copy;
      if (p > 0 && s3Remote !== 'none') {
        let remote = 0;
        if (s3Remote === 'broadcast') remote = p;
        else if ((th.windowPages += p) >= S3_REMOTE_BATCH) {
          th.windowPages -= S3_REMOTE_BATCH;
          remote = S3_REMOTE_BATCH;
        }
        if (remote > 0) {
          const end = shootdown(th, t, remote, jobTp);
          addPart(th, 'initiatorFlush', (end - t) * hz);
          t = end;
        }
      }
    } else if (strategy === 'S4') {
      // pfn-cache updates outside KVM_RUN switch in and out (their expected share); the VMM's syscalls too.
      const switches = tp.syscallPath ? 2 : tp.id === 'pfnCache' ? 2 * (1 - held) : 0;
      addPart(th, 'cr3Switch', switches * cr3.write);
      addPart(th, 'tlbRefill', switches * cr3.refill);
      t += copy + (switches * (cr3.write + cr3.refill)) / hz;
    } else if (!tp.onDemand || p === 0) {
      t += copy;
    } else {
      // S2: restore under the lock, access, remove under the lock, then flush (or batch). Each
      // lock request is an event at the time it is made, so the lock serves requests in the
      // order they are made, not the order their jobs started.
      th.jobTp = jobTp;
      th.jobArrival = from;
      th.jobPages = p;
      th.lockPagesLeft = p;
      heap.push(t, pack(RESTORE, ti));
      return;
    }
    finish(ti, jobTp, from, t);
  };

  /** Books a job that ends at `end` (its strategy work in the thread's parts) and queues its completion. */
  const finish = (ti: number, jobTp: number, from: number, end: number): void => {
    const th = threads[ti]!;
    const ledger = th.isVcpu ? vcpuLedger : hostLedger;
    let extra = 0;
    for (let bits = th.partBits; bits !== 0; bits &= bits - 1) {
      const k = lowestBit(bits);
      const v = th.parts[k]!;
      if (v === 0) continue;
      extra += v;
      ledger[jobTp * NC + k] = ledger[jobTp * NC + k]! + v;
    }
    if (th.isVcpu) acc.vcpuExtra += extra;
    else {
      acc.vmmExtra += extra;
      acc.vmmService += end - th.jobBegin;
      acc.vmmJobs++;
    }
    th.jobBooked = true;
    const resumed = th.isVcpu ? backInGuest(ti, from, end) : end;
    latencies[jobTp]!.push((resumed - from) * 1e6);
    heap.push(resumed, pack(DONE, ti));
  };

  /** S2: the direct-map lock, FIFO, asked for at `at` for `hold` seconds; returns when the hold ends. */
  const holdLock = (at: number, hold: number, waiter?: Thread): number => {
    if (!hostLock) return at + hold;
    const grantedAt = Math.max(at, acc.lockFreeAt);
    acc.lockFreeAt = grantedAt + hold;
    acc.lockBusy += hold;
    if (waiter !== undefined && grantedAt > at) addPart(waiter, 'lockWait', (grantedAt - at) * hz);
    return grantedAt + hold;
  };

  /** A job of touchpoint `jobTp` arrives at thread `ti` at `at`: it starts, or waits its turn. */
  const arrive = (ti: number, jobTp: number, at: number): void => {
    if (threads[ti]!.busy) threads[ti]!.queue.push(at, jobTp);
    else start(ti, at, jobTp, at);
  };

  /**
   * An arrival drawn at `at` for thread `ti`. A time-shared vCPU exits only while its guest runs:
   * an arrival drawn while another vCPU has the CPU moves into the vCPU's next turn, at the same
   * fraction of the turn as it fell in the time off the CPU. The arrivals keep their number, in
   * order, and are spread evenly over the turns (the guest's exit rate per second of its own
   * running time is the wall-clock rate times the number of turns).
   */
  const arriveDrawn = (ti: number, jobTp: number, at: number): void => {
    if (!timeShared || ti >= V || turns[ti % N] === 1) return arrive(ti, jobTp, at);
    const { round, turnStart, turnEnd } = roundOf(ti, at);
    if (at >= turnStart && at < turnEnd) return arrive(ti, jobTp, at);
    const length = turns[ti % N]! * slice;
    // Time off the CPU before this round's turn, or after it (then the next round's turn).
    const offAfter = at >= turnEnd;
    const offStart = offAfter ? turnEnd : round;
    const next = offAfter ? turnStart + length : turnStart;
    const fraction = (at - offStart) / (length - slice);
    heap.push(next + fraction * slice, pack(ARRIVE, ti * NT + jobTp));
  };

  /** A vCPU's job that ends at `end`: past the end of its turn, it resumes at its next turn. */
  const backInGuest = (ti: number, begin: number, end: number): number => {
    if (!timeShared || ti >= V || turns[ti % N] === 1) return end;
    const { turnEnd } = roundOf(ti, begin);
    return end <= turnEnd ? end : nextOnCpu(ti, end);
  };

  /** Whether guest memory is mapped on `cpu` at `at`, for an interrupt arriving there. */
  const guestMappedOn = (cpu: number, at: number): boolean => {
    switch (strategy) {
      case 'S0':
      case 'S5':
        return true;
      case 'S1':
        return vcpuOn(cpu, at) >= 0;
      case 'S2':
        // Restored pages are in the direct map on every CPU (the pfn caches' all the time).
        if (pfnPagesRestored) return true;
        for (let ti = 0; ti <= V; ti++) if (mappedFrom[ti]! <= at && at < mappedUntil[ti]!) return true;
        return false;
      case 'S3':
        // The slot is in the shared kernel page tables: mapped for every CPU while any thread uses it.
        for (let ti = 0; ti <= V; ti++) if (mappedFrom[ti]! <= at && at < mappedUntil[ti]!) return true;
        return false;
      case 'S4': {
        const v = vcpuOn(cpu, at);
        return v >= 0 && holding[v] === 1;
      }
      case 'S6':
        return false; // taken from the formulas (run.ts)
    }
  };

  const progressEvery = hooks.progressEvery ?? 262_144;
  for (;;) {
    // The next event: the merged stream's next arrival, or the heap's earliest if sooner.
    const queued = heap.size > 0 && heap.peekTime() < nextArrival;
    const at = queued ? heap.peekTime() : nextArrival;
    if (at > duration) break;
    now = at;
    events++;
    if (events % progressEvery === 0 && hooks.onProgress?.(now / duration) === true)
      throw new SimulationCancelled('simulation cancelled');
    if (!queued) {
      const o = outcomes!.draw(streamRng);
      const ti = outcomeThread[o]!;
      if (ti >= 0) {
        arriveDrawn(ti, outcomeTouchpoint[o]!, now);
      } else if (ti === IRQ) {
        const cpu = streamRng.nextBelow(N);
        if (guestMappedOn(cpu, now)) irqMapped++;
      } else if (ti === OTHER_VM_LOCK) {
        // Another VM's vCPU restores, removes or zaps a page.
        holdLock(now, c.pteUpdate / hz);
      } else {
        // Another VM's vCPU flushed: every vCPU of this VM and every bystander receives it.
        const kind = otherVmFlushes[outcomeTouchpoint[o]!]!;
        const burst = Math.max(1, streamRng.nextWhole(kind.burst));
        const pages = Math.max(1, streamRng.nextWhole(kind.pages));
        for (let i = 0; i < burst; i++) {
          receive(BREAKDOWN_NONE, pages, V * running);
          if (ipi) receiversServe(now, pages, 1);
        }
      }
      nextArrival = now + streamRng.nextExponential(streamGap);
      continue;
    }
    const payload = heap.pop();
    const kind = payload & 7;
    const index = payload >>> 3;
    if (kind === TICK) {
      arriveDrawn(tickThread[index]!, tickTouchpoint[index]!, now);
      heap.push(now + tickGap[index]!, payload);
    } else if (kind === ARRIVE) {
      arrive(Math.floor(index / NT), index % NT, now);
    } else if (kind === RESTORE) {
      // One page through the lock (cpa_lock is taken a page at a time); the next asks when it is done.
      const th = threads[index]!;
      const p = th.jobPages;
      const t = holdLock(now, c.pteUpdate / hz, th);
      if (--th.lockPagesLeft > 0) {
        heap.push(t, payload);
        continue;
      }
      th.jobRestoredAt = t;
      // Guest memory is mapped from this thread's earliest restored page until its flush ends.
      if (th.batch === 0) {
        mappedFrom[index] = t;
        mappedUntil[index] = Infinity;
      }
      mappedNow += p;
      if (mappedNow > peak) peak = mappedNow;
      th.lockPagesLeft = p;
      heap.push(t + th.jobCopySec, pack(REMOVE, index));
    } else if (kind === REMOVE) {
      const th = threads[index]!;
      const p = th.jobPages;
      const removed = holdLock(now, c.pteUpdate / hz, th);
      if (--th.lockPagesLeft > 0) {
        heap.push(removed, payload);
        continue;
      }
      let t = removed;
      // Removed, the pages wait in the batch for a flush.
      if (th.batch === 0) {
        th.batchFirst = th.jobRestoredAt;
        th.batchLater = 0;
      }
      th.batchLater += p * (th.jobRestoredAt - th.batchFirst);
      th.batch += p;
      th.jobRestoredAt = Number.NaN;
      if (th.batch >= B) {
        t = flushBatch(th, t, th.jobTp);
        mappedUntil[index] = t;
      } else if (flushAfterUs > 0 && !th.timerArmed && th.batch > 0) {
        th.timerArmed = true;
        heap.push(th.batchFirst + flushAfterUs * 1e-6, pack(FLUSH_TIMER, index));
      }
      const pte = 2 * p * c.pteUpdate;
      const flushCycles = (t - removed) * hz;
      addPart(th, 'pteUpdate', pte);
      addPart(th, 'initiatorFlush', flushCycles);
      finish(index, th.jobTp, th.jobArrival, t);
    } else if (kind === ZAP) {
      // S2 population: the zap under the lock, then (as every strategy that zaps) the flush.
      const th = threads[index]!;
      const end = afterZap(th, holdLock(now, c.pteUpdate / hz, th), th.jobTp);
      finish(index, th.jobTp, th.jobArrival, end + th.jobCopySec);
    } else if (kind === DONE) {
      const th = threads[index]!;
      th.busy = false;
      busyThreads--;
      if (th.queue.length > 0) {
        const tp = th.queue.shift();
        start(index, now, tp, th.queue.lastArrival);
      }
    } else if (kind === FLUSH_TIMER) {
      const th = threads[index]!;
      th.timerArmed = false;
      if (th.batch > 0) {
        // The initiating CPU spends the flush; its next job waits for it.
        const end = flushBatch(th, now, BREAKDOWN_NONE);
        // A job whose pages are restored right now keeps guest memory mapped past the flush.
        if (Number.isNaN(th.jobRestoredAt)) mappedUntil[index] = end;
        debt[th.cpu] = debt[th.cpu]! + (end - now);
        const ledger = th.isVcpu ? vcpuLedger : hostLedger;
        book(ledger, BREAKDOWN_NONE, 'initiatorFlush', (end - now) * hz);
        if (th.isVcpu) acc.vcpuExtra += (end - now) * hz;
        else acc.vmmExtra += (end - now) * hz;
      }
    } else {
      // CROSS: vCPU `index` switches CR3: out of KVM's (one write) or back in (one write).
      const v = index;
      if (alwaysHeld) {
        s4SwitchCycles += 2 * (cr3.write + cr3.refill);
        heap.push(now + crossRng[v]!.nextExponential(inMean), payload);
      } else if (holding[v] === 1) {
        s4SwitchCycles += cr3.write + cr3.refill;
        holding[v] = 0;
        heldCpuSeconds += now - holdStartedAt[v]!;
        acc.longest = Math.max(acc.longest, now - holdStartedAt[v]!);
        if (--holdersNow === 0) anyHeldSeconds += now - heldSince;
        heap.push(now + crossRng[v]!.nextExponential(outMean), payload);
      } else {
        s4SwitchCycles += cr3.write + cr3.refill;
        holding[v] = 1;
        holdStartedAt[v] = now;
        if (holdersNow++ === 0) heldSince = now;
        heap.push(now + crossRng[v]!.nextExponential(inMean), payload);
      }
    }
  }
  // Close the books at the end of the run: pages still waiting for a flush, CR3 still held.
  for (const th of threads) {
    acc.mappedPageSeconds += th.batch * (duration - th.batchFirst) - th.batchLater;
    if (!Number.isNaN(th.jobRestoredAt) && th.jobRestoredAt < duration)
      acc.mappedPageSeconds += th.jobPages * (duration - th.jobRestoredAt);
  }
  if (strategy === 'S4' && holdersNow > 0) {
    anyHeldSeconds += duration - heldSince;
    for (let v = 0; v < V; v++)
      if (holding[v] === 1) {
        acc.longest = Math.max(acc.longest, duration - holdStartedAt[v]!);
        heldCpuSeconds += duration - holdStartedAt[v]!;
      }
  }
  if (s4SwitchCycles > 0) {
    const refillShare = cr3.refill / (cr3.write + cr3.refill);
    book(vcpuLedger, BREAKDOWN_NONE, 'cr3Switch', s4SwitchCycles * (1 - refillShare));
    book(vcpuLedger, BREAKDOWN_NONE, 'tlbRefill', s4SwitchCycles * refillShare);
  }

  // Host cycles per second by key: this VM's vCPUs stand for the other VMs' too (same workload).
  // The VMM thread's work booked: its jobs' lengths, a job begun but not yet booked and each one
  // waiting at the mean length (their pages and waits are drawn only when they start).
  const vmmBooked = (): number => {
    const vmm = threads[V]!;
    const mean = acc.vmmJobs === 0 ? 0 : acc.vmmService / acc.vmmJobs;
    return acc.vmmService + (vmm.busy && !vmm.jobBooked ? mean : 0) + vmm.queue.length * mean;
  };
  const breakdown = new Float64Array((NT + 1) * NC);
  for (let k = 0; k < breakdown.length; k++)
    breakdown[k] = (((V + O) / V) * vcpuLedger[k]! + hostLedger[k]!) / duration;

  const latency: SeedStats['latency'] = {};
  for (const [k, tp] of tps.entries()) latency[tp.id] = summarise(latencies[k]!.samples());
  return {
    events,
    perVcpuExtraCycles: (acc.vcpuExtra + s4SwitchCycles) / V / duration,
    vmmExtraCycles: acc.vmmExtra / duration,
    bystanderCycles: acc.bystander / duration,
    bystanderIpisPerSec: ipi ? acc.ipisToBystanders / duration : 0,
    lockBusyFraction: acc.lockBusy / duration,
    receiverBusyFraction: acc.receiverBusy / duration,
    vmmBookedFraction: vmmBooked() / duration,
    vmmBacklog: threads[V]!.queue.length,
    vcpuBacklog: threads.slice(0, V).reduce((n, th) => n + th.queue.length, 0) / V,
    mappedPageSeconds: acc.mappedPageSeconds,
    anyHeldSeconds,
    heldCpuSeconds,
    longestWindowSec: acc.longest,
    irqWithGuestMapped: irqMapped / duration,
    peakPagesMapped: peak,
    breakdown,
    latency,
  };
}
