// Worker thread of background.test.ts: lowers its own priority, then says which thread it is.
import { readlinkSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { runInBackground } from './background.ts';

const lowered = runInBackground();
parentPort!.postMessage({ lowered, tid: Number(readlinkSync('/proc/thread-self').split('/').at(-1)) });
// Stays alive until the test has read its priority.
parentPort!.on('message', () => process.exit(0));
