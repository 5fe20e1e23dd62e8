import { describe, expect, it } from 'vitest';
import { PRESETS, runAnalytic, setParameter } from '../core/index.ts';
import {
  bestCellWords,
  bestHeatmap,
  cellRuns,
  exposureOf,
  heatmapTable,
  heatShare,
  metricCellText,
  metricHeatmap,
  stateKeyOf,
  type HeatmapRun,
} from './heatmap.ts';

const e = (mean: number, ci95 = 0) => ({ mean, ci95, n: 1 });
const run = (strategy: string, a: number, b: string, metrics: HeatmapRun['metrics']): HeatmapRun => ({
  strategy,
  point: { a, b },
  metrics,
});

describe('metricHeatmap', () => {
  it('lays one strategy out on the grid, numbers ascending, empty where nothing finished', () => {
    const runs = [
      run('S2', 16, 'x', { m: e(160, 2) }),
      run('S2', 1, 'x', { m: e(10) }),
      run('S2', 1, 'y', { m: e(20) }),
      run('S3', 16, 'y', { m: e(-5) }),
    ];
    const map = metricHeatmap(runs, { xPath: 'a', yPath: 'b', strategy: 'S2', metric: 'm' });
    expect(map.x.values).toEqual([1, 16]);
    expect(map.y.values).toEqual(['x', 'y']);
    expect(map.cells).toEqual([
      [
        { value: 10, ci95: 0 },
        { value: 160, ci95: 2 },
      ],
      [{ value: 20, ci95: 0 }, null],
    ]);
    expect(map.range).toEqual({ min: 10, max: 160 });
    expect(heatmapTable(map)).toEqual([
      ['b \\ a', '1', '16'],
      ['x', '10', '160'],
      ['y', '20', ''],
    ]);
    expect(map.log).toBe(false);
    expect(heatShare(map, 10)).toBe(0);
    expect(heatShare(map, 85)).toBeCloseTo(0.5, 12);
  });

  it("ends each row of a metric grid with its runs' flags, named by their cells' x, when given the runs", () => {
    const runs: HeatmapRun[] = [
      { ...run('S2', 1, 'x', { m: e(10) }), flags: [{ code: 'saturated', message: 'the lock is saturated' }] },
      {
        ...run('S2', 16, 'x', { m: e(160) }),
        flags: [
          { code: 'overloaded', message: 'the VMM thread is overloaded' },
          { code: 'fullFlushCeiling', message: 'over the ceiling' },
        ],
      },
      run('S2', 1, 'y', { m: e(20) }),
      // Another strategy's flags are not this grid's.
      { ...run('S3', 1, 'y', { m: e(1) }), flags: [{ code: 'infeasible', message: 'no' }] },
    ];
    const map = metricHeatmap(runs, { xPath: 'a', yPath: 'b', strategy: 'S2', metric: 'm' });
    expect(heatmapTable(map, cellRuns(runs, map))).toEqual([
      ['b \\ a', '1', '16', 'flags'],
      ['x', '10', '160', 'a=1: saturated; a=16: overloaded; a=16: full flush ceiling'],
      ['y', '20', '', ''],
    ]);
    // A budget's grid names strategies, not figures: no flags column.
    const best = bestHeatmap(runs, { xPath: 'a', yPath: 'b', cost: 'm', exposure: 'm', budget: 1e9 });
    expect(heatmapTable(best, cellRuns(runs, best))[0]).toEqual(['b \\ a', '1', '16']);
  });

  it('colours by log10 when the figures span two decades', () => {
    const runs = [run('S2', 1, 'x', { m: e(1) }), run('S2', 2, 'x', { m: e(10) }), run('S2', 3, 'x', { m: e(1000) })];
    const map = metricHeatmap(runs, { xPath: 'a', yPath: 'b', strategy: 'S2', metric: 'm' });
    expect(map.log).toBe(true);
    expect(heatShare(map, 10)).toBeCloseTo(1 / 3, 12);
    expect(heatShare(map, 0)).toBe(0);
    // A metric nobody has: an empty grid, no range.
    const none = metricHeatmap(runs, { xPath: 'a', yPath: 'b', strategy: 'S2', metric: 'other' });
    expect(none.range).toBeUndefined();
    expect(none.cells.flat().every((c) => c === null)).toBe(true);
  });
});

