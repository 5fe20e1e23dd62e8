import { describe, expect, it } from 'vitest';
import { buildOverlay, chooseX, spansDecades, suitsLogAxis, type OverlayRun } from './overlay.ts';

const run = (
  id: number,
  experimentId: number,
  strategy: string,
  point: Record<string, number | string | boolean>,
  y: number,
  modelVersion = '1.0',
): OverlayRun => ({
  id,
  experimentId,
  experimentName: `exp${experimentId}`,
  strategy,
  modelVersion,
  point,
  metrics: { 'cost.overheadPct': { mean: y, ci95: 0.5, n: 3 } },
});

describe('buildOverlay', () => {
  it('makes one sorted series per experiment and strategy against the swept parameter', () => {
    const o = buildOverlay(
      [
        run(1, 1, 'S2', { 'vm.vcpus': 8 }, 3),
        run(2, 1, 'S2', { 'vm.vcpus': 2 }, 1),
        run(3, 1, 'S3', { 'vm.vcpus': 2 }, 0.5),
        run(4, 2, 'S2', { 'vm.vcpus': 4 }, 2, '2.0'),
      ],
      'cost.overheadPct',
      { xPath: 'vm.vcpus' },
    );
    expect(o.mode).toBe('parameter');
    expect(o.xKind).toBe('numeric');
    expect(o.referenceVersion).toBe('1.0');
    expect(o.series.map((s) => [s.experimentId, s.strategy, s.experimentIndex])).toEqual([
      [1, 'S2', 0],
      [1, 'S3', 0],
      [2, 'S2', 1],
    ]);
    expect(o.series[0]!.points.map((p) => [p.x, p.y])).toEqual([
      [2, 1],
      [8, 3],
    ]);
    expect(o.series[2]!.versionMismatch).toBe(true);
    expect(o.series[2]!.label).toContain('[model 2.0]');
    expect(o.series[0]!.versionMismatch).toBe(false);
    expect(o.skipped).toEqual([]);
  });

  it('names every experiment it cannot draw against x, with the reason', () => {
    const o = buildOverlay(
      [
        run(1, 1, 'S2', { 'vm.vcpus': 2 }, 1),
        run(2, 2, 'S2', {}, 9),
        run(3, 3, 'S2', { 'host.cpus': 8 }, 9),
        { ...run(4, 4, 'S2', { 'vm.vcpus': 2 }, 9), metrics: {} },
      ],
      'cost.overheadPct',
      { xPath: 'vm.vcpus' },
    );
    expect(o.series).toHaveLength(1);
    expect(o.skipped).toEqual([
      { experimentId: 2, experimentName: 'exp2', reason: 'a single point, nothing swept: pick x = strategy to see it' },
      { experimentId: 3, experimentName: 'exp3', reason: 'sweeps host.cpus, not vm.vcpus' },
      { experimentId: 4, experimentName: 'exp4', reason: 'has no value for cost.overheadPct' },
    ]);
  });

  it('splits a 2-D sweep by the other parameter when it has few values: no zig-zag series', () => {
    const runs: OverlayRun[] = [];
    let id = 0;
    for (const mem of [4, 16])
      for (const v of [1, 2, 4]) runs.push(run(++id, 1, 'S2', { 'vm.vcpus': v, 'vm.memoryGiB': mem }, v * mem));
    const o = buildOverlay(runs, 'cost.overheadPct', { xPath: 'vm.vcpus' });
    expect(o.others).toEqual([{ path: 'vm.memoryGiB', values: [4, 16], handling: { kind: 'split' } }]);
    expect(o.series).toHaveLength(2);
    for (const s of o.series) {
      // Each series has one point per x: strictly increasing x, nothing drawn back and forth.
      const xs = s.points.map((p) => p.x as number);
      expect(xs).toEqual([1, 2, 4]);
    }
    expect(o.series.map((s) => [s.split, s.splitIndex])).toEqual([
      [{ 'vm.memoryGiB': 4 }, 0],
      [{ 'vm.memoryGiB': 16 }, 1],
    ]);
    expect(o.series[1]!.label).toBe('#1 exp1 · S2 · vm.memoryGiB = 16');
  });

  it('slices a parameter with many values at its first value, or at the value asked for', () => {
    const runs: OverlayRun[] = [];
    let id = 0;
    for (const cpus of [8, 16, 32, 64, 128])
      for (const v of [1, 2]) runs.push(run(++id, 1, 'S2', { 'vm.vcpus': v, 'host.cpus': cpus }, cpus + v));
    const first = buildOverlay(runs, 'cost.overheadPct', { xPath: 'vm.vcpus' });
    expect(first.others[0]).toMatchObject({ path: 'host.cpus', handling: { kind: 'slice', value: 8 } });
    expect(first.series).toHaveLength(1);
    expect(first.series[0]!.points.map((p) => p.y)).toEqual([9, 10]);
    const asked = buildOverlay(runs, 'cost.overheadPct', {
      xPath: 'vm.vcpus',
      others: { 'host.cpus': { kind: 'slice', value: 64 } },
    });
    expect(asked.series[0]!.points.map((p) => p.y)).toEqual([65, 66]);
    // A value nobody holds falls back to the default handling.
    const bogus = buildOverlay(runs, 'cost.overheadPct', {
      xPath: 'vm.vcpus',
      others: { 'host.cpus': { kind: 'slice', value: 3 } },
    });
    expect(bogus.others[0]!.handling).toEqual({ kind: 'slice', value: 8 });
  });

  it('puts strategies on x as categories (markers, no lines), one series per experiment', () => {
    const o = buildOverlay(
      [run(1, 1, 'S1', {}, 4), run(2, 1, 'S0', {}, 0), run(3, 2, 'S1', {}, 5)],
      'cost.overheadPct',
      { referenceVersion: '0.9' },
    );
    expect(o.mode).toBe('strategy');
    expect(o.xKind).toBe('category');
    expect(o.categories).toEqual(['S0', 'S1']);
    expect(o.series).toHaveLength(2);
    expect(o.series[0]!.points.map((p) => p.x)).toEqual(['S0', 'S1']);
    expect(o.series[0]!.versionMismatch).toBe(true);
  });

  it('treats an enum or boolean x as categories', () => {
    const o = buildOverlay(
      [run(1, 1, 'S2', { 'host.pcid': true }, 1), run(2, 1, 'S2', { 'host.pcid': false }, 2)],
      'cost.overheadPct',
      { xPath: 'host.pcid' },
    );
    expect(o.xKind).toBe('category');
    expect(o.categories).toEqual(['false', 'true']);
    expect(o.series[0]!.points.map((p) => p.x)).toEqual(['false', 'true']);
  });

  it('carries the runs’ trust flags onto their points', () => {
    const flagged = { ...run(1, 1, 'S2', { 'vm.vcpus': 2 }, 1), flags: [{ code: 'saturated', message: 'lock' }] };
    const o = buildOverlay([flagged], 'cost.overheadPct', { xPath: 'vm.vcpus' });
    expect(o.series[0]!.points[0]!.flags).toEqual(['saturated']);
  });
});

