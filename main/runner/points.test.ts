// A sweep's points listed on the main thread, checked as the core checks them.
import { describe, expect, it } from 'vitest';
import { expandSweep, PRESETS, RunRequestError } from '../../common/core/index.ts';
import { checkPoints, pointsOf, shardPoints } from './points.ts';

const base = PRESETS[0]!.scenario;
const twoD = {
  parameters: [
    { path: 'vm.vcpus', values: [1, 2, 4] },
    { path: 'workload.touchpoints.mmio.ratePerSec', values: [10, 20] },
  ],
};

describe('pointsOf', () => {
  it("lists a sweep's points in expandSweep's order, the first parameter slowest", () => {
    expect(pointsOf(twoD)).toEqual(expandSweep(base, twoD).map((p) => p.point));
    expect(pointsOf(undefined)).toEqual([{}]);
  });

  it("keeps a shard's points as the core's shardOf splits them", () => {
    const all = pointsOf(twoD).map((point) => ({ point }));
    const shards = [1, 2, 3, 4].map((index) => shardPoints(all, twoD, { index, count: 4 }));
    expect(shards.flat()).toHaveLength(all.length);
    expect(shards[0]!.map((p) => p.point)).toEqual([all[0]!.point, all[4]!.point]);
  });
});

describe('checkPoints', () => {
  it('accepts a sweep the core accepts, with no events for the formulas', () => {
    expect(checkPoints(base, twoD, undefined)).toEqual({ ok: true, events: undefined });
  });

  it('refuses a bad point with the issues the core gives, naming the field and the value', () => {
    const sweep = { parameters: [{ path: 'vm.vcpus', values: [2, 4, -1] }] };
    const core = (() => {
      try {
        expandSweep(base, sweep);
      } catch (err) {
        return (err as RunRequestError).issues;
      }
    })();
    const checked = checkPoints(base, sweep, undefined);
    expect(checked).toEqual({ ok: false, issues: core });
    expect(checked.ok === false && checked.issues[0]!.path).toBe('sweep.parameters.0.values.2');
    expect(checked.ok === false && checked.issues[0]!.message).toMatch(/^vm\.vcpus = -1: vm\.vcpus /);
  });

  it('gives the events of each point of the shard for the simulator', () => {
    const des = { ...base, simulation: { method: 'des' as const, durationSec: 0.05, seeds: [1] } };
    const checked = checkPoints(des, twoD, { index: 2, count: 3 });
    expect(checked.ok).toBe(true);
    if (checked.ok) expect(checked.events).toHaveLength(2);
  });
});