describe('bestHeatmap', () => {
  const ctx = 'exposure.kernel.fraction';
  const state = 'exposure.kernel.state';
  it('picks the cheapest strategy within the budget, says why a cell has none', () => {
    const runs = [
      // (1, x): S0 cheapest but always exposed; S3 never exposed; S2 cheaper than S3 and within budget.
      run('S0', 1, 'x', { cost: e(0), [ctx]: e(1e-9), [state]: e(2) }),
      run('S2', 1, 'x', { cost: e(5), [ctx]: e(1e-4), [state]: e(1) }),
      run('S3', 1, 'x', { cost: e(7), [ctx]: e(0), [state]: e(0) }),
      // (2, x): only S2, beyond the budget.
      run('S2', 2, 'x', { cost: e(5), [ctx]: e(0.2), [state]: e(1) }),
      // (1, y): a tie on cost goes to the first in the given order.
      run('S4', 1, 'y', { cost: e(3), [ctx]: e(0), [state]: e(0) }),
      run('S3', 1, 'y', { cost: e(3), [ctx]: e(0), [state]: e(0) }),
    ];
    const map = bestHeatmap(runs, {
      xPath: 'a',
      yPath: 'b',
      cost: 'cost',
      exposure: ctx,
      budget: 1e-3,
      strategies: ['S0', 'S2', 'S3', 'S4'],
    });
    expect(map.cells[0]![0]).toEqual({ strategy: 'S2', cost: 5, exposure: 1e-4, candidates: 2 });
    expect(map.cells[0]![1]).toEqual({ strategy: null, reason: 'overBudget', candidates: 0, leastExposure: 0.2 });
    expect(map.cells[1]![0]).toMatchObject({ strategy: 'S3', cost: 3 });
    expect(map.cells[1]![1]).toEqual({ strategy: null, reason: 'noRuns', candidates: 0 });
    expect(heatmapTable(map).slice(1)).toEqual([
      ['x', 'S2', 'none within budget'],
      ['y', 'S3', 'no runs'],
    ]);
    // Budget zero: only "never" qualifies.
    const strict = bestHeatmap(runs, { xPath: 'a', yPath: 'b', cost: 'cost', exposure: ctx, budget: 0 });
    expect(strict.cells[0]![0]).toMatchObject({ strategy: 'S3', exposure: 0 });
    // "always" is beyond any finite budget, however small its figure.
    const loose = bestHeatmap(runs, { xPath: 'a', yPath: 'b', cost: 'cost', exposure: ctx, budget: 1 });
    expect(loose.cells[0]![0]).toMatchObject({ strategy: 'S2' });
    // A strategy left out is not a candidate.
    const without = bestHeatmap(runs, {
      xPath: 'a',
      yPath: 'b',
      cost: 'cost',
      exposure: ctx,
      budget: 1,
      strategies: ['S0', 'S3'],
    });
    expect(without.cells[0]![0]).toMatchObject({ strategy: 'S3' });
  });

  it('never picks a strategy the model flags as unfit to quote, and says so where only such is within budget', () => {
    const infeasible = [{ code: 'infeasible', message: '128 pinned vCPUs on 64 host CPUs' }];
    const careful = [{ code: 'fullFlushCeiling', message: 'over the ceiling' }];
    const runs: HeatmapRun[] = [
      // (1, x): S3 is cheapest within budget but infeasible; S2 is picked.
      { ...run('S3', 1, 'x', { cost: e(1), [ctx]: e(0), [state]: e(0) }), flags: infeasible },
      run('S2', 1, 'x', { cost: e(5), [ctx]: e(1e-4), [state]: e(1) }),
      // (2, x): only S3 is within budget, and it is infeasible.
      { ...run('S3', 2, 'x', { cost: e(1), [ctx]: e(0), [state]: e(0) }), flags: infeasible },
      run('S0', 2, 'x', { cost: e(0), [ctx]: e(1), [state]: e(2) }),
      // (1, y): a flag that only asks for care does not keep S2 out.
      { ...run('S2', 1, 'y', { cost: e(5), [ctx]: e(1e-4), [state]: e(1) }), flags: careful },
    ];
    const map = bestHeatmap(runs, { xPath: 'a', yPath: 'b', cost: 'cost', exposure: ctx, budget: 1e-3 });
    expect(map.cells[0]![0]).toEqual({ strategy: 'S2', cost: 5, exposure: 1e-4, candidates: 1, unfit: ['S3'] });
    expect(map.cells[0]![1]).toEqual({ strategy: null, reason: 'unfit', candidates: 0, unfit: ['S3'] });
    expect(map.cells[1]![0]).toMatchObject({ strategy: 'S2', candidates: 1 });
    expect(map.cells[1]![0]!.unfit).toBeUndefined();
    expect(heatmapTable(map).slice(1)).toEqual([
      ['x', 'S2', 'none fit to quote'],
      ['y', 'S2', 'no runs'],
    ]);
    expect(bestCellWords(map.cells[0]![1]!)).toBe('none fit to quote');
  });

  it('reads exposure states as the trade-off plane does', () => {
    expect(stateKeyOf('exposure.vmm.longestWindowUs')).toBe('exposure.vmm.state');
    expect(stateKeyOf('exposure.vmm.state')).toBeUndefined();
    expect(stateKeyOf('cost.overheadPct')).toBeUndefined();
    const r = (metrics: HeatmapRun['metrics']) => run('S2', 1, 'x', metrics);
    // longestWindowUs is absent when the state is never or always.
    expect(exposureOf(r({ 'exposure.vmm.state': e(0) }), 'exposure.vmm.longestWindowUs')).toBe(0);
    expect(exposureOf(r({ 'exposure.vmm.state': e(2) }), 'exposure.vmm.longestWindowUs')).toBe(Infinity);
    expect(
      exposureOf(
        r({ 'exposure.vmm.state': e(1), 'exposure.vmm.longestWindowUs': e(3) }),
        'exposure.vmm.longestWindowUs',
      ),
    ).toBe(3);
    expect(exposureOf(r({}), 'exposure.vmm.fraction')).toBeUndefined();
  });

  it("on the core's results over a real 2-D grid: every chosen cell is within budget and no cheaper candidate is", () => {
    const mmio = 'workload.touchpoints.mmio.ratePerSec';
    const runs: HeatmapRun[] = [];
    for (const vcpus of [2, 32])
      for (const rate of [1000, 100_000]) {
        const s = setParameter(setParameter(PRESETS[0]!.scenario, 'vm.vcpus', vcpus), mmio, rate);
        for (const r of runAnalytic(s, { breakdown: false }).strategies)
          runs.push({ strategy: r.strategy, point: { 'vm.vcpus': vcpus, [mmio]: rate }, metrics: r.metrics });
      }
    const budget = 1e-6;
    const map = bestHeatmap(runs, {
      xPath: 'vm.vcpus',
      yPath: mmio,
      cost: 'cost.overheadPct',
      exposure: 'exposure.kernel.fraction',
      budget,
    });
    expect(map.x.values).toEqual([2, 32]);
    expect(map.y.values).toEqual([1000, 100_000]);
    map.y.values.forEach((yv, i) =>
      map.x.values.forEach((xv, j) => {
        const here = runs.filter((r) => r.point['vm.vcpus'] === xv && r.point[mmio] === yv);
        const ok = here.filter((r) => exposureOf(r, 'exposure.kernel.fraction')! <= budget);
        const cell = map.cells[i]![j]!;
        if (ok.length === 0) expect(cell.strategy).toBeNull();
        else {
          const least = Math.min(...ok.map((r) => r.metrics['cost.overheadPct']!.mean));
          expect(cell.strategy).not.toBeNull();
          if (cell.strategy !== null) expect(cell.cost).toBe(least);
        }
      }),
    );
  });
});

