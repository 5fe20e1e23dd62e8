// What a job's outcomes mean for its runs: the finished ones to save, and the ones that did not
// finish and why. One rule, applied where the results are: in the simulation worker when it sends
// them to the write worker, on the main thread otherwise (experiments.ts).
import type { FinishedRun } from '../store/store.ts';
import type { PointRuns, ScenarioOutcome, NotFinished } from './protocol.ts';

/**
 * A job's outcomes as the runs to save, one per point and strategy asked for, and the runs that
 * did not finish: the strategy's result missing, or the point not computed.
 */
export function finishedRuns(
  outcomes: ScenarioOutcome[],
  save: PointRuns[],
  startedAt: string,
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
      else runs.push({ runId, startedAt, modelVersion: output.modelVersion, costTable: output.costTable, result });
    }
  }
  return { runs, sent };
}
