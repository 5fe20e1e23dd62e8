// Runs experiments: plans the runs, records them (queued) before anything executes, hands the
// computation to the worker pool, and saves results as they arrive (batched: ResultWriter). This is the only path
// from a simulation to the database: on the main thread, or, given a write worker (an app that
// serves a window), there, where the simulation workers send their results straight. A small
// analytic sweep the pool computes on this thread (the CLI's) is instead recorded as it is
// computed, its runs finished, in one transaction (start).
import {
  ConflictError,
  MAX_SWEEP_POINTS,
  runPlan,
  scenarioAt,
  type Point,
  type Scenario,
  type StrategyId,
} from '../../common/core/index.ts';
import type { EventMap } from '../../common/contract/index.ts';
import { pointKey } from '../../common/analysis/points.ts';
import type { PlannedRun, Store, UnfinishedRun } from '../store/store.ts';
import { JobCancelledError, type WorkerPool } from './pool.ts';
import { pointsOf, shardPoints, simulatedEvents } from './points.ts';
import { finishedRuns, NO_RESULT, recordOf } from './outcomes.ts';
import { MAX_BATCH_RUNS, ResultWriter, type RefusedRun } from './result-writer.ts';
import type { WriteWorker } from './write-client.ts';
import {
  checkEventBudget,
  checkRunBudget,
  NO_STRATEGY,
  RunRequestError,
  shardName,
  sweepPointCount,
  type Shard,
  type SweepDefinition,
} from '../../common/core/index.ts';

export interface StartRequest {
  name?: string | undefined;
  scenario: Scenario;
  sweep?: SweepDefinition | undefined;
  /** Run only this shard of the sweep's points (see shardOf). */
  shard?: Shard | undefined;
}

/** Runs that share one scenario point (one per strategy): one simulation job computes them all. */
interface RunGroup {
  point: Point;
  runs: { id: number; strategy: StrategyId }[];
}

/**
 * Runs per worker job, at most, for analytic points (one point is one job for the simulator): a
 * message each way per point cost the main thread more than computing it (issue 20). The result
 * writer's batch, so a job's runs are saved in one transaction.
 */
const MAX_JOB_RUNS = MAX_BATCH_RUNS;
/** Jobs per worker, at least, that a sweep is cut into: work stays spread over the pool. */
const JOBS_PER_WORKER = 4;
/**
 * Analytic points per worker: a worker spends ~0.5 s loading the core, as long as computing a
 * few thousand analytic points takes; a 1,000-point sweep is done sooner by one worker than by
 * two that each load the core (issue 20, CLI sweep profiles).
 */
const ANALYTIC_POINTS_PER_WORKER = 5000;

/** Progress events are at most this often (the last one always goes out): a 10,000-point sweep must not flood the window. */
export const PROGRESS_INTERVAL_MS = 100;

interface ActiveExperiment {
  cancelled: boolean;
  jobIds: Set<number>;
  done: Promise<void>;
}

export class ExperimentRunner {
  private readonly active = new Map<number, ActiveExperiment>();
  private readonly store: Store;
  private readonly pool: WorkerPool;
  private readonly emit: (payload: EventMap['experimentProgress']) => void;
  private readonly writer: ResultWriter;
  /** Where the pool's workers send results to be saved (WorkerPool's saveTo), if they do. */
  private readonly writeWorker: WriteWorker | undefined;

  /** @param writeWorker the write worker the pool's workers send results to (app.ts), if any */
  constructor(
    store: Store,
    pool: WorkerPool,
    emit: (payload: EventMap['experimentProgress']) => void,
    writeWorker?: WriteWorker,
  ) {
    this.store = store;
    this.writer = new ResultWriter((runs) => store.saveRunResults(runs));
    this.pool = pool;
    this.emit = emit;
    if (writeWorker !== undefined && !pool.saves) throw new Error('the pool does not send results to the write worker');
    this.writeWorker = writeWorker;
  }

