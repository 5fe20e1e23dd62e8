// The analytic engine: closed-form means of every metric, for every enabled strategy.
// Each formula is written out in docs/model.md; the comments here name the terms.
import type { Estimate, RunOutput, StrategyId, StrategyResult } from './api.ts';
import { costTableOf, resolveCostEntries, type CostTable } from './costs.ts';
import type { Scenario, TouchpointSpec } from './scenario.ts';
import { capabilityOf, enabledStrategies, strategyParams } from './strategies.ts';
import { TOUCHPOINT_IDS, TOUCHPOINTS, type TouchpointId } from './touchpoints.ts';
import { MODEL_VERSION } from './version.ts';
import { batchShape } from './batches.ts';

const PAGE_BYTES = 4096;
/** Above this many pages Linux flushes the whole TLB instead (tlb_single_page_flush_ceiling). */
export const FULL_FLUSH_CEILING = 33;
/** The lock model's utilisation is capped here so saturated means stay finite; cost.lockUtilization shows the real value. */
const MAX_LOCK_UTILIZATION = 0.99;

const exact = (mean: number): Estimate => ({ mean, ci95: 0, n: 1 });

interface Touchpoint extends TouchpointSpec {
  id: TouchpointId;
  context: 'kvm' | 'vmm';
}

const TOUCHPOINT_CONTEXTS = TOUCHPOINT_IDS.map((id) => ({ id, context: TOUCHPOINTS[id].context }));

function touchpointsOf(s: Scenario): Touchpoint[] {
  return TOUCHPOINT_CONTEXTS.map(({ id, context }) => {
    const spec = s.workload.touchpoints[id];
    return {
      id,
      context,
      ratePerSec: spec.ratePerSec,
      pagesPerEvent: spec.pagesPerEvent,
      bytesPerEvent: spec.bytesPerEvent,
      write: spec.write,
    };
  });
}

/** What every strategy's formulas share. */
interface Context {
  s: Scenario;
  c: CostTable;
  hz: number;
  tps: Touchpoint[];
  /** Guest memory in 4 KiB pages. */
  guestPages: number;
  /** Length of the run, for windows that never close. */
  runUs: number;
  /** VMM-side accesses go through the kernel (read()/write()) rather than a mapping. */
  vmmViaSyscall: boolean;
}

/** Per-strategy results before they become metrics. */
interface Breakdown {
  /** Extra cycles per event, by touchpoint, on the thread that handles it. */
  perEvent: Record<TouchpointId, number>;
  /** Extra cycles per second per vCPU not tied to an event (S4's CR3 switches). */
  perVcpuFixed: number;
  /** Extra cycles per second on CPUs other than the initiators (shootdown work). */
  otherCpus: number;
  bystanderIpisPerSec: number;
  lockUtilization: number;
  exposure: Record<'kernel' | 'kvm' | 'vmm' | 'userspace', { fraction: number; longestWindowUs: number }>;
  irqNmiWithGuestMappedPerSec: number;
  directMapSplits: number;
  peakPagesMapped: number;
}

const zeroPerEvent = (): Record<TouchpointId, number> => ({
  mmio: 0,
  pio: 0,
  nestedTdp: 0,
  pfnCache: 0,
  hypercall: 0,
  postCopy: 0,
  migration: 0,
  virtio: 0,
  snapshot: 0,
});

/** Huge pages broken up when guest memory leaves the direct map at `granularity`. */
function directMapSplits(s: Scenario, granularity: '4K' | '2M' | '1G'): number {
  const bytes = s.vm.memoryGiB * 2 ** 30;
  const dm = s.host.directMapPageSize;
  if (granularity === '1G' || (granularity === '2M' && dm === '2M')) return 0;
  const gigPages = dm === '1G' ? Math.ceil(bytes / 2 ** 30) : 0; // 1G -> 2M
  const twoMegPages = granularity === '4K' ? Math.ceil(bytes / 2 ** 21) : 0; // 2M -> 4K
  return gigPages + twoMegPages;
}

const always = (ctx: Context) => ({ fraction: 1, longestWindowUs: ctx.runUs });
const never = { fraction: 0, longestWindowUs: 0 };
const partly = (ctx: Context, fraction: number) =>
  fraction <= 0 ? never : fraction >= 1 ? always(ctx) : { fraction, longestWindowUs: ctx.runUs };

