import { describe, expect, it } from 'vitest';
import { diffMetrics, diffObjects, flatten, methodsNote, withoutIdleLatencies } from './diff.ts';

describe('diffMetrics', () => {
  it('gives absolute and % delta and flags deltas beyond the combined CI', () => {
    const d = diffMetrics(
      { m: { mean: 10, ci95: 1, n: 5 }, same: { mean: 3, ci95: 0, n: 1 }, onlyA: { mean: 1, ci95: 0, n: 1 } },
      { m: { mean: 12, ci95: 1, n: 5 }, same: { mean: 3, ci95: 0, n: 1 }, onlyB: { mean: 2, ci95: 0, n: 1 } },
    );
    expect(d.map((x) => x.key)).toEqual(['m', 'onlyA', 'onlyB', 'same']);
    const m = d[0]!;
    expect(m.abs).toBe(2);
    expect(m.pct).toBe(20);
    // sqrt(1 + 1) = 1.414 < 2
    expect(m.beyondCi).toBe(true);
    expect(d[1]).toMatchObject({ abs: null, pct: null, beyondCi: false, b: null });
    expect(d[3]).toMatchObject({ abs: 0, pct: 0, beyondCi: false });
  });

  it('does not flag a delta inside the combined CI, and has no % from zero', () => {
    const [inside] = diffMetrics({ m: { mean: 10, ci95: 2, n: 5 } }, { m: { mean: 12, ci95: 2, n: 5 } });
    expect(inside!.beyondCi).toBe(false);
    const [zero] = diffMetrics({ m: { mean: 0, ci95: 0, n: 1 } }, { m: { mean: 5, ci95: 0, n: 1 } });
    expect(zero!.pct).toBeNull();
    expect(zero!.beyondCi).toBe(true);
    const [neg] = diffMetrics({ m: { mean: -4, ci95: 0, n: 1 } }, { m: { mean: -2, ci95: 0, n: 1 } });
    expect(neg!.pct).toBe(50);
  });

  it('does not count float noise as a change (relative tolerance 1e-6)', () => {
    const [noise] = diffMetrics({ m: { mean: 0.1 + 0.2, ci95: 0, n: 1 } }, { m: { mean: 0.3, ci95: 0, n: 1 } });
    expect(noise!.abs).not.toBe(0);
    expect(noise!.beyondCi).toBe(false);
    const [tiny] = diffMetrics({ m: { mean: 1e-13, ci95: 0, n: 1 } }, { m: { mean: -1e-13, ci95: 0, n: 1 } });
    expect(tiny!.beyondCi).toBe(true);
    const [big] = diffMetrics({ m: { mean: 1e6, ci95: 0, n: 1 } }, { m: { mean: 1e6 + 1e-4, ci95: 0, n: 1 } });
    expect(big!.beyondCi).toBe(false);
    const [real] = diffMetrics({ m: { mean: 1e6, ci95: 0, n: 1 } }, { m: { mean: 1e6 + 10, ci95: 0, n: 1 } });
    expect(real!.beyondCi).toBe(true);
    // The simulator's rounding of a 0.0016 us latency (event times in float seconds), with
    // a "CI" from the same rounding: seen in a Diff of the formulas against the simulator.
    const [rounding] = diffMetrics(
      { m: { mean: 0.0016, ci95: 0, n: 1 } },
      { m: { mean: 0.0016 + 1.202e-11, ci95: 4.825e-12, n: 5 } },
    );
    expect(rounding!.beyondCi).toBe(false);
    const [simulated] = diffMetrics({ m: { mean: 29.78, ci95: 0, n: 1 } }, { m: { mean: 31, ci95: 0.1455, n: 5 } });
    expect(simulated!.beyondCi).toBe(true);
  });
});