describe('chooseX', () => {
  it('picks the parameter most experiments sweep, then the one with most values', () => {
    const runs = [
      run(1, 1, 'S2', { 'a.first': 1, 'vm.vcpus': 1 }, 0),
      run(2, 1, 'S2', { 'a.first': 1, 'vm.vcpus': 2 }, 0),
      run(3, 2, 'S2', { 'vm.vcpus': 4 }, 0),
      run(4, 3, 'S2', {}, 0),
    ];
    expect(chooseX(runs)).toBe('vm.vcpus');
    expect(chooseX([run(1, 1, 'S2', { b: 1 }, 0), run(2, 1, 'S2', { b: 2 }, 0), run(3, 1, 'S2', { a: 1 }, 0)])).toBe(
      'b',
    );
    expect(chooseX([run(1, 1, 'S2', {}, 0)])).toBe('');
  });
});

describe('spansDecades', () => {
  it('is true from two decades up', () => {
    expect(spansDecades([1, 10, 100])).toBe(true);
    expect(spansDecades([1, 99])).toBe(false);
    expect(spansDecades([0, 5])).toBe(false);
  });
});

describe('suitsLogAxis', () => {
  it('is true for two decades, or for values spaced by a steady ratio (a log sweep, rounded to whole numbers)', () => {
    expect(suitsLogAxis([1, 2, 4, 8, 16, 32, 64])).toBe(true);
    expect(suitsLogAxis([1, 3, 10, 32, 100])).toBe(true);
    expect(suitsLogAxis([2, 4, 9, 20])).toBe(true);
    expect(suitsLogAxis([1, 12, 22, 33, 43, 54, 64])).toBe(false);
    expect(suitsLogAxis([1, 2, 3])).toBe(false);
    expect(suitsLogAxis([4, 8])).toBe(false);
    expect(suitsLogAxis(['pinned', 'shared'])).toBe(false);
    // A zero (a rate of 0) has no place on a log axis: linear, so its run stays on the chart.
    expect(suitsLogAxis([0, 1000, 2000, 4000])).toBe(false);
    expect(suitsLogAxis([0, 1, 10, 100, 1000])).toBe(false);
  });
});
