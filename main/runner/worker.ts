// A simulation worker thread: receives scenarios, returns core results.
import { parentPort } from 'node:worker_threads';
import { runAnalytic } from '../core/index.ts';
import type { FromWorker, ToWorker } from './protocol.ts';

if (parentPort === null) throw new Error('worker.ts must run in a worker thread');
const port = parentPort;
const send = (message: FromWorker): void => port.postMessage(message);

port.on('message', (message: ToWorker) => {
  if (message.type !== 'run') return; // analytic jobs finish before a cancel can arrive
  try {
    send({ type: 'result', jobId: message.jobId, output: runAnalytic(message.scenario) });
  } catch (err) {
    send({ type: 'error', jobId: message.jobId, message: err instanceof Error ? err.message : String(err) });
  }
});
