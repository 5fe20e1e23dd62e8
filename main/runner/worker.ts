// A simulation worker thread: receives scenarios, returns core results, reports progress.
import { parentPort } from 'node:worker_threads';
import { runScenario, SimulationCancelled } from '../../common/core/index.ts';
import type { FromWorker, ScenarioOutcome, ToWorker } from './protocol.ts';

if (parentPort === null) throw new Error('worker.ts must run in a worker thread');
const port = parentPort;
const send = (message: FromWorker): void => port.postMessage(message);
/** Progress messages at most this often. */
const PROGRESS_INTERVAL_MS = 100;

port.on('message', (message: ToWorker) => {
  const { jobId, cancel, scenarios } = message;
  const startedAt = new Date().toISOString();
  let lastProgress = performance.now();
  const outcomes: ScenarioOutcome[] = [];
  try {
    for (const [i, scenario] of scenarios.entries()) {
      if (Atomics.load(cancel, 0) === 1) throw new SimulationCancelled();
      try {
        const output = runScenario(scenario, {
          onProgress: (fraction) => {
            if (Atomics.load(cancel, 0) === 1) return true;
            const now = performance.now();
            if (now - lastProgress >= PROGRESS_INTERVAL_MS) {
              lastProgress = now;
              send({ type: 'progress', jobId, fraction: (i + fraction) / scenarios.length });
            }
            return false;
          },
        });
        outcomes.push({ ok: true, output });
      } catch (err) {
        if (err instanceof SimulationCancelled) throw err;
        // One scenario the core cannot compute fails its own runs only, not the job's others.
        outcomes.push({ ok: false, message: err instanceof Error ? err.message : String(err) });
      }
    }
    send({ type: 'result', jobId, outcomes: shareEqualParts(outcomes), startedAt });
  } catch (err) {
    if (err instanceof SimulationCancelled) send({ type: 'cancelled', jobId });
    else send({ type: 'error', jobId, message: err instanceof Error ? err.message : String(err) });
  }
});

/**
 * Makes equal cost tables and equal capability rows of a job's outputs one object each: the
 * message then carries each once (structured clone keeps shared objects shared), and the
 * writer, which saves each distinct one once, recognises them by identity instead of by text.
 */
function shareEqualParts(outcomes: ScenarioOutcome[]): ScenarioOutcome[] {
  if (outcomes.length < 2) return outcomes;
  const seen = new Map<string, unknown>();
  const shared = <T>(value: T): T => {
    const text = JSON.stringify(value);
    const first = seen.get(text);
    if (first !== undefined) return first as T;
    seen.set(text, value);
    return value;
  };
  for (const outcome of outcomes) {
    if (!outcome.ok) continue;
    const { output } = outcome;
    output.costTable = shared(output.costTable);
    for (const result of output.strategies) result.capability = shared(result.capability);
  }
  return outcomes;
}