/** Exposure of the VMM (and of kernel code in its address space) under S2-S5. */
function vmmExposure(ctx: Context) {
  return ctx.vmmViaSyscall ? never : partly(ctx, ctx.s.strategies.selectiveMmapFraction);
}

function syscallCopy(ctx: Context, tp: Touchpoint): number {
  // read()/write() on guest_memfd: a syscall, and one more copy (kernel <-> VMM buffer).
  return ctx.c.syscall + tp.bytesPerEvent / ctx.c.copyBytesPerCycle;
}

function statusQuo(ctx: Context): Breakdown {
  const { s } = ctx;
  return {
    perEvent: zeroPerEvent(),
    perVcpuFixed: 0,
    otherCpus: 0,
    bystanderIpisPerSec: 0,
    lockUtilization: 0,
    exposure: { kernel: always(ctx), kvm: always(ctx), vmm: always(ctx), userspace: never },
    irqNmiWithGuestMappedPerSec: s.host.cpus * (s.host.irqPerSecPerCpu + s.host.nmiPerSecPerCpu),
    directMapSplits: 0,
    peakPagesMapped: 0,
  };
}

function mmapEverything(ctx: Context): Breakdown {
  const { s, c } = ctx;
  const perEvent = zeroPerEvent();
  // KVM uses uaccess through the memslot HVA: STAC/CLAC and a user page walk per page.
  for (const tp of ctx.tps)
    if (tp.context === 'kvm') perEvent[tp.id] = tp.pagesPerEvent * (c.stac + c.clac + c.pageWalk);
  return {
    perEvent,
    perVcpuFixed: 0,
    otherCpus: 0,
    bystanderIpisPerSec: 0,
    lockUtilization: 0,
    exposure: {
      // Kernel code at large reaches it only through the VMM's user mapping, i.e. speculatively past SMAP.
      kernel: s.host.smapStopsSpeculation ? never : always(ctx),
      kvm: always(ctx),
      vmm: always(ctx),
      userspace: never,
    },
    irqNmiWithGuestMappedPerSec: s.vm.vcpus * (s.host.irqPerSecPerCpu + s.host.nmiPerSecPerCpu),
    // Upstream zaps folios from the direct map at base-page granularity (costs.md).
    directMapSplits: directMapSplits(s, '4K'),
    peakPagesMapped: 0,
  };
}

