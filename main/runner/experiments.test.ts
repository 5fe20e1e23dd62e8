// The experiment runner against a real SQLite file and real worker threads.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkSimulationSize, PRESETS, runAnalytic, runPlan, setParameter } from '../../common/core/index.ts';
import type { EventMap } from '../../common/contract/index.ts';
import { Store } from '../store/store.ts';
import { coarseToFine, ExperimentRunner, previewThenLargest } from './experiments.ts';
import { WorkerPool } from './pool.ts';
import { runnerOnTempStore, type RunnerOnTempStore } from './testing.ts';
import { RunRequestError } from '../../common/core/index.ts';

const scenario = PRESETS[0]!.scenario;
let dir: string;
let store: Store;
let events: EventMap['experimentProgress'][];
let runner: ExperimentRunner;

// Every test twice: the runs saved on this thread (the CLI) and in the write worker, where the
// simulation workers send them straight (the window's app).
describe.each([
  ['on this thread', false],
  ['in the write worker', true],
])('ExperimentRunner, saving %s', (_, inWorker) => {
  let fixture: RunnerOnTempStore;
  beforeEach(async () => {
    events = [];
    fixture = await runnerOnTempStore({ inWriteWorker: inWorker, onProgress: (e) => events.push(e) });
    ({ dir, store, runner } = fixture);
  });
  afterEach(() => fixture.close());

  it('saves one run per strategy with the metrics the core computed, and reports progress to done', async () => {
    const { experimentId, runsTotal } = await runner.start({ scenario });
    const strategies = runPlan(scenario).strategies;
    expect(runsTotal).toBe(strategies.length);
    await runner.whenDone(experimentId);

    const detail = (await store.getExperiment(experimentId))!;
    expect(detail.status).toBe('done');
    expect(detail.runs.map((r) => r.strategy)).toEqual(strategies);
    const expected = runAnalytic(scenario);
    for (const run of detail.runs) {
      expect(run.status).toBe('done');
      expect(run.modelVersion).toBe(expected.modelVersion);
      expect(run.metrics).toEqual(expected.strategies.find((s) => s.strategy === run.strategy)!.metrics);
    }
    expect(detail.costTable).toEqual(expected.costTable);
    expect(events.at(-1)).toEqual({ experimentId, runsDone: runsTotal, runsTotal, fraction: 1, status: 'done' });
  });

  it('expands a sweep into points x strategies, each run carrying its point', async () => {
    const sweep = { parameters: [{ path: 'vm.vcpus', values: [1, 2, 4] }] };
    const { experimentId, runsTotal } = await runner.start({ scenario, sweep });
    const strategies = runPlan(scenario).strategies;
    expect(runsTotal).toBe(3 * strategies.length);
    await runner.whenDone(experimentId);
    const detail = (await store.getExperiment(experimentId))!;
    expect(detail.kind).toBe('sweep');
    expect(new Set(detail.runs.map((r) => r.point['vm.vcpus']))).toEqual(new Set([1, 2, 4]));
    expect(detail.runs.every((r) => r.status === 'done')).toBe(true);
  });

  it('refuses a sweep with an invalid point before recording anything', async () => {
    const sweep = { parameters: [{ path: 'vm.vcpus', values: [2, -1] }] };
    await expect(runner.start({ scenario, sweep })).rejects.toBeInstanceOf(RunRequestError);
    expect((await store.listExperiments({ offset: 0, limit: 10 })).total).toBe(0);
  });

  it('runs the simulator in a worker: every metric with its CI over the seeds, and latency histograms', async () => {
    const des = { ...scenario, simulation: { method: 'des' as const, durationSec: 0.05, seeds: [1, 2, 3] } };
    const { experimentId } = await runner.start({ scenario: des });
    await runner.whenDone(experimentId);
    const detail = (await store.getExperiment(experimentId))!;
    expect(detail.method).toBe('des');
    expect(detail.status).toBe('done');
    const s2 = detail.runs.find((r) => r.strategy === 'S2')!;
    expect(s2.seeds).toEqual([1, 2, 3]);
    expect(s2.metrics['cost.overheadPct']!.n).toBe(3);
    expect(s2.metrics['cost.overheadPct']!.ci95).toBeGreaterThan(0);
    expect(s2.metrics['latency.mmio.p99Us']!.mean).toBeGreaterThan(s2.metrics['latency.mmio.p50Us']!.mean);
    expect(s2.distributions['mmio']!.counts.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });

  it('refuses a simulation over the event cap before recording anything', async () => {
    const huge = {
      ...scenario,
      simulation: { method: 'des' as const, durationSec: 3600, seeds: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] },
    };
    await expect(runner.start({ scenario: huge })).rejects.toThrow(/million events, over the limit/);
    expect((await store.listExperiments({ offset: 0, limit: 10 })).total).toBe(0);
  });

  it('cancels: unfinished runs are marked cancelled and the experiment says so', async () => {
    const values = Array.from({ length: 400 }, (_, i) => i + 1);
    const { experimentId } = await runner.start({ scenario, sweep: { parameters: [{ path: 'vm.vcpus', values }] } });
    expect(runner.cancel(experimentId)).toBe(true);
    await runner.whenDone(experimentId);
    const detail = (await store.getExperiment(experimentId))!;
    expect(detail.status).toBe('cancelled');
    expect(detail.runs.some((r) => r.status === 'cancelled')).toBe(true);
    expect(detail.runs.every((r) => r.status === 'done' || r.status === 'cancelled')).toBe(true);
    expect(events.at(-1)?.status).toBe('cancelled');
  });
});