  /**
   * Records the experiment and starts it; resolves once it is saved, not when it finishes. A
   * sweep is checked point by point in a worker (points.ts) while its runs are being recorded;
   * a point the model rejects refuses the whole request, and nothing is kept. A sweep the pool
   * computes on this thread (WorkerPool.inlines) is checked, then computed as it is recorded:
   * it has finished when this resolves, and its last progress event (its status) has gone out.
   */
  async start(request: StartRequest): Promise<{ experimentId: number; runsTotal: number }> {
    const { scenario, sweep, shard } = request;
    const plan = runPlan(scenario);
    // A valid scenario (old files and bundles hold such) that asks for nothing: not recorded as
    // an experiment of no runs, done.
    if (plan.strategies.length === 0) throw new RunRequestError([{ path: 'strategies', message: NO_STRATEGY }]);
    const pointCount = sweepPointCount(sweep);
    // The budget applies to what this machine runs: a shard's points, not the whole sweep's.
    if (shard === undefined) checkRunBudget(pointCount, plan.strategies.length, plan.seeds.length);
    if (shard !== undefined && sweep === undefined)
      throw new RunRequestError([{ path: 'shard', message: 'only a sweep can be split into shards' }]);
    // The points are listed only once the check has confirmed the sweep's size is allowed.
    const { jobId: checkId, result: check } = this.pool.check(
      scenario,
      sweep,
      shard,
      plan.method === 'analytic' ? workersFor(pointCount) : 1,
    );
    void check.catch(() => undefined); // awaited below, unless the request is refused first
    // The workers load the core meanwhile (a check of a small sweep waits for that anyway),
    // unless the pool computes this sweep on this thread.
    if (!this.pool.inlines(scenario, pointCount))
      this.pool.warm(plan.method === 'analytic' ? workersFor(pointCount) : pointCount);
    const confirmed = async (): Promise<number[] | undefined> => {
      const checked = await check;
      if (!checked.ok) throw new RunRequestError(checked.issues);
      return checked.events;
    };
    if (pointCount > MAX_SWEEP_POINTS) {
      await confirmed(); // the core refuses it, in its own words (never listed here)
      throw new RunRequestError([{ path: 'sweep.parameters', message: `more than ${MAX_SWEEP_POINTS} points` }]);
    }
    const all = pointsOf(sweep);
    const points = shardPoints(
      all.map((point) => ({ point })),
      sweep,
      shard,
    ).map((p) => p.point);
    if (points.length === 0)
      throw new RunRequestError([
        {
          path: 'shard',
          message: `shard ${shard!.index} of ${shard!.count} has no points: this sweep has ${all.length}`,
        },
      ]);
    if (shard !== undefined) checkRunBudget(points.length, plan.strategies.length, plan.seeds.length);
    const experiment = {
      name: request.name ?? (shard === undefined ? scenario.name : shardName(scenario.name, shard)),
      kind: sweep === undefined ? ('single' as const) : ('sweep' as const),
      method: plan.method,
      scenario,
      sweep,
      shards: shard === undefined ? undefined : { count: shard.count, indices: [shard.index] },
    };
    if (this.pool.inlines(scenario, pointCount)) {
      // Computed on this thread as it is recorded, in one transaction: a write per run instead of
      // an insert and an update, each result written as soon as it is made, and nothing to recover
      // if the process dies meanwhile (issue 20: the CLI's 1,000-point sweep). The transaction
      // holds SQLite's write lock meanwhile (~0.5 s for 1,000 points): another process writing
      // the same file waits for it.
      await confirmed();
      const outcomes = this.pool.computeEach(scenario, points, checkId)[Symbol.iterator]();
      const computed = function* (): Generator<PlannedRun> {
        for (const point of points) {
          const startedAt = new Date().toISOString();
          const next = outcomes.next();
          if (next.done === true) throw new Error('the pool computed fewer points than it was given');
          const finishedAt = new Date().toISOString();
          for (const strategy of plan.strategies)
            yield { strategy, point, seeds: plan.seeds, finishedAt, ...recordOf(next.value, strategy, startedAt) };
        }
      };
      const { experimentId, runIds, status } = await this.store.createExperiment({ ...experiment, runs: computed() });
      this.emit({ experimentId, runsDone: runIds.length, runsTotal: runIds.length, fraction: 1, status });
      return { experimentId, runsTotal: runIds.length };
    }
    const runs: PlannedRun[] = points.flatMap((point) =>
      plan.strategies.map((strategy) => ({ strategy, point, seeds: plan.seeds })),
    );
    let events: number[] | undefined;
    const { experimentId, runIds } = await this.store.createExperiment({ ...experiment, runs }, async () => {
      events = await confirmed();
      // Refused before anything is kept: a simulation over the event cap, over all points.
      if (events !== undefined)
        checkEventBudget(
          events.reduce((a, b) => a + b, 0),
          points.length,
        );
    });
    const groups: RunGroup[] = points.map((point, pi) => ({
      point,
      runs: plan.strategies.map((strategy, si) => ({ id: runIds[pi * plan.strategies.length + si]!, strategy })),
    }));
    if (events === undefined) this.launch(experimentId, scenario, groups, { checkId });
    else {
      const eventsOf = new Map(groups.map((g, i) => [g, events![i]!]));
      this.launch(
        experimentId,
        scenario,
        previewThenLargest(groups, (g) => eventsOf.get(g)!),
        { checkId },
      );
    }
    return { experimentId, runsTotal: runIds.length };
  }