function onDemandDirectMap(ctx: Context): Breakdown {
  const { s, c, hz } = ctx;
  const N = s.host.cpus;
  const V = s.vm.vcpus;
  const { batchPages: B, flushAfterUs } = s.strategies.S2;
  const flushCycles = c.shootdownBase + c.shootdownPerTarget * (N - 1);

  // Initiators: each vCPU thread (KVM touchpoints) and the VMM (when it goes through the kernel).
  const initiators = [
    { count: V, tps: ctx.tps.filter((t) => t.context === 'kvm') },
    { count: 1, tps: ctx.vmmViaSyscall ? ctx.tps.filter((t) => t.context === 'vmm') : [] },
  ];
  const pagesPerSec = (tps: Touchpoint[]) => tps.reduce((n, t) => n + t.ratePerSec * t.pagesPerEvent, 0);
  /**
   * An initiator's batches, from its touchpoints, page rate P and rate of events with pages.
   * Closed on the page count: exact (`batchShape`). With a flush timer, the continuous
   * approximation: b = min(B, P x flushAfterUs) pages per flush (at least 1), the event that
   * brings p_t pages flushing with chance min(1, p_t / b).
   */
  const batchesOf = (tps: Touchpoint[], P: number, eventsPerSec: number) => {
    if (flushAfterUs === 0) {
      const shape = batchShape(tps, B, FULL_FLUSH_CEILING);
      return {
        eventsPerBatch: shape.eventsPerBatch,
        closes: shape.closes,
        closesOverCeiling: shape.closesOverCeiling,
        mostPages: tps.map((t) => Math.max(B, t.pagesPerEvent)),
        waitingPagesMean: shape.eventsPerBatch === 0 ? 0 : shape.waitingPageGaps / shape.eventsPerBatch,
        firstPageWaitSec: eventsPerSec === 0 ? 0 : (shape.eventsPerBatch - 1) / eventsPerSec,
      };
    }
    const b = Math.max(1, Math.min(B, P * flushAfterUs * 1e-6));
    const closes = tps.map((t) => (t.pagesPerEvent === 0 ? 0 : Math.min(1, t.pagesPerEvent / b)));
    return {
      eventsPerBatch: P === 0 ? 0 : Math.max(1, b / (P / eventsPerSec)),
      closes,
      closesOverCeiling: tps.map((t, i) => (Math.max(b, t.pagesPerEvent) > FULL_FLUSH_CEILING ? closes[i]! : 0)),
      mostPages: tps.map((t) => Math.max(b, t.pagesPerEvent)),
      // A page waits on average (b - 1) / 2P for the flush: (b - 1) / 2 pages waiting.
      waitingPagesMean: (b - 1) / 2,
      firstPageWaitSec: P === 0 ? 0 : (b - 1) / P,
    };
  };

  // The direct-map lock: two acquisitions per event (restore, remove), each holding p PTE updates.
  let lockRate = 0;
  let lockS1 = 0;
  let lockS2 = 0;
  for (const { count, tps } of initiators) {
    for (const t of tps) {
      if (t.ratePerSec === 0) continue;
      const hold = (t.pagesPerEvent * c.pteUpdate) / hz;
      const rate = 2 * t.ratePerSec * count;
      lockRate += rate;
      lockS1 += rate * hold;
      lockS2 += rate * hold * hold;
    }
  }
  const rho = lockS1; // utilisation = lambda * E[S]
  const rhoCapped = Math.min(rho, MAX_LOCK_UTILIZATION);
  // M/G/1 mean wait (Pollaczek-Khinchine): lambda E[S^2] / (2 (1 - rho)).
  const lockWaitSec = lockRate === 0 ? 0 : lockS2 / (2 * (1 - rhoCapped));

  const perEvent = zeroPerEvent();
  let flushesPerSec = 0;
  let receiverCycles = 0;
  let mappedPages = 0; // mean pages mapped at once (Little's law)
  let noneMapped = 1; // probability that no initiator has a page mapped
  let longestSec = 0;
  let peak = 0;
  for (const { count, tps } of initiators) {
    const P = pagesPerSec(tps);
    const eventsPerSec = tps.reduce((n, t) => n + (t.pagesPerEvent > 0 ? t.ratePerSec : 0), 0);
    const batches = batchesOf(tps, P, eventsPerSec);
    // From a page's restore to the end of its flush: the access, the removal under the lock, the
    // flush (event-weighted mean over this initiator's touchpoints).
    const afterRestore =
      eventsPerSec === 0
        ? 0
        : tps.reduce(
            (n, t) =>
              n +
              (t.pagesPerEvent > 0
                ? t.ratePerSec * (t.bytesPerEvent / c.copyBytesPerCycle + t.pagesPerEvent * c.pteUpdate)
                : 0),
            0,
          ) / eventsPerSec;
    const flushWindowSec = (afterRestore + flushCycles) / hz + lockWaitSec;
    if (eventsPerSec > 0) {
      // An initiator's batch is empty from a flush until its next event (mean 1 / events rate),
      // then holds pages for k - 1 more gaps and the flush: k = events per batch.
      const mappedSec = (batches.eventsPerBatch - 1) / eventsPerSec + flushWindowSec;
      noneMapped *= (1 - mappedSec / (1 / eventsPerSec + mappedSec)) ** count;
    }
    for (const [i, t] of tps.entries()) {
      perEvent[t.id] =
        t.pagesPerEvent * 2 * c.pteUpdate +
        batches.closes[i]! * flushCycles +
        2 * lockWaitSec * hz +
        (t.context === 'vmm' ? syscallCopy(ctx, t) : 0);
      const flushes = count * t.ratePerSec * batches.closes[i]!;
      flushesPerSec += flushes;
      receiverCycles +=
        (N - 1) *
        (flushes * c.ipiReceiveWork + count * t.ratePerSec * batches.closesOverCeiling[i]! * c.tlbRefillAfterFlush);
      peak = Math.max(peak, count * batches.mostPages[i]!);
    }
    if (P > 0) {
      // Little's law: pages mapped = those waiting for their batch to close, plus each page's
      // time from restore to the end of its flush.
      mappedPages += count * (batches.waitingPagesMean + P * flushWindowSec);
      longestSec = Math.max(longestSec, batches.firstPageWaitSec + flushWindowSec);
    }
  }
  const exposed =
    mappedPages === 0
      ? never
      : { fraction: Math.min(1, mappedPages / ctx.guestPages), longestWindowUs: longestSec * 1e6 };
  return {
    perEvent,
    perVcpuFixed: 0,
    otherCpus: receiverCycles,
    // Every flush interrupts every other online CPU, including those that run no vCPU.
    bystanderIpisPerSec: N > 1 ? flushesPerSec : 0,
    lockUtilization: rho,
    exposure: { kernel: exposed, kvm: exposed, vmm: vmmExposure(ctx), userspace: never },
    // Restored pages are in the direct map on every CPU: every CPU's handlers see them while any initiator has some.
    irqNmiWithGuestMappedPerSec: N * (s.host.irqPerSecPerCpu + s.host.nmiPerSecPerCpu) * (1 - noneMapped),
    directMapSplits: directMapSplits(s, '4K'), // single pages are restored: the direct map must be 4K there
    peakPagesMapped: Math.ceil(peak),
  };
}

