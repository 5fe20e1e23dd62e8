// What a job's outcomes mean for its runs: the finished ones to save, and the ones that did not
// finish and why. One rule, applied where the results are: in the simulation worker (what did not
// finish, as it sends the rest to the write worker), in the write worker (what to save), and on
// the main thread when there is no write worker (experiments.ts).
import type { StrategyId, StrategyResult } from '../../common/core/index.ts';
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
    const { output } = outcome;
    for (const { id: runId, strategy } of pointRuns) {
      const result = output.strategies.find((r) => r.strategy === strategy);
      if (result === undefined) sent.missing.push(runId);
      else
        runs.push({
          runId,
          startedAt,
          modelVersion: output.modelVersion,
          costTable: output.costTable,
          result,
          packed: packedValues?.get(result),
        });
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
  const { output } = outcome;
  const result = output.strategies.find((r) => r.strategy === strategy);
  if (result === undefined) return { failed: NO_RESULT };
  const done: ComputedRun = { startedAt, modelVersion: output.modelVersion, costTable: output.costTable, result };
  const notFinite = nonFiniteValue(done);
  return notFinite === undefined ? { done } : { failed: notFinite };
}
