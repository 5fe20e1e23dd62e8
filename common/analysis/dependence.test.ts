// The one rule for "this figure rests on that cost entry", held to figures recomputed here: each
// entry raised by 10% on its own, the formulas run again, a move of more than 0.1% counts.
import { describe, expect, it } from 'vitest';
import { MODEL_VERSION, PRESETS, runAnalytic, validateScenario, type Scenario } from '../core/index.ts';
import { costDependencies, DEPENDENCE_STEP, estimateDependencies, estimatesAtPoint } from './dependence.ts';
import { costClass } from './scenarioFields.ts';

/** Every strategy's `metric` with one cost entry raised by DEPENDENCE_STEP (an entry at 0 set to 1). */
function raised(scenario: Scenario, key: string, value: number, metric: string): Map<string, number> {
  const s = validateScenario({
    ...scenario,
    host: { ...scenario.host, costs: { ...scenario.host.costs, [key]: value === 0 ? 1 : value * DEPENDENCE_STEP } },
  });
  if (!s.ok) throw new Error('invalid');
  return new Map(runAnalytic(s.value).strategies.map((r) => [r.strategy, r.metrics[metric]!.mean]));
}

const moved = (before: number, after: number): number =>
  before === after ? 0 : Math.abs(after - before) / Math.max(Math.abs(before), Math.abs(after));

describe('estimateDependencies', () => {
  it('names exactly the estimate entries whose 10% rise moves a figure by more than 0.1%', () => {
    const scenario = PRESETS[1]!.scenario;
    const metric = 'cost.overheadPct';
    const deps = estimateDependencies(scenario, [metric]);
    const base = runAnalytic(scenario);
    const estimates = base.costTable.filter((c) => costClass(c) === 'estimate');
    expect(estimates.length).toBeGreaterThan(0);
    let named = 0;
    for (const c of estimates) {
      const after = raised(scenario, c.key, c.value, metric);
      for (const r of base.strategies) {
        const rests = moved(r.metrics[metric]!.mean, after.get(r.strategy)!) > 1e-3;
        expect(deps[r.strategy]![metric]!.includes(c.key), `${r.strategy} ${c.key}`).toBe(rests);
        if (rests) named++;
      }
    }
    expect(named).toBeGreaterThan(0);
  });
});

describe('costDependencies', () => {
  it("names every entry of the run's table that moves a shown figure, largest effect on the metric first", () => {
    const scenario = PRESETS[0]!.scenario;
    const table = runAnalytic(scenario).costTable;
    const metric = 'cost.overheadPct';
    const shown = [metric, 'exposure.kernel.fraction'];
    const deps = costDependencies(scenario, table, metric, shown);
    const base = runAnalytic(scenario).strategies;
    const expected = table.flatMap((c) => {
      const after = new Map(shown.map((m) => [m, raised(scenario, c.key, c.value, m)]));
      const rests = base.some((r) =>
        shown.some((m) => moved(r.metrics[m]!.mean, after.get(m)!.get(r.strategy)!) > 1e-3),
      );
      const effect = Math.max(...base.map((r) => moved(r.metrics[metric]!.mean, after.get(metric)!.get(r.strategy)!)));
      return rests ? [{ key: c.key, effect }] : [];
    });
    expect(expected.length).toBeGreaterThan(1);
    expect(deps.map((d) => d.entry.key).sort()).toEqual(expected.map((e) => e.key).sort());
    for (const d of deps) expect(d.effect).toBeCloseTo(expected.find((e) => e.key === d.entry.key)!.effect, 12);
    for (let i = 1; i < deps.length; i++) expect(deps[i - 1]!.effect).toBeGreaterThanOrEqual(deps[i]!.effect);
  });
});

describe('estimatesAtPoint', () => {
  const experiment = { scenario: PRESETS[0]!.scenario, modelVersion: MODEL_VERSION };
  const metrics = ['cost.overheadPct'];

  it("judges a stored run of today's model at its point, validated", () => {
    const at = validateScenario({ ...experiment.scenario, vm: { ...experiment.scenario.vm, vcpus: 16 } });
    if (!at.ok) throw new Error('invalid');
    const here = estimatesAtPoint(experiment, { 'vm.vcpus': 16 }, metrics);
    expect(here).toEqual(estimateDependencies(at.value, metrics));
    expect(Object.values(here).some((m) => m[metrics[0]!]!.length > 0)).toBe(true);
  });

  it("marks nothing for another model version's runs, or at a point today's model rejects", () => {
    expect(estimatesAtPoint({ ...experiment, modelVersion: '1.0.0' }, {}, metrics)).toEqual({});
    expect(estimatesAtPoint({ ...experiment, modelVersion: null }, {}, metrics)).toEqual({});
    expect(estimatesAtPoint(experiment, { 'vm.vcpus': 0 }, metrics)).toEqual({});
  });
});