function perCpuWindow(ctx: Context): Breakdown {
  const { s, c, hz } = ctx;
  const V = s.vm.vcpus;
  const perPage = 2 * c.pteWriteLocal + c.invlpg;
  const perEvent = zeroPerEvent();
  let mappedPages = 0;
  let longestSec = 0;
  let vcpuMappedTime = 0; // per vCPU CPU: share of time a page is mapped in its window
  for (const t of ctx.tps) {
    if (t.context === 'vmm' && !ctx.vmmViaSyscall) continue;
    perEvent[t.id] = t.pagesPerEvent * perPage + (t.context === 'vmm' ? syscallCopy(ctx, t) : 0);
    if (t.pagesPerEvent === 0) continue;
    // A page is mapped for its own access only: the PTE writes, its share of the copy, the INVLPG.
    const windowSec = (perPage + t.bytesPerEvent / t.pagesPerEvent / c.copyBytesPerCycle) / hz;
    const count = t.context === 'kvm' ? V : 1;
    mappedPages += count * t.ratePerSec * t.pagesPerEvent * windowSec;
    if (t.ratePerSec > 0) longestSec = Math.max(longestSec, windowSec);
    if (t.context === 'kvm') vcpuMappedTime += t.ratePerSec * t.pagesPerEvent * windowSec;
  }
  const maxKvmPages = Math.max(
    0,
    ...ctx.tps.filter((t) => t.context === 'kvm' && t.ratePerSec > 0).map((t) => t.pagesPerEvent),
  );
  const maxVmmPages = ctx.vmmViaSyscall
    ? Math.max(0, ...ctx.tps.filter((t) => t.context === 'vmm' && t.ratePerSec > 0).map((t) => t.pagesPerEvent))
    : 0;
  return {
    perEvent,
    perVcpuFixed: 0,
    otherCpus: 0,
    bystanderIpisPerSec: 0,
    lockUtilization: 0,
    exposure: {
      // Only the CPU doing the access has the slot mapped, with preemption off: only its IRQ/NMI handlers can run meanwhile.
      kernel: never,
      kvm:
        mappedPages === 0
          ? never
          : { fraction: Math.min(1, mappedPages / ctx.guestPages), longestWindowUs: longestSec * 1e6 },
      vmm: vmmExposure(ctx),
      userspace: never,
    },
    irqNmiWithGuestMappedPerSec: V * (s.host.irqPerSecPerCpu + s.host.nmiPerSecPerCpu) * Math.min(1, vcpuMappedTime),
    directMapSplits: directMapSplits(s, s.vm.backingPageSize),
    peakPagesMapped: Math.ceil(V * maxKvmPages + maxVmmPages),
  };
}