describe('ExperimentRunner computing small analytic sweeps on its own thread (the CLI)', () => {
  let fixture: RunnerOnTempStore;
  beforeEach(async () => {
    fixture = await runnerOnTempStore({});
    ({ dir, store, runner } = fixture);
  });
  afterEach(() => fixture.close());

  it('saves the same runs as the workers do, computed as they are recorded, in one transaction', async () => {
    const inlineStore = await Store.open(join(dir, 'inline.sqlite'));
    const inlinePool = new WorkerPool({ size: 1, inlineAnalyticPoints: 400 });
    const events: EventMap['experimentProgress'][] = [];
    const inline = new ExperimentRunner(inlineStore, inlinePool, (e) => events.push(e));
    try {
      const sweep = {
        parameters: [
          { path: 'vm.vcpus', values: [1, 2, 4] },
          { path: 'workload.touchpoints.mmio.ratePerSec', values: [10, 5000] },
        ],
      };
      const saved = async (r: ExperimentRunner, s: Store) => {
        const { experimentId } = await r.start({ scenario, sweep });
        await r.whenDone(experimentId);
        const { runs, costTable, status, runsDone, runsTotal } = (await s.getExperiment(experimentId))!;
        return {
          status,
          costTable,
          runsDone,
          runsTotal,
          runs: runs.map(({ startedAt: _s, finishedAt: _f, ...run }) => run),
        };
      };
      // The workers' results are saved on this thread from their packed numbers (no write
      // worker here), the inline ones from objects: metrics and breakdowns must come out equal.
      const [byWorkers, here] = [await saved(runner, store), await saved(inline, inlineStore)];
      expect(here.status).toBe('done');
      expect(here).toEqual(byWorkers);
      // Finished when start resolves: nothing left to run or cancel, its status already sent.
      const { experimentId, runsTotal } = await inline.start({ scenario, sweep });
      expect(inline.cancel(experimentId)).toBe(false);
      expect(events.at(-1)).toEqual({ experimentId, runsDone: runsTotal, runsTotal, fraction: 1, status: 'done' });
      const { items } = await inlineStore.listExperiments({ offset: 0, limit: 10 });
      const summary = items.find((e) => e.id === experimentId);
      expect(summary).toMatchObject({ status: 'done', runsDone: runsTotal, runsTotal });
      // Each run between the experiment's creation and its end, started before it finished.
      const detail = (await inlineStore.getExperiment(experimentId))!;
      for (const run of detail.runs) {
        expect(detail.createdAt <= run.startedAt!, `run ${run.id} started before the experiment was made`).toBe(true);
        expect(run.startedAt! <= run.finishedAt!, `run ${run.id} finished before it started`).toBe(true);
        expect(run.finishedAt! <= detail.finishedAt!, `run ${run.id} finished after the experiment`).toBe(true);
      }
      // No strategy enabled: nothing to run, refused naming strategies (it had been saved as an
      // experiment of no runs, done).
      const none = structuredClone(scenario);
      for (const id of runPlan(scenario).strategies) none.strategies[id].enabled = false;
      await expect(inline.start({ scenario: none, sweep })).rejects.toThrow(/no strategy is enabled/);
      // A sweep the check refuses records nothing.
      const refused = { parameters: [{ path: 'vm.vcpus', values: [1, 0] }] };
      await expect(inline.start({ scenario, sweep: refused })).rejects.toThrow(/vm\.vcpus/);
      expect((await inlineStore.listExperiments({ offset: 0, limit: 10 })).total).toBe(2);
    } finally {
      await inline.drain();
      await inlinePool.close();
      await inlineStore.close();
    }
  });
});

describe('previewThenLargest', () => {
  const des = { ...PRESETS[1]!.scenario, simulation: { method: 'des' as const, durationSec: 0.1, seeds: [1] } };
  const sweep = (values: number[]) =>
    values.map((vcpus) => ({ vcpus, scenario: setParameter(des, 'vm.vcpus', vcpus) }));

  it('hands the pool a preview across the sweep first, then the rest with the most estimated events first', () => {
    const jobs = sweep([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const eventsOf = (j: (typeof jobs)[number]): number => checkSimulationSize(j.scenario);
    const ordered = previewThenLargest(jobs, eventsOf);
    const total = jobs.reduce((sum, j) => sum + eventsOf(j), 0);
    // The preview: both ends, the middle, then the quarters, until it holds half the events.
    let held = 0;
    let preview = 0;
    while (held < total / 2) held += eventsOf(ordered[preview++]!);
    expect(ordered.slice(0, 4).map((j) => j.vcpus)).toEqual([1, 10, 6, 3]);
    expect(preview).toBeGreaterThanOrEqual(4);
    // After it, longest first: the last jobs are the shortest left.
    const sizes = ordered.slice(preview).map(eventsOf);
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    // Every point once; the sweep itself untouched.
    expect(ordered.map((j) => j.vcpus).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(jobs.map((j) => j.vcpus)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('orders any number of indices coarse to fine, each once', () => {
    expect(coarseToFine(0)).toEqual([]);
    expect(coarseToFine(1)).toEqual([0]);
    expect(coarseToFine(7)).toEqual([0, 6, 3, 2, 5, 1, 4]);
    for (let n = 2; n <= 1000; n++)
      expect(new Set(coarseToFine(n)).size === n && coarseToFine(n).length === n).toBe(true);
  });
});
