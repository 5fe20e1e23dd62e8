// A simulation worker thread: receives points of a scenario, returns core results, reports
// progress; checks a sweep before it starts (points.ts).
import { isDeepStrictEqual } from 'node:util';
import { parentPort, type Transferable } from 'node:worker_threads';
import { runScenario, SimulationCancelled, type Point, type Scenario } from '../../common/core/index.ts';
import { pointKey } from '../../common/analysis/points.ts';
import { checkAndKeepPoints, scenarioAt } from './points.ts';
import type { FromWorker, ScenarioOutcome, ToWorker } from './protocol.ts';
import { packOutcomes } from './wire.ts';

if (parentPort === null) throw new Error('worker.ts must run in a worker thread');
const port = parentPort;
const send = (message: FromWorker, transfer: Transferable[] = []): void => port.postMessage(message, transfer);
/** Progress messages at most this often. */
const PROGRESS_INTERVAL_MS = 100;

/**
 * The scenarios the latest check made here validated, by point key, until the run jobs naming
 * that check take them: a point is then validated once, not again before it is computed (a
 * quarter of this worker's time in a 1,000-point analytic sweep, issue 20). Only the latest
 * check's are kept, and each is dropped once taken; a job whose points are not here (another
 * worker checked them, a rerun, an older check) validates them itself.
 */
let kept: { checkId: number; scenarios: Map<string, Scenario> } | undefined;

/** The scenario the check `checkId` validated for `point`, taken from the kept ones; undefined if not kept here. */
function takeChecked(checkId: number | undefined, point: Point): Scenario | undefined {
  if (kept === undefined || checkId !== kept.checkId) return undefined;
  const key = pointKey(point);
  const scenario = kept.scenarios.get(key);
  kept.scenarios.delete(key);
  return scenario;
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'check') {
    try {
      kept = undefined;
      const { check, points } = checkAndKeepPoints(message.base, message.sweep, message.shard);
      if (check.ok)
        kept = { checkId: message.jobId, scenarios: new Map(points.map((p) => [pointKey(p.point), p.scenario])) };
      send({ type: 'checked', jobId: message.jobId, check });
    } catch (err) {
      send({ type: 'error', jobId: message.jobId, message: err instanceof Error ? err.message : String(err) });
    }
    return;
  }
  const { jobId, cancel, base, points, checkId } = message;
  const startedAt = new Date().toISOString();
  let lastProgress = performance.now();
  const outcomes: ScenarioOutcome[] = [];
  try {
    for (const [i, point] of points.entries()) {
      if (Atomics.load(cancel, 0) === 1) throw new SimulationCancelled();
      // Validated by the sweep's check when that was made here, else validated now.
      const checked = takeChecked(checkId, point);
      const at = checked === undefined ? scenarioAt(base, point) : { ok: true as const, scenario: checked };
      if (!at.ok) {
        outcomes.push(at);
        continue;
      }
      try {
        const output = runScenario(at.scenario, {
          onProgress: (fraction) => {
            if (Atomics.load(cancel, 0) === 1) return true;
            const now = performance.now();
            if (now - lastProgress >= PROGRESS_INTERVAL_MS) {
              lastProgress = now;
              send({ type: 'progress', jobId, fraction: (i + fraction) / points.length });
            }
            return false;
          },
        });
        outcomes.push({ ok: true, output });
      } catch (err) {
        if (err instanceof SimulationCancelled) throw err;
        // One point the core cannot compute fails its own runs only, not the job's others.
        outcomes.push({ ok: false, message: err instanceof Error ? err.message : String(err) });
      }
    }
    const packed = packOutcomes(shareEqualParts(outcomes));
    send({ type: 'result', jobId, packed, startedAt }, [packed.values.buffer]);
  } catch (err) {
    if (err instanceof SimulationCancelled) send({ type: 'cancelled', jobId });
    else send({ type: 'error', jobId, message: err instanceof Error ? err.message : String(err) });
  }
});

/**
 * Makes equal cost tables and equal capability rows of a job's outputs one object each: the
 * message then carries each once (structured clone keeps shared objects shared), and the
 * writer, which saves each distinct one once, recognises them by identity instead of by text.
 * A sweep has one or a few distinct ones: each is compared with those already seen, without
 * making text of it (JSON of every table and row was a third of this worker's time, issue 20).
 */
function shareEqualParts(outcomes: ScenarioOutcome[]): ScenarioOutcome[] {
  if (outcomes.length < 2) return outcomes;
  const tables: unknown[] = [];
  const capabilities = new Map<string, unknown[]>(); // by strategy: only its own rows can equal a row
  for (const outcome of outcomes) {
    if (!outcome.ok) continue;
    const { output } = outcome;
    output.costTable = shared(tables, output.costTable);
    for (const result of output.strategies) {
      let rows = capabilities.get(result.strategy);
      if (rows === undefined) capabilities.set(result.strategy, (rows = []));
      result.capability = shared(rows, result.capability);
    }
  }
  return outcomes;
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
