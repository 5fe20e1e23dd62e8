// The read worker: a thread with its own read-only connection that answers the store's reads
// (reader.ts), so a heavy one (a 60,000-run experiment, a bundle) never holds up the main
// thread, where the writer and every other request live. Messages: read-protocol.ts.
import { parentPort, workerData } from 'node:worker_threads';
import { GmemlabError } from '../../common/core/index.ts';
import { columnBuffers, type ExperimentData } from '../../common/contract/run-table.ts';
import type { ReadReady, ReadRequest, ReadResponse, ReadWorkerData } from './read-protocol.ts';
import { StoreReader } from './reader.ts';

if (parentPort === null) throw new Error('read-worker.ts must run in a worker thread');
const port = parentPort;
const { path, beside } = workerData as ReadWorkerData;
const reader = StoreReader.open(path, beside);
port.postMessage({ ready: true } satisfies ReadReady);

port.on('message', (request: ReadRequest) => {
  void answer(request).then((response) => port.postMessage(response, transferOf(response)));
});

/** An experiment's value columns are handed over, not copied (this thread keeps no reference). */
function transferOf(response: ReadResponse): ArrayBuffer[] {
  const value = response.ok ? response.value : undefined;
  return typeof value === 'object' && value !== null && 'runTable' in value
    ? columnBuffers((value as ExperimentData).runTable)
    : [];
}

async function answer({ id, method, args }: ReadRequest): Promise<ReadResponse> {
  try {
    const read = reader[method] as (...a: unknown[]) => Promise<unknown>;
    return { id, ok: true, value: await read.apply(reader, args) };
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    const own = e instanceof GmemlabError ? { code: e.code, issues: e.issues } : {};
    return { id, ok: false, name: e.name, message: e.message, ...own };
  }
}
