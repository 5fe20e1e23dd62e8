// Reads behind the workbench's compare and diff calls. Read-only queries on the store's
// database (the store stays the only writer); the diffing itself is pure (common/analysis).
import { diffCostTables, diffMetrics, diffObjects } from '../../common/analysis/diff.ts';
import { expandSweep, type SweepDefinition } from '../../common/core/sweep.ts';
import { runPlan, setParameter, type CostEntry, type Scenario } from '../../common/core/index.ts';
import type {
  RunDiff,
  RunInContext,
  ScenarioDiff,
  ScenarioRevisionInfo,
  SweepPreview,
} from '../../common/contract/index.ts';
import type { Store } from '../store/store.ts';

export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

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

/** The runs asked for, in the order asked, with their experiment's name and scenario. */
export async function getRuns(store: Store, runIds: number[]): Promise<RunInContext[]> {
  const rows = await store.db.selectFrom('runs').select(['id', 'experiment_id']).where('id', 'in', runIds).execute();
  const found = new Map(rows.map((r) => [r.id, r.experiment_id]));
  const missing = runIds.filter((id) => !found.has(id));
  if (missing.length > 0) throw new NotFoundError(`run ${missing.slice(0, 5).join(', ')} does not exist`);
  const byRun = new Map<number, RunInContext>();
  for (const experimentId of new Set(found.values())) {
    const detail = await store.getExperiment(experimentId);
    if (detail === undefined) continue;
    for (const run of detail.runs) {
      if (!found.has(run.id)) continue;
      byRun.set(run.id, {
        ...run,
        experimentId: detail.id,
        experimentName: detail.name,
        experimentCreatedAt: detail.createdAt,
        scenarioId: detail.scenarioId,
        scenarioName: detail.scenarioName,
      });
    }
  }
  return runIds.map((id) => byRun.get(id)!).filter((r) => r !== undefined);
}

async function scenarioBody(
  store: Store,
  scenarioId: string,
): Promise<{ info: ScenarioRevisionInfo; scenario: Scenario }> {
  const row = await store.db
    .selectFrom('scenario_revisions')
    .selectAll()
    .where('id', '=', scenarioId)
    .executeTakeFirst();
  if (row === undefined) throw new NotFoundError(`scenario revision ${scenarioId} does not exist`);
  return {
    info: { id: row.id, name: row.name, parentId: row.parent_id, createdAt: row.created_at },
    scenario: JSON.parse(row.body) as Scenario,
  };
}

/** The scenario a run actually computed: its experiment's scenario with the sweep point applied. */
function effectiveScenario(base: Scenario, point: Record<string, unknown>): Scenario {
  let s = base;
  for (const [path, value] of Object.entries(point)) s = setParameter(s, path, value);
  return s;
}

export async function diffRuns(store: Store, runIdA: number, runIdB: number): Promise<RunDiff> {
  const [a, b] = await getRuns(store, [runIdA, runIdB]);
  if (a === undefined || b === undefined) throw new NotFoundError('run does not exist');
  const sa = await scenarioBody(store, a.scenarioId);
  const sb = await scenarioBody(store, b.scenarioId);
  const side = (r: RunInContext, s: Scenario) => ({
    scenario: effectiveScenario(s, r.point),
    strategy: r.strategy,
    params: r.params,
    modelVersion: r.modelVersion,
  });
  return {
    a,
    b,
    parameters: diffObjects(side(a, sa.scenario), side(b, sb.scenario)),
    metrics: diffMetrics(a.metrics, b.metrics),
    costs: diffCostTables(await runCostTable(store, a.id), await runCostTable(store, b.id)),
  };
}

/** The cost table a run recorded (null for a run that never finished). */
async function runCostTable(store: Store, runId: number): Promise<CostEntry[] | null> {
  const row = await store.db
    .selectFrom('runs')
    .innerJoin('cost_tables', 'cost_tables.id', 'runs.cost_table_id')
    .select('cost_tables.body')
    .where('runs.id', '=', runId)
    .executeTakeFirst();
  return row === undefined ? null : (JSON.parse(row.body) as CostEntry[]);
}

export async function diffScenarios(store: Store, idA: string, idB: string): Promise<ScenarioDiff> {
  const a = await scenarioBody(store, idA);
  const b = await scenarioBody(store, idB);
  return { a: a.info, b: b.info, parameters: diffObjects(a.scenario, b.scenario) };
}
