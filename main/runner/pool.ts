// A fixed pool of simulation worker threads with a FIFO queue. The main thread never computes a
// simulation itself, so the window (or the web host) never stalls on one; only a process whose
// main thread has nothing else to do (the CLI) may have small analytic sweeps computed there
// (PoolOptions.inlineAnalyticPoints).
import { availableParallelism } from 'node:os';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Worker, type MessagePort } from 'node:worker_threads';
import {
  sweepPointCount,
  type Point,
  type RunOutput,
  type Scenario,
  type Shard,
  type StrategyResult,
  type SweepDefinition,
} from '../../common/core/index.ts';
import type { PackedResultValues } from '../store/store.ts';
import { JobComputer } from './compute.ts';
import type { PointsCheck } from './points.ts';
import type { FromWorker, NotFinished, PointRuns, ScenarioOutcome, ToWorker, WorkerData } from './protocol.ts';
import { packedValuesOf, unpackResults } from './wire.ts';

export class JobCancelledError extends Error {
  override name = 'JobCancelledError';
}

interface Job {
  id: number;
  /** What the worker is asked (its jobId is this job's id). */
  message: ToWorker;
  cancel: Int32Array;
  /** Workers this job may have started for it (the pool's size, unless the caller asks for fewer). */
  workers: number;
  resolve: (result: BatchResult | PointsCheck) => void;
  reject: (err: Error) => void;
  onProgress: ((fraction: number) => void) | undefined;
}

interface Slot {
  worker: Worker;
  job: Job | undefined;
}

export interface PoolOptions {
  /** Worker entry file. Defaults to worker.ts beside this file (source mode); the Electron build passes its bundled worker. */
  workerFile?: URL | string;
  size?: number;
  /**
   * A new port to the write worker for each worker started (WriteWorker.connect): jobs given
   * their runs (runAll's `save`) send their results there instead of back here.
   */
  saveTo?: (() => MessagePort) | undefined;
  /**
   * Analytic sweeps of at most this many points are checked and computed on this thread, by the
   * same code as in a worker (compute.ts: check, then computeEach): for a one-shot command,
   * where starting a worker and loading the core into it (~0.3 s) costs more than such a sweep
   * takes. 0, the default: everything in workers, as a window's app needs.
   */
  inlineAnalyticPoints?: number;
}

/** A job's output, and when its worker started it (ISO time: the run's started_at). */
export interface JobResult {
  output: RunOutput;
  startedAt: string;
}

/** A job of several scenarios: each one's outcome, in order, and when its worker started the job. */
export interface BatchResult {
  /**
   * Empty when the results went to the write worker (`sent`). A result in `packedValues` has
   * empty placeholders for its metrics and breakdown: its numbers are in `packedValues`
   * (wire.ts: unpackResults makes the objects).
   */
  outcomes: ScenarioOutcome[];
  /** Where the results' metrics and breakdowns are, as the worker packed them: saved from there. */
  packedValues: Map<StrategyResult, PackedResultValues>;
  startedAt: string;
  /** The runs that did not finish, when the finished ones went to the write worker. */
  sent?: NotFinished | undefined;
}

export class WorkerPool {
  readonly size: number;
  private readonly workerFile: URL | string;
  private readonly saveTo: (() => MessagePort) | undefined;
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextJobId = 1;
  private closed = false;
  private readonly inlinePoints: number;
  /** Checks and computes the sweeps of inlineAnalyticPoints. */
  private readonly inline = new JobComputer();

  constructor(options: PoolOptions = {}) {
    this.workerFile = options.workerFile ?? new URL('./worker.ts', import.meta.url);
    this.size = Math.max(1, options.size ?? availableParallelism());
    this.saveTo = options.saveTo;
    this.inlinePoints = options.inlineAnalyticPoints ?? 0;
  }

  /** Whether runAll can send a job's results straight to the write worker (PoolOptions.saveTo). */
  get saves(): boolean {
    return this.saveTo !== undefined;
  }

