// The main thread's side of the read workers (read-worker.ts): the same reads as StoreReader,
// answered by worker threads with connections of their own. Two lanes: the history's pages
// (bounded, a few milliseconds each) and the heavy reads (a 70,000-run experiment, 20,000 runs
// for compare, a bundle), each on a thread of its own, so a page never waits behind a heavy
// read. The heavy lane starts once the pages' worker is up (two start-ups at once on a loaded
// two-core machine delayed the window's first page by a second), and heavy reads go to the
// pages' worker until it is up: no read waits for a thread's start-up that one started already
// got through.
import { Worker } from 'node:worker_threads';
import { GmemlabError, NotFoundError } from '../../common/core/index.ts';
import { experimentDetail } from '../../common/contract/run-table.ts';
import { DatabaseDamagedError } from './integrity.ts';
import {
  HEAVY_READS,
  type ReadFailure,
  type ReadMethod,
  type ReadReady,
  type ReadRequest,
  type ReadResponse,
  type ReadWorkerData,
} from './read-protocol.ts';
import type { ReadBeside, StoreReader } from './reader.ts';

/** What the store reads through: a StoreReader here, or one in the read worker. */
export type Reads = Pick<StoreReader, ReadMethod | 'getExperiment' | 'close'>;

export class ReadWorkerError extends Error {
  override name = 'ReadWorkerError';
}

/** One read worker and its requests in flight; answered in the order it finishes them. */
class ReadThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private failure: Error | undefined;
  /** Whether the worker has opened its connection (ReadReady). */
  ready = false;

  /** @param onReady called once the worker has opened its connection */
  constructor(data: ReadWorkerData, workerFile: URL | string, onReady: () => void = () => {}) {
    this.worker = new Worker(workerFile, { workerData: data });
    this.worker.on('message', (message: ReadResponse | ReadReady) => {
      if ('ready' in message) {
        this.ready = true;
        onReady();
      } else this.settle(message);
    });
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', (code) => this.fail(new ReadWorkerError(`the read worker exited with code ${code}`)));
    // An idle worker must not keep a CLI process alive.
    this.worker.unref();
  }

  private settle(response: ReadResponse): void {
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

  call<T>(method: ReadMethod, args: unknown[]): Promise<T> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.ref();
      this.worker.postMessage({ id, method, args } satisfies ReadRequest);
    });
  }

  async close(): Promise<void> {
    this.failure ??= new ReadWorkerError('the store is closed');
    await this.worker.terminate();
  }
}

export class ReadWorkerClient implements Reads {
  private readonly pages: ReadThread;
  private heavy: ReadThread | undefined;
  private closed = false;

  /** Starts the pages' worker on `path`, then the heavy one; `workerFile` defaults to read-worker.ts beside this file (source mode). */
  constructor(
    path: string,
    beside: ReadBeside,
    workerFile: URL | string = new URL('./read-worker.ts', import.meta.url),
  ) {
    this.pages = new ReadThread({ path, beside }, workerFile, () => {
      if (!this.closed) this.heavy = new ReadThread({ path, beside }, workerFile);
    });
  }

  private call<T>(method: ReadMethod, args: unknown[]): Promise<T> {
    if (this.closed) return Promise.reject(new ReadWorkerError('the store is closed'));
    const heavy = HEAVY_READS.has(method) && this.heavy?.ready === true;
    return (heavy ? this.heavy! : this.pages).call(method, args);
  }

  listExperiments: Reads['listExperiments'] = (...args) => this.call('listExperiments', args);
  listRuns: Reads['listRuns'] = (...args) => this.call('listRuns', args);
  getExperimentData: Reads['getExperimentData'] = (...args) => this.call('getExperimentData', args);
  /** The runs cross the thread as columns and become objects here. */
  getExperiment: Reads['getExperiment'] = async (...args) => {
    const data = await this.getExperimentData(...args);
    return data === undefined ? undefined : experimentDetail(data);
  };
  getRuns: Reads['getRuns'] = (...args) => this.call('getRuns', args);
  runCostTable: Reads['runCostTable'] = (...args) => this.call('runCostTable', args);
  listScenarioRevisions: Reads['listScenarioRevisions'] = (...args) => this.call('listScenarioRevisions', args);
  getScenarioRevision: Reads['getScenarioRevision'] = (...args) => this.call('getScenarioRevision', args);
  exportBundle: Reads['exportBundle'] = (...args) => this.call('exportBundle', args);

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([this.pages.close(), this.heavy?.close()]);
  }
}

/**
 * A read's error rebuilt on this side, as the same class where the callers tell them apart: the
 * project's errors keep their contract code and issues (the handlers answer with them), damage
 * stays DatabaseDamagedError; anything else keeps its name and message.
 */
function errorFrom({ name, message, code, issues }: ReadFailure): Error {
  if (name === 'NotFoundError') return new NotFoundError(message);
  if (name === 'DatabaseDamagedError') return new DatabaseDamagedError(message);
  if (code !== undefined) {
    const err = new GmemlabError(code, message, issues);
    err.name = name;
    return err;
  }
  const err = new ReadWorkerError(message);
  err.name = name;
  return err;
}
