// One seed of the discrete-event simulation of one strategy. vCPU threads and the VMM thread
// are single servers fed by Poisson arrivals of every touchpoint; the direct-map lock is a FIFO
// server; a shootdown interrupts every other CPU; IRQ/NMI arrivals test whether guest memory is
// mapped on their CPU. It measures what the formulas cannot: queueing, tails, windows.
import type { StrategyId } from '../api.ts';
import { costTableOf, resolveCostEntries, type CostTable } from '../costs.ts';
import { FULL_FLUSH_CEILING } from '../analytic.ts';
import type { Scenario } from '../scenario.ts';
import { TOUCHPOINT_IDS, TOUCHPOINTS } from '../touchpoints.ts';
import { AliasTable } from './alias.ts';
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

// Queued event kinds, packed with a thread or vCPU index into the heap's int payload. Arrivals
// and interrupts are not queued: they come from one merged stream (see `simulateSeed`).
const DONE = 0; // thread
const FLUSH_TIMER = 1; // thread
const CROSS = 2; // vCPU (S4 state change)
const RESTORE = 3; // thread: its S2 job asks for the lock to restore its pages
const REMOVE = 4; // thread: its S2 job asks for the lock to remove them again
const TICK = 5; // a fixed-interval arrival stream (one per thread and touchpoint)
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
  /** S2: pages removed again but not yet flushed; when the first was restored; the sum of the others' restores after it. */
  batch: number;
  batchFirst: number;
  batchLater: number;
  timerArmed: boolean;
  /** S2: the job between its lock requests: its touchpoint, arrival, pages, extra so far, when it first asked for the lock, and when its pages were restored (NaN before, and once removed). */
  jobTp: number;
  jobArrival: number;
  jobPages: number;
  jobExtra: number;
  jobReady: number;
  jobRestoredAt: number;
}