  /** Whether a sweep of `base` with this many points is checked and computed on this thread (no worker to start). */
  inlines(base: Scenario, points: number): boolean {
    return base.simulation.method === 'analytic' && points <= this.inlinePoints;
  }

  /** Computes one scenario; rejects with the core's message if it cannot. */
  run(scenario: Scenario, onProgress?: (fraction: number) => void): { jobId: number; result: Promise<JobResult> } {
    const { jobId, result } = this.runAll(scenario, [{}], onProgress);
    return {
      jobId,
      result: result.then(({ outcomes: [outcome], packedValues, startedAt }) => {
        if (!outcome!.ok) throw new Error(outcome!.message);
        unpackResults(packedValues);
        return { output: outcome!.output, startedAt };
      }),
    };
  }

  /**
   * Computes several points of `base` as one job on one worker (one message each way): for many
   * fast analytic points. The worker makes and validates each point's scenario; a point the
   * core rejects or cannot compute has its own failed outcome. Progress is the job's fraction as
   * a whole. `workers` caps the workers started for it: a worker costs more to start than
   * thousands of analytic points take to compute. `checkId` names the check of the sweep the
   * points belong to (check's jobId): the worker that made it has their validated scenarios.
   * With `save` (each point's runs; only where `saves`), the worker sends the finished runs to
   * the write worker under this job's id (BatchResult's `sent`).
   */
  runAll(
    base: Scenario,
    points: Point[],
    onProgress?: (fraction: number) => void,
    options: { workers?: number | undefined; checkId?: number | undefined; save?: PointRuns[] | undefined } = {},
  ): { jobId: number; result: Promise<BatchResult> } {
    const cancel = new Int32Array(new SharedArrayBuffer(4));
    const { workers = this.size, checkId, save } = options;
    if (save !== undefined && this.saveTo === undefined) throw new Error('this pool has no write worker to send to');
    return this.enqueue<BatchResult>(
      (jobId) => ({ type: 'run', jobId, base, points, cancel, checkId, save }),
      cancel,
      workers,
      onProgress,
      'last',
    );
  }

  /**
   * The outcomes of `points` of `base`, each computed on this thread when the caller asks for
   * the next one (by the same code as a worker's job: compute.ts), for a sweep checked here
   * (inlines): the runner records each point's runs as it is computed. The points the check
   * `checkId` validated are not validated again; any others are, as a worker would.
   */
  computeEach(base: Scenario, points: Point[], checkId: number): Iterable<ScenarioOutcome> {
    if (this.closed) throw new Error('worker pool is closed');
    const cancel = new Int32Array(new SharedArrayBuffer(4));
    return this.inline.each({ type: 'run', jobId: this.nextJobId++, base, points, cancel, checkId }, () => undefined);
  }

  /**
   * Checks in a worker whether a sweep of `base` can start (points.ts: checkPoints). It goes
   * ahead of queued jobs: starting a sweep must not wait for another one to finish. Its jobId
   * is the checkId to give runAll for the sweep's points.
   */
  check(
    base: Scenario,
    sweep: SweepDefinition | undefined,
    shard: Shard | undefined,
    workers: number = this.size,
  ): { jobId: number; result: Promise<PointsCheck> } {
    if (this.inlines(base, sweepPointCount(sweep))) return this.checkInline(base, sweep, shard);
    const cancel = new Int32Array(new SharedArrayBuffer(4));
    const message = (jobId: number): ToWorker => ({ type: 'check', jobId, base, sweep, shard });
    return this.enqueue<PointsCheck>(message, cancel, workers, undefined, 'first');
  }

  /** A check made on this thread at the next turn of the event loop (see inlineAnalyticPoints). */
  private checkInline(
    base: Scenario,
    sweep: SweepDefinition | undefined,
    shard: Shard | undefined,
  ): { jobId: number; result: Promise<PointsCheck> } {
    if (this.closed) throw new Error('worker pool is closed');
    const jobId = this.nextJobId++;
    const result = (async (): Promise<PointsCheck> => {
      await nextTurn(); // the caller goes on first, as with a worker
      return this.inline.check({ type: 'check', jobId, base, sweep, shard });
    })();
    return { jobId, result };
  }

