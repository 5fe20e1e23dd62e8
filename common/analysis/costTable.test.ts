import { describe, expect, it } from 'vitest';
import { MODEL_VERSION, PRESETS, runAnalytic, setParameter } from '../core/index.ts';
import { costTableAt } from './costTable.ts';

describe('costTableAt', () => {
  const scenario = PRESETS[0]!.scenario;
  const stored = runAnalytic(setParameter(scenario, 'host.costs.ipiReceiveWork', 1000)).costTable;
  const experiment = { scenario, modelVersion: MODEL_VERSION, costTable: stored };

  it("is, at a point that sets a cost entry, the table that point's runs were computed with", () => {
    const point = { 'host.costs.ipiReceiveWork': 3000 };
    const { table, firstPointOnly } = costTableAt(experiment, point);
    expect(firstPointOnly).toBe(false);
    expect(table).toEqual(runAnalytic(setParameter(scenario, 'host.costs.ipiReceiveWork', 3000)).costTable);
    expect(table!.find((c) => c.key === 'ipiReceiveWork')!.value).toBe(3000);
  });

  it("is the stored table where the point sets no cost, and says so where it cannot tell an older model's", () => {
    expect(costTableAt(experiment, { 'vm.vcpus': 4 })).toEqual({ table: stored, firstPointOnly: false });
    const older = { ...experiment, modelVersion: '2.8.0' };
    expect(costTableAt(older, { 'host.costs.ipiReceiveWork': 3000 })).toEqual({ table: stored, firstPointOnly: true });
    expect(costTableAt({ ...experiment, costTable: null }, { 'host.costs.ipiReceiveWork': 3000 }).table).toBeNull();
  });
});
