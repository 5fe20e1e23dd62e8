// Issue 15 item 3: scenarios the schema accepts but the model cannot compute (NaN or infinite
// metrics) must not cost any other run its result. Real worker threads and a real SQLite file;
// the bad values are the issue's: copyBytesPerCycle 0 and 1e-300, pagesPerEvent 1e-300. Whether
// the model refuses such inputs (model 2.1 refuses copyBytesPerCycle < 0.01) or stays finite is
// the core's business: whatever it does, a refused value is a clear error before anything runs,
// every run with finite metrics is saved, and a run with a non-finite one fails saying which.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PRESETS, runAnalytic, setParameter, validateScenario, type Scenario } from '../../common/core/index.ts';
import { Store } from '../store/store.ts';
import { ExperimentRunner } from './experiments.ts';
import { runnerOnTempStore, type RunnerOnTempStore } from './testing.ts';

const scenario = PRESETS[0]!.scenario;
let store: Store;
let runner: ExperimentRunner;

const finite = (s: Scenario, strategy: string): boolean =>
  Object.values(runAnalytic(s).strategies.find((r) => r.strategy === strategy)?.metrics ?? {}).every(
    (e) => Number.isFinite(e.mean) && Number.isFinite(e.ci95),
  );

// Saved on this thread, in the write worker (the window's app), and computed and recorded on
// this thread in one transaction (the CLI's small sweeps): the same refusals.
describe.each([
  ['on this thread', { inWriteWorker: false }],
  ['in the write worker', { inWriteWorker: true }],
  ['as computed on this thread', { inlineAnalyticPoints: 100 }],
])('saving %s', (_, options) => {
  let fixture: RunnerOnTempStore;
  beforeEach(async () => {
    fixture = await runnerOnTempStore(options);
    ({ store, runner } = fixture);
  });
  afterEach(() => fixture.close());

  describe.each([
    ['host.costs.copyBytesPerCycle', [0, 1e-300, 4, 8, 16, 32]],
    ['workload.touchpoints.mmio.pagesPerEvent', [1e-300, 1, 2, 4]],
  ])('a sweep of %s with values the model cannot compute', (path, values) => {
    it('refuses what the model refuses up front, saves every computable run, and fails only the others, each saying why', async () => {
      // Values the scenario schema refuses make the whole sweep a clear error before anything runs.
      const accepted = values.filter((v) => validateScenario(setParameter(scenario, path, v)).ok);
      if (accepted.length < values.length)
        await expect(runner.start({ scenario, sweep: { parameters: [{ path, values }] } })).rejects.toThrow(path);
      const { experimentId } = await runner.start({ scenario, sweep: { parameters: [{ path, values: accepted }] } });
      await runner.whenDone(experimentId);
      const detail = (await store.getExperiment(experimentId))!;
      expect(detail.runs.length).toBeGreaterThan(accepted.length);
      let failed = 0;
      for (const run of detail.runs) {
        const point = setParameter(scenario, path, run.point[path]!);
        const where = `${run.strategy} at ${path}=${run.point[path]}`;
        if (finite(point, run.strategy)) {
          expect(run.status, `${where}: ${run.error}`).toBe('done');
          for (const e of Object.values(run.metrics)) expect(Number.isFinite(e.mean), where).toBe(true);
        } else {
          failed++;
          expect(run.status, where).toBe('failed');
          expect(run.error, where).toMatch(/not a finite number/);
          expect(run.error, where).not.toMatch(/NOT NULL|constraint/);
        }
      }
      // What the core returns today decides how many fail; the test holds either way, but say it.
      expect(detail.status).toBe(failed > 0 ? 'failed' : 'done');
    });
  });
});