  /**
   * Runs again the experiment's interrupted, failed and cancelled runs (same scenario, point and
   * strategy); finished runs are kept as they are. The budgets `start` applies are checked first
   * (an imported experiment was never checked here): over them, nothing is changed.
   */
  async rerun(experimentId: number): Promise<{ experimentId: number; runsTotal: number }> {
    if (this.active.has(experimentId)) throw new ConflictError(`experiment ${experimentId} is still running`);
    const { base, groups, invalid, runsTotal } = await this.store.requeueUnfinished(experimentId, planRerun);
    for (const bad of invalid) await this.store.setRunsStatus(bad.ids, 'failed', bad.message);
    if (runsTotal > 0) this.launch(experimentId, base, groups, { failedBefore: invalid.length });
    return { experimentId, runsTotal };
  }

  /** Runs the groups; `checkId` is the pool's check of these points, `failedBefore` the runs already failed. */
  private launch(
    experimentId: number,
    base: Scenario,
    groups: RunGroup[],
    { checkId, failedBefore = 0 }: { checkId?: number; failedBefore?: number },
  ): void {
    const active: ActiveExperiment = { cancelled: false, jobIds: new Set(), done: Promise.resolve() };
    this.active.set(experimentId, active);
    active.done = this.execute(experimentId, base, groups, active, failedBefore, checkId).finally(() =>
      this.active.delete(experimentId),
    );
  }

  cancel(experimentId: number): boolean {
    const active = this.active.get(experimentId);
    if (active === undefined) return false;
    active.cancelled = true;
    for (const jobId of active.jobIds) this.pool.cancel(jobId);
    return true;
  }

  activeIds(): number[] {
    return [...this.active.keys()];
  }

  /** Resolves when the experiment has finished, failed or been cancelled (for the CLI and tests). */
  async whenDone(experimentId: number): Promise<void> {
    await this.active.get(experimentId)?.done;
  }

  /** Waits for every running experiment (used before closing the store). */
  async drain(): Promise<void> {
    await Promise.all([...this.active.values()].map((a) => a.done));
  }

  /**
   * The worker jobs for these groups, in order: one group each for the simulator (its progress
   * and cancellation are per simulation), consecutive analytic groups together up to
   * MAX_JOB_RUNS runs, in at least JOBS_PER_WORKER jobs per worker where there are enough groups.
   */
  private jobsOf(base: Scenario, groups: RunGroup[]): { groups: RunGroup[]; workers: number }[] {
    if (base.simulation.method !== 'analytic') return groups.map((g) => ({ groups: [g], workers: this.pool.size }));
    const workers = Math.min(this.pool.size, workersFor(groups.length));
    const runsPerGroup = groups.reduce((most, g) => Math.max(most, g.runs.length), 1);
    const perJob = Math.max(
      1,
      Math.min(Math.floor(MAX_JOB_RUNS / runsPerGroup), Math.ceil(groups.length / (workers * JOBS_PER_WORKER))),
    );
    const jobs: { groups: RunGroup[]; workers: number }[] = [];
    for (let i = 0; i < groups.length; i += perJob) jobs.push({ groups: groups.slice(i, i + perJob), workers });
    return jobs;
  }

