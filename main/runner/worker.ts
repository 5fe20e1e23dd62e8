// A simulation worker thread: receives scenarios, returns core results, reports progress.
import { parentPort } from 'node:worker_threads';
import { runScenario, SimulationCancelled } from '../../common/core/index.ts';
import type { FromWorker, ToWorker } from './protocol.ts';

if (parentPort === null) throw new Error('worker.ts must run in a worker thread');
const port = parentPort;
const send = (message: FromWorker): void => port.postMessage(message);
/** Progress messages at most this often. */
const PROGRESS_INTERVAL_MS = 100;

port.on('message', (message: ToWorker) => {
  const { jobId, cancel } = message;
  const startedAt = new Date().toISOString();
  let lastProgress = performance.now();
  try {
    const output = runScenario(message.scenario, {
      onProgress: (fraction) => {
        if (Atomics.load(cancel, 0) === 1) return true;
        const now = performance.now();
        if (now - lastProgress >= PROGRESS_INTERVAL_MS) {
          lastProgress = now;
          send({ type: 'progress', jobId, fraction });
        }
        return false;
      },
    });
    send({ type: 'result', jobId, output, startedAt });
  } catch (err) {
    if (err instanceof SimulationCancelled) send({ type: 'cancelled', jobId });
    else send({ type: 'error', jobId, message: err instanceof Error ? err.message : String(err) });
  }
});