  private enqueue<T extends BatchResult | PointsCheck>(
    message: (jobId: number) => ToWorker,
    cancel: Int32Array,
    workers: number,
    onProgress: ((fraction: number) => void) | undefined,
    where: 'first' | 'last',
  ): { jobId: number; result: Promise<T> } {
    if (this.closed) throw new Error('worker pool is closed');
    const jobId = this.nextJobId++;
    const result = new Promise<T>((resolve, reject) => {
      const job: Job = {
        id: jobId,
        message: message(jobId),
        cancel,
        workers,
        resolve: resolve as (r: BatchResult | PointsCheck) => void,
        reject,
        onProgress,
      };
      if (where === 'first') this.queue.unshift(job);
      else this.queue.push(job);
    });
    this.dispatch();
    return { jobId, result };
  }

  /**
   * Starts workers for `jobs` jobs to come (at most the pool's size) before they are queued: a
   * worker takes a while to load the core, which then overlaps the caller's own preparation.
   */
  warm(jobs: number): void {
    if (this.closed) return;
    while (this.slots.length < Math.min(jobs, this.size)) this.spawn();
  }

  /** Cancels a queued job at once, or tells its worker to stop (seen within one progress check, ~65k events). */
  cancel(jobId: number): void {
    const queued = this.queue.findIndex((j) => j.id === jobId);
    if (queued >= 0) {
      const [job] = this.queue.splice(queued, 1);
      job?.reject(new JobCancelledError(`job ${jobId} cancelled`));
      return;
    }
    const slot = this.slots.find((s) => s.job?.id === jobId);
    if (slot?.job !== undefined) Atomics.store(slot.job.cancel, 0, 1);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new JobCancelledError('worker pool closed'));
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.slots.length = 0;
  }

  private post(worker: Worker, message: ToWorker): void {
    worker.postMessage(message);
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => s.job === undefined);
      if (slot === undefined && this.slots.length < Math.min(this.size, this.queue[0]!.workers)) slot = this.spawn();
      if (slot === undefined) return;
      const job = this.queue.shift()!;
      slot.job = job;
      this.post(slot.worker, job.message);
    }
  }

  private spawn(): Slot {
    const savePort = this.saveTo?.();
    const worker = new Worker(this.workerFile, {
      workerData: { savePort } satisfies WorkerData,
      transferList: savePort === undefined ? [] : [savePort],
    });
    const slot: Slot = { worker, job: undefined };
    worker.on('message', (message: FromWorker) => this.onMessage(slot, message));
    worker.on('error', (err) => this.onCrash(slot, err));
    worker.on('exit', (code) => {
      if (!this.closed) this.onCrash(slot, new Error(`simulation worker exited with code ${code}`));
    });
    this.slots.push(slot);
    return slot;
  }

  private onMessage(slot: Slot, message: FromWorker): void {
    const job = slot.job;
    if (job === undefined || job.id !== message.jobId) return;
    if (message.type === 'progress') {
      job.onProgress?.(message.fraction);
      return;
    }
    slot.job = undefined;
    if (message.type === 'result')
      job.resolve({
        outcomes: message.packed.outcomes,
        packedValues: packedValuesOf(message.packed),
        startedAt: message.startedAt,
        sent: message.sent,
      });
    else if (message.type === 'checked') job.resolve(message.check);
    else if (message.type === 'cancelled') job.reject(new JobCancelledError(`job ${job.id} cancelled`));
    else job.reject(new Error(message.message));
    this.dispatch();
  }

  /** A worker that dies fails its job and is replaced on the next dispatch. */
  private onCrash(slot: Slot, err: Error): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    this.slots.splice(index, 1);
    slot.job?.reject(err);
    slot.job = undefined;
    void slot.worker.terminate();
    this.dispatch();
  }
}