  private async execute(
    experimentId: number,
    base: Scenario,
    groups: RunGroup[],
    active: ActiveExperiment,
    failedBefore: number,
    checkId: number | undefined,
  ): Promise<void> {
    const runsTotal = groups.reduce((n, g) => n + g.runs.length, 0);
    let runsDone = 0;
    let failures = failedBefore;
    let lastProgressAt = 0;
    const partial = new Map<number, number>(); // job id -> runs' worth of work done so far
    const fraction = (): number =>
      runsTotal === 0 ? 1 : Math.min(1, (runsDone + [...partial.values()].reduce((a, b) => a + b, 0)) / runsTotal);
    const progress = (): void => {
      const now = Date.now();
      if (now - lastProgressAt < PROGRESS_INTERVAL_MS) return;
      lastProgressAt = now;
      this.emit({ experimentId, runsDone, runsTotal, fraction: fraction(), status: 'running' });
    };
    await this.store.setExperimentStatus(experimentId, 'running');
    progress();

    const jobs = this.jobsOf(base, groups).map(async ({ groups: chunk, workers }) => {
      const runIds = chunk.flatMap((g) => g.runs.map((r) => r.id));
      if (active.cancelled) return;
      // Runs are marked running once their job reports progress: only long simulations do, and a
      // fast analytic job goes straight from queued to done in one write.
      let marked: Promise<void> | undefined;
      const pointRuns = chunk.map((g) => g.runs);
      const job = this.pool.runAll(
        base,
        chunk.map((g) => g.point),
        (f) => {
          marked ??= this.store.markRunsRunning(runIds);
          partial.set(job.jobId, f * runIds.length);
          progress();
        },
        { workers, checkId, save: this.writeWorker === undefined ? undefined : pointRuns },
      );
      // Registered in the turn the job starts in, before its worker can have sent anything.
      const sentSaved = this.writeWorker?.saved(job.jobId);
      void sentSaved?.catch(() => undefined); // awaited below once the job has computed
      active.jobIds.add(job.jobId);
      try {
        let result;
        try {
          result = await job.result;
        } catch (err) {
          this.writeWorker?.forget(job.jobId); // a job that did not compute sends nothing
          throw err;
        }
        const { outcomes, packedValues, startedAt, sent } = result;
        await marked;
        let refused: RefusedRun[];
        let missing: number[];
        let unsolved: { ids: number[]; message: string }[];
        if (sent !== undefined && sentSaved !== undefined) {
          // Its worker sent the finished runs to the write worker: wait for them to be saved even
          // if cancelled meanwhile, so nothing of this experiment is written once it has ended.
          refused = await sentSaved;
          if (active.cancelled) return;
          ({ missing, unsolved } = sent);
        } else {
          // No write worker: saved from here.
          if (sentSaved !== undefined) this.writeWorker?.forget(job.jobId);
          if (active.cancelled) return;
          const here = finishedRuns(outcomes, pointRuns, startedAt, packedValues);
          ({ missing, unsolved } = here.sent);
          refused = await this.writer.write(here.runs);
        }
        for (const r of refused) await this.store.setRunsStatus([r.runId], 'failed', r.message);
        failures += refused.length;
        if (missing.length > 0) {
          failures += missing.length;
          await this.store.setRunsStatus(missing, 'failed', NO_RESULT);
        }
        for (const u of unsolved) {
          failures += u.ids.length;
          await this.store.setRunsStatus(u.ids, 'failed', u.message);
        }
        runsDone += runIds.length;
      } catch (err) {
        if (err instanceof JobCancelledError || active.cancelled) return;
        failures += runIds.length;
        await this.store.setRunsStatus(runIds, 'failed', err instanceof Error ? err.message : String(err));
      } finally {
        active.jobIds.delete(job.jobId);
        partial.delete(job.jobId);
        progress();
      }
    });
    await Promise.all(jobs);

    if (active.cancelled) await this.store.cancelUnfinishedRuns(experimentId);
    const status = active.cancelled ? 'cancelled' : failures > 0 ? 'failed' : 'done';
    await this.store.setExperimentStatus(experimentId, status);
    this.emit({ experimentId, runsDone, runsTotal, fraction: fraction(), status });
  }
}

