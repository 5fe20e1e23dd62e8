// The main thread's side of the compute worker (compute-worker.ts): the same tasks as
// inlineCompute, run in the worker thread. The thread starts with the client (so the first
// task does not wait about a second for it to load) and again after it died; tasks share it (a
// second export waits while the first computes; the main thread waits for neither).
import { Worker } from 'node:worker_threads';
import { ConflictError, RunRequestError } from '../../common/core/index.ts';
import { ExportError, type ExportedFile } from '../export/index.ts';
import type { ReadBeside } from '../store/reader.ts';
import { errorFrom as storeErrorFrom } from '../store/store-thread.ts';
import type { Compute } from './compute.ts';
import type {
  ComputeControl,
  ComputeFailure,
  ComputeMethod,
  ComputeRequest,
  ComputeStreamMethod,
  ComputeResponse,
  ComputeWorkerData,
  FileMessage,
} from './compute-protocol.ts';

/**
 * The memory under `bytes` to transfer to the worker instead of copying it (64 MiB of request
 * body: a copy is tens of ms of this thread), when the view is all of it (a big Buffer.concat's
 * result is); otherwise nothing, and it is copied.
 */
function handedOver(bytes: Uint8Array): ArrayBuffer[] {
  const { buffer } = bytes;
  return buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === buffer.byteLength
    ? [buffer]
    : [];
}

export class ComputeWorkerError extends Error {
  override name = 'ComputeWorkerError';
}

export class ComputeWorkerClient implements Compute {
  readonly #start: () => Worker;
  #worker: Worker | undefined;
  /** Calls waiting for the worker; a stream's waiting pull resolves with its whole response. */
  readonly #pending = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void; stream?: boolean }
  >();
  #nextId = 1;
  #closed = false;

  /** Tasks on `path` (opened beside: reader.ts); `workerFile` defaults to compute-worker.ts beside this file (source mode). */
  constructor(
    path: string,
    beside: ReadBeside,
    workerFile: URL | string = new URL('./compute-worker.ts', import.meta.url),
  ) {
    this.#start = () => new Worker(workerFile, { workerData: { path, beside } satisfies ComputeWorkerData });
    // Idle until a task comes: it must not keep a process alive.
    this.#started().unref();
  }

