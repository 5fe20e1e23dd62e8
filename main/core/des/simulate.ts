// One seed of the discrete-event simulation of one strategy. vCPU threads and the VMM thread
// are single servers fed by Poisson arrivals of every touchpoint; the direct-map lock is a FIFO
// server; a shootdown interrupts every other CPU; IRQ/NMI arrivals test whether guest memory is
// mapped on their CPU. It measures what the formulas cannot: queueing, tails, windows.
import type { StrategyId } from '../api.ts';
import { costTableOf, resolveCostEntries, type CostTable } from '../costs.ts';
import { FULL_FLUSH_CEILING } from '../analytic.ts';
import type { Scenario } from '../scenario.ts';
import { TOUCHPOINT_IDS, TOUCHPOINTS } from '../touchpoints.ts';
import { EventHeap } from './heap.ts';
import { Prng } from './prng.ts';
import { summarise, type LatencySummary } from './summary.ts';

export { BUCKET_UPPER_US } from './summary.ts';


export interface SeedStats {
  events: number;
  perVcpuExtraCycles: number; // per vCPU per second
  vmmExtraCycles: number; // per second
  receiverCycles: number; // per second, shootdown work on other CPUs
  flushesPerSec: number;
  lockBusyFraction: number;
  mappedPageSeconds: number; // integral of pages mapped on demand
  anyHeldSeconds: number; // S4: time with at least one CPU holding KVM's CR3
  longestWindowSec: number;
  irqWithGuestMapped: number; // per second
  peakPagesMapped: number;
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

// Event kinds, packed with a thread or vCPU index into the heap's int payload.
const ARRIVAL = 0; // thread
const DONE = 1; // thread
const FLUSH_TIMER = 2; // thread
const IRQ = 3; // the host's interrupt stream (the CPU is drawn per event)
const CROSS = 4; // vCPU (S4 state change)
const pack = (kind: number, index: number): number => kind | (index << 3);

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
  /** S2: pages restored but not yet flushed, with the time each was restored. */
  batch: number[];
  timerArmed: boolean;
}

/** Simulated events a run would take, estimated before it starts (for the guard rail). */
export function estimateEvents(s: Scenario): number {
  let perSec = 0;
  for (const id of TOUCHPOINT_IDS) {
    const tp = s.workload.touchpoints[id];
    perSec += 2 * tp.ratePerSec * (TOUCHPOINTS[id].context === 'kvm' ? s.vm.vcpus : 1);
  }
  perSec += s.host.cpus * (s.host.irqPerSecPerCpu + s.host.nmiPerSecPerCpu);
  perSec += 2 * s.vm.vcpus * (s.vm.userspaceExitsPerSecPerVcpu + s.vm.schedInsPerSecPerVcpu);
  return perSec * s.simulation.durationSec;
}

