// The main thread's side of the write worker (write-worker.ts): starts it on the store's file,
// gives each simulation worker a port to it (WorkerPool's saveTo), and tells the runner when a
// job's runs are saved. Its errors are the store's: a save's own error keeps its class or its
// contract code (store-thread.ts: errorFrom); a worker that died fails every job waiting on it
// with a StoreThreadError (contract code `internal`).
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { errorFrom, StoreThreadError } from '../store/store-thread.ts';
import type { FromWriter, WriterControl } from './protocol.ts';
import type { RefusedRun } from './result-writer.ts';

/** What the write worker is started with: the database, opened and migrated by the main thread's store. */
export interface WriteWorkerData {
  path: string;
}

interface Waiting {
  resolve: (refused: RefusedRun[]) => void;
  reject: (err: Error) => void;
}

export class WriteWorker {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, Waiting>();
  private failure: Error | undefined;
  private onClosed: (() => void) | undefined;
  private onReady: { resolve: () => void; reject: (err: Error) => void } | undefined;
  /** Resolves once the worker has opened its connection; rejects with why it could not. */
  readonly ready: Promise<void>;

  /** Starts the worker on `path`; `workerFile` defaults to write-worker.ts beside this file (source mode). */
  constructor(path: string, workerFile: URL | string = new URL('./write-worker.ts', import.meta.url)) {
    this.ready = new Promise((resolve, reject) => (this.onReady = { resolve, reject }));
    void this.ready.catch(() => undefined); // also reported to every job that waits
    this.worker = new Worker(workerFile, { workerData: { path } satisfies WriteWorkerData });
    this.worker.on('message', (message: FromWriter) => this.onMessage(message));
    // An error thrown in the thread (its connection could not be opened) arrives as a plain
    // Error with the thrown one's own fields: rebuilt, the project's keep their contract code.
    this.worker.on('error', (err) => this.fail(errorFrom({ ...err, name: err.name, message: err.message })));
    this.worker.on('exit', (code) => this.fail(new StoreThreadError(`the write worker exited with code ${code}`)));
  }

  /** A new port to the worker, for one simulation worker to send its jobs' results through. */
  connect = (): MessagePort => {
    const { port1, port2 } = new MessageChannel();
    this.post({ type: 'connect', port: port2 }, [port2]);
    return port1;
  };

  /**
   * Resolves once the runs of job `jobId` (the pool's id) are saved, with the runs refused for a
   * value that is not a finite number (result-writer.ts); rejects if they could not be saved.
   * Call it before the job can finish: in the same turn as WorkerPool.runAll.
   */
  saved(jobId: number): Promise<RefusedRun[]> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting.set(jobId, { resolve, reject });
      this.worker.ref();
    });
  }

  /** Stops waiting for a job that will send nothing (cancelled, or its simulation worker failed). */
  forget(jobId: number): void {
    this.waiting.delete(jobId);
    if (this.waiting.size === 0) this.worker.unref();
  }

  /** Closes the worker's connection (its last checkpoint) and stops the thread; call once no job is waiting. */
  async close(): Promise<void> {
    if (this.failure === undefined) {
      const closed = new Promise<void>((resolve) => (this.onClosed = resolve));
      this.worker.ref();
      this.post({ type: 'close' });
      await Promise.race([closed, new Promise<void>((resolve) => this.worker.once('exit', () => resolve()))]);
    }
    this.failure ??= new StoreThreadError('the write worker is closed');
    await this.worker.terminate();
  }

  private post(message: WriterControl, transfer: MessagePort[] = []): void {
    this.worker.postMessage(message, transfer);
  }

  private onMessage(message: FromWriter): void {
    if (message.type === 'ready') {
      // Kept alive until now, so that a caller awaiting `ready` is answered; an idle worker must
      // not keep a process alive.
      if (this.waiting.size === 0) this.worker.unref();
      this.onReady?.resolve();
      return;
    }
    if (message.type === 'closed') {
      this.onClosed?.();
      return;
    }
    const waiting = this.waiting.get(message.jobId);
    if (waiting === undefined) return;
    this.forget(message.jobId);
    if (message.type === 'saved') waiting.resolve(message.refused);
    else waiting.reject(errorFrom(message));
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const waiting of this.waiting.values()) waiting.reject(this.failure);
    this.waiting.clear();
    this.onReady?.reject(this.failure);
    this.onClosed?.();
  }
}