function kvmOnlyCr3(ctx: Context): Breakdown {
  const { s, c } = ctx;
  const V = s.vm.vcpus;
  const cr3 = s.host.pcid ? c.cr3WritePcid : c.cr3WriteNoPcid + c.tlbRefillAfterFlush;
  const kvmRun = s.strategies.S4.switchPoint === 'kvm_run';
  // kvm_run: switch at KVM_RUN entry/exit (and again at sched-in, so preemption cannot leave KVM
  // without its CR3): KVM's CR3 is held while inside KVM_RUN.
  // vcpu_load: switch at vcpu_load/put only, i.e. at sched-in/out; held while the thread runs,
  // including the VMM's own exit handling in between KVM_RUN calls.
  const crossingsPerSec = kvmRun
    ? s.vm.userspaceExitsPerSecPerVcpu + s.vm.schedInsPerSecPerVcpu
    : s.vm.schedInsPerSecPerVcpu;
  const held = kvmRun ? s.vm.inKvmRunFraction : 1;
  const perEvent = zeroPerEvent();
  for (const t of ctx.tps) {
    // KVM's own accesses are free; the VMM's reads/writes switch to KVM's CR3 inside the syscall.
    if (t.context === 'vmm' && ctx.vmmViaSyscall) perEvent[t.id] = syscallCopy(ctx, t) + 2 * cr3;
  }
  const meanHoldSec = crossingsPerSec > 0 ? held / crossingsPerSec : ctx.runUs * 1e-6;
  const kvmFraction = held <= 0 ? 0 : 1 - (1 - held) ** V; // mapped on at least one vCPU's CPU
  return {
    perEvent,
    perVcpuFixed: 2 * crossingsPerSec * cr3,
    otherCpus: 0,
    bystanderIpisPerSec: 0,
    lockUtilization: 0,
    exposure: {
      kernel: never,
      kvm:
        kvmFraction === 0 ? never : { fraction: kvmFraction, longestWindowUs: Math.min(ctx.runUs, meanHoldSec * 1e6) },
      vmm: vmmExposure(ctx),
      userspace: never,
    },
    irqNmiWithGuestMappedPerSec: V * (s.host.irqPerSecPerCpu + s.host.nmiPerSecPerCpu) * held,
    directMapSplits: directMapSplits(s, s.vm.backingPageSize),
    peakPagesMapped: 0,
  };
}

function userCarveOut(ctx: Context): Breakdown {
  const { s, c } = ctx;
  const perEvent = zeroPerEvent();
  for (const t of ctx.tps) {
    if (t.context === 'kvm') perEvent[t.id] = t.pagesPerEvent * (c.stac + c.clac);
    else if (ctx.vmmViaSyscall) perEvent[t.id] = syscallCopy(ctx, t) + t.pagesPerEvent * (c.stac + c.clac);
  }
  return {
    perEvent,
    perVcpuFixed: 0,
    otherCpus: 0,
    bystanderIpisPerSec: 0,
    lockUtilization: 0,
    exposure: {
      kernel: s.host.smapStopsSpeculation ? never : always(ctx),
      kvm: always(ctx),
      // Without LASS every host process, the VMM included, can read the USER=1 mapping.
      vmm: s.host.lass ? vmmExposure(ctx) : always(ctx),
      userspace: s.host.lass ? never : always(ctx),
    },
    irqNmiWithGuestMappedPerSec: s.host.cpus * (s.host.irqPerSecPerCpu + s.host.nmiPerSecPerCpu),
    directMapSplits: directMapSplits(s, s.vm.backingPageSize),
    peakPagesMapped: 0,
  };
}

const MODELS: Record<StrategyId, (ctx: Context) => Breakdown> = {
  S0: statusQuo,
  S1: mmapEverything,
  S2: onDemandDirectMap,
  S3: perCpuWindow,
  S4: kvmOnlyCr3,
  S5: userCarveOut,
};

/** Time to handle one event before any strategy adds to it. */
function baselineCycles(c: CostTable, tp: Touchpoint): number {
  const copy = tp.bytesPerEvent / c.copyBytesPerCycle;
  switch (tp.id) {
    case 'mmio':
    case 'pio':
    case 'hypercall':
      return c.vmExitRoundTrip + copy;
    case 'nestedTdp':
      return c.nestedExitRoundTrip + copy;
    case 'postCopy':
      return c.userfaultRoundTrip + copy;
    default:
      return copy;
  }
}

