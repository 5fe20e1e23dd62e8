// The workbench's compare and diff calls, on the store's reads; the diffing itself is pure
// (common/analysis).
import { diffCostTables, diffMetrics, diffObjects, withoutIdleLatencies } from '../../common/analysis/diff.ts';
import { touchpointsWithEvents } from '../../common/analysis/latency.ts';
import { sensitivity } from '../../common/analysis/sensitivity.ts';
import { experimentRow, matrixOf, presetRow, type Matrix } from '../../common/analysis/matrix.ts';
import { pointKey, pointLabel, type Point } from '../../common/analysis/points.ts';
import {
  GmemlabError,
  METRIC_CATALOGUE,
  RunRequestError,
  applyPoint,
  expandSweep,
  NotFoundError,
  PRESETS,
  STRATEGY_IDS,
  runPlan,
  scenarioAt,
  type Scenario,
  type SweepDefinition,
} from '../../common/core/index.ts';
import { readScenarioText as readScenarioFromText, ScenarioTextError } from '../export/scenario-text.ts';
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
import type { ComputeReads } from './compute.ts';

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
    ...withoutIdleLatencies(
      diffMetrics(a.metrics, b.metrics),
      touchpointsWithEvents(sa.scenario, a.point),
      touchpointsWithEvents(sb.scenario, b.point),
    ),
    costs: diffCostTables(await store.runCostTable(a.id), await store.runCostTable(b.id)),
  };
}

/**
 * The sensitivity of a run's point to the cost table: the run's scenario at its point, every
 * strategy, with the formulas (whatever method made the run; runMethod says which did).
 */
export async function getSensitivity(
  store: ComputeReads,
  runId: number,
  metric: string,
  samples: number,
): Promise<SensitivityAnswer> {
  if (!METRIC_CATALOGUE.some((m) => m.key === metric))
    throw new RunRequestError([{ path: 'metric', message: `"${metric}" is not a metric of this model` }]);
  const [run] = await store.getRuns([runId]);
  if (run === undefined) throw new NotFoundError(`run ${runId} does not exist`);
  const experiment = await store.getExperiment(run.experimentId);
  if (experiment === undefined) throw new NotFoundError(`run ${runId} does not exist`);
  // Validated, as every view computes a stored point (an older revision lacks newer fields).
  const at = scenarioAt(experiment.scenario, run.point);
  if (!at.ok) throw new RunRequestError([{ path: 'runId', message: `run ${runId}'s point: ${at.message}` }]);
  return { ...sensitivity(at.scenario, { metric, samples }), runId, runMethod: experiment.method };
}

/**
 * The matrix of strategies across scenarios: every preset with the formulas, or each given
 * experiment's stored runs at its point (the first point that has finished runs when none is
 * given). Unknown metrics, experiments and points are refused, naming the field.
 */
export async function getMatrix(
  store: ComputeReads,
  metrics: string[],
  experiments: { experimentId: number; point?: Point }[] | undefined,
): Promise<Matrix> {
  const issues = metrics.flatMap((m, i) =>
    METRIC_CATALOGUE.some((c) => c.key === m)
      ? []
      : [{ path: `metrics.${i}`, message: `"${m}" is not a metric of this model` }],
  );
  if (issues.length > 0) throw new RunRequestError(issues);
  if (experiments === undefined)
    return matrixOf(
      PRESETS.map((p) => presetRow(p, metrics)),
      metrics,
      STRATEGY_IDS,
    );
  const rows = [];
  for (const [i, want] of experiments.entries()) {
    const detail = await store.getExperiment(want.experimentId);
    if (detail === undefined)
      throw new NotFoundError(`experiments.${i}: experiment ${want.experimentId} does not exist`);
    const done = detail.runs.filter((r) => r.status === 'done');
    const key =
      want.point === undefined ? (done[0] === undefined ? undefined : pointKey(done[0].point)) : pointKey(want.point);
    const here = done.filter((r) => pointKey(r.point) === key);
    if (here.length === 0)
      throw new RunRequestError([
        {
          path: `experiments.${i}${want.point === undefined ? '' : '.point'}`,
          message:
            want.point === undefined
              ? `experiment ${detail.id} has no finished runs`
              : `experiment ${detail.id} has no finished runs at ${pointLabel(want.point) || 'its single point'}`,
        },
      ]);
    const point = here[0]!.point;
    const points = [...new Map(done.map((r) => [pointKey(r.point), r.point])).values()];
    rows.push(experimentRow(detail, point, here, metrics, points));
  }
  return matrixOf(rows, metrics, STRATEGY_IDS);
}

export async function diffScenarios(store: Store, idA: string, idB: string): Promise<ScenarioDiff> {
  const a = await revision(store, idA);
  const b = await revision(store, idB);
  return { a: a.info, b: b.info, parameters: diffObjects(a.scenario, b.scenario) };
}

/**
 * The scenario (and a sweep's mail's sweep) in a text a user opened, pasted or dropped: a
 * scenario file as written, or a mail that carries one between scissors marks, quoted or not,
 * read by the one reader `gmemlab run MAIL` uses. Problems are paths under `text`, the call's
 * input field.
 */
export function readScenarioText(text: string): { scenario: Scenario; sweep?: SweepDefinition } {
  try {
    const read = readScenarioFromText(text, 'the text');
    return read.sweep === undefined ? { scenario: read.scenario } : { scenario: read.scenario, sweep: read.sweep };
  } catch (err) {
    if (!(err instanceof ScenarioTextError)) throw err;
    const list = err.issues.map(describeIssue);
    const message =
      list.length === 0
        ? err.message
        : `${err.message}: ${list.slice(0, 5).join('; ')}${list.length > 5 ? `; and ${list.length - 5} more` : ''}`;
    const issues = err.issues.length > 0 ? err.issues : [{ path: '', message: err.message }];
    throw new GmemlabError(
      'invalid_input',
      message,
      issues.map((i) => ({ path: i.path === '' ? 'text' : `text.${i.path}`, message: i.message })),
    );
  }
}
