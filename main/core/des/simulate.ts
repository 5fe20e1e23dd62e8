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

/** Histogram bucket upper bounds in microseconds: 8 per decade from 0.01 us to 10 s. */
export const BUCKET_UPPER_US: number[] = Array.from({ length: 8 * 9 + 1 }, (_, i) => 0.01 * 10 ** (i / 8));

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
  latency: Record<string, { p50: number; p99: number; max: number; mean: number; count: number; buckets: number[] }>;
}

export interface SimulationHooks {
  /** Called every `progressEvery` events with the fraction of simulated time done; return true to stop. */
  onProgress?: (fraction: number) => boolean | void;
  progressEvery?: number;
}

export class SimulationCancelled extends Error {
  override name = 'SimulationCancelled';
}

// Event kinds, packed with a thread or CPU index into the heap's int payload.
const ARRIVAL = 0; // thread, touchpoint
const DONE = 1; // thread
const FLUSH_TIMER = 2; // thread
const IRQ = 3; // cpu
const CROSS = 4; // vCPU (S4 state change)
const pack = (kind: number, index: number, tp = 0): number => kind | (tp << 3) | (index << 7);

interface Job {
  tp: number;
  arrival: number;
}

interface Thread {
  cpu: number;
  isVcpu: boolean;
  queue: Job[];
  head: number;
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
  const tps = TOUCHPOINT_IDS.map((id) => ({ id, kvm: TOUCHPOINTS[id].context === 'kvm', ...s.workload.touchpoints[id] }));

  // Threads: one per vCPU (on CPU i when pinned, spread over all CPUs when shared), and the VMM.
  const threads: Thread[] = [];
  for (let i = 0; i < V; i++) threads.push({ cpu: s.vm.placement === 'pinned' ? i % N : (i * 7919) % N, isVcpu: true, queue: [], head: 0, busy: false, batch: [], timerArmed: false });
  threads.push({ cpu: V % N, isVcpu: false, queue: [], head: 0, busy: false, batch: [], timerArmed: false });
  const debt = new Float64Array(N); // seconds of interrupt work each CPU owes its next job
  const cpuThread = new Int32Array(N).fill(-1);
  for (const [ti, th] of threads.entries()) if (cpuThread[th.cpu] === -1) cpuThread[th.cpu] = ti;

  const heap = new EventHeap();
  // Common random numbers: the same seed gives every strategy the same arrivals.
  const arrivalRng = threads.map((_, ti) => tps.map((_, k) => new Prng(seed, 1 + ti * 16 + k)));
  const irqRng = Array.from({ length: N }, (_, cpu) => new Prng(seed, 1_000_000 + cpu));
  const crossRng = Array.from({ length: V }, (_, v) => new Prng(seed, 2_000_000 + v));
  const pageRng = threads.map((_, ti) => new Prng(seed, 3_000_000 + ti));
  /** Whole pages for one event: a mean of 1.2 is 1 page, or 2 one time in five (an instruction straddling a boundary). */
  const pagesOf = (ti: number, mean: number): number => {
    const whole = Math.floor(mean);
    return whole + (pageRng[ti]!.nextUnit() <= mean - whole ? 1 : 0);
  };
  const rateOf = (ti: number, k: number): number => {
    const tp = tps[k]!;
    const isVcpu = threads[ti]!.isVcpu;
    return tp.kvm === isVcpu ? tp.ratePerSec : 0;
  };
  for (let ti = 0; ti < threads.length; ti++) {
    for (let k = 0; k < tps.length; k++) {
      const rate = rateOf(ti, k);
      if (rate > 0) heap.push(arrivalRng[ti]![k]!.nextExponential(1 / rate), pack(ARRIVAL, ti, k));
    }
  }
  const irqRate = s.host.irqPerSecPerCpu + s.host.nmiPerSecPerCpu;
  if (irqRate > 0) for (let cpu = 0; cpu < N; cpu++) heap.push(irqRng[cpu]!.nextExponential(1 / irqRate), pack(IRQ, cpu));

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
  let lockFreeAt = 0;
  let lockBusy = 0;
  let vcpuExtra = 0;
  let vmmExtra = 0;
  let receiverCycles = 0;
  let flushes = 0;
  let mappedNow = 0;
  let mappedPageSeconds = 0;
  let anyHeldSeconds = 0;
  let heldSince = 0;
  let longest = 0;
  let irqMapped = 0;
  let peak = 0;
  // When guest memory is mapped because of each thread's current work (S2: its batch, from the
  // first restore to the flush's end; S3: its window), for IRQ arrivals to test against.
  const mappedFrom = new Float64Array(V + 1).fill(Infinity);
  const mappedUntil = new Float64Array(V + 1);
  const latencies: number[][] = tps.map(() => []);

  let busyThreads = 0;

  /** Flushes a thread's batch at `at`: the initiator waits, every other CPU takes the IPI. */
  const flush = (th: Thread, at: number): number => {
    const end = at + flushSec;
    const pages = th.batch.length;
    // Each page was reachable from its restore until the flush completes.
    for (const restoredAt of th.batch) {
      longest = Math.max(longest, end - restoredAt);
      mappedPageSeconds += end - restoredAt;
    }
    th.batch.length = 0;
    mappedNow -= pages;
    flushes++;
    const work = (c.ipiReceiveWork + (pages > FULL_FLUSH_CEILING ? c.tlbRefillAfterFlush : 0)) / hz;
    for (let cpu = 0; cpu < N; cpu++) if (cpu !== th.cpu) debt[cpu] = debt[cpu]! + work;
    receiverCycles += (N - 1) * work * hz;
    return end;
  };

