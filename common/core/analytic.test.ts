// The analytic model, checked against numbers worked out by hand, and against properties that
// must hold for any scenario. handScenario(): 4 CPUs at 1 GHz (1 cycle = 1 ns), 2 vCPUs, 1 GiB
// backed by 2M pages, 1G direct map, one touchpoint: 1000 MMIO exits/s per vCPU, 1 page, 8 bytes.
// Default costs: stac=clac=5, pageWalk=40, pteUpdate=300, pteWriteLocal=20, invlpg=200,
// cr3WritePcid=200, shootdownBase=2500, shootdownPerTarget=500, ipiReceiveWork=1000,
// copyBytesPerCycle=10, vmExitRoundTrip=1350, directMapSplitTlbMisses=0.5.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StrategyId } from './api.ts';
import { runAnalytic } from './analytic.ts';
import { PRESETS } from './presets.ts';
import { setParameter } from './params.ts';
import type { Scenario } from './scenario.ts';
import { handScenario } from './testing.ts';
import { MODEL_VERSION } from './version.ts';
import { DEFAULT_COSTS } from './costs.ts';
import { METRIC_CATALOGUE } from './metrics.ts';

function metricsOf(s: Scenario, id: StrategyId): Record<string, number> {
  const result = runAnalytic(s).strategies.find((r) => r.strategy === id)!;
  return Object.fromEntries(Object.entries(result.metrics).map(([k, e]) => [k, e.mean]));
}

