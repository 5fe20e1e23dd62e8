// What a job's outcomes mean for its runs: the finished ones to save, and the ones that did not
// finish and why. One rule, applied where the results are: in the simulation worker (what did not
// finish, as it sends the rest to the write worker), in the write worker (what to save), and on
// the main thread when there is no write worker (experiments.ts).
import type { RunOutput, StrategyId, StrategyResult } from '../../common/core/index.ts';
import type { ComputedRun, FinishedRun, PackedResultValues } from '../store/store.ts';
import type { PointRuns, ScenarioOutcome, NotFinished } from './protocol.ts';
import { nonFiniteValue } from './result-writer.ts';

/** Why a run of a computed point did not finish: the model gave no result for its strategy. */
export const NO_RESULT = 'the model returned no result for this strategy';

/**
 * A job's outcomes as the runs to save, one per point and strategy asked for, and the runs that
 * did not finish: the strategy's result missing, or the point not computed. A result in
 * `packedValues` keeps its numbers there (wire.ts: packedValuesOf).
 */
export function finishedRuns(
  outcomes: ScenarioOutcome[],
  save: PointRuns[],
  startedAt: string,
  packedValues?: Map<StrategyResult, PackedResultValues>,
): { runs: FinishedRun[]; sent: NotFinished } {
  const runs: FinishedRun[] = [];
  const sent: NotFinished = { missing: [], unsolved: [] };
  for (const [i, outcome] of outcomes.entries()) {
    const pointRuns = save[i] ?? [];
    if (!outcome.ok) {
      sent.unsolved.push({ ids: pointRuns.map((r) => r.id), message: outcome.message });
      continue;
    }
    for (const { id: runId, strategy } of pointRuns) {
      const run = computedRun(outcome.output, strategy, startedAt, packedValues);
      if (run === undefined) sent.missing.push(runId);
      else runs.push({ runId, ...run });
    }
  }
  return { runs, sent };
}

/**
 * What to record for a run that was computed before it was recorded (experiments.ts: a sweep
 * computed on the runner's own thread): its result, or why it failed (the point not computed,
 * no result for its strategy, or a value that is not a finite number).
 */
export function recordOf(
  outcome: ScenarioOutcome,
  strategy: StrategyId,
  startedAt: string,
): { done: ComputedRun } | { failed: string } {
  if (!outcome.ok) return { failed: outcome.message };
  const done = computedRun(outcome.output, strategy, startedAt);
  if (done === undefined) return { failed: NO_RESULT };
  const notFinite = nonFiniteValue(done);
  return notFinite === undefined ? { done } : { failed: notFinite };
}

/** A computed point's run of `strategy`, as the store saves it; undefined when the model gave no result for it. */
function computedRun(
  output: RunOutput,
  strategy: StrategyId,
  startedAt: string,
  packedValues?: Map<StrategyResult, PackedResultValues>,
): ComputedRun | undefined {
  const result = output.strategies.find((r) => r.strategy === strategy);
  if (result === undefined) return undefined;
  const run: ComputedRun = { startedAt, modelVersion: output.modelVersion, costTable: output.costTable, result };
  const packed = packedValues?.get(result);
  if (packed !== undefined) run.packed = packed;
  return run;
}