  /** Starts the next queued job of a thread at `at`; returns its completion time. */
  const start = (ti: number, at: number): void => {
    const th = threads[ti]!;
    const job = th.queue[th.head++]!;
    if (th.head > 1024 && th.head * 2 > th.queue.length) {
      th.queue = th.queue.slice(th.head);
      th.head = 0;
    }
    const tp = tps[job.tp]!;
    const begin = at + debt[th.cpu]!;
    debt[th.cpu] = 0;
    const p = tp.pagesPerEvent === 0 ? 0 : pagesOf(ti, tp.pagesPerEvent);
    const copy = tp.bytesPerEvent / c.copyBytesPerCycle / hz;
    const baseline =
      (tp.id === 'mmio' || tp.id === 'pio' || tp.id === 'hypercall' ? c.vmExitRoundTrip : tp.id === 'nestedTdp' ? c.nestedExitRoundTrip : tp.id === 'postCopy' ? c.userfaultRoundTrip : 0) / hz;
    const syscallPath = !tp.kvm && viaSyscall && strategy !== 'S0' && strategy !== 'S1';
    const direct = !tp.kvm && !syscallPath; // the VMM uses its own mapping: no strategy work
    // extra: the strategy's own work and waits, kept apart from baseline and copy so S0 is exactly 0.
    let extra = syscallPath ? (c.syscall + tp.bytesPerEvent / c.copyBytesPerCycle) / hz : 0;
    let t = begin + baseline + extra;
    if (direct || strategy === 'S0') {
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
        mappedPageSeconds += work + copy;
        longest = Math.max(longest, (work + copy) / p);
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
      const restoreAt = Math.max(t, lockFreeAt);
      lockFreeAt = restoreAt + hold;
      lockBusy += hold;
      t = restoreAt + hold;
      if (p > 0 && th.batch.length === 0) {
        mappedFrom[ti] = t;
        mappedUntil[ti] = Infinity;
      }
      for (let i = 0; i < p; i++) th.batch.push(t);
      mappedNow += p;
      if (mappedNow > peak) peak = mappedNow;
      t += copy;
      const removeAt = Math.max(t, lockFreeAt);
      lockFreeAt = removeAt + hold;
      lockBusy += hold;
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
    if (th.isVcpu) vcpuExtra += extra * hz;
    else vmmExtra += extra * hz;
    const latencyUs = (t - job.arrival) * 1e6;
    if (job.arrival >= 0) latencies[job.tp]!.push(latencyUs);
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
    const index = payload >>> 7;
    if (kind === ARRIVAL) {
      const k = (payload >>> 3) & 15;
      const th = threads[index]!;
      th.queue.push({ tp: k, arrival: now });
      if (!th.busy) start(index, now);
      heap.push(now + arrivalRng[index]![k]!.nextExponential(1 / rateOf(index, k)), payload);
    } else if (kind === DONE) {
      const th = threads[index]!;
      th.busy = false;
      busyThreads--;
      if (th.head < th.queue.length) start(index, now);
    } else if (kind === FLUSH_TIMER) {
      const th = threads[index]!;
      th.timerArmed = false;
      if (th.batch.length > 0) {
        // The initiating CPU spends the flush; its next job waits for it.
        const end = flush(th, now);
        mappedUntil[index] = end;
        debt[th.cpu] = debt[th.cpu]! + (end - now);
        if (th.isVcpu) vcpuExtra += (end - now) * hz;
        else vmmExtra += (end - now) * hz;
      }
    } else if (kind === IRQ) {
      const cpu = index;
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
      heap.push(now + irqRng[cpu]!.nextExponential(1 / irqRate), payload);
    } else {
      // CROSS: vCPU `index` switches CR3: out of KVM's (one write) or back in (one write).
      const v = index;
      if (alwaysHeld) {
        s4SwitchCycles += 2 * cr3;
        heap.push(now + crossRng[v]!.nextExponential(inMean), payload);
      } else if (holding[v] === 1) {
        s4SwitchCycles += cr3;
        holding[v] = 0;
        longest = Math.max(longest, now - holdStartedAt[v]!);
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
  for (const th of threads) for (const restoredAt of th.batch) mappedPageSeconds += duration - restoredAt;
  if (strategy === 'S4' && holdersNow > 0) {
    anyHeldSeconds += duration - heldSince;
    for (let v = 0; v < V; v++) if (holding[v] === 1) longest = Math.max(longest, duration - holdStartedAt[v]!);
  }

  const latency: SeedStats['latency'] = {};
  for (const [k, tp] of tps.entries()) {
    const values = latencies[k]!.sort((a, b) => a - b);
    const buckets = new Array<number>(BUCKET_UPPER_US.length).fill(0);
    let sum = 0;
    let b = 0;
    for (const v of values) {
      sum += v;
      while (b < BUCKET_UPPER_US.length - 1 && v > BUCKET_UPPER_US[b]!) b++;
      buckets[b] = buckets[b]! + 1;
    }
    const q = (f: number): number => (values.length === 0 ? 0 : values[Math.min(values.length - 1, Math.floor(f * values.length))]!);
    latency[tp.id] = { p50: q(0.5), p99: q(0.99), max: values.at(-1) ?? 0, mean: values.length === 0 ? 0 : sum / values.length, count: values.length, buckets };
  }
  return {
    events,
    perVcpuExtraCycles: (vcpuExtra + s4SwitchCycles) / V / duration,
    vmmExtraCycles: vmmExtra / duration,
    receiverCycles: receiverCycles / duration,
    flushesPerSec: flushes / duration,
    lockBusyFraction: lockBusy / duration,
    mappedPageSeconds,
    anyHeldSeconds,
    longestWindowSec: longest,
    irqWithGuestMapped: irqMapped / duration,
    peakPagesMapped: peak,
    latency,
  };
}