/** Simulated events one seed of a strategy would take, estimated before it starts (for the guard rail): within 1% unless a thread saturates, and then an upper bound, as a saturated thread finishes fewer jobs than arrive. */
export function estimateEvents(s: Scenario, strategy: StrategyId): number {
  // Per job: its arrival and its completion; a job that goes through S2's direct-map lock (all of
  // KVM's, and the VMM's when it reaches guest memory by syscall) also asks for it twice and may
  // arm a flush timer.
  const s2Job = 4 + (s.strategies.S2.flushAfterUs > 0 ? 1 : 0);
  let perSec = 0;
  for (const id of TOUCHPOINT_IDS) {
    const tp = s.workload.touchpoints[id];
    const kvm = TOUCHPOINTS[id].context === 'kvm';
    const locked = strategy === 'S2' && (kvm || s.strategies.vmmAccess === 'syscall');
    perSec += (locked ? s2Job : 2) * tp.ratePerSec * (kvm ? s.vm.vcpus : 1);
  }
  perSec += s.host.cpus * (s.host.irqPerSecPerCpu + s.host.nmiPerSecPerCpu);
  if (strategy === 'S4') perSec += 2 * s.vm.vcpus * (s.vm.userspaceExitsPerSecPerVcpu + s.vm.schedInsPerSecPerVcpu);
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
      baselineSec:
        (id === 'mmio' || id === 'pio' || id === 'hypercall'
          ? c.vmExitRoundTrip
          : id === 'nestedTdp'
            ? c.nestedExitRoundTrip
            : id === 'postCopy'
              ? c.userfaultRoundTrip
              : 0) / hz,
      syscallPath,
      // The VMM using its own mapping: no strategy work.
      direct: !kvm && !syscallPath,
      syscallSec: syscallPath ? (c.syscall + tp.bytesPerEvent / c.copyBytesPerCycle) / hz : 0,
    };
  });

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
    jobExtra: 0,
    jobReady: 0,
    jobRestoredAt: Number.NaN,
  });
  const threads: Thread[] = [];
  for (let i = 0; i < V; i++) threads.push(thread(s.vm.placement === 'pinned' ? i % N : (i * 7919) % N, true));
  threads.push(thread(V % N, false));
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
    vcpuExtra: 0,
    vmmExtra: 0,
    receiverCycles: 0,
    mappedPageSeconds: 0,
    longest: 0,
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
  // with its thread and touchpoint, or as an interrupt (whose CPU is drawn uniformly). Same
  // distribution as a stream per touchpoint, thread and CPU; the event heap holds only what
  // the simulation itself schedules (completions, S2's lock requests and flush timers, S4's CR3
  // switches) and stays small.
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
    outcomeThread.push(-1);
    outcomeTouchpoint.push(-1);
    outcomeRate.push(irqRate);
  }
  const streamRate = outcomeRate.reduce((a, b) => a + b, 0);
  const outcomes = streamRate > 0 ? new AliasTable(outcomeRate) : undefined;
  const streamRng = new Prng(seed, 1);
  const streamGap = 1 / streamRate;
  let nextArrival = outcomes ? streamRng.nextExponential(streamGap) : Infinity;
  const crossRng = Array.from({ length: V }, (_, v) => new Prng(seed, 2_000_000 + v));
  const pageRng = threads.map((_, ti) => new Prng(seed, 3_000_000 + ti));
  /** Whole pages for one event: a mean of 1.2 is 1 page, or 2 one time in five (an instruction straddling a boundary). */
  const pagesOf = (ti: number, mean: number): number => {
    const whole = Math.floor(mean);
    return whole + (pageRng[ti]!.nextUnit() <= mean - whole ? 1 : 0);
  };

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
  let now: number;
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
    const pages = th.batch;
    // Each page was reachable from its restore until the flush completes; the first the longest.
    acc.longest = Math.max(acc.longest, end - th.batchFirst);
    acc.mappedPageSeconds += pages * (end - th.batchFirst) - th.batchLater;
    th.batch = 0;
    mappedNow -= pages;
    flushes++;
    const work = (c.ipiReceiveWork + (pages > FULL_FLUSH_CEILING ? c.tlbRefillAfterFlush : 0)) / hz;
    acc.broadcast += work;
    debt[th.cpu] = debt[th.cpu]! - work; // the initiator takes no IPI of its own
    acc.receiverCycles += (N - 1) * work * hz;
    return end;
  };

  /** Starts a job of touchpoint `jobTp` that arrived at `arrival` on thread `ti` at `at`. */
  const start = (ti: number, at: number, jobTp: number, arrival: number): void => {
    const th = threads[ti]!;
    const tp = tps[jobTp]!;
    th.busy = true;
    busyThreads++;
    const begin = at + settle(th.cpu);
    const p = tp.pagesPerEvent === 0 ? 0 : pagesOf(ti, tp.pagesPerEvent);
    const copy = tp.copySec;
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
        peak = Math.max(peak, busyThreads);
      }
      extra += work;
      t += work + copy;
    } else if (strategy === 'S4') {
      const work = tp.syscallPath ? (2 * cr3) / hz : 0;
      extra += work;
      t += copy + work;
    } else {
      // S2: restore under the lock, access, remove under the lock, then flush (or batch). Each
      // lock request is an event at the time it is made, so the lock serves requests in the
      // order they are made, not the order their jobs started.
      th.jobTp = jobTp;
      th.jobArrival = arrival;
      th.jobPages = p;
      th.jobExtra = extra;
      th.jobReady = t;
      heap.push(t, pack(RESTORE, ti));
      return;
    }
    finish(ti, jobTp, arrival, t, extra);
  };

  /** Books a job that ends at `end` with `extra` seconds of the strategy's work, and queues its completion. */
  const finish = (ti: number, jobTp: number, arrival: number, end: number, extra: number): void => {
    if (threads[ti]!.isVcpu) acc.vcpuExtra += extra * hz;
    else acc.vmmExtra += extra * hz;
    latencies[jobTp]!.push((end - arrival) * 1e6);
    heap.push(end, pack(DONE, ti));
  };

  /** S2: the direct-map lock, FIFO, asked for at `at` for `hold` seconds; returns when the hold ends. */
  const holdLock = (at: number, hold: number): number => {
    const grantedAt = Math.max(at, acc.lockFreeAt);
    acc.lockFreeAt = grantedAt + hold;
    acc.lockBusy += hold;
    return grantedAt + hold;
  };

  /** A job of touchpoint `jobTp` arrives at thread `ti` at `at`: it starts, or waits its turn. */
  const arrive = (ti: number, jobTp: number, at: number): void => {
    if (threads[ti]!.busy) threads[ti]!.queue.push(at, jobTp);
    else start(ti, at, jobTp, at);
  };

  /** Whether guest memory is mapped on `cpu` at `at`, for an interrupt arriving there. */
  const guestMappedOn = (cpu: number, at: number): boolean => {
    switch (strategy) {
      case 'S0':
      case 'S5':
        return true;
      case 'S1':
        return cpu < V;
      case 'S2':
        // Restored pages are in the direct map on every CPU.
        for (let ti = 0; ti <= V; ti++) if (mappedFrom[ti]! <= at && at < mappedUntil[ti]!) return true;
        return false;
      case 'S3': {
        // Only the CPU doing the access has the page in its slot.
        const ti = cpuThread[cpu]!;
        return ti >= 0 && mappedFrom[ti]! <= at && at < mappedUntil[ti]!;
      }
      case 'S4':
        return cpu < V && holding[cpu] === 1;
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
        arrive(ti, outcomeTouchpoint[o]!, now);
      } else {
        const cpu = streamRng.nextBelow(N);
        if (guestMappedOn(cpu, now)) irqMapped++;
      }
      nextArrival = now + streamRng.nextExponential(streamGap);
      continue;
    }
    const payload = heap.pop();
    const kind = payload & 7;
    const index = payload >>> 3;
    if (kind === TICK) {
      arrive(tickThread[index]!, tickTouchpoint[index]!, now);
      heap.push(now + tickGap[index]!, payload);
    } else if (kind === RESTORE) {
      const th = threads[index]!;
      const p = th.jobPages;
      const t = holdLock(now, (p * c.pteUpdate) / hz);
      th.jobRestoredAt = t;
      // Guest memory is mapped from this thread's earliest restored page until its flush ends.
      if (p > 0 && th.batch === 0) {
        mappedFrom[index] = t;
        mappedUntil[index] = Infinity;
      }
      mappedNow += p;
      if (mappedNow > peak) peak = mappedNow;
      heap.push(t + tps[th.jobTp]!.copySec, pack(REMOVE, index));
    } else if (kind === REMOVE) {
      const th = threads[index]!;
      const p = th.jobPages;
      let t = holdLock(now, (p * c.pteUpdate) / hz);
      // Removed, the pages wait in the batch for a flush.
      if (p > 0) {
        if (th.batch === 0) {
          th.batchFirst = th.jobRestoredAt;
          th.batchLater = 0;
        }
        th.batchLater += p * (th.jobRestoredAt - th.batchFirst);
        th.batch += p;
      }
      th.jobRestoredAt = Number.NaN;
      if (th.batch >= B) {
        t = flush(th, t);
        mappedUntil[index] = t;
      } else if (flushAfterUs > 0 && !th.timerArmed && th.batch > 0) {
        th.timerArmed = true;
        heap.push(th.batchFirst + flushAfterUs * 1e-6, pack(FLUSH_TIMER, index));
      }
      finish(index, th.jobTp, th.jobArrival, t, th.jobExtra + (t - th.jobReady - tps[th.jobTp]!.copySec));
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
        const end = flush(th, now);
        // A job whose pages are restored right now keeps guest memory mapped past the flush.
        if (Number.isNaN(th.jobRestoredAt)) mappedUntil[index] = end;
        debt[th.cpu] = debt[th.cpu]! + (end - now);
        if (th.isVcpu) acc.vcpuExtra += (end - now) * hz;
        else acc.vmmExtra += (end - now) * hz;
      }
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
  for (const th of threads) {
    acc.mappedPageSeconds += th.batch * (duration - th.batchFirst) - th.batchLater;
    if (!Number.isNaN(th.jobRestoredAt) && th.jobRestoredAt < duration)
      acc.mappedPageSeconds += th.jobPages * (duration - th.jobRestoredAt);
  }
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
