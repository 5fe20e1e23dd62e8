// What a simulation job does, wherever it runs: in a worker thread (worker.ts), or on the thread
// that owns the pool when the pool computes small analytic sweeps itself (pool.ts: computeEach). One
// code path, so a run's result never depends on where it was computed.
import { isDeepStrictEqual } from 'node:util';
import {
  runScenario,
  scenarioAt,
  SimulationCancelled,
  type Point,
  type RunOutput,
  type Scenario,
} from '../../common/core/index.ts';
import { pointKey } from '../../common/analysis/points.ts';
import { checkAndKeepPoints, type PointsCheck } from './points.ts';
import type { ScenarioOutcome, ToWorker } from './protocol.ts';

/** Progress reports at most this often. */
const PROGRESS_INTERVAL_MS = 100;

export class JobComputer {
  /**
   * The scenarios the latest check made here validated, by point key, until the run jobs naming
   * that check take them: a point is then validated once, not again before it is computed (a
   * quarter of a worker's time in a 1,000-point analytic sweep, issue 20). Only the latest
   * check's are kept, and each is dropped once taken; a job whose points are not here (another
   * worker checked them, a rerun, an older check) validates them itself.
   */
  private kept: { checkId: number; scenarios: Map<string, Scenario> } | undefined;

  /** Whether the run jobs naming this check find its scenarios here. */
  holds(checkId: number | undefined): boolean {
    return checkId !== undefined && this.kept?.checkId === checkId;
  }

  /** Checks a sweep (points.ts: checkAndKeepPoints) and keeps its scenarios for the jobs to come. */
  check(message: Extract<ToWorker, { type: 'check' }>): PointsCheck {
    this.kept = undefined;
    const { check, points } = checkAndKeepPoints(message.base, message.sweep, message.shard);
    if (check.ok)
      this.kept = { checkId: message.jobId, scenarios: new Map(points.map((p) => [pointKey(p.point), p.scenario])) };
    return check;
  }

  /**
   * Computes a job's points in order, each one's outcome on its own (a point the core rejects or
   * cannot compute fails alone); equal parts of the outputs are made one object (EqualParts).
   * Throws SimulationCancelled once `cancel` holds 1.
   */
  run(message: Extract<ToWorker, { type: 'run' }>, onProgress: (fraction: number) => void): ScenarioOutcome[] {
    return [...this.each(message, onProgress)];
  }

  /** Like run, one point at a time as the caller asks for the next outcome. */
  *each(
    message: Extract<ToWorker, { type: 'run' }>,
    onProgress: (fraction: number) => void,
  ): Generator<ScenarioOutcome, void, undefined> {
    const { cancel, base, points, checkId } = message;
    let lastProgress = performance.now();
    const parts = new EqualParts();
    for (const [i, point] of points.entries()) {
      if (Atomics.load(cancel, 0) === 1) throw new SimulationCancelled();
      // Validated by the sweep's check when that was made here, else validated now.
      const checked = this.take(checkId, point);
      const at = checked === undefined ? scenarioAt(base, point) : { ok: true as const, scenario: checked };
      if (!at.ok) {
        yield at;
        continue;
      }
      let outcome: ScenarioOutcome;
      try {
        const output = runScenario(at.scenario, {
          onProgress: (fraction) => {
            if (Atomics.load(cancel, 0) === 1) return true;
            const now = performance.now();
            if (now - lastProgress >= PROGRESS_INTERVAL_MS) {
              lastProgress = now;
              onProgress((i + fraction) / points.length);
            }
            return false;
          },
        });
        outcome = { ok: true, output: parts.share(output) };
      } catch (err) {
        if (err instanceof SimulationCancelled) throw err;
        // One point the core cannot compute fails its own runs only, not the job's others.
        outcome = { ok: false, message: err instanceof Error ? err.message : String(err) };
      }
      yield outcome;
    }
  }

  /** The scenario the check `checkId` validated for `point`, taken from the kept ones; undefined if not kept here. */
  private take(checkId: number | undefined, point: Point): Scenario | undefined {
    if (!this.holds(checkId)) return undefined;
    const key = pointKey(point);
    const scenario = this.kept!.scenarios.get(key);
    this.kept!.scenarios.delete(key);
    return scenario;
  }
}

/**
 * Makes equal cost tables and equal capability rows of a job's outputs one object each: a
 * worker's message then carries each once (structured clone keeps shared objects shared), and
 * the writer, which saves each distinct one once, recognises them by identity instead of by
 * text. A sweep has one or a few distinct ones: each is compared with those already seen,
 * without making text of it (JSON of every table and row was a third of a worker's time, issue 20).
 */
class EqualParts {
  readonly #tables: unknown[] = [];
  readonly #capabilities = new Map<string, unknown[]>(); // by strategy: only its own rows can equal a row

  /** The output, its cost table and capability rows replaced by equal ones seen before. */
  share(output: RunOutput): RunOutput {
    output.costTable = shared(this.#tables, output.costTable);
    for (const result of output.strategies) {
      let rows = this.#capabilities.get(result.strategy);
      if (rows === undefined) this.#capabilities.set(result.strategy, (rows = []));
      result.capability = shared(rows, result.capability);
    }
    return output;
  }
}

/** Distinct values compared with a new one, at most: a sweep of a cost has a new table at every point. */
const SHARED_CANDIDATES = 8;

/** The value of `seen` equal to `value` (the most recent first: neighbouring points share theirs), else `value`, remembered. */
function shared<T>(seen: unknown[], value: T): T {
  for (let i = seen.length - 1; i >= Math.max(0, seen.length - SHARED_CANDIDATES); i--)
    if (isDeepStrictEqual(seen[i], value)) return seen[i] as T;
  seen.push(value);
  return value;
}
