import { describe, expect, it } from 'vitest';
import { buildOverlay, spansDecades, type OverlayRun } from './overlay.ts';

const run = (
  id: number,
  experimentId: number,
  strategy: string,
  x: number | undefined,
  y: number,
  modelVersion = '1.0',
): OverlayRun => ({
  id,
  experimentId,
  experimentName: `exp${experimentId}`,
  strategy,
  modelVersion,
  point: x === undefined ? {} : { 'vm.vcpus': x },
  metrics: { 'cost.overheadPct': { mean: y, ci95: 0.5, n: 3 } },
});

describe('buildOverlay', () => {
  it('makes one sorted series per experiment and strategy against the swept parameter', () => {
    const o = buildOverlay(
      [
        run(1, 1, 'S2', 8, 3),
        run(2, 1, 'S2', 2, 1),
        run(3, 1, 'S3', 2, 0.5),
        run(4, 2, 'S2', 4, 2, '2.0'),
        run(5, 3, 'S2', undefined, 9),
      ],
      'cost.overheadPct',
      'vm.vcpus',
    );
    expect(o.mode).toBe('parameter');
    expect(o.referenceVersion).toBe('1.0');
    expect(o.series.map((s) => s.key)).toEqual(['1:S2', '1:S3', '2:S2']);
    expect(o.series[0]!.points.map((p) => [p.x, p.y])).toEqual([
      [2, 1],
      [8, 3],
    ]);
    expect(o.series[2]!.versionMismatch).toBe(true);
    expect(o.series[2]!.label).toContain('[model 2.0]');
    expect(o.series[0]!.versionMismatch).toBe(false);
  });

  it('puts strategies on x without a parameter, and skips runs lacking the metric', () => {
    const noMetric = { ...run(9, 1, 'S5', undefined, 0), metrics: {} };
    const o = buildOverlay(
      [run(1, 1, 'S0', undefined, 0), run(2, 1, 'S1', undefined, 4), noMetric],
      'cost.overheadPct',
      undefined,
      '0.9',
    );
    expect(o.mode).toBe('strategy');
    expect(o.series).toHaveLength(1);
    expect(o.series[0]!.points.map((p) => p.x)).toEqual(['S0', 'S1']);
    expect(o.series[0]!.versionMismatch).toBe(true);
  });
});

describe('spansDecades', () => {
  it('is true from two decades up', () => {
    expect(spansDecades([1, 10, 100])).toBe(true);
    expect(spansDecades([1, 99])).toBe(false);
    expect(spansDecades([0, 5])).toBe(false);
  });
});