/** Workers worth starting for an analytic sweep of this many points. */
function workersFor(points: number): number {
  return Math.max(1, Math.ceil(points / ANALYTIC_POINTS_PER_WORKER));
}

/**
 * The order a simulated sweep's points go to the pool: first a preview across the sweep (its
 * ends, its middle, its quarters, ...: coarseToFine) until those points hold half the estimated
 * events, then the rest longest first. A sweep cancelled early keeps points from all over its
 * range, not only its heaviest end; and its last jobs are its shortest, so no worker is left
 * with a long one while the others idle. Run ids keep the sweep's order.
 */
export function previewThenLargest<T>(jobs: T[], eventsOf: (job: T) => number): T[] {
  const events = jobs.map(eventsOf);
  const total = events.reduce((a, b) => a + b, 0);
  const taken = new Set<number>();
  let held = 0;
  for (const i of coarseToFine(jobs.length)) {
    if (held >= total / 2) break;
    taken.add(i);
    held += events[i]!;
  }
  // Array.prototype.sort is stable: equal estimates keep the sweep's order.
  const rest = events.map((_, i) => i).filter((i) => !taken.has(i));
  return [...taken, ...rest.sort((a, b) => events[b]! - events[a]!)].map((i) => jobs[i]!);
}

/** The indices 0 .. n-1 coarse to fine, each once: both ends, the middle, the quarters, the eighths, ... */
export function coarseToFine(n: number): number[] {
  const order = n <= 1 ? [...Array(n).keys()] : [0, n - 1];
  const seen = new Set(order);
  for (let step = (n - 1) / 2; step >= 0.5; step /= 2)
    for (let x = step; x < n - 1; x += 2 * step) {
      const i = Math.round(x);
      if (!seen.has(i)) {
        order.push(i);
        seen.add(i);
      }
    }
  return order;
}

/**
 * Groups an experiment's unfinished runs by sweep point (a point this model no longer accepts
 * fails with the reason) and refuses them over the budgets `start` applies.
 */
function planRerun(
  base: Scenario,
  runs: UnfinishedRun[],
): { base: Scenario; groups: RunGroup[]; invalid: { ids: number[]; message: string }[]; runsTotal: number } {
  const byPoint = new Map<string, RunGroup & { scenario: Scenario }>();
  const invalid: { ids: number[]; message: string }[] = [];
  for (const run of runs) {
    const key = pointKey(run.point);
    let group = byPoint.get(key);
    if (group === undefined) {
      const at = scenarioAt(base, run.point);
      if (!at.ok) {
        invalid.push({ ids: [run.id], message: at.message });
        continue;
      }
      group = { scenario: at.scenario, point: run.point, runs: [] };
      byPoint.set(key, group);
    }
    group.runs.push({ id: run.id, strategy: run.strategy });
  }
  const groups = [...byPoint.values()];
  const plan = runPlan(base);
  checkRunBudget(
    groups.length,
    groups.reduce((most, g) => Math.max(most, g.runs.length), 0),
    plan.seeds.length,
  );
  if (plan.method === 'des')
    checkEventBudget(
      simulatedEvents(groups).reduce((a, b) => a + b, 0),
      groups.length,
    );
  return { base, groups: groups.map(({ point, runs }) => ({ point, runs })), invalid, runsTotal: runs.length };
}