describe('analytic model, worked by hand', () => {
  const s = handScenario();
  // Direct-map splits when taken out at 4K granularity: 1 GiB = one 1G page (-> 2M) + 512 2M pages (-> 4K).
  const splits4k = 1 + 512;
  const splitPenalty = (splits: number) => splits * 0.5 * 40 * 4; // splits x misses/s x walk x CPUs

  it('S0 costs nothing and exposes everything but to other userspace', () => {
    const m = metricsOf(s, 'S0');
    expect(m['cost.cyclesPerSecHost']).toBe(0);
    expect(m['cost.overheadPct']).toBe(0);
    expect(m['exposure.kernel.fraction']).toBe(1);
    expect(m['exposure.userspace.fraction']).toBe(0);
    expect(m['exposure.kernel.longestWindowUs']).toBe(1e6); // the whole 1 s run
    expect(m['latency.mmio.meanUs']).toBeCloseTo((1350 + 8 / 10) / 1000, 9); // exit + copy, in us
  });

  it('S1: STAC + CLAC + a user page walk per page, and a direct map split to 4K', () => {
    const m = metricsOf(s, 'S1');
    const perVcpu = 1000 * (5 + 5 + 40); // 50,000 cycles/s
    expect(m['cost.cyclesPerSecPerVcpu']).toBeCloseTo(perVcpu, 6);
    expect(m['cost.overheadPct']).toBeCloseTo((100 * perVcpu) / 1e9, 12); // 0.005 %
    expect(m['footprint.directMapSplits']).toBe(splits4k);
    expect(m['cost.cyclesPerSecHost']).toBeCloseTo(2 * perVcpu + splitPenalty(splits4k), 6); // 141,040
    expect(m['exposure.vmm.fraction']).toBe(1);
  });

  it('S2: two PTE updates, one shootdown to the 3 other CPUs, M/G/1 lock wait, per event', () => {
    const m = metricsOf(s, 'S2');
    const flush = 2500 + 500 * 3; // 4,000 cycles, the initiator waits
    const lockRate = 2 * 1000 * 2; // two acquisitions per event, two vCPUs
    const hold = 300e-9; // one PTE update, in seconds
    const rho = lockRate * hold; // 0.0012
    const waitSec = (lockRate * hold * hold) / (2 * (1 - rho)); // Pollaczek-Khinchine
    const perEvent = 2 * 300 + flush + 2 * waitSec * 1e9; // 4,600.36 cycles
    expect(m['cost.lockUtilization']).toBeCloseTo(rho, 12);
    expect(m['cost.cyclesPerSecPerVcpu']).toBeCloseTo(1000 * perEvent, 4);
    const flushesPerSec = 2 * 1000;
    expect(m['cost.bystanderIpisPerSec']).toBe(flushesPerSec);
    const receivers = flushesPerSec * 3 * 1000; // every other CPU does the IPI work
    expect(m['cost.cyclesPerSecHost']).toBeCloseTo(2 * 1000 * perEvent + receivers + splitPenalty(splits4k), 3);
    // Little's law: pages mapped = page rate x time from restore to the end of the flush
    // (the 8-byte copy, the removal under the lock, the flush).
    const windowSec = (8 / 10 + 300 + flush) / 1e9 + waitSec;
    expect(m['exposure.kernel.fraction']).toBeCloseTo((2 * 1000 * windowSec) / 262144, 15);
    expect(m['exposure.kernel.longestWindowUs']).toBeCloseTo(windowSec * 1e6, 9);
    expect(m['latency.mmio.meanUs']).toBeCloseTo((1350 + 8 / 10 + perEvent) / 1000, 9);
  });

  it('S2 batching: B pages per flush cut the flush rate by B and lengthen the window', () => {
    const batched = setParameter(s, 'strategies.S2.batchPages', 8);
    const m = metricsOf(batched, 'S2');
    expect(m['cost.bystanderIpisPerSec']).toBeCloseTo((2 * 1000) / 8, 9);
    // A page waits (B - 1) / 2P on average for its batch to fill: 3.5 ms at P = 1000 pages/s.
    expect(m['exposure.kernel.longestWindowUs']).toBeGreaterThan((7 / 1000) * 1e6);
    const bounded = setParameter(batched, 'strategies.S2.flushAfterUs', 2000); // 2 ms bound: 2 pages per flush
    expect(metricsOf(bounded, 'S2')['cost.bystanderIpisPerSec']).toBeCloseTo((2 * 1000) / 2, 9);
  });

  it('S2 batching with 1.5 pages an event: a batch closes at B pages or past (worked by hand for B = 2)', () => {
    // An event brings 1 or 2 pages, each half the time. B = 2: the first event closes the batch
    // with 2 pages; with 1 it waits for a second. 1.5 events a batch: 2/3 of events flush (a
    // formula of exactly B pages a batch said 3/4), and 1 page waits one gap in half the
    // batches: 0.5 / 1.5 = 1/3 page waiting on each vCPU at any time.
    const onePointFive = setParameter(s, 'workload.touchpoints.mmio.pagesPerEvent', 1.5);
    const flushEach = metricsOf(setParameter(onePointFive, 'strategies.S2.batchPages', 1), 'S2');
    const batched = metricsOf(setParameter(onePointFive, 'strategies.S2.batchPages', 2), 'S2');
    expect(flushEach['cost.bystanderIpisPerSec']).toBeCloseTo(2 * 1000, 9);
    expect(batched['cost.bystanderIpisPerSec']).toBeCloseTo((2 * 1000 * 2) / 3, 9);
    expect(batched['exposure.kernel.fraction']! - flushEach['exposure.kernel.fraction']!).toBeCloseTo(
      (2 * (1 / 3)) / 262144,
      15,
    );
  });

  it('S3: two local PTE writes and an INVLPG per page, no IPI, no kernel-wide exposure', () => {
    const m = metricsOf(s, 'S3');
    const perPage = 2 * 20 + 200; // 240 cycles
    expect(m['cost.cyclesPerSecPerVcpu']).toBeCloseTo(1000 * perPage, 6);
    expect(m['cost.bystanderIpisPerSec']).toBe(0);
    expect(m['footprint.directMapSplits']).toBe(1); // 2M backing: only the 1G page splits
    expect(m['cost.cyclesPerSecHost']).toBeCloseTo(2 * 1000 * perPage + splitPenalty(1), 6);
    expect(m['exposure.kernel.fraction']).toBe(0);
    const windowSec = (perPage + 8 / 10) / 1e9; // the page's own access
    expect(m['exposure.kvm.fraction']).toBeCloseTo((2 * 1000 * windowSec) / 262144, 18);
  });

  it('S4: two CR3 writes per crossing; with no PCID each also refills the TLB', () => {
    const m = metricsOf(s, 'S4');
    const crossings = 100 + 50; // KVM_RUN returns + sched-ins, per vCPU per second
    expect(m['cost.cyclesPerSecPerVcpu']).toBeCloseTo(2 * crossings * 200, 6);
    expect(m['exposure.kvm.fraction']).toBeCloseTo(1 - 0.1 ** 2, 12); // held 90% of the time on each of 2 CPUs
    expect(m['exposure.kvm.irqNmiWithGuestMappedPerSec']).toBeCloseTo(2 * 1000 * 0.9, 9);
    expect(m['exposure.kvm.longestWindowUs']).toBeCloseTo((0.9 / crossings) * 1e6, 6);
    expect(m['exposure.kernel.fraction']).toBe(0);
    const noPcid = metricsOf(setParameter(s, 'host.pcid', false), 'S4');
    expect(noPcid['cost.cyclesPerSecPerVcpu']).toBeCloseTo(2 * crossings * (200 + 40000), 6);
    const lazy = metricsOf(setParameter(s, 'strategies.S4.switchPoint', 'vcpu_load'), 'S4');
    expect(lazy['cost.cyclesPerSecPerVcpu']).toBeCloseTo(2 * 50 * 200, 6); // sched-ins only
    expect(lazy['exposure.kvm.irqNmiWithGuestMappedPerSec']).toBeCloseTo(2 * 1000, 9); // held whenever the thread runs
  });

  it('S5: STAC + CLAC per page; userspace exposure is total without LASS and none with it', () => {
    const m = metricsOf(s, 'S5');
    expect(m['cost.cyclesPerSecPerVcpu']).toBeCloseTo(1000 * (5 + 5), 6);
    expect(m['exposure.userspace.fraction']).toBe(1);
    expect(metricsOf(setParameter(s, 'host.lass', true), 'S5')['exposure.userspace.fraction']).toBe(0);
    expect(m['exposure.kernel.fraction']).toBe(1);
    expect(metricsOf(setParameter(s, 'host.smapStopsSpeculation', true), 'S5')['exposure.kernel.fraction']).toBe(0);
  });

  it('records the model version and the full cost table, overrides marked', () => {
    const out = runAnalytic(setParameter(s, 'host.costs.invlpg', 150));
    expect(out.modelVersion).toBe(MODEL_VERSION);
    expect(out.costTable.map((c) => c.key)).toEqual(DEFAULT_COSTS.map((c) => c.key));
    const invlpg = out.costTable.find((c) => c.key === 'invlpg')!;
    expect(invlpg.value).toBe(150);
    expect(invlpg.source).toBe('scenario override');
    expect(metricsOf(setParameter(s, 'host.costs.invlpg', 150), 'S3')['cost.cyclesPerSecPerVcpu']).toBeCloseTo(
      1000 * (40 + 150),
      6,
    );
  });
});

