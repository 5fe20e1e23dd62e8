import { describe, expect, it } from 'vitest';
import { PRESETS, runAnalytic } from '../core/index.ts';
import {
  ALWAYS_SPREAD,
  frontOrder,
  offFrontWords,
  planeExposureWords,
  oneSpotWords,
  planeOfRuns,
  planeTick,
  planeTicks,
  tradeoffPlane,
} from './tradeoff.ts';

describe('tradeoffPlane', () => {
  it('puts zero cost and never on low lanes, always on a high lane apart from a tiny fraction', () => {
    const plane = tradeoffPlane([
      { id: 'a', strategy: 'S0', cost: 0, exposure: 1, state: 2 },
      { id: 'b', strategy: 'S2', cost: 150, exposure: 1e-6, state: 1 },
      { id: 'c', strategy: 'S3', cost: 0.5, exposure: 0, state: 0 },
      { id: 'd', strategy: 'S4', cost: 2, exposure: 3e-7, state: 2 },
    ]);
    const by = Object.fromEntries(plane.points.map((p) => [p.id, p]));
    expect(plane.x).toMatchObject({ from: -1, to: 3, lowLane: -2 });
    expect(plane.y).toMatchObject({ from: -6, to: -5, lowLane: -7, highLane: -4 });
    // Inside the "always" lane, more of memory sits higher: a's whole memory above d's few pages.
    expect(by['a']).toMatchObject({ costLane: 'none', x: -2, exposureLane: 'always', y: -4 + ALWAYS_SPREAD });
    expect(by['b']).toMatchObject({ costLane: 'log', exposureLane: 'log' });
    expect(by['b']!.y).toBeCloseTo(-6, 9);
    expect(by['c']).toMatchObject({ exposureLane: 'never', y: -7 });
    // d is always exposed however small its fraction: the lane places it, its share only within it.
    expect(by['d']).toMatchObject({ exposureLane: 'always', y: -4 - ALWAYS_SPREAD });
    // a costs nothing; c is never exposed and cheaper than b and d.
    expect([...plane.front].sort()).toEqual(['a', 'c']);
    // In words, "always" keeps its fraction: a's whole memory and d's few pages do not read alike.
    expect(planeExposureWords(by['a']!, 'fraction')).toBe('always (1)');
    expect(planeExposureWords(by['d']!, 'fraction')).toBe('always (3.000e-7)');
    expect(planeExposureWords(by['b']!, 'fraction')).toBe('1.000e-6');
    expect(planeExposureWords(by['c']!, 'fraction')).toBe('never');
  });

  it('orders the "always" lane by share, so two strategies at no extra cost do not hide one another', () => {
    const plane = tradeoffPlane([
      { id: 's0', strategy: 'S0', cost: 0, exposure: 1, state: 2 },
      { id: 's1', strategy: 'S1', cost: 0, exposure: 0.1406, state: 2 },
      { id: 's2', strategy: 'S2', cost: 3, exposure: 9.75e-7, state: 2 },
      { id: 's6', strategy: 'S6', cost: 1, exposure: 0.1406, state: 2 },
    ]);
    const y = Object.fromEntries(plane.points.map((p) => [p.id, p.y]));
    const lane = plane.y.highLane!;
    expect(y['s0']).toBeGreaterThan(y['s1']!);
    expect(y['s1']).toBeCloseTo(y['s6']!, 12);
    expect(y['s6']).toBeGreaterThan(y['s2']!);
    for (const v of Object.values(y)) expect(Math.abs(v - lane)).toBeLessThanOrEqual(ALWAYS_SPREAD + 1e-12);
    // One share alone, or shares without a figure (the longest window's measure), sit at the centre.
    const single = tradeoffPlane([{ id: 'a', strategy: 'S0', cost: 0, exposure: 1, state: 2 }]);
    expect(single.points[0]!.y).toBe(single.y.highLane);
  });

  it('orders the "always" lane by the share always reachable under the longest-window measure too', () => {
    // "always" has no longest window (exposure 0 here); its share still tells S0 from S1.
    const plane = tradeoffPlane([
      { id: 's0', strategy: 'S0', cost: 0, exposure: 0, state: 2, share: 1 },
      { id: 's1', strategy: 'S1', cost: 0, exposure: 0, state: 2, share: 0.1406 },
      { id: 's3', strategy: 'S3', cost: 1, exposure: 35, state: 1 },
    ]);
    const y = Object.fromEntries(plane.points.map((p) => [p.id, p.y]));
    expect(y['s0']! - y['s1']!).toBeCloseTo(2 * ALWAYS_SPREAD, 12);
  });

  it('lists a front cheaper first by the figures as shown, and in strategy order where they read alike', () => {
    const plane = tradeoffPlane([
      { id: 'b', strategy: 'S3', cost: 1.00001, exposure: 1e-6, state: 1 },
      { id: 'a', strategy: 'S2', cost: 1.00004, exposure: 1e-6, state: 1 },
      { id: 'c', strategy: 'S1', cost: 0, exposure: 0.14, state: 2 },
    ]);
    expect([...plane.points].sort(frontOrder).map((p) => p.strategy)).toEqual(['S1', 'S2', 'S3']);
  });

  it('says a window in us, and "always" without a figure, when the plane measures the longest window', () => {
    const plane = tradeoffPlane([
      { id: 'w', strategy: 'S3', cost: 1, exposure: 35, state: 1 },
      { id: 'a', strategy: 'S1', cost: 0, exposure: 0, state: 2 },
    ]);
    const by = Object.fromEntries(plane.points.map((p) => [p.id, p]));
    expect(planeExposureWords(by['w']!, 'longestWindowUs')).toBe('35 us');
    expect(planeExposureWords(by['a']!, 'longestWindowUs')).toBe('always');
  });

  it('judges the front on the figures as shown, and puts any window below "always"', () => {
    // S6's share 1e-7 below S1's: both read "always (0.03125)", and S6 costs more.
    const alike = tradeoffPlane([
      { id: 'S1', strategy: 'S1', cost: 0, exposure: 0.0312501192, state: 2 },
      { id: 'S6', strategy: 'S6', cost: 2.6e-4, exposure: 0.0312500094, state: 2 },
    ]);
    expect([...alike.front]).toEqual(['S1']);
    // Measured as the longest window (us): a long window is still less than "always".
    const windows = tradeoffPlane([
      { id: 'w', strategy: 'S4', cost: 0.01, exposure: 1400, state: 1 },
      { id: 'a', strategy: 'S0', cost: 0.01, exposure: 0, state: 2 },
    ]);
    expect([...windows.front]).toEqual(['w']);
  });

  it('never puts a figure flagged as unfit to quote on the front; the next best takes its place', () => {
    // S3 would beat both on both axes, but its set-up cannot run (infeasible).
    const plane = tradeoffPlane([
      { id: 'S3', strategy: 'S3', cost: 0.001, exposure: 1e-9, state: 1, severe: true },
      { id: 'S1', strategy: 'S1', cost: 0, exposure: 0.03, state: 2 },
      { id: 'S2', strategy: 'S2', cost: 4, exposure: 1e-6, state: 1 },
    ]);
    expect([...plane.front].sort()).toEqual(['S1', 'S2']);
    // Without the flag it is the front on its own but for the free S1.
    const unflagged = tradeoffPlane(plane.points.map((p) => ({ ...p, severe: false })));
    expect([...unflagged.front].sort()).toEqual(['S1', 'S3']);
  });

  it('takes the flags from the runs: severe ones keep a run off the front, and are named for the caption', () => {
    const run = (strategy: string, cost: number, exposure: number, state: number, flags: unknown[] = []) => ({
      strategy,
      point: { 'vm.vcpus': 128 },
      metrics: {
        'cost.overheadPct': { mean: cost },
        'exposure.kernel.fraction': { mean: exposure },
        'exposure.kernel.state': { mean: state },
      },
      flags,
    });
    const infeasible = { code: 'infeasible', message: '128 pinned vCPUs on 64 host CPUs' };
    const { drawn, front } = planeOfRuns(
      [
        run('S0', 0, 1, 2),
        run('S3', 0.5, 1e-7, 1, [infeasible]),
        run('S4', 0.2, 1e-6, 1, [infeasible]),
        run('S2', 9, 1e-5, 1, [{ code: 'fullFlushCeiling', message: 'over the ceiling' }]),
        run('S5', 0.1, 1e-4, 1, [
          { code: 'saturated', message: 'receivers past saturation' },
          { code: 'fullFlushCeiling', message: 'over the ceiling' },
        ]),
      ],
      {
        point: { 'vm.vcpus': 128 },
        xPath: undefined,
        hidden: [],
        cost: 'cost.overheadPct',
        exposure: 'exposure.kernel.fraction',
        state: 'exposure.kernel.state',
      },
    );
    // A flag that asks for care only (full flush ceiling) does not keep S2 off.
    expect([...front].map((id) => id.split('@')[0]).sort()).toEqual(['S0', 'S2']);
    expect(drawn.find((p) => p.strategy === 'S3')!.flags).toEqual(['infeasible']);
    // Named by what keeps each off: its severe flags only.
    expect(offFrontWords(drawn)).toBe('S3, S4 (infeasible); S5 (saturated)');
    expect(offFrontWords(drawn.filter((p) => !['S3', 'S4', 'S5'].includes(p.strategy)))).toBeUndefined();
  });

  it('marks a flagged path point only where it is the point shown or apart from it', () => {
    const infeasible = [{ code: 'infeasible', message: 'over the CPUs' }];
    const run = (strategy: string, vcpus: number, cost: number, flags: unknown[] = []) => ({
      strategy,
      point: { 'vm.vcpus': vcpus },
      metrics: {
        'cost.overheadPct': { mean: cost },
        'exposure.kernel.fraction': { mean: 1e-5 },
        'exposure.kernel.state': { mean: 1 },
      },
      flags,
    });
    const options = {
      xPath: 'vm.vcpus',
      hidden: [],
      cost: 'cost.overheadPct',
      exposure: 'exposure.kernel.fraction',
      state: 'exposure.kernel.state',
    };
    // S3 costs the same at 4 and 128 vCPUs (one spot); S4 moves.
    const runs = [run('S3', 4, 1), run('S3', 128, 1, infeasible), run('S4', 4, 0.5), run('S4', 128, 2, infeasible)];
    const at4 = planeOfRuns(runs, { ...options, point: { 'vm.vcpus': 4 } }).drawn;
    const marked = (d: typeof at4, s: string, v: number) =>
      d.find((p) => p.strategy === s && p.run.point['vm.vcpus'] === v)!.marked;
    expect(marked(at4, 'S3', 128)).toBe(false); // under the point shown: its mark would read as S3 at 4's
    expect(marked(at4, 'S4', 128)).toBe(true);
    expect(marked(at4, 'S3', 4)).toBe(false); // not flagged
    const at128 = planeOfRuns(runs, { ...options, point: { 'vm.vcpus': 128 } }).drawn;
    expect(marked(at128, 'S3', 128)).toBe(true); // the point shown
  });

  it('groups the points shown that sit on one spot, and says so in words', () => {
    const run = (strategy: string, vcpus: number, cost: number, exposure: number, state: number) => ({
      strategy,
      point: { 'vm.vcpus': vcpus },
      metrics: {
        'cost.overheadPct': { mean: cost },
        'exposure.kernel.fraction': { mean: exposure },
        'exposure.kernel.state': { mean: state },
      },
    });
    const runs = [
      // S0 and S1 both free and always exposed, all of memory: one spot in the lanes' corner.
      run('S0', 4, 0, 1, 2),
      run('S1', 4, 0, 1, 2),
      // S3 and S4 1% of a decade apart on an axis of ~5 decades with its lanes: one spot.
      run('S3', 4, 1, 1e-5, 1),
      run('S4', 4, 1.0233, 1e-5, 1),
      // S5 a decade cheaper: apart. S2 on S3's spot, but at another point than the one shown.
      run('S5', 4, 0.1, 1e-5, 1),
      run('S2', 8, 1, 1e-5, 1),
      run('S2', 4, 100, 1e-2, 1),
    ];
    const options = {
      point: { 'vm.vcpus': 4 },
      xPath: 'vm.vcpus',
      hidden: [],
      cost: 'cost.overheadPct',
      exposure: 'exposure.kernel.fraction',
      state: 'exposure.kernel.state',
    };
    const { oneSpot } = planeOfRuns(runs, options);
    expect(oneSpot).toEqual([
      ['S0', 'S1'],
      ['S3', 'S4'],
    ]);
    expect(oneSpotWords(oneSpot)).toBe('S0 and S1; S3 and S4');
    expect(oneSpotWords([['S0', 'S1', 'S5']])).toBe('S0, S1 and S5');
    expect(oneSpotWords([])).toBeUndefined();
    // Close pairs join transitively: costs 0.1 decade apart on a cost axis of 2 decades and a
    // lane (5% of 3 is 0.15), S5 and S0 0.2 apart: one spot through S6, whatever the order.
    const chain = planeOfRuns(
      [
        run('S5', 4, 1, 1e-5, 1),
        run('S0', 4, 10 ** 0.2, 1e-5, 1),
        run('S6', 4, 10 ** 0.1, 1e-5, 1),
        run('S2', 4, 100, 1e-5, 1),
      ],
      options,
    );
    expect(chain.plane.x).toMatchObject({ from: 0, to: 2 });
    expect(chain.oneSpot.map((g) => [...g].sort())).toEqual([['S0', 'S5', 'S6']]);
    // A hidden strategy is not drawn, so hides nothing.
    expect(planeOfRuns(runs, { ...options, hidden: ['S1'] }).oneSpot).toEqual([['S3', 'S4']]);
  });

  it('ranks "always" by the share always reachable under the longest-window measure too', () => {
    // Measured by the longest window, an "always" point has no window (exposure 0): its share
    // orders the lane, so S1's 14% of memory is less exposed than S0's whole memory at one cost.
    const plane = tradeoffPlane([
      { id: 'S0', strategy: 'S0', cost: 0, exposure: 0, state: 2, share: 1 },
      { id: 'S1', strategy: 'S1', cost: 0, exposure: 0, state: 2, share: 0.14 },
    ]);
    expect([...plane.front]).toEqual(['S1']);
  });

  it('gives a point with no cost figure no place: not drawn, not on the front', () => {
    const plane = tradeoffPlane([
      { id: 'S2', strategy: 'S2', cost: Number.NaN, exposure: 1e-9, state: 1 },
      { id: 'S3', strategy: 'S3', cost: 2, exposure: 1e-4, state: 1 },
    ]);
    expect(plane.points.find((p) => p.id === 'S2')!.x).toBeNaN();
    expect([...plane.front]).toEqual(['S3']);
  });

  it('labels lanes and decades, and nothing between', () => {
    const plane = tradeoffPlane([{ id: 'a', strategy: 'S2', cost: 40, exposure: 0.01, state: 1 }]);
    expect(planeTicks(plane.x)).toEqual([0, 1, 2]);
    expect(plane.x.lowLane).toBe(0);
    expect(planeTick(plane.y, plane.y.lowLane, { low: 'never' })).toBe('never');
    expect(planeTick(plane.y, -2, { low: 'never' })).toBe('0.01');
    expect(planeTick(plane.y, -1.5, { low: 'never' })).toBe('');
    expect(planeTick({ from: -9, to: -6, lowLane: -10 }, -7, { low: 'never' })).toBe('1e-7');
  });

  it("on the core's own results: every strategy placed, and none on the front is beaten on both axes", () => {
    const out = runAnalytic(PRESETS[0]!.scenario, { breakdown: false });
    const plane = tradeoffPlane(
      out.strategies.map((r) => ({
        id: r.strategy,
        strategy: r.strategy,
        cost: r.metrics['cost.overheadPct']!.mean,
        exposure: r.metrics['exposure.kernel.fraction']!.mean,
        state: r.metrics['exposure.kernel.state']!.mean,
      })),
    );
    expect(plane.points).toHaveLength(out.strategies.length);
    for (const p of plane.points) {
      expect(Number.isFinite(p.x) && Number.isFinite(p.y)).toBe(true);
      if (p.state === 2) expect(p.exposureLane).toBe('always');
    }
    expect(plane.front.size).toBeGreaterThan(0);
  });
});
