// The read worker: a thread with its own read-only connection that answers the store's reads
// (reader.ts), so a heavy one (a 60,000-run experiment, a bundle) never holds up the main
// thread, where the writer and every other request live. Messages: read-protocol.ts.
import { parentPort, workerData } from 'node:worker_threads';
import { columnBuffers, type RunTable } from '../../common/contract/run-table.ts';
import type { ReadReady, ReadRequest, ReadResponse, ReadWorkerData } from './read-protocol.ts';
import { StoreReader } from './reader.ts';
import { failureOf } from './store-thread.ts';

if (parentPort === null) throw new Error('read-worker.ts must run in a worker thread');
const port = parentPort;
const { path, beside } = workerData as ReadWorkerData;
const reader = StoreReader.open(path, beside);
port.postMessage({ ready: true } satisfies ReadReady);

port.on('message', (request: ReadRequest) => {
  void answer(request).then((response) => port.postMessage(response, transferOf(response)));
});

/**
 * The value columns of the runs read (an experiment's, or those asked for) are handed over, not
 * copied (this thread keeps no reference).
 */
function transferOf(response: ReadResponse): ArrayBuffer[] {
  const value = response.ok ? response.value : undefined;
  return typeof value === 'object' && value !== null && 'runTable' in value
    ? columnBuffers((value as { runTable: RunTable }).runTable)
    : [];
}

async function answer({ id, method, args }: ReadRequest): Promise<ReadResponse> {
  try {
    const read = reader[method] as (...a: unknown[]) => Promise<unknown>;
    return { id, ok: true, value: await read.apply(reader, args) };
  } catch (err) {
    return { id, ok: false, ...failureOf(err) };
  }
}