describe('diffObjects', () => {
  it('reads an empty object against a filled one as the entries added, not the object removed', () => {
    const d = diffObjects({ host: { costs: {}, cpus: 8 } }, { host: { costs: { invlpg: 400 }, cpus: 8 } });
    expect(d.filter((x) => x.changed)).toEqual([{ path: 'host.costs.invlpg', a: undefined, b: 400, changed: true }]);
    expect(diffObjects({ costs: { invlpg: 400 } }, { costs: {} }).filter((x) => x.changed)).toEqual([
      { path: 'costs.invlpg', a: 400, b: undefined, changed: true },
    ]);
    expect(diffObjects({}, { a: 1 })).toEqual([{ path: 'a', a: undefined, b: 1, changed: true }]);
    // Both empty: one unchanged leaf, as before.
    expect(diffObjects({ tags: [] }, { tags: [] })).toEqual([{ path: 'tags', a: [], b: [], changed: false }]);
  });

  it('lists every leaf path with a changed flag, including paths on one side only', () => {
    const a = { host: { cpus: 64, ghz: 2.5 }, list: ['S0', 'S1'], empty: {} };
    const b = { host: { cpus: 32, ghz: 2.5 }, list: ['S0'], extra: true, empty: {} };
    const d = diffObjects(a, b);
    expect(d.map((x) => x.path)).toEqual(['empty', 'extra', 'host.cpus', 'host.ghz', 'list.0', 'list.1']);
    expect(d.filter((x) => x.changed).map((x) => x.path)).toEqual(['extra', 'host.cpus', 'list.1']);
    expect(d.find((x) => x.path === 'host.cpus')).toEqual({ path: 'host.cpus', a: 64, b: 32, changed: true });
    expect(d.find((x) => x.path === 'list.1')).toMatchObject({ a: 'S1', b: undefined });
  });

  it('finds nothing changed between equal objects', () => {
    expect(diffObjects({ a: { b: [1, { c: null }] } }, { a: { b: [1, { c: null }] } }).every((x) => !x.changed)).toBe(
      true,
    );
    expect([...flatten({ a: { b: [1, { c: null }] } }.a).keys()]).toEqual(['b.0', 'b.1.c']);
  });
});

describe('withoutIdleLatencies', () => {
  const e = (mean: number) => ({ mean, ci95: 0, n: 1 });
  const deltas = diffMetrics(
    {
      'latency.mmio.meanUs': e(1),
      'latency.snapshot.meanUs': e(2),
      'latency.pio.meanUs': e(3),
      'cost.overheadPct': e(1),
    },
    {
      'latency.mmio.meanUs': e(1),
      'latency.snapshot.meanUs': e(4),
      'latency.pio.meanUs': e(5),
      'cost.overheadPct': e(2),
    },
  );

  it('leaves out a latency only where neither side has events, and names those touchpoints in catalogue order', () => {
    const { metrics, idleTouchpoints } = withoutIdleLatencies(deltas, new Set(['mmio']), new Set(['pio']));
    expect(metrics.map((m) => m.key)).toEqual(['cost.overheadPct', 'latency.mmio.meanUs', 'latency.pio.meanUs']);
    expect(idleTouchpoints).toEqual(['snapshot']);
    expect(withoutIdleLatencies(deltas, new Set(), new Set()).idleTouchpoints).toEqual(['mmio', 'pio', 'snapshot']);
  });

  it('keeps a latency with events on one side only, and says on which side it is one event', () => {
    const { idleInOne } = withoutIdleLatencies(deltas, new Set(['mmio']), new Set(['pio']));
    // mmio has events in a only, pio in b only: each is a single event's latency on the other side.
    expect(idleInOne).toEqual({ a: ['pio'], b: ['mmio'] });
    expect(withoutIdleLatencies(deltas, new Set(['mmio', 'pio']), new Set(['mmio', 'pio'])).idleInOne).toEqual({
      a: [],
      b: [],
    });
  });

  it('leaves out nothing when either side cannot say (a scenario that no longer validates)', () => {
    expect(withoutIdleLatencies(deltas, undefined, new Set())).toEqual({
      metrics: deltas,
      idleTouchpoints: [],
      idleInOne: { a: [], b: [] },
    });
  });
});

describe('methodsNote', () => {
  it('says what differs when the runs were made by different methods, and nothing otherwise', () => {
    const method = { path: 'scenario.simulation.method', a: 'analytic', b: 'des', changed: true };
    expect(methodsNote([method])).toContain('different methods (analytic -> des)');
    expect(methodsNote([method])).toContain('longest window');
    expect(methodsNote([{ ...method, b: 'analytic', changed: false }])).toBeUndefined();
    expect(methodsNote([{ path: 'scenario.vm.vcpus', a: 1, b: 2, changed: true }])).toBeUndefined();
  });
});
