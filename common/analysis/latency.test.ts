import { describe, expect, it } from 'vitest';
import { PRESETS, runDes, setParameter } from '../core/index.ts';
import {
  histogramCdf,
  histogramQuantile,
  latencyTouchpoint,
  PERCENTILES,
  touchpointsWithEvents,
  unsimulatedTouchpoints,
} from './latency.ts';

describe('latency distributions', () => {
  const d = { bucketUpperUs: [1, 2, 4, 8, 16, 32], counts: [0, 10, 80, 9, 1, 0] };

  it('reads percentiles inside the bucket that reaches them', () => {
    // 50 of 100 events: the 40th of 80 in the (2, 4] bucket.
    expect(histogramQuantile(d, 0.5)).toBeCloseTo(2 + 2 * (40 / 80), 12);
    expect(histogramQuantile(d, 0.9)).toBeCloseTo(4, 12);
    expect(histogramQuantile(d, 0.99)).toBeCloseTo(8, 12);
    expect(histogramQuantile(d, 0.999)).toBeCloseTo(8 + 8 * 0.9, 12);
    expect(histogramQuantile(d, 1)).toBe(16);
    expect(histogramQuantile({ bucketUpperUs: [1], counts: [0] }, 0.5)).toBeUndefined();
    expect(PERCENTILES.map((p) => p.label)).toEqual(['p50', 'p90', 'p99', 'p99.9']);
  });

  it('gives the CDF trimmed to the buckets that hold events', () => {
    expect(histogramCdf(d)).toEqual([
      { x: 1, y: 0 },
      { x: 2, y: 0.1 },
      { x: 4, y: 0.9 },
      { x: 8, y: 0.99 },
      { x: 16, y: 1 },
    ]);
    expect(histogramCdf({ bucketUpperUs: [1], counts: [0] })).toEqual([]);
    expect(histogramCdf({ bucketUpperUs: [0.5, 1], counts: [3, 0] })).toEqual([
      { x: 0.25, y: 0 },
      { x: 0.5, y: 1 },
    ]);
  });

  it("on the simulator's own histograms: percentiles rise, and p50 lies within the bucket of the simulator's p50", () => {
    let s = setParameter(PRESETS[0]!.scenario, 'simulation.method', 'des');
    s = setParameter(s, 'simulation.durationSec', 0.05);
    const out = runDes({ ...s, simulation: { ...s.simulation, seeds: [1] } });
    let checked = 0;
    for (const r of out.strategies)
      for (const [tp, dist] of Object.entries(r.distributions)) {
        const ps = PERCENTILES.map((p) => histogramQuantile(dist, p.q)!);
        for (let i = 1; i < ps.length; i++) expect(ps[i]!).toBeGreaterThanOrEqual(ps[i - 1]!);
        const p50 = r.metrics[`latency.${tp}.p50Us`]?.mean;
        if (p50 === undefined) continue;
        const i = dist.bucketUpperUs.findIndex((u) => u >= ps[0]!);
        const lower = i === 0 ? 0 : dist.bucketUpperUs[i - 1]!;
        expect(p50).toBeGreaterThanOrEqual(lower * (1 - 1e-9));
        expect(p50).toBeLessThanOrEqual(dist.bucketUpperUs[i]! * (1 + 1e-9));
        checked++;
      }
    expect(checked).toBeGreaterThan(0);
  });
});

describe('touchpointsWithEvents', () => {
  const quiet = PRESETS.find((p) => p.id === 'quiet-cloud-vm')!.scenario;
  const withRate = (s: typeof quiet) =>
    Object.entries(s.workload.touchpoints)
      .filter(([, t]) => t.ratePerSec > 0)
      .map(([id]) => id)
      .sort();

  it('names the touchpoints with events at the point, leaving out those their VM feature gates off', () => {
    expect([...touchpointsWithEvents(quiet)!].sort()).toEqual(withRate(quiet));
    const shadow = setParameter(quiet, 'workload.touchpoints.nestedTdp.ratePerSec', 500);
    expect(shadow.vm.nested).toBe(false);
    expect(touchpointsWithEvents(shadow)!.has('nestedTdp')).toBe(false);
    expect(touchpointsWithEvents(shadow, { 'vm.nested': true })!.has('nestedTdp')).toBe(true);
    expect(touchpointsWithEvents(quiet, { 'vm.nope': 1 })).toBeUndefined();
  });

  it('reads a revision saved by an older model, without the fields added since', () => {
    const old = structuredClone(quiet) as unknown as {
      workload: Record<string, unknown> & { touchpoints: Record<string, unknown> };
    };
    delete old.workload['exitMix'];
    delete old.workload.touchpoints['hvaCache'];
    const shown = touchpointsWithEvents(old as unknown as typeof quiet);
    expect(shown).toBeDefined();
    expect(shown!.has('mmio')).toBe(true);
  });

  it('knows a latency metric by its key', () => {
    expect(latencyTouchpoint('latency.mmio.meanUs')).toBe('mmio');
    expect(latencyTouchpoint('cost.overheadPct')).toBeUndefined();
  });
});

describe('unsimulatedTouchpoints', () => {
  it('names the touchpoints with events at the point that simulated runs give no latency for', () => {
    const scenario = PRESETS[0]!.scenario;
    const runs = [{ metrics: { 'latency.mmio.meanUs': 1, 'latency.pio.meanUs': 1, 'cost.overheadPct': 0 } }];
    const missing = unsimulatedTouchpoints(scenario, {}, 'des', runs);
    // The preset's touchpoints with a rate, read from the scenario itself (nested TDP is gated by
    // vm.nested), but the two the runs carry.
    const rated = Object.entries(scenario.workload.touchpoints)
      .filter(([id, t]) => t.ratePerSec > 0 && (id !== 'nestedTdp' || scenario.vm.nested))
      .map(([id]) => id);
    expect(new Set(missing)).toEqual(new Set(rated.filter((tp) => tp !== 'mmio' && tp !== 'pio')));
    expect(missing.length).toBeGreaterThan(0);
    // The formulas give every latency: nothing is missing from analytic runs.
    expect(unsimulatedTouchpoints(scenario, {}, 'analytic', runs)).toEqual([]);
  });
});
