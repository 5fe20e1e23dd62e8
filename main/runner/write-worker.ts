// The write worker: the thread that saves a sweep's finished runs in an app that serves a window
// (app.ts: writeWorker), on a writing connection of its own. The simulation workers send it their
// results straight (protocol.ts: ToWriter), so neither the results nor their batches' encoding,
// inserts, commits and WAL checkpoints ever take the main thread, where every request of the
// window and the web host is answered (issue 20: no request waits over 100 ms). It batches them
// as the main thread would (result-writer.ts) and tells the main thread which job's runs are
// saved. The main thread's connection keeps every other write; SQLite's write lock serialises
// the two (BEGIN IMMEDIATE on both: open.ts, write-statements.ts).
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { openWriteConnection } from '../store/open.ts';
import { failureOf } from '../store/store-thread.ts';
import { saveFinishedRuns, WriteStatements } from '../store/write-statements.ts';
import type { FromWriter, ToWriter, WriterControl } from './protocol.ts';
import { finishedRuns } from './outcomes.ts';
import { ResultWriter } from './result-writer.ts';
import { packedValuesOf } from './wire.ts';
import type { WriteWorkerData } from './write-client.ts';

if (parentPort === null) throw new Error('write-worker.ts must run in a worker thread');
const control = parentPort;
const { path } = workerData as WriteWorkerData;
const sqlite = openWriteConnection(path);
const statements = new WriteStatements(sqlite);
const writer = new ResultWriter(async (runs) => saveFinishedRuns(sqlite, statements, path, runs));
const ports = new Set<MessagePort>();
const tell = (message: FromWriter): void => control.postMessage(message);
tell({ type: 'ready' });

control.on('message', (message: WriterControl) => {
  if (message.type === 'connect') {
    const { port } = message;
    ports.add(port);
    port.on('message', save);
    port.on('close', () => ports.delete(port));
    return;
  }
  // The main thread closes only once every job it started has been answered: nothing is pending.
  for (const port of ports) port.close();
  sqlite.close();
  tell({ type: 'closed' });
});

function save({ jobId, packed, runs: pointRuns, startedAt }: ToWriter): void {
  // The numbers stay packed: they are encoded from there, not made into objects first.
  const { runs } = finishedRuns(packed.outcomes, pointRuns, startedAt, packedValuesOf(packed));
  writer.write(runs).then(
    (refused) => tell({ type: 'saved', jobId, refused }),
    (err: unknown) => tell({ type: 'failed', jobId, ...failureOf(err) }),
  );
}
