// Each experiment's run counts (migration 0008) are kept by every write that adds runs or
// changes whether one is done: after each kind of write, on a real database, the row's counts
// are what counting the runs gives, and the history shows them.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { runAnalytic } from '../../common/core/index.ts';
import { Store } from './store.ts';
import { openTempStore, presetScenario, recordExperiment } from './testing.ts';

let store: Store;
let closeStore: () => Promise<void>;
beforeEach(async () => {
  ({ store, close: closeStore } = await openTempStore('db.sqlite'));
});
afterEach(() => closeStore());

/** Every experiment's [runs_total, runs_done] as its row holds them, after checking them against its runs. */
function counts(): Record<number, [number, number]> {
  const rows = store.opened.sqlite
    .prepare(
      `select e.id, e.runs_total, e.runs_done,
        (select count(*) from runs r where r.experiment_id = e.id) as total,
        (select count(*) from runs r where r.experiment_id = e.id and r.status = 'done') as done
      from experiments e order by e.id`,
    )
    .all() as { id: number; runs_total: number; runs_done: number; total: number; done: number }[];
  for (const r of rows)
    expect({ id: r.id, total: r.runs_total, done: r.runs_done }).toEqual({ id: r.id, total: r.total, done: r.done });
  return Object.fromEntries(rows.map((r) => [r.id, [r.runs_total, r.runs_done]]));
}

/** The runs' statuses, in the order given. */
function statuses(runIds: number[]): string[] {
  const get = store.opened.sqlite.prepare('select status from runs where id = ?');
  return runIds.map((id) => (get.get(id) as { status: string }).status);
}

/** Saves analytic results for the runs (any strategy's result will do for counting). */
async function finish(runIds: number[]): Promise<void> {
  const output = runAnalytic(presetScenario());
  await store.saveRunResults(
    runIds.map((runId) => ({
      runId,
      modelVersion: output.modelVersion,
      costTable: output.costTable,
      result: output.strategies[0]!,
    })),
  );
}

it('keeps the counts and the model version through creating, running, saving, failing, cancelling, interrupting, re-queueing and deleting', async () => {
  const scenario = presetScenario();
  const { experimentId: a, runIds } = await store.createExperiment({
    name: 'a',
    kind: 'sweep',
    method: 'analytic',
    scenario,
    sweep: { parameters: [{ path: 'vm.vcpus', values: [1, 2, 3, 4, 5, 6, 7, 8] }] },
    runs: [1, 2, 3, 4, 5, 6, 7, 8].map((v) => ({ strategy: 'S1', point: { 'vm.vcpus': v }, seeds: [1] })),
  });
  const other = await recordExperiment(store, { name: 'b', vcpus: [2] });
  const b = other.experimentId;
  const inB = other.runIds.length;
  expect(counts()).toEqual({ [a]: [8, 0], [b]: [inB, inB] });
  // The unfiltered runs page's total is the counts' sum; filtered, the runs are counted.
  expect((await store.listRuns({ offset: 0, limit: 1 })).total).toBe(8 + inB);
  expect((await store.listRuns({ offset: 0, limit: 1, statuses: ['done'] })).total).toBe(inB);
  const modelVersion = async (id: number): Promise<string | null> =>
    (await store.listExperiments({ offset: 0, limit: 10 })).items.find((e) => e.id === id)!.modelVersion;
  expect(await modelVersion(a)).toBeNull();

  await store.markRunsRunning(runIds.slice(0, 4));
  await finish(runIds.slice(0, 3));
  expect(counts()[a]).toEqual([8, 3]);
  expect(await modelVersion(a)).toBe(runAnalytic(scenario).modelVersion);
  await finish([runIds[3]!]);
  // Marked done again: no run is counted twice.
  await store.setRunsStatus([runIds[2]!, runIds[3]!], 'done');
  expect(counts()[a]).toEqual([8, 4]);
  // A job's late progress leaves a saved run done; a done run marked failed is no longer done;
  // runs of two experiments at once.
  await store.markRunsRunning([runIds[0]!, runIds[4]!]);
  expect(statuses([runIds[0]!, runIds[4]!])).toEqual(['done', 'running']);
  expect(counts()[a]).toEqual([8, 4]);
  await store.setRunsStatus([runIds[1]!, runIds[4]!, other.runIds[0]!], 'failed', 'the worker died');
  expect(counts()).toEqual({ [a]: [8, 3], [b]: [inB, inB - 1] });
  await store.setRunsStatus([runIds[1]!], 'done');
  expect(counts()[a]).toEqual([8, 4]);

  await store.cancelUnfinishedRuns(a);
  expect(counts()[a]).toEqual([8, 4]);
  const requeued = await store.requeueUnfinished(a, (_s, runs) => runs.map((r) => r.id));
  expect(requeued.length).toBe(4);
  expect(counts()[a]).toEqual([8, 4]);
  // As a later start finds a sweep whose process died: its queued runs are interrupted.
  store.opened.sqlite.prepare(`update experiments set owner = 'gone:999999:0', status = 'running' where id = ?`).run(a);
  expect(await store.markInterrupted()).toBe(4);
  expect(counts()[a]).toEqual([8, 4]);
  await finish(requeued);
  expect(counts()[a]).toEqual([8, 8]);

  expect(await store.deleteExperiment(a)).toBe(true);
  expect(counts()).toEqual({ [b]: [inB, inB - 1] });
  const page = await store.listExperiments({ offset: 0, limit: 10 });
  expect(page.items.map((e) => [e.id, e.runsTotal, e.runsDone])).toEqual([[b, inB, inB - 1]]);
  expect((await store.listRuns({ offset: 0, limit: 1 })).total).toBe(inB);
});

it('counts the runs a bundle brings, in every status, and nothing twice when it is imported again', async () => {
  const source = await recordExperiment(store, { name: 'source', vcpus: [1, 2] });
  await store.setRunsStatus(source.runIds.slice(0, 3), 'failed', 'the worker died');
  const bundle = await store.exportBundle([source.experimentId]);
  const { store: target, close } = await openTempStore('target.sqlite');
  try {
    await recordExperiment(target, { name: 'already here', vcpus: [1] });
    expect((await target.importBundle(bundle)).runsImported).toBe(source.runIds.length);
    expect((await target.importBundle(bundle)).experimentsSkipped).toBe(1);
    const page = await target.listExperiments({ offset: 0, limit: 10 });
    const imported = page.items.find((e) => e.name === 'source')!;
    expect([imported.runsTotal, imported.runsDone]).toEqual([source.runIds.length, source.runIds.length - 3]);
    expect(imported.modelVersion).toBe(runAnalytic(presetScenario()).modelVersion);
  } finally {
    await close();
  }
});
