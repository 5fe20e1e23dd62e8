// The workbench's compare and diff calls, on the store's reads; the diffing itself is pure
// (common/analysis).
import { diffMetrics, diffObjects } from '../../common/analysis/diff.ts';
import {
  applyPoint,
  expandSweep,
  NotFoundError,
  runPlan,
  type Scenario,
  type SweepDefinition,
} from '../../common/core/index.ts';
import type {
  RunDiff,
  RunInContext,
  ScenarioDiff,
  ScenarioRevisionInfo,
  SweepPreview,
} from '../../common/contract/index.ts';
import type { Store } from '../store/store.ts';

export function previewSweep(scenario: Scenario, sweep: SweepDefinition): SweepPreview {
  const points = expandSweep(scenario, sweep).length;
  const plan = runPlan(scenario);
  return {
    points,
    runs: points * plan.strategies.length,
    strategies: plan.strategies.length,
    seedsPerRun: plan.seeds.length,
  };
}

async function revision(store: Store, id: string): Promise<{ info: ScenarioRevisionInfo; scenario: Scenario }> {
  const found = await store.getScenarioRevision(id);
  if (found === undefined) throw new NotFoundError(`scenario revision ${id} does not exist`);
  return {
    info: { id: found.id, name: found.name, parentId: found.parentId, createdAt: found.createdAt },
    scenario: found.scenario,
  };
}

export async function diffRuns(store: Store, runIdA: number, runIdB: number): Promise<RunDiff> {
  const [a, b] = (await store.getRuns([runIdA, runIdB])) as [RunInContext, RunInContext];
  const sa = await revision(store, a.scenarioId);
  const sb = await revision(store, b.scenarioId);
  const side = (r: RunInContext, s: Scenario) => ({
    // The scenario the run actually computed: its experiment's, with the sweep point applied.
    scenario: applyPoint(s, r.point),
    strategy: r.strategy,
    params: r.params,
    modelVersion: r.modelVersion,
  });
  return {
    a,
    b,
    parameters: diffObjects(side(a, sa.scenario), side(b, sb.scenario)),
    metrics: diffMetrics(a.metrics, b.metrics),
  };
}

export async function diffScenarios(store: Store, idA: string, idB: string): Promise<ScenarioDiff> {
  const a = await revision(store, idA);
  const b = await revision(store, idB);
  return { a: a.info, b: b.info, parameters: diffObjects(a.scenario, b.scenario) };
}