function toMetrics(ctx: Context, b: Breakdown): Record<string, Estimate> {
  const { s, c, hz } = ctx;
  const V = s.vm.vcpus;
  const N = s.host.cpus;
  let perVcpu = b.perVcpuFixed;
  let vmm = 0;
  for (const tp of ctx.tps) {
    if (tp.context === 'kvm') perVcpu += tp.ratePerSec * b.perEvent[tp.id];
    else vmm += tp.ratePerSec * b.perEvent[tp.id];
  }
  const splitPenalty = b.directMapSplits * c.directMapSplitTlbMisses * c.pageWalk * N;
  const host = V * perVcpu + vmm + b.otherCpus + splitPenalty;
  // ctx.tps is in TOUCHPOINT_IDS order.
  const latencies = ctx.tps.map((tp) => exact(((baselineCycles(c, tp) + b.perEvent[tp.id]) / hz) * 1e6));
  // One object literal with every key: V8 builds it from a fixed shape, which a loop of
  // computed keys does not get (this runs for every strategy of every sweep point).
  const metrics: Record<string, Estimate> = {
    'cost.overheadPct': exact((100 * perVcpu) / hz),
    'cost.cyclesPerSecPerVcpu': exact(perVcpu),
    'cost.hostOverheadPct': exact((100 * host) / (N * hz)),
    'cost.cyclesPerSecHost': exact(host),
    'cost.bystanderIpisPerSec': exact(N > V ? b.bystanderIpisPerSec : 0),
    'cost.lockUtilization': exact(b.lockUtilization),
    'exposure.kernel.fraction': exact(b.exposure.kernel.fraction),
    'exposure.kernel.longestWindowUs': exact(b.exposure.kernel.longestWindowUs),
    'exposure.kvm.fraction': exact(b.exposure.kvm.fraction),
    'exposure.kvm.longestWindowUs': exact(b.exposure.kvm.longestWindowUs),
    'exposure.vmm.fraction': exact(b.exposure.vmm.fraction),
    'exposure.vmm.longestWindowUs': exact(b.exposure.vmm.longestWindowUs),
    'exposure.userspace.fraction': exact(b.exposure.userspace.fraction),
    'exposure.userspace.longestWindowUs': exact(b.exposure.userspace.longestWindowUs),
    'exposure.kvm.irqNmiWithGuestMappedPerSec': exact(b.irqNmiWithGuestMappedPerSec),
    'footprint.directMapSplits': exact(b.directMapSplits),
    'footprint.peakPagesMapped': exact(b.peakPagesMapped),
    'latency.mmio.meanUs': latencies[0]!,
    'latency.pio.meanUs': latencies[1]!,
    'latency.nestedTdp.meanUs': latencies[2]!,
    'latency.pfnCache.meanUs': latencies[3]!,
    'latency.hypercall.meanUs': latencies[4]!,
    'latency.postCopy.meanUs': latencies[5]!,
    'latency.migration.meanUs': latencies[6]!,
    'latency.virtio.meanUs': latencies[7]!,
    'latency.snapshot.meanUs': latencies[8]!,
  };
  return metrics;
}

export function runAnalytic(scenario: Scenario): RunOutput {
  const costTable = resolveCostEntries(scenario.host.costs);
  const ctx: Context = {
    s: scenario,
    c: costTableOf(costTable),
    hz: scenario.host.ghz * 1e9,
    tps: touchpointsOf(scenario),
    guestPages: (scenario.vm.memoryGiB * 2 ** 30) / PAGE_BYTES,
    runUs: scenario.simulation.durationSec * 1e6,
    vmmViaSyscall: scenario.strategies.vmmAccess === 'syscall',
  };
  const strategies: StrategyResult[] = enabledStrategies(scenario).map((id) => ({
    strategy: id,
    params: strategyParams(scenario, id),
    metrics: toMetrics(ctx, MODELS[id](ctx)),
    distributions: {},
    capability: capabilityOf(id, scenario),
  }));
  return { modelVersion: MODEL_VERSION, method: 'analytic', seeds: [], costTable, strategies };
}
