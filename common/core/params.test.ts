import { describe, expect, it } from 'vitest';
import { parameterPaths, runPlan, setParameter } from './params.ts';
import { PRESETS } from './presets.ts';
import { validateScenario } from './scenario.ts';

const base = PRESETS[0]!.scenario;

describe('setParameter', () => {
  it('replaces one leaf in a copy, leaving the original alone', () => {
    const s = setParameter(base, 'vm.vcpus', 32);
    expect(s.vm.vcpus).toBe(32);
    expect(base.vm.vcpus).toBe(8);
    expect(setParameter(base, 'strategies.S4.switchPoint', 'vcpu_load').strategies.S4.switchPoint).toBe('vcpu_load');
  });

  it('copies only the objects on the path and shares the rest, changing nothing it was given', () => {
    const before = structuredClone(base);
    const s = setParameter(base, 'workload.touchpoints.mmio.ratePerSec', 12_345);
    expect(base).toEqual(before);
    expect(s.workload.touchpoints.mmio.ratePerSec).toBe(12_345);
    expect(s).not.toBe(base);
    expect(s.workload).not.toBe(base.workload);
    expect(s.workload.touchpoints).not.toBe(base.workload.touchpoints);
    expect(s.workload.touchpoints.mmio).not.toBe(base.workload.touchpoints.mmio);
    // Off the path: the same objects.
    expect(s.host).toBe(base.host);
    expect(s.workload.exitMix).toBe(base.workload.exitMix);
    expect(s.workload.touchpoints.pio).toBe(base.workload.touchpoints.pio);
    expect(s).toEqual({
      ...before,
      workload: {
        ...before.workload,
        touchpoints: {
          ...before.workload.touchpoints,
          mmio: { ...before.workload.touchpoints.mmio, ratePerSec: 12_345 },
        },
      },
    });
  });

  it('sets an absent cost override, and the schema judges the key', () => {
    expect(setParameter(base, 'host.costs.invlpg', 120).host.costs.invlpg).toBe(120);
    const bogus = validateScenario(setParameter(base, 'host.costs.notACost', 1));
    expect(bogus.ok).toBe(false);
    if (!bogus.ok) expect(bogus.issues[0]!.message).toContain('notACost');
  });

  it('refuses paths that are not fields, groups, and values of the wrong type', () => {
    expect(() => setParameter(base, 'vm.nope.x', 1)).toThrow('"vm.nope" is not a field');
    expect(() => setParameter(base, 'vm', 1)).toThrow('is a group');
    expect(() => setParameter(base, 'vm.vcpus', 'many')).toThrow('takes a number');
    expect(() => setParameter(base, '__proto__.polluted', 1)).toThrow('not a field path');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe('parameterPaths', () => {
  it('lists every sweepable leaf, cost overrides included, and each can be set', () => {
    const paths = parameterPaths(base);
    expect(paths).toContainEqual({ path: 'vm.vcpus', type: 'number' });
    expect(paths).toContainEqual({ path: 'host.costs.shootdownPerTarget', type: 'number' });
    expect(paths.some((p) => p.path === 'format')).toBe(false);
    for (const p of paths.filter((x) => x.type === 'number')) expect(() => setParameter(base, p.path, 1)).not.toThrow();
  });
});

describe('runPlan', () => {
  it('runs the enabled strategies; seeds only for the simulator', () => {
    const s = setParameter(setParameter(base, 'strategies.S3.enabled', false), 'simulation.method', 'des');
    const plan = runPlan(s);
    expect(plan.strategies).toEqual(['S0', 'S1', 'S2', 'S4', 'S5', 'S6']);
    expect(plan.method).toBe('des');
    expect(plan.seeds).toEqual(base.simulation.seeds);
    expect(runPlan(base).seeds).toEqual([]);
  });
});
