// The compute worker: a thread with its own read-only connection on the database that runs the
// handlers' heavy read-only tasks (compute.ts), so an export of a 60,000-run sweep or a
// sensitivity analysis never stops the main thread answering the window, the web host and the
// runner. Messages: compute-protocol.ts.
//
// Why a worker of its own rather than more methods on the store's read worker
// (main/store/read-worker.ts): that thread answers every quick read (the history list, a run's
// page); a 30-second export there would hold them all up just as on the main thread. And the
// store's layer may not import main/export, so the tasks could not live in it anyway. Both
// workers open their own StoreReader on the same file; in WAL mode neither waits for the writer.
import { parentPort, workerData } from 'node:worker_threads';
import { GmemlabError } from '../../common/core/index.ts';
import { StoreReader } from '../store/reader.ts';
import { ExportError, type ExportedFile } from '../export/index.ts';
import { inlineCompute, readBundleFrom, type ComputeBundleSource } from './compute.ts';
import type { BundleOrigin } from '../store/bundle-read.ts';
import type {
  ComputeControl,
  ComputeFailure,
  ComputeMethod,
  ComputeRequest,
  ComputeResponse,
  ComputeWorkerData,
  FileMessage,
} from './compute-protocol.ts';

if (parentPort === null) throw new Error('compute-worker.ts must run in a worker thread');
const port = parentPort;
const { path, beside } = workerData as ComputeWorkerData;
const compute = inlineCompute(StoreReader.open(path, beside));

/** The streams being read, by request id: each moves one value on per pull. */
const streams = new Map<number, Iterator<unknown>>();

port.on('message', (message: ComputeRequest | ComputeControl) => {
  if ('control' in message) {
    if (message.control === 'pull') step(message.id);
    else {
      streams.get(message.id)?.return?.();
      streams.delete(message.id);
    }
    return;
  }
  const request = message;
  if (request.method === 'readBundle') {
    const { source, origin } = request.input as { source: ComputeBundleSource; origin: BundleOrigin };
    streams.set(request.id, readBundleFrom(source, origin));
    step(request.id);
    return;
  }
  void answer(request as ComputeRequest & { method: ComputeMethod }).then(({ response, transfer }) => {
    try {
      port.postMessage(response, transfer);
    } catch (err) {
      // A value that cannot cross (a bug, not the caller's doing) fails this call, not the worker.
      port.postMessage({ id: request.id, ok: false, ...failure(err) } satisfies ComputeResponse);
    }
  });
});

/** Sends the stream's next value, or its end or error (which also forgets it). */
function step(id: number): void {
  const stream = streams.get(id);
  if (stream === undefined) return;
  let response: ComputeResponse;
  try {
    const next = stream.next();
    response =
      next.done === true
        ? { id, ok: true, value: undefined, done: true }
        : { id, ok: true, value: next.value, done: false };
  } catch (err) {
    response = { id, ok: false, ...failure(err) };
  }
  if (response.ok === false || response.done === true) streams.delete(id);
  port.postMessage(response);
}

async function answer({
  id,
  method,
  input,
}: ComputeRequest & { method: ComputeMethod }): Promise<{ response: ComputeResponse; transfer: ArrayBuffer[] }> {
  try {
    if (method === 'exportFile' || method === 'matrixFile') {
      const file = await (compute[method] as (input: unknown) => Promise<ExportedFile>)(input);
      const body = typeof file.body === 'string' ? file.body : ownBytes(file.body);
      const value: FileMessage = { filename: file.filename, mimeType: file.mimeType, body };
      return { response: { id, ok: true, value }, transfer: typeof body === 'string' ? [] : [body] };
    }
    const task = compute[method] as (input: unknown) => Promise<unknown>;
    return { response: { id, ok: true, value: await task(input) }, transfer: [] };
  } catch (err) {
    return { response: { id, ok: false, ...failure(err) }, transfer: [] };
  }
}

/**
 * The buffer's bytes in an ArrayBuffer of their own, to transfer: a Buffer may be a view on a
 * shared pool, and the canvas's PNG is memory owned by native code, which cannot be transferred.
 */
function ownBytes(buffer: Buffer): ArrayBuffer {
  const bytes = new Uint8Array(buffer.byteLength);
  bytes.set(buffer);
  return bytes.buffer;
}

function failure(err: unknown): ComputeFailure {
  const e = err instanceof Error ? err : new Error(String(err));
  if (!(e instanceof GmemlabError)) return { name: e.name, message: e.message };
  const field = e instanceof ExportError ? e.field : undefined;
  return { name: e.name, message: e.message, code: e.code, issues: e.issues, field };
}