export function simulateSeed(s: Scenario, strategy: StrategyId, seed: number, hooks: SimulationHooks = {}): SeedStats {
  const c: CostTable = costTableOf(resolveCostEntries(s.host.costs));
  const hz = s.host.ghz * 1e9;
  const N = s.host.cpus;
  const V = s.vm.vcpus;
  const duration = s.simulation.durationSec;
  const viaSyscall = s.strategies.vmmAccess === 'syscall';
  const { batchPages: B, flushAfterUs } = s.strategies.S2;
  const cr3 = s.host.pcid ? c.cr3WritePcid : c.cr3WriteNoPcid + c.tlbRefillAfterFlush;
  const flushSec = (c.shootdownBase + c.shootdownPerTarget * (N - 1)) / hz;
  const tps = TOUCHPOINT_IDS.map((id) => {
    const tp = s.workload.touchpoints[id];
    const kvm = TOUCHPOINTS[id].context === 'kvm';
    const syscallPath = !kvm && viaSyscall && strategy !== 'S0' && strategy !== 'S1';
    return {
      id,
      kvm,
      ...tp,
      // Per-event constants, worked out once rather than at every event.
      copySec: tp.bytesPerEvent / c.copyBytesPerCycle / hz,
      baselineSec: (id === 'mmio' || id === 'pio' || id === 'hypercall' ? c.vmExitRoundTrip : id === 'nestedTdp' ? c.nestedExitRoundTrip : id === 'postCopy' ? c.userfaultRoundTrip : 0) / hz,
      syscallPath,
      // The VMM using its own mapping: no strategy work.
      direct: !kvm && !syscallPath,
      syscallSec: syscallPath ? (c.syscall + tp.bytesPerEvent / c.copyBytesPerCycle) / hz : 0,
    };
  });

  // Threads: one per vCPU (on CPU i when pinned, spread over all CPUs when shared), and the VMM.
  const threads: Thread[] = [];
  for (let i = 0; i < V; i++) threads.push({ cpu: s.vm.placement === 'pinned' ? i % N : (i * 7919) % N, isVcpu: true, queue: new JobQueue(), busy: false, batch: [], timerArmed: false });
  threads.push({ cpu: V % N, isVcpu: false, queue: new JobQueue(), busy: false, batch: [], timerArmed: false });
  // Seconds of interrupt work each CPU owes its next job: its own share in `debt`, plus what was
  // broadcast to every CPU since it last paid (`acc.broadcast - paidUpTo`). A shootdown is O(1), not
  // a loop over the host's CPUs.
  const debt = new Float64Array(N);
  const paidUpTo = new Float64Array(N);
  // Running totals in seconds or cycles. They live on one object rather than in local variables
  // because the closures below update them: V8 boxes a double held in a closure's variable anew at
  // every write, which made the garbage collector a tenth of a run.
  const acc = { broadcast: 0, lockFreeAt: 0, lockBusy: 0, vcpuExtra: 0, vmmExtra: 0, receiverCycles: 0, mappedPageSeconds: 0, longest: 0 };
  const settle = (cpu: number): number => {
    const owed = debt[cpu]! + (acc.broadcast - paidUpTo[cpu]!);
    debt[cpu] = 0;
    paidUpTo[cpu] = acc.broadcast;
    return owed;
  };
  const cpuThread = new Int32Array(N).fill(-1);
  for (const [ti, th] of threads.entries()) if (cpuThread[th.cpu] === -1) cpuThread[th.cpu] = ti;

  const heap = new EventHeap();
  // Common random numbers: the same seed gives every strategy the same arrivals.
  // Independent Poisson streams merge into one Poisson stream of the summed rate, each event
  // belonging to stream k with probability rate_k / sum: so each thread has one arrival stream
  // (the touchpoint drawn per event) and the host one interrupt stream (the CPU drawn per event).
  // Same distribution as a stream per touchpoint and per CPU, with a far smaller event heap.
  const arrivalRng = threads.map((_, ti) => new Prng(seed, 1 + ti * 16));
  const irqRng = new Prng(seed, 1_000_000);
  const crossRng = Array.from({ length: V }, (_, v) => new Prng(seed, 2_000_000 + v));
  const pageRng = threads.map((_, ti) => new Prng(seed, 3_000_000 + ti));
  /** Whole pages for one event: a mean of 1.2 is 1 page, or 2 one time in five (an instruction straddling a boundary). */
  const pagesOf = (ti: number, mean: number): number => {
    const whole = Math.floor(mean);
    return whole + (pageRng[ti]!.nextUnit() <= mean - whole ? 1 : 0);
  };
  // Per thread: the touchpoints that arrive there (KVM's at vCPUs, the VMM's at the VMM), the
  // cumulative share of each (the last exactly 1), and the mean time between any two arrivals.
  const arriving = threads.map((th) => tps.flatMap((tp, k) => (tp.kvm === th.isVcpu && tp.ratePerSec > 0 ? [k] : [])));
  const gapOf = arriving.map((ks) => (ks.length === 0 ? 0 : 1 / ks.reduce((sum, k) => sum + tps[k]!.ratePerSec, 0)));
  const shareUpTo = arriving.map((ks, ti) => {
    let sum = 0;
    const cum = Float64Array.from(ks, (k) => (sum += tps[k]!.ratePerSec * gapOf[ti]!));
    if (cum.length > 0) cum[cum.length - 1] = 1;
    return cum;
  });
  const touchpointOf = (ti: number): number => {
    const u = arrivalRng[ti]!.nextUnit();
    const cum = shareUpTo[ti]!;
    let i = 0;
    while (u > cum[i]!) i++;
    return arriving[ti]![i]!;
  };
  for (let ti = 0; ti < threads.length; ti++) if (gapOf[ti]! > 0) heap.push(arrivalRng[ti]!.nextExponential(gapOf[ti]!), pack(ARRIVAL, ti));
  const irqRate = s.host.irqPerSecPerCpu + s.host.nmiPerSecPerCpu;
  const irqGap = irqRate > 0 ? 1 / (irqRate * N) : 0;
  if (irqRate > 0) heap.push(irqRng.nextExponential(irqGap), pack(IRQ, 0));

  // S4: each vCPU alternates between holding KVM's CR3 (mean h / c) and not (mean (1 - h) / c).
  const kvmRun = s.strategies.S4.switchPoint === 'kvm_run';
  const crossings = kvmRun ? s.vm.userspaceExitsPerSecPerVcpu + s.vm.schedInsPerSecPerVcpu : s.vm.schedInsPerSecPerVcpu;
  const held = kvmRun ? s.vm.inKvmRunFraction : 1;
  const holding = new Uint8Array(V);
  let holdersNow = 0;
  const holdStartedAt = new Float64Array(V);
  let s4SwitchCycles = 0;
  // A vCPU that always holds it (vcpu_load, or h = 1) still switches out and back at each crossing.
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
  let now = 0;
  let flushes = 0;
  let mappedNow = 0;
  let anyHeldSeconds = 0;
  let heldSince = 0;
  let irqMapped = 0;
  let peak = 0;
  // When guest memory is mapped because of each thread's current work (S2: its batch, from the
  // first restore to the flush's end; S3: its window), for IRQ arrivals to test against.
  const mappedFrom = new Float64Array(V + 1).fill(Infinity);
  const mappedUntil = new Float64Array(V + 1);
  const latencies = tps.map(() => new Samples());

  let busyThreads = 0;

  /** Flushes a thread's batch at `at`: the initiator waits, every other CPU takes the IPI. */
  const flush = (th: Thread, at: number): number => {
    const end = at + flushSec;
    const pages = th.batch.length;
    // Each page was reachable from its restore until the flush completes.
    for (const restoredAt of th.batch) {
      acc.longest = Math.max(acc.longest, end - restoredAt);
      acc.mappedPageSeconds += end - restoredAt;
    }
    th.batch.length = 0;
    mappedNow -= pages;
    flushes++;
    const work = (c.ipiReceiveWork + (pages > FULL_FLUSH_CEILING ? c.tlbRefillAfterFlush : 0)) / hz;
    acc.broadcast += work;
    debt[th.cpu] = debt[th.cpu]! - work; // the initiator takes no IPI of its own
    acc.receiverCycles += (N - 1) * work * hz;
    return end;
  };

  /** Starts the next queued job of a thread at `at`; returns its completion time. */
  const start = (ti: number, at: number): void => {
    const th = threads[ti]!;
    const jobTp = th.queue.shift();
    const arrival = th.queue.lastArrival;
    const tp = tps[jobTp]!;
    const begin = at + settle(th.cpu);
    const p = tp.pagesPerEvent === 0 ? 0 : pagesOf(ti, tp.pagesPerEvent);
    const copy = tp.copySec;
    const syscallPath = tp.syscallPath;
    // extra: the strategy's own work and waits, kept apart from baseline and copy so S0 is exactly 0.
    let extra = tp.syscallSec;
    let t = begin + tp.baselineSec + extra;
    if (tp.direct || strategy === 'S0') {
      t += copy;
    } else if (strategy === 'S1' || strategy === 'S5') {
      const work = (p * (c.stac + c.clac + (strategy === 'S1' ? c.pageWalk : 0))) / hz;
      extra += work;
      t += copy + work;
    } else if (strategy === 'S3') {
      const work = (p * (2 * c.pteWriteLocal + c.invlpg)) / hz;
      if (p > 0) {
        // Pages go through the slot one after another, each for its share of the window.
        mappedFrom[ti] = t;
        mappedUntil[ti] = t + work + copy;
        acc.mappedPageSeconds += work + copy;
        acc.longest = Math.max(acc.longest, (work + copy) / p);
        peak = Math.max(peak, busyThreads + 1);
      }
      extra += work;
      t += work + copy;
    } else if (strategy === 'S4') {
      const work = syscallPath ? (2 * cr3) / hz : 0;
      extra += work;
      t += copy + work;
    } else {
      // S2: restore under the lock, access, remove under the lock, then flush (or batch).
      const hold = (p * c.pteUpdate) / hz;
      const ready = t;
      const restoreAt = Math.max(t, acc.lockFreeAt);
      acc.lockFreeAt = restoreAt + hold;
      acc.lockBusy += hold;
      t = restoreAt + hold;
      if (p > 0 && th.batch.length === 0) {
        mappedFrom[ti] = t;
        mappedUntil[ti] = Infinity;
      }
      for (let i = 0; i < p; i++) th.batch.push(t);
      mappedNow += p;
      if (mappedNow > peak) peak = mappedNow;
      t += copy;
      const removeAt = Math.max(t, acc.lockFreeAt);
      acc.lockFreeAt = removeAt + hold;
      acc.lockBusy += hold;
      t = removeAt + hold;
      if (th.batch.length >= B) {
        t = flush(th, t);
        mappedUntil[ti] = t;
      } else if (flushAfterUs > 0 && !th.timerArmed && th.batch.length > 0) {
        th.timerArmed = true;
        heap.push(th.batch[0]! + flushAfterUs * 1e-6, pack(FLUSH_TIMER, ti));
      }
      extra += t - ready - copy;
    }
    if (th.isVcpu) acc.vcpuExtra += extra * hz;
    else acc.vmmExtra += extra * hz;
    latencies[jobTp]!.push((t - arrival) * 1e6);
    th.busy = true;
    busyThreads++;
    heap.push(t, pack(DONE, ti));
  };

  const progressEvery = hooks.progressEvery ?? 262_144;
  while (heap.size > 0) {
    const at = heap.peekTime();
    if (at > duration) break;
    const payload = heap.pop();
    now = at;
    events++;
    if (events % progressEvery === 0 && hooks.onProgress?.(now / duration) === true) throw new SimulationCancelled('simulation cancelled');
    const kind = payload & 7;
    const index = payload >>> 3;
    if (kind === ARRIVAL) {
      const th = threads[index]!;
      th.queue.push(now, touchpointOf(index));
      if (!th.busy) start(index, now);
      heap.push(now + arrivalRng[index]!.nextExponential(gapOf[index]!), payload);
    } else if (kind === DONE) {
      const th = threads[index]!;
      th.busy = false;
      busyThreads--;
      if (th.queue.length > 0) start(index, now);
    } else if (kind === FLUSH_TIMER) {
      const th = threads[index]!;
      th.timerArmed = false;
      if (th.batch.length > 0) {
        // The initiating CPU spends the flush; its next job waits for it.
        const end = flush(th, now);
        mappedUntil[index] = end;
        debt[th.cpu] = debt[th.cpu]! + (end - now);
        if (th.isVcpu) acc.vcpuExtra += (end - now) * hz;
        else acc.vmmExtra += (end - now) * hz;
      }
    } else if (kind === IRQ) {
      const cpu = Math.min(N - 1, Math.floor(irqRng.nextUnit() * N));
      let mapped: boolean;
      switch (strategy) {
        case 'S0':
        case 'S5':
          mapped = true;
          break;
        case 'S1':
          mapped = cpu < V;
          break;
        case 'S2':
          // Restored pages are in the direct map on every CPU.
          mapped = false;
          for (let ti = 0; ti <= V && !mapped; ti++) mapped = mappedFrom[ti]! <= now && now < mappedUntil[ti]!;
          break;
        case 'S3': {
          // Only the CPU doing the access has the page in its slot.
          const ti = cpuThread[cpu]!;
          mapped = ti >= 0 && mappedFrom[ti]! <= now && now < mappedUntil[ti]!;
          break;
        }
        case 'S4':
          mapped = cpu < V && holding[cpu] === 1;
          break;
      }
      if (mapped) irqMapped++;
      heap.push(now + irqRng.nextExponential(irqGap), payload);
    } else {
      // CROSS: vCPU `index` switches CR3: out of KVM's (one write) or back in (one write).
      const v = index;
      if (alwaysHeld) {
        s4SwitchCycles += 2 * cr3;
        heap.push(now + crossRng[v]!.nextExponential(inMean), payload);
      } else if (holding[v] === 1) {
        s4SwitchCycles += cr3;
        holding[v] = 0;
        acc.longest = Math.max(acc.longest, now - holdStartedAt[v]!);
        if (--holdersNow === 0) anyHeldSeconds += now - heldSince;
        heap.push(now + crossRng[v]!.nextExponential(outMean), payload);
      } else {
        s4SwitchCycles += cr3;
        holding[v] = 1;
        holdStartedAt[v] = now;
        if (holdersNow++ === 0) heldSince = now;
        heap.push(now + crossRng[v]!.nextExponential(inMean), payload);
      }
    }
  }
  // Close the books at the end of the run: pages still waiting for a flush, CR3 still held.
  for (const th of threads) for (const restoredAt of th.batch) acc.mappedPageSeconds += duration - restoredAt;
  if (strategy === 'S4' && holdersNow > 0) {
    anyHeldSeconds += duration - heldSince;
    for (let v = 0; v < V; v++) if (holding[v] === 1) acc.longest = Math.max(acc.longest, duration - holdStartedAt[v]!);
  }

  const latency: SeedStats['latency'] = {};
  for (const [k, tp] of tps.entries()) latency[tp.id] = summarise(latencies[k]!.samples());
  return {
    events,
    perVcpuExtraCycles: (acc.vcpuExtra + s4SwitchCycles) / V / duration,
    vmmExtraCycles: acc.vmmExtra / duration,
    receiverCycles: acc.receiverCycles / duration,
    flushesPerSec: flushes / duration,
    lockBusyFraction: acc.lockBusy / duration,
    mappedPageSeconds: acc.mappedPageSeconds,
    anyHeldSeconds,
    longestWindowSec: acc.longest,
    irqWithGuestMapped: irqMapped / duration,
    peakPagesMapped: peak,
    latency,
  };
}
