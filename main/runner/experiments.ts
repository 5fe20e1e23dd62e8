// Runs experiments: plans the runs, records them (queued) before anything executes, hands the
// computation to the worker pool, and saves each result as it arrives. This is the only path
// from a simulation to the database, and it runs on the main thread: the one writer.
import { runPlan, type Scenario } from '../core/index.ts';
import type { EventMap } from '../contract/index.ts';
import type { PlannedRun, Store } from '../store/store.ts';
import { JobCancelledError, type WorkerPool } from './pool.ts';
import { checkRunBudget, expandSweep, sweepPointCount, type SweepDefinition } from './sweep.ts';

export interface StartRequest {
  name?: string | undefined;
  scenario: Scenario;
  sweep?: SweepDefinition | undefined;
}

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

  constructor(store: Store, pool: WorkerPool, emit: (payload: EventMap['experimentProgress']) => void) {
    this.store = store;
    this.pool = pool;
    this.emit = emit;
  }

  /** Records the experiment and starts it; resolves once it is saved, not when it finishes. */
  async start(request: StartRequest): Promise<{ experimentId: number; runsTotal: number }> {
    const plan = runPlan(request.scenario);
    checkRunBudget(sweepPointCount(request.sweep), plan.strategies.length, plan.seeds.length);
    const points = expandSweep(request.scenario, request.sweep);
    const runs: PlannedRun[] = points.flatMap((p) => plan.strategies.map((strategy) => ({ strategy, point: p.point, seeds: plan.seeds })));
    const { experimentId, runIds } = await this.store.createExperiment({
      name: request.name ?? request.scenario.name,
      kind: request.sweep === undefined ? 'single' : 'sweep',
      method: plan.method,
      scenario: request.scenario,
      sweep: request.sweep,
      runs,
    });
    const runIdsByPoint = points.map((_, pi) => runIds.slice(pi * plan.strategies.length, (pi + 1) * plan.strategies.length));
    const active: ActiveExperiment = { cancelled: false, jobIds: new Set(), done: Promise.resolve() };
    this.active.set(experimentId, active);
    active.done = this.execute(experimentId, points.map((p) => p.scenario), plan.strategies, runIdsByPoint, active).finally(() =>
      this.active.delete(experimentId),
    );
    return { experimentId, runsTotal: runIds.length };
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

  private async execute(
    experimentId: number,
    scenarios: Scenario[],
    strategies: string[],
    runIdsByPoint: number[][],
    active: ActiveExperiment,
  ): Promise<void> {
    const runsTotal = runIdsByPoint.reduce((n, ids) => n + ids.length, 0);
    let runsDone = 0;
    let failures = 0;
    await this.store.setExperimentStatus(experimentId, 'running');
    this.emit({ experimentId, runsDone, runsTotal, status: 'running' });

    const jobs = scenarios.map(async (scenario, pi) => {
      const runIds = runIdsByPoint[pi]!;
      if (active.cancelled) return;
      const job = this.pool.run(scenario);
      active.jobIds.add(job.jobId);
      try {
        const output = await job.result;
        if (active.cancelled) return;
        await this.store.markRunsRunning(runIds);
        for (const [si, strategy] of strategies.entries()) {
          const result = output.strategies.find((r) => r.strategy === strategy);
          const runId = runIds[si]!;
          if (result === undefined) {
            failures++;
            await this.store.setRunsStatus([runId], 'failed', `the model returned no result for ${strategy}`);
          } else {
            await this.store.saveRunResult(runId, { modelVersion: output.modelVersion, costTable: output.costTable, result });
          }
        }
        runsDone += runIds.length;
      } catch (err) {
        if (err instanceof JobCancelledError || active.cancelled) return;
        failures += runIds.length;
        await this.store.setRunsStatus(runIds, 'failed', err instanceof Error ? err.message : String(err));
      } finally {
        active.jobIds.delete(job.jobId);
        this.emit({ experimentId, runsDone, runsTotal, status: 'running' });
      }
    });
    await Promise.all(jobs);

    if (active.cancelled) await this.store.cancelUnfinishedRuns(experimentId);
    const status = active.cancelled ? 'cancelled' : failures > 0 ? 'failed' : 'done';
    await this.store.setExperimentStatus(experimentId, status);
    this.emit({ experimentId, runsDone, runsTotal, status });
  }
}
