// The compute worker, made to die on a task whose input says `crash` (as an export that runs out
// of memory would): for compute-worker.test.ts, which checks that only that call fails.
import { parentPort } from 'node:worker_threads';
import './compute-worker.ts';

parentPort?.on('message', (request: { input?: { crash?: boolean } }) => {
  if (request.input?.crash === true) process.exit(3);
});
