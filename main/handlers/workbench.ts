// Reads behind the workbench's compare and diff calls. Read-only queries on the store's
// database (the store stays the only writer); the diffing itself is pure (common/analysis).
import { diffCostTables, diffMetrics, diffObjects } from '../../common/analysis/diff.ts';
import { sensitivity } from '../../common/analysis/sensitivity.ts';
import { expandSweep, RunRequestError, type SweepDefinition } from '../../common/core/sweep.ts';
import {
  METRIC_CATALOGUE,
  runPlan,
  setParameter,
  validateScenario,
  type CostEntry,
  type Scenario,
  type ValidationIssue,
} from '../../common/core/index.ts';
import { unfoldScenarioText } from '../export/text.ts';
import { describeIssue } from '../../common/analysis/scenarioFields.ts';
import type {
  RunDiff,
  RunInContext,
  ScenarioDiff,
  ScenarioRevisionInfo,
  SensitivityAnswer,
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

/**
 * The sensitivity of a run's point to the cost table: the run's scenario at its point, every
 * strategy, with the formulas (whatever method made the run; runMethod says which did).
 */
export async function getSensitivity(
  store: Store,
  runId: number,
  metric: string,
  samples: number,
): Promise<SensitivityAnswer> {
  if (!METRIC_CATALOGUE.some((m) => m.key === metric))
    throw new RunRequestError([{ path: 'metric', message: `"${metric}" is not a metric of this model` }]);
  const [run] = await getRuns(store, [runId]);
  if (run === undefined) throw new NotFoundError(`run ${runId} does not exist`);
  const experiment = await store.getExperiment(run.experimentId);
  if (experiment === undefined) throw new NotFoundError(`run ${runId} does not exist`);
  const scenario = effectiveScenario(experiment.scenario, run.point);
  return { ...sensitivity(scenario, { metric, samples }), runId, runMethod: experiment.method };
}

export async function diffScenarios(store: Store, idA: string, idB: string): Promise<ScenarioDiff> {
  const a = await scenarioBody(store, idA);
  const b = await scenarioBody(store, idB);
  return { a: a.info, b: b.info, parameters: diffObjects(a.scenario, b.scenario) };
}

/**
 * The scenario in a text a user opened, pasted or dropped: a scenario file as written, or a mail
 * that carries one between scissors marks (read the way `gmemlab run MAIL` reads it). Paths of
 * the problems are relative to the scenario.
 */
export function readScenarioText(
  text: string,
): { ok: true; scenario: Scenario } | { ok: false; message: string; issues: ValidationIssue[] } {
  let raw: unknown;
  try {
    raw = JSON.parse(unfoldScenarioText(text));
  } catch (err) {
    const message = `the text holds no scenario: it is neither a scenario file (JSON) nor a mail with one between scissors marks (${(err as Error).message})`;
    return { ok: false, message, issues: [{ path: '', message }] };
  }
  const checked = validateScenario(raw);
  if (!checked.ok) {
    const list = checked.issues.map(describeIssue);
    return {
      ok: false,
      message: `the text is not a valid scenario: ${list.slice(0, 5).join('; ')}${list.length > 5 ? `; and ${list.length - 5} more` : ''}`,
      issues: checked.issues,
    };
  }
  return { ok: true, scenario: checked.value };
}