  #started(): Worker {
    if (this.#worker !== undefined) return this.#worker;
    const worker = this.#start();
    worker.on('message', (response: ComputeResponse) => this.#settle(response));
    worker.on('error', (err) => this.#lost(worker, err));
    worker.on('exit', (code) =>
      this.#lost(worker, new ComputeWorkerError(`the compute worker stopped (exit code ${code})`)),
    );
    this.#worker = worker;
    return worker;
  }

  /**
   * The worker died (out of memory, a crash): the calls it held fail with the reason, and the
   * next call starts a new one, so one bad export does not disable the others.
   */
  #lost(worker: Worker, err: Error): void {
    if (this.#worker !== worker) return;
    this.#worker = undefined;
    void worker.terminate();
    for (const waiting of this.#pending.values()) waiting.reject(err);
    this.#pending.clear();
  }

  #settle(response: ComputeResponse): void {
    const waiting = this.#pending.get(response.id);
    if (waiting === undefined) return;
    this.#pending.delete(response.id);
    // An idle worker must not keep the process alive.
    if (this.#pending.size === 0) this.#worker?.unref();
    if (!response.ok) waiting.reject(errorFrom(response));
    else waiting.resolve(waiting.stream === true ? response : response.value);
  }

  #call<T>(method: ComputeMethod, input: unknown, transfer: ArrayBuffer[] = []): Promise<T> {
    return this.#send({ id: this.#nextId++, method, input }, false, transfer) as Promise<T>;
  }

  /** Posts a request or a stream's control message and waits for the answer to its id. */
  #send(message: ComputeRequest | ComputeControl, stream: boolean, transfer: ArrayBuffer[] = []): Promise<unknown> {
    if (this.#closed) return Promise.reject(new ComputeWorkerError('the app is closed'));
    const worker = this.#started();
    return new Promise((resolve, reject) => {
      this.#pending.set(message.id, { resolve, reject, stream });
      worker.ref();
      worker.postMessage(message, transfer);
    });
  }

  /**
   * A stream task's values, one pull at a time. A stream is lost with the worker that held it:
   * if the worker died, the next pull fails instead of starting a new one.
   */
  async *#stream<T>(method: ComputeStreamMethod, input: unknown, transfer: ArrayBuffer[] = []): AsyncGenerator<T> {
    const id = this.#nextId++;
    const worker = this.#started();
    let over = false;
    try {
      let message: ComputeRequest | ComputeControl = { id, method, input };
      for (;;) {
        if (this.#worker !== worker) throw new ComputeWorkerError('the compute worker stopped during the task');
        const response = (await this.#send(message, true, 'method' in message ? transfer : [])) as {
          value: T;
          done?: boolean;
        };
        if (response.done === true) {
          over = true;
          return;
        }
        yield response.value;
        message = { id, control: 'pull' };
      }
    } catch (err) {
      over = true; // the worker forgot a stream that failed
      throw err;
    } finally {
      if (!over && this.#worker === worker) worker.postMessage({ id, control: 'cancel' } satisfies ComputeControl);
    }
  }

  // A request body's bytes are handed over, not copied (the caller's Buffer is left empty).
  readBundle: Compute['readBundle'] = (request) =>
    this.#stream('readBundle', request, 'body' in request.source ? handedOver(request.source.body) : []);
  exportBundleFile: Compute['exportBundleFile'] = (request) => this.#call('exportBundleFile', request);
  bundleText: Compute['bundleText'] = (request) => this.#call('bundleText', request);
  parseRequest: Compute['parseRequest'] = (request) => this.#call('parseRequest', request, handedOver(request.body));

  exportFile: Compute['exportFile'] = (request) => this.#file('exportFile', request);
  matrixFile: Compute['matrixFile'] = (request) => this.#file('matrixFile', request);

  /** A task whose answer is a file: PNG bytes arrive as a transferred ArrayBuffer. */
  async #file(method: 'exportFile' | 'matrixFile', request: unknown): Promise<ExportedFile> {
    const file = await this.#call<FileMessage>(method, request);
    const body = typeof file.body === 'string' ? file.body : Buffer.from(file.body);
    return { filename: file.filename, mimeType: file.mimeType, body };
  }

  sensitivity: Compute['sensitivity'] = (request) => this.#call('sensitivity', request);
  matrix: Compute['matrix'] = (request) => this.#call('matrix', request);

  async close(): Promise<void> {
    this.#closed = true;
    const worker = this.#worker;
    this.#worker = undefined;
    for (const waiting of this.#pending.values()) waiting.reject(new ComputeWorkerError('the app is closed'));
    this.#pending.clear();
    await worker?.terminate();
  }
}

/**
 * A task's error rebuilt on this side as the class it was thrown as, where the handlers or their
 * callers tell them apart, with its contract code and issues (dispatch answers with them); any
 * other GmemlabError keeps its code, issues and name; anything else its name and message (an
 * internal error).
 */
export function errorFrom({ name, message, code, issues, field }: ComputeFailure): Error {
  const err = rebuilt(name, message, code, issues, field);
  err.message = message;
  return err;
}

function rebuilt(
  name: string,
  message: string,
  code: ComputeFailure['code'],
  issues: ComputeFailure['issues'],
  field: string | undefined,
): Error {
  if (name === 'ExportError' && field !== undefined) {
    const issue = issues?.find((i) => i.path === field);
    return new ExportError(field, issue?.message ?? message);
  }
  if (name === 'RunRequestError' && issues !== undefined) return new RunRequestError(issues);
  if (name === 'ConflictError') return new ConflictError(message);
  // The rest as every store thread's errors come back (the compute worker reads the store too).
  return storeErrorFrom({ name, message, code, issues }, ComputeWorkerError);
}
