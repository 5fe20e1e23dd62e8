// One worker thread of the store's (the read workers, read-worker.ts; the write worker,
// write-worker.ts) seen from the main thread: requests by id, answered in the order the thread
// finishes them; errors rebuilt in the project's vocabulary. The thread posts `{ ready: true }`
// once its connection is open, then one StoreResponse per request.
import { Worker } from 'node:worker_threads';
import { GmemlabError, NotFoundError } from '../../common/core/index.ts';
import { DatabaseDamagedError } from './integrity.ts';
import type { ReadFailure, ReadReady } from './read-protocol.ts';

/** A store thread's answer to one request: its value, or its error as it crosses the thread boundary. */
export type StoreResponse = { id: number; ok: true; value: unknown } | ({ id: number; ok: false } & ReadFailure);

/** A store thread that failed or exited, or was called after the store closed (contract code `internal`). */
export class StoreThreadError extends Error {
  override name = 'StoreThreadError';
}

export class StoreThread<M extends string> {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private failure: Error | undefined;
  private readonly what: string;
  /** Whether the worker has opened its connection (ReadReady). */
  ready = false;

  /**
   * @param what the thread as error messages name it ("the read worker")
   * @param onReady called once the worker has opened its connection
   */
  constructor(what: string, data: unknown, workerFile: URL | string, onReady: () => void = () => {}) {
    this.what = what;
    this.worker = new Worker(workerFile, { workerData: data });
    this.worker.on('message', (message: StoreResponse | ReadReady) => {
      if ('ready' in message) {
        this.ready = true;
        onReady();
      } else this.settle(message);
    });
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', (code) => this.fail(new StoreThreadError(`${what} exited with code ${code}`)));
    // An idle worker must not keep a CLI process alive.
    this.worker.unref();
  }

  private settle(response: StoreResponse): void {
    const waiting = this.pending.get(response.id);
    if (waiting === undefined) return;
    this.pending.delete(response.id);
    if (this.pending.size === 0) this.worker.unref();
    if (response.ok) waiting.resolve(response.value);
    else waiting.reject(errorFrom(response));
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const waiting of this.pending.values()) waiting.reject(this.failure);
    this.pending.clear();
  }

  /** Asks the thread to run `method` with `args`; `transfer` lists buffers handed over, not copied. */
  call<T>(method: M, args: unknown[], transfer: ArrayBuffer[] = []): Promise<T> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.ref();
      this.worker.postMessage({ id, method, args }, transfer);
    });
  }

  /** Stops the thread at once; requests in flight fail. */
  async close(): Promise<void> {
    this.failure ??= new StoreThreadError(`${this.what}: the store is closed`);
    await this.worker.terminate();
  }
}

/** An error thrown in a store thread as it crosses to the main thread (StoreResponse). */
export function failureOf(err: unknown): ReadFailure {
  const e = err instanceof Error ? err : new Error(String(err));
  const own = e instanceof GmemlabError ? { code: e.code, issues: e.issues } : {};
  return { name: e.name, message: e.message, ...own };
}

/**
 * A store thread's error rebuilt on this side, as the same class where the callers tell them
 * apart: the project's errors keep their contract code and issues (the handlers answer with
 * them), damage stays DatabaseDamagedError; anything else becomes `Fallback` (the thread's own
 * error class) with its name and message.
 */
export function errorFrom(
  { name, message, code, issues }: ReadFailure,
  Fallback: new (message: string) => Error = StoreThreadError,
): Error {
  if (name === 'NotFoundError') return new NotFoundError(message);
  if (name === 'DatabaseDamagedError') return new DatabaseDamagedError(message);
  if (code !== undefined) {
    const err = new GmemlabError(code, message, issues);
    err.name = name;
    return err;
  }
  const err = new Fallback(message);
  err.name = name;
  return err;
}