// Scenarios drawn around the presets, within the format's bounds.
const arbScenario = fc
  .record({
    preset: fc.constantFrom(...PRESETS.map((p) => p.scenario)),
    cpus: fc.integer({ min: 2, max: 512 }),
    vcpus: fc.integer({ min: 1, max: 64 }),
    mmio: fc.double({ min: 1, max: 1e6, noNaN: true }),
    irq: fc.double({ min: 0, max: 1e5, noNaN: true }),
    pcid: fc.boolean(),
    batch: fc.integer({ min: 1, max: 512 }),
  })
  .map(({ preset, cpus, vcpus, mmio, irq, pcid, batch }) => {
    let s = structuredClone(preset);
    s.host.cpus = cpus;
    s.vm.vcpus = Math.min(vcpus, cpus);
    s.host.irqPerSecPerCpu = irq;
    s.host.pcid = pcid;
    s.workload.touchpoints.mmio.ratePerSec = mmio;
    s = setParameter(s, 'strategies.S2.batchPages', batch);
    return s;
  });

describe('analytic model, properties', () => {
  it('S0 costs nothing on any scenario', () => {
    fc.assert(
      fc.property(arbScenario, (s) => {
        const m = metricsOf(s, 'S0');
        return (
          m['cost.cyclesPerSecHost'] === 0 && m['cost.cyclesPerSecPerVcpu'] === 0 && m['cost.bystanderIpisPerSec'] === 0
        );
      }),
    );
  });

  it('S2 cost grows with the host CPU count', () => {
    fc.assert(
      fc.property(arbScenario, fc.integer({ min: 1, max: 1000 }), (s, more) => {
        const bigger = setParameter(s, 'host.cpus', Math.min(8192, s.host.cpus + more));
        return metricsOf(bigger, 'S2')['cost.cyclesPerSecPerVcpu']! > metricsOf(s, 'S2')['cost.cyclesPerSecPerVcpu']!;
      }),
    );
  });

  it('S3 sends no IPI', () => {
    fc.assert(fc.property(arbScenario, (s) => metricsOf(s, 'S3')['cost.bystanderIpisPerSec'] === 0));
  });

  it('S4 exposure grows with the IRQ rate', () => {
    fc.assert(
      fc.property(arbScenario, fc.double({ min: 1, max: 1e5, noNaN: true }), (s, extra) => {
        const noisier = setParameter(s, 'host.irqPerSecPerCpu', s.host.irqPerSecPerCpu + extra);
        return (
          metricsOf(noisier, 'S4')['exposure.kvm.irqNmiWithGuestMappedPerSec']! >
          metricsOf(s, 'S4')['exposure.kvm.irqNmiWithGuestMappedPerSec']!
        );
      }),
    );
  });

  it('S5 userspace exposure is zero with LASS and total without it', () => {
    fc.assert(
      fc.property(arbScenario, (s) => {
        const withLass = metricsOf(setParameter(s, 'host.lass', true), 'S5')['exposure.userspace.fraction'];
        const without = metricsOf(setParameter(s, 'host.lass', false), 'S5')['exposure.userspace.fraction'];
        return withLass === 0 && without === 1;
      }),
    );
  });

  it('every metric is a finite number for every strategy (storable, exportable)', () => {
    fc.assert(
      fc.property(arbScenario, (s) =>
        runAnalytic(s).strategies.every((r) =>
          Object.values(r.metrics).every((e) => Number.isFinite(e.mean) && e.mean >= 0),
        ),
      ),
    );
  });
});

describe('metric catalogue', () => {
  it('describes exactly the metrics every strategy returns, no more, no fewer', () => {
    const catalogue = new Set(METRIC_CATALOGUE.filter((m) => m.onlyFrom === undefined).map((m) => m.key));
    for (const r of runAnalytic(PRESETS[0]!.scenario).strategies)
      expect(new Set(Object.keys(r.metrics))).toEqual(catalogue);
  });
});
