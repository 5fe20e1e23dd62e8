import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runAnalytic, runPlan } from '../../common/core/index.ts';
import { NotFoundError } from '../../common/core/index.ts';
import { ResultKeys } from './keys.ts';
import { RunMapping, type RunRow } from './runs.ts';
import { Store } from './store.ts';
import { presetScenario, recordExperiment, openTempStore, withVcpus } from './testing.ts';

let store: Store;
let closeStore: () => Promise<void>;
beforeEach(async () => {
  ({ store, close: closeStore } = await openTempStore());
});
afterEach(() => closeStore());

const firstMetric = (): string => {
  const output = runAnalytic(presetScenario());
  const key = Object.keys(output.strategies[0]!.metrics)[0];
  if (key === undefined) throw new Error('the model returns no metrics');
  return key;
};

describe('Store', () => {
  it('uses WAL mode and keeps runs with metrics', async () => {
    expect(store.opened.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    const { experimentId, runIds } = await recordExperiment(store, { name: 'one' });
    const detail = await store.getExperiment(experimentId);
    expect(detail?.runs.map((r) => r.id)).toEqual(runIds);
    expect(detail?.runs.every((r) => r.status === 'done' && Object.keys(r.metrics).length > 0)).toBe(true);
    expect(detail?.runsDone).toBe(runIds.length);
  });

  it('saves a batch of runs in one transaction: all of it, or none of it', async () => {
    const scenario = presetScenario();
    const plan = runPlan(scenario);
    const output = runAnalytic(scenario);
    const { experimentId, runIds } = await store.createExperiment({
      name: 'batch',
      kind: 'single',
      method: 'analytic',
      scenario,
      runs: plan.strategies.map((strategy) => ({ strategy, point: {}, seeds: plan.seeds })),
    });
    const finished = plan.strategies.map((strategy, i) => ({
      runId: runIds[i]!,
      startedAt: '2026-11-25T01:00:00.000Z',
      modelVersion: output.modelVersion,
      costTable: output.costTable,
      result: output.strategies.find((r) => r.strategy === strategy)!,
    }));
    // A run id that does not exist fails the batch: nothing of it is kept.
    await expect(
      store.saveRunResults([...finished.slice(0, 2), { ...finished[2]!, runId: 999_999 }]),
    ).rejects.toThrow();
    expect(
      (await store.getExperiment(experimentId))?.runs.every(
        (r) => r.status === 'queued' && Object.keys(r.metrics).length === 0,
      ),
    ).toBe(true);

    await store.saveRunResults(finished);
    const runs = (await store.getExperiment(experimentId))!.runs;
    expect(runs.every((r) => r.status === 'done' && r.startedAt === '2026-11-25T01:00:00.000Z')).toBe(true);
    expect(runs.map((r) => r.metrics)).toEqual(
      plan.strategies.map((s) => output.strategies.find((r) => r.strategy === s)!.metrics),
    );
  });

  it('records runs computed before they are recorded as if they had been queued, then saved', async () => {
    // Two points' runs: all done but one, which failed before it was recorded.
    const base = presetScenario();
    const plan = runPlan(base);
    const points = [1, 8].map((vcpus) => ({
      point: { 'vm.vcpus': vcpus },
      output: runAnalytic(withVcpus(base, vcpus)),
    }));
    const planned = points.flatMap(({ point, output }) =>
      plan.strategies.map((strategy) => ({ strategy, point, seeds: plan.seeds, output })),
    );
    const failedAt = 3;
    const done = (i: number) => ({
      startedAt: '2026-11-26T01:00:00.000Z',
      modelVersion: planned[i]!.output.modelVersion,
      costTable: planned[i]!.output.costTable,
      result: planned[i]!.output.strategies.find((r) => r.strategy === planned[i]!.strategy)!,
    });
    const spec = { kind: 'sweep' as const, method: 'analytic' as const, scenario: base };
    const runs = planned.map(({ strategy, point, seeds }) => ({ strategy, point, seeds }));
    // The old way: queued, then saved and failed.
    const queued = await store.createExperiment({ ...spec, name: 'queued', runs });
    await store.saveRunResults(queued.runIds.flatMap((runId, i) => (i === failedAt ? [] : [{ runId, ...done(i) }])));
    await store.setRunsStatus([queued.runIds[failedAt]!], 'failed', 'why it failed');
    await store.setExperimentStatus(queued.experimentId, 'failed');
    // Computed first, recorded in one go.
    const computed = await store.createExperiment({
      ...spec,
      name: 'computed',
      runs: runs.map((run, i) => ({ ...run, ...(i === failedAt ? { failed: 'why it failed' } : { done: done(i) }) })),
    });
    const [a, b] = await Promise.all([queued, computed].map((e) => store.getExperiment(e.experimentId)));
    const comparable = (d: typeof a) => d!.runs.map(({ id: _id, finishedAt: _f, ...run }) => run);
    expect(comparable(b)).toEqual(comparable(a));
    expect(b!.runs[failedAt]).toMatchObject({ status: 'failed', error: 'why it failed' });
    expect(b!.runs[0]!.startedAt).toBe('2026-11-26T01:00:00.000Z');
    expect(b!.runs.every((r) => r.finishedAt !== null)).toBe(true);
    const { items } = await store.listExperiments({ offset: 0, limit: 10 });
    const summary = (id: number) => {
      const { status, runsDone, runsTotal, modelVersion } = items.find((e) => e.id === id)!;
      return { status, runsDone, runsTotal, modelVersion };
    };
    expect(summary(computed.experimentId)).toEqual(summary(queued.experimentId));
    expect(summary(computed.experimentId)).toMatchObject({ status: 'failed', runsDone: runs.length - 1 });
    // Their indexed means too: the history finds and sorts both by a metric alike.
    const byMetric = async (experimentId: number) =>
      (
        await store.listRuns({
          offset: 0,
          limit: 500,
          experimentId,
          metrics: [{ key: 'cost.overheadPct', min: 0 }],
          sort: { by: 'metric', key: 'cost.overheadPct', dir: 'desc' },
        })
      ).items.map((r) => [r.strategy, r.point, r.metrics['cost.overheadPct']]);
    const sorted = await byMetric(computed.experimentId);
    expect(sorted).toHaveLength(runs.length - 1);
    expect(sorted).toEqual(await byMetric(queued.experimentId));
    const indexed = (ids: number[]) =>
      store.opened.sqlite
        .prepare('select count(*) as n from run_metrics where run_id in (select value from json_each(?))')
        .get(JSON.stringify(ids));
    expect(indexed(computed.runIds)).toEqual(indexed(queued.runIds));
  });

  it('keeps nothing of an experiment whose runs cannot all be recorded, nor the result keys they added', async () => {
    const scenario = presetScenario();
    const output = runAnalytic(scenario);
    const result = output.strategies[0]!;
    const withNewKey = { ...result, metrics: { ...result.metrics, 'cost.notYetKnown': { mean: 1, ci95: 0, n: 1 } } };
    const run = {
      strategy: result.strategy,
      point: {},
      seeds: [],
      done: { modelVersion: output.modelVersion, costTable: output.costTable, result: withNewKey },
    };
    const failing = function* () {
      yield run;
      throw new Error('the computation broke');
    };
    const spec = { name: 'broken', kind: 'single' as const, method: 'analytic' as const, scenario };
    await expect(store.createExperiment({ ...spec, runs: failing() })).rejects.toThrow('the computation broke');
    expect((await store.listExperiments({ offset: 0, limit: 10 })).total).toBe(0);
    // The key the rolled-back run added is added again, and its value reads back.
    const { experimentId } = await store.createExperiment({ ...spec, runs: [run] });
    const saved = (await store.getExperiment(experimentId))!;
    expect(saved.runs[0]!.metrics['cost.notYetKnown']).toEqual({ mean: 1, ci95: 0, n: 1 });
    expect(saved.status).toBe('done');
  });

  it('pages and sorts the history, and the old offset/limit/search call still works', async () => {
    for (const name of ['alpha', 'bravo', 'charlie', 'delta', 'echo']) await recordExperiment(store, { name });
    const page = await store.listExperiments({ offset: 1, limit: 2 });
    expect(page.total).toBe(5);
    expect(page.items.map((e) => e.name)).toEqual(['delta', 'charlie']);
    const byName = await store.listExperiments({ offset: 0, limit: 3, sort: { by: 'name', dir: 'asc' } });
    expect(byName.items.map((e) => e.name)).toEqual(['alpha', 'bravo', 'charlie']);
    // By finish time: one not finished counts as finishing after all the others.
    const at = (name: string, finished: string | null) =>
      store.opened.sqlite.prepare('update experiments set finished_at = ? where name = ?').run(finished, name);
    at('alpha', '2026-11-03T00:00:00.000Z');
    at('bravo', '2026-11-01T00:00:00.000Z');
    at('charlie', null);
    at('delta', '2026-11-02T00:00:00.000Z');
    at('echo', '2026-10-01T00:00:00.000Z');
    const finished = async (dir: 'asc' | 'desc') =>
      (await store.listExperiments({ offset: 0, limit: 5, sort: { by: 'finishedAt', dir } })).items.map((e) => e.name);
    expect(await finished('desc')).toEqual(['charlie', 'alpha', 'delta', 'bravo', 'echo']);
    expect(await finished('asc')).toEqual(['echo', 'bravo', 'delta', 'alpha', 'charlie']);
    const searched = await store.listExperiments({ offset: 0, limit: 50, search: 'char' });
    expect(searched.items.map((e) => e.name)).toEqual(['charlie']);
  });

  it('gives each history row what its sweep varies, and how many values each (none for a single run)', async () => {
    await recordExperiment(store, { name: 'one' });
    await recordExperiment(store, { name: 'swept', vcpus: [1, 2, 4] });
    const { items } = await store.listExperiments({ offset: 0, limit: 10 });
    expect(items.find((e) => e.name === 'one')!.swept).toEqual([]);
    expect(items.find((e) => e.name === 'swept')!.swept).toEqual([{ path: 'vm.vcpus', count: 3 }]);
    // A sweep text that does not read as one leaves the row without it; the page still loads.
    store.opened.sqlite.prepare("update experiments set sweep = '{' where name = 'swept'").run();
    const again = await store.listExperiments({ offset: 0, limit: 10 });
    expect(again.items.find((e) => e.name === 'swept')!.swept).toEqual([]);
  });

  it('searches names and notes in full text, and FTS syntax in the input is inert', async () => {
    const a = await recordExperiment(store, { name: 'MMIO storm on Sapphire Rapids' });
    const b = await recordExperiment(store, { name: 'quiet box' });
    await store.setNote(b.experimentId, 'Shootdown storms appear past 32 vCPUs');
    const names = async (search: string): Promise<string[]> =>
      (await store.listExperiments({ offset: 0, limit: 50, search })).items.map((e) => e.name).sort();
    expect(await names('storm')).toEqual(['MMIO storm on Sapphire Rapids', 'quiet box']);
    expect(await names('sapph storm')).toEqual(['MMIO storm on Sapphire Rapids']);
    expect(await names('shootdown')).toEqual(['quiet box']);
    expect(await names('"NEAR(x OR* -')).toEqual([]);
    // A renamed note leaves the index in step (update trigger).
    await store.setNote(b.experimentId, 'nothing here');
    expect(await names('shootdown')).toEqual([]);
    expect(a.experimentId).toBeLessThan(b.experimentId);
  });

  it('filters by name, tag, status, strategy, date, scenario parameter and metric range', async () => {
    const scenario = presetScenario();
    const baseVcpus = (scenario as unknown as { vm: { vcpus: number } }).vm.vcpus;
    const sweep = await recordExperiment(store, { name: 'sweep vcpus', vcpus: [1, 2, 4] });
    const single = await recordExperiment(store, { name: 'single', scenario: withVcpus(scenario, 3) });
    const failed = await recordExperiment(store, { name: 'broken one' });
    await store.setExperimentStatus(failed.experimentId, 'failed');
    await store.setTags(sweep.experimentId, ['paper', 'v2']);
    await store.setTags(single.experimentId, ['paper']);

    const ids = async (q: Parameters<Store['listExperiments']>[0]): Promise<number[]> =>
      (await store.listExperiments(q)).items.map((e) => e.id).sort();
    const q = { offset: 0, limit: 50 };
    expect(await ids({ ...q, name: 'one' })).toEqual([failed.experimentId]);
    expect(await ids({ ...q, tags: ['paper'] })).toEqual([sweep.experimentId, single.experimentId]);
    expect(await ids({ ...q, tags: ['paper', 'v2'] })).toEqual([sweep.experimentId]);
    expect(await ids({ ...q, statuses: ['failed'] })).toEqual([failed.experimentId]);
    expect(
      await ids({ ...q, createdFrom: '2000-01-01', createdTo: new Date().toISOString().slice(0, 10) }),
    ).toHaveLength(3);
    expect(await ids({ ...q, createdTo: '2000-01-01' })).toEqual([]);
    // Swept value (runs.point) and base-scenario value (scenario body) both count.
    expect(await ids({ ...q, parameters: [{ path: 'vm.vcpus', equals: 4 }] })).toEqual([sweep.experimentId]);
    expect(await ids({ ...q, parameters: [{ path: 'vm.vcpus', min: 3, max: 3 }] })).toEqual([single.experimentId]);
    expect(await ids({ ...q, parameters: [{ path: 'vm.vcpus', equals: baseVcpus }] })).toContain(failed.experimentId);
    expect(await ids({ ...q, parameters: [{ path: 'no.such.path', min: 0 }] })).toEqual([]);

    const strategy = runPlan(scenario).strategies[0]!;
    expect(await ids({ ...q, strategies: [strategy] })).toHaveLength(3);
    const key = firstMetric();
    const all = await store.listRuns({ offset: 0, limit: 500, include: [key] });
    const values = all.items.map((r) => r.metrics[key]!.mean).sort((a, b) => a - b);
    const max = values[values.length - 1]!;
    // Metric range: only experiments with a run at the maximum.
    const top = await store.listRuns({ offset: 0, limit: 500, metrics: [{ key, min: max }] });
    expect(top.items.length).toBeGreaterThan(0);
    expect(top.items.every((r) => r.metrics[key]!.mean >= max)).toBe(true);
    expect(await ids({ ...q, metrics: [{ key, min: max }] })).toEqual(
      [...new Set(top.items.map((r) => r.experimentId))].sort(),
    );
    expect(await ids({ ...q, metrics: [{ key, min: max + 1 + Math.abs(max) }] })).toEqual([]);
  });

  it('lists runs across experiments sorted by a metric', async () => {
    await recordExperiment(store, { name: 'a', vcpus: [1, 8] });
    await recordExperiment(store, { name: 'b', vcpus: [2, 16] });
    const key = firstMetric();
    const page = await store.listRuns({ offset: 0, limit: 500, sort: { by: 'metric', key, dir: 'asc' } });
    const means = page.items.map((r) => r.metrics[key]!.mean);
    expect(means).toEqual([...means].sort((a, b) => a - b));
    expect(page.total).toBe(page.items.length);
    const desc = await store.listRuns({ offset: 0, limit: 3, sort: { by: 'metric', key, dir: 'desc' } });
    expect(desc.items.map((r) => r.metrics[key]!.mean)).toEqual([...means].reverse().slice(0, 3));
    const one = await store.listRuns({ offset: 0, limit: 500, experimentId: page.items[0]!.experimentId });
    expect(new Set(one.items.map((r) => r.experimentId)).size).toBe(1);
  });

  it('keeps new metric keys, model 2.0 flags and breakdowns without a migration, and sorts by any key', async () => {
    const scenario = presetScenario();
    const output = runAnalytic(scenario);
    const plan = runPlan(scenario);
    const { experimentId, runIds } = await store.createExperiment({
      name: 'model 2.0 shapes',
      kind: 'single',
      method: 'analytic',
      scenario,
      runs: plan.strategies.map((strategy) => ({ strategy, point: {}, seeds: plan.seeds })),
    });
    // Only the first three runs finish: the rest have no metrics and sort last either way.
    const finished = runIds.slice(0, 3).map((runId, i) => {
      const result = output.strategies[i]!;
      return {
        runId,
        modelVersion: output.modelVersion,
        costTable: output.costTable,
        result: {
          ...result,
          metrics: { ...result.metrics, 'latency.populate.meanUs': { mean: 10 - i, ci95: 0.5, n: 4 } },
          flags: i === 0 ? [{ code: 'saturated' as const, message: 'lock utilisation >= 1' }] : [],
          breakdown: { 'mmio.pteUpdate': 1000 * (i + 1), 'none.directMapSplit': 0.25 },
        },
      };
    });
    await store.saveRunResults(finished);
    const runs = (await store.getExperiment(experimentId))!.runs;
    expect(runs[0]!.metrics['latency.populate.meanUs']).toEqual({ mean: 10, ci95: 0.5, n: 4 });
    expect(runs[0]!.flags).toEqual([{ code: 'saturated', message: 'lock utilisation >= 1' }]);
    expect(runs[1]!.flags).toEqual([]);
    expect(runs[2]!.breakdown).toEqual({ 'mmio.pteUpdate': 3000, 'none.directMapSplit': 0.25 });
    expect(runs[3]!.flags).toBeUndefined();
    expect(runs[3]!.breakdown).toBeUndefined();
    // A key outside the index sorts and filters from the encoded column; an indexed one from run_metrics.
    for (const key of ['latency.populate.meanUs', 'cost.overheadPct']) {
      const asc = await store.listRuns({ offset: 0, limit: 50, sort: { by: 'metric', key, dir: 'asc' } });
      const values = asc.items.map((r) => r.metrics[key]?.mean);
      const have = values.filter((v) => v !== undefined);
      expect(have).toHaveLength(3);
      expect(have).toEqual([...have].sort((a, b) => a - b));
      expect(values.slice(3)).toEqual(runIds.slice(3).map(() => undefined));
      // Page boundaries across the runs without the key: nothing lost or repeated.
      const paged = [];
      for (let offset = 0; offset < runIds.length; offset += 2)
        paged.push(...(await store.listRuns({ offset, limit: 2, sort: { by: 'metric', key, dir: 'desc' } })).items);
      expect(paged.map((r) => r.id).sort()).toEqual([...runIds].sort());
    }
    const filtered = await store.listRuns({
      offset: 0,
      limit: 50,
      metrics: [{ key: 'latency.populate.meanUs', max: 9.5 }],
    });
    expect(filtered.items.map((r) => r.id).sort()).toEqual(runIds.slice(1, 3).sort());
    expect((await store.listRuns({ offset: 0, limit: 50, metrics: [{ key: 'no.such.key', min: 0 }] })).total).toBe(0);
  });

  it('shares equal analytic values between runs, frozen where answers share them, and keeps -0 and CI values apart', async () => {
    const scenario = presetScenario();
    const output = runAnalytic(scenario);
    const plan = runPlan(scenario);
    const { runIds } = await store.createExperiment({
      name: 'shared values',
      kind: 'single',
      method: 'analytic',
      scenario,
      runs: plan.strategies.slice(0, 3).map((strategy) => ({ strategy, point: {}, seeds: plan.seeds })),
    });
    const values = [
      { mean: 7, ci95: 0, n: 1 },
      { mean: -0, ci95: 0, n: 1 },
      { mean: 7, ci95: 0.5, n: 4 },
    ];
    await store.saveRunResults(
      runIds.map((runId, i) => ({
        runId,
        modelVersion: output.modelVersion,
        costTable: output.costTable,
        result: { ...output.strategies[i]!, metrics: { 'x.a': { mean: 7, ci95: 0, n: 1 }, 'x.b': values[i]! } },
      })),
    );
    // getRuns (columns made into runs, one answer's values shared within it only).
    const runs = await store.getRuns(runIds);
    const a = runs.map((r) => r.metrics['x.a']!);
    expect(a[0]).toBe(a[1]);
    expect(a[1]).toBe(a[2]);
    expect(runs[0]!.metrics['x.b']).toBe(a[0]);
    expect(Object.is(runs[1]!.metrics['x.b']!.mean, -0)).toBe(true);
    expect(runs[2]!.metrics['x.b']).toEqual({ mean: 7, ci95: 0.5, n: 4 });
    expect(runs[2]!.metrics['x.b']).not.toBe(a[0]);
    // A second read gives the same values, whatever the caller did to the first answer's.
    const metrics = structuredClone(runs.map((r) => r.metrics));
    (a[0] as { mean: number }).mean = 8;
    expect((await store.getRuns(runIds)).map((r) => r.metrics)).toEqual(metrics);
    // A row read on its own (a bundle's runs, a history page): the reader's mapping shares equal
    // values across answers, so they are frozen.
    const sqlite = store.opened.sqlite;
    const mapping = new RunMapping(new ResultKeys(sqlite));
    const row = (id: number) => sqlite.prepare('select id, metrics from runs where id = ?').get(id) as RunRow;
    const first = mapping.metrics(row(runIds[0]!));
    expect(mapping.metrics(row(runIds[1]!))['x.a']).toBe(first['x.a']);
    expect(Object.isFrozen(first['x.a'])).toBe(true);
    expect(() => ((first['x.a'] as { mean: number }).mean = 8)).toThrow(TypeError);
  });

  it('gets runs by id across experiments, in the order asked, more than the old 5,000 at once', async () => {
    const scenario = presetScenario();
    const plan = runPlan(scenario);
    const runs = Array.from({ length: 6000 }, (_, i) => ({
      strategy: plan.strategies[i % plan.strategies.length]!,
      point: { 'vm.vcpus': 1 + Math.floor(i / plan.strategies.length) },
      seeds: plan.seeds,
    }));
    const big = await store.createExperiment({ name: 'big', kind: 'sweep', method: 'analytic', scenario, runs });
    const small = await recordExperiment(store, { name: 'small' });
    const asked = [small.runIds[1]!, ...big.runIds.slice().reverse(), small.runIds[0]!];
    const got = await store.getRuns(asked);
    expect(got.map((r) => r.id)).toEqual(asked);
    expect(got[0]!.experimentName).toBe('small');
    expect(got[0]!.metrics).not.toEqual({});
    expect(got[1]).toMatchObject({ experimentName: 'big', status: 'queued', point: runs.at(-1)!.point });
    // An id that does not exist is named, not left out.
    await expect(store.getRuns([...asked, 987_654])).rejects.toThrow(new NotFoundError('run 987654 does not exist'));
  });

  it('edits tags and notes, and deletes an experiment with everything it owns', async () => {
    const a = await recordExperiment(store, { name: 'keep' });
    const b = await recordExperiment(store, { name: 'drop', vcpus: [1, 2] });
    expect(await store.setTags(b.experimentId, [' x ', 'a', 'x'])).toEqual(['a', 'x']);
    expect(await store.setNote(b.experimentId, 'a note')).toBe('a note');
    expect((await store.getExperiment(b.experimentId))?.tags).toEqual(['a', 'x']);
    await expect(store.setTags(999, ['x'])).rejects.toBeInstanceOf(NotFoundError);
    await expect(store.setNote(999, 'x')).rejects.toBeInstanceOf(NotFoundError);

    expect(await store.deleteExperiment(b.experimentId)).toBe(true);
    expect(await store.deleteExperiment(b.experimentId)).toBe(false);
    const count = (table: string): number =>
      (store.opened.sqlite.prepare(`select count(*) as c from ${table}`).get() as { c: number }).c;
    expect(count('runs')).toBe(a.runIds.length);
    expect(
      store.opened.sqlite
        .prepare('select count(*) as c from run_metrics where run_id in (' + b.runIds.join(',') + ')')
        .get(),
    ).toEqual({ c: 0 });
    expect(count('tags')).toBe(0);
    expect((await store.listExperiments({ offset: 0, limit: 50, search: 'drop' })).total).toBe(0);
    expect(await store.getExperiment(a.experimentId)).toBeDefined();
  });

  it('keeps scenario revisions immutable, with parents', async () => {
    const base = presetScenario();
    const parent = await store.saveScenario(base);
    const child = await store.saveScenario(withVcpus(base, 3), parent);
    expect(await store.saveScenario(base)).toBe(parent);
    const page = await store.listScenarioRevisions({ offset: 0, limit: 50 });
    expect(page.total).toBe(2);
    const revision = await store.getScenarioRevision(child);
    expect(revision?.parentId).toBe(parent);
    expect(revision?.scenario).toEqual(withVcpus(base, 3));
    expect(await store.getScenarioRevision('0'.repeat(64))).toBeUndefined();
  });

  it('requeues interrupted, failed and cancelled runs, never finished ones', async () => {
    const { experimentId, runIds } = await recordExperiment(store, { name: 'partly', vcpus: [1, 2] });
    await store.setRunsStatus([runIds[0]!], 'failed', 'boom');
    await store.setRunsStatus([runIds[1]!], 'interrupted');
    const runs = await store.requeueUnfinished(experimentId, (_, unfinished) => unfinished);
    expect(runs.map((r) => r.id)).toEqual([runIds[0], runIds[1]]);
    const detail = await store.getExperiment(experimentId);
    expect(detail?.status).toBe('queued');
    expect(detail?.runs.filter((r) => r.status === 'queued').map((r) => r.id)).toEqual([runIds[0], runIds[1]]);
    expect(detail?.runs[0]?.error).toBeNull();
    expect(detail?.runs[0]?.metrics).toEqual({});
  });

  it('changes nothing when the plan for the requeued runs refuses them', async () => {
    const { experimentId, runIds } = await recordExperiment(store, { name: 'refused', vcpus: [1, 2] });
    await store.setRunsStatus([runIds[0]!], 'failed', 'boom');
    await store.setExperimentStatus(experimentId, 'failed');
    const before = await store.getExperiment(experimentId);
    await expect(
      store.requeueUnfinished(experimentId, () => {
        throw new Error('over budget');
      }),
    ).rejects.toThrow('over budget');
    expect(await store.getExperiment(experimentId)).toEqual(before);
  });
});