describe('metricCellText', () => {
  it('writes a state in words, the slowdown past 100% vCPU overhead, any other figure with its unit', () => {
    const r = (metrics: HeatmapRun['metrics'], flags: unknown[] = []): HeatmapRun => ({
      strategy: 'S2',
      point: {},
      metrics,
      flags,
    });
    expect(metricCellText('cost.hostOverheadPct', 0.3869, r({}))).toBe('0.3869 %');
    expect(metricCellText('cost.overheadPct', 12.5, r({}))).toBe('12.5 %');
    expect(metricCellText('cost.overheadPct', 232.5, r({ 'cost.slowdownFactor': e(3.325) }))).toBe('×3.325 slower');
    expect(metricCellText('exposure.kernel.state', 1, r({}))).toBe('transient windows');
    expect(metricCellText('cost.cyclesPerSecHost', 5e9, r({}, [{ code: 'saturated', message: 'x' }]))).toBe(
      '5.000e+9 cycles/s !',
    );
  });
});

describe('cellRuns', () => {
  it("finds each cell's run of a strategy, the 1 of a number apart from the '1' of a string", () => {
    const runs = [
      run('S0', 1, 'x', { m: e(1) }),
      run('S2', 1, 'x', { m: e(2) }),
      run('S2', 4, 'y', { m: e(3) }),
      { strategy: 'S2', point: { a: '4', b: 'x' }, metrics: { m: e(9) } },
    ];
    const map = metricHeatmap(runs.slice(0, 3), { xPath: 'a', yPath: 'b', strategy: 'S2', metric: 'm' });
    const at = cellRuns(runs, map);
    expect(map.x.values).toEqual([1, 4]);
    expect(map.y.values).toEqual(['x', 'y']);
    expect(at('S2', 0, 0)).toBe(runs[1]);
    expect(at('S2', 1, 1)).toBe(runs[2]);
    expect(at('S0', 0, 0)).toBe(runs[0]);
    expect(at('S0', 1, 1)).toBeUndefined();
    expect(at('S2', 0, 1)).toBeUndefined(); // a = 4 (a number), b = x: only the run at a = '4'
  });
});
