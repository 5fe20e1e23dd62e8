// getExperiment's and getRuns' columns (common/contract/run-table.ts) on a real database: made back
// into run objects they are the runs the store reads one by one (RunMapping.detail, what a bundle holds),
// after a copy from the read worker and after JSON, for analytic runs, simulated-looking runs
// (CIs, distributions, series), a failed run and runs that never started.
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runAnalytic, runPlan, type Estimate, type LatencyDistribution } from '../../common/core/index.ts';
import type { RunDetail } from '../../common/contract/index.ts';
import { columnsAsJson, doneRunIds, experimentDetail, runDetails } from '../../common/contract/run-table.ts';
import { decodeColumnsBody, encodeColumnsBody } from '../../common/contract/columns-wire.ts';
import { ResultKeys } from './keys.ts';
import { createKysely, openReadOnlyConnection, openWriteConnection } from './open.ts';
import { StoreReader } from './reader.ts';
import { saveFinishedRuns, WriteStatements } from './write-statements.ts';
import { loadRunChildren, readRunBatches, RUN_COLUMNS, RunMapping, type RunBatch, type RunRow } from './runs.ts';
import { Store } from './store.ts';
import { presetScenario, recordExperiment, openTempStore } from './testing.ts';

let store: Store;
let dbPath: string;
let closeStore: () => Promise<void>;
beforeEach(async () => {
  ({ store, path: dbPath, close: closeStore } = await openTempStore('db.sqlite'));
});
afterEach(() => closeStore());

/** A latency histogram as the simulator records one. */
const histogram = (scale: number): LatencyDistribution => ({
  bucketUpperUs: [1, 10, 100],
  counts: [scale, 2 * scale, 1],
});

/** An experiment whose runs differ in every way a column can: finished, failed, never run; single values and CIs. */
async function mixedExperiment(): Promise<{ experimentId: number; runIds: number[] }> {
  const scenario = presetScenario();
  const plan = runPlan(scenario);
  const output = runAnalytic(scenario);
  const strategies = plan.strategies;
  const { experimentId, runIds } = await store.createExperiment({
    name: 'mixed',
    kind: 'sweep',
    method: 'analytic',
    scenario,
    sweep: { parameters: [{ path: 'vm.vcpus', values: [2, 4] }] },
    runs: [2, 4].flatMap((v) => strategies.map((strategy) => ({ strategy, point: { 'vm.vcpus': v }, seeds: [1, 2] }))),
  });
  const resultOf = (i: number) => output.strategies.find((r) => r.strategy === strategies[i % strategies.length])!;
  // Run 0: as analytic. Run 1: estimates with CIs, a metric of its own, distributions and a series, no breakdown.
  const first = resultOf(0);
  const second = resultOf(1);
  const withCi: Record<string, Estimate> = Object.fromEntries(
    Object.entries(second.metrics).map(([k, e], j) => [k, j % 2 === 0 ? { mean: e.mean, ci95: 0.25 * j, n: 3 } : e]),
  );
  withCi['only.here'] = { mean: -0.5, ci95: 0, n: 1 };
  // A key of its own among the others, not after them: it must keep its place in the run's list.
  const [firstKey, ...otherKeys] = Object.keys(withCi);
  const listed = { [firstKey!]: withCi[firstKey!]!, 'mid.key': { mean: 2, ci95: 0, n: 1 }, ...withCi };
  for (const k of otherKeys) delete withCi[k];
  Object.assign(withCi, listed);
  const { breakdown: _dropped, ...noBreakdown } = second;
  await store.saveRunResults([
    { runId: runIds[0]!, modelVersion: output.modelVersion, costTable: output.costTable, result: first },
    {
      runId: runIds[1]!,
      modelVersion: output.modelVersion,
      costTable: output.costTable,
      result: { ...noBreakdown, metrics: withCi, distributions: { mmio: histogram(1), pio: histogram(5) } },
      series: { queue: { x: [0, 1, 2], y: [3, 1, 4] } },
    },
    // The rest of the first point as analytic; the second point's runs are left queued.
    ...runIds.slice(2, strategies.length).map((runId, k) => ({
      runId,
      modelVersion: output.modelVersion,
      costTable: output.costTable,
      result: resultOf(k + 2),
    })),
  ]);
  await store.setRunsStatus([runIds[strategies.length]!], 'failed', 'the worker died');
  return { experimentId, runIds };
}

/** The runs read a row at a time (RunMapping.detail, as a bundle reads them): what the columns must give back. */
async function rowByRow(ids: number[]): Promise<RunDetail[]> {
  const { sqlite } = store.opened;
  const db = createKysely(sqlite);
  const rows = (
    await sql<RunRow>`select ${RUN_COLUMNS} from runs r where r.id in (select value from json_each(${JSON.stringify(ids)}))`.execute(
      db,
    )
  ).rows;
  const byId = new Map(rows.map((r) => [r.id, r]));
  const children = await loadRunChildren(db, { runIds: ids });
  const mapping = new RunMapping(new ResultKeys(sqlite));
  return ids.map((id) => mapping.detail(byId.get(id)!, children));
}

it('gives the runs read row by row, after the read worker and after JSON, built all at once or a slice at a time', async () => {
  const { experimentId, runIds } = await mixedExperiment();
  const expected = await rowByRow(runIds);
  const data = (await store.getExperimentData(experimentId))!;
  expect(data.runTable.id).toEqual(runIds);
  expect(runDetails(data.runTable)).toEqual(expected);
  expect(runDetails(data.runTable, 1, 3)).toEqual(expected.slice(1, 3));
  // Every run's keys keep the run's own order (the JSON a diff or an export writes lists them so),
  // a key only some runs have included.
  const keysOf = (runs: RunDetail[]) => runs.map((r) => [Object.keys(r.metrics), Object.keys(r.breakdown ?? {})]);
  expect(Object.keys(expected[1]!.metrics)[1]).toBe('mid.key');
  expect(keysOf(runDetails(data.runTable))).toEqual(keysOf(expected));
  expect(keysOf(await store.getRuns(runIds))).toEqual(keysOf(expected));
  // Through JSON (the web host): NaN "no value" becomes null, and still means no value.
  const viaJson = JSON.parse(JSON.stringify(data, columnsAsJson)) as typeof data;
  expect(runDetails(viaJson.runTable)).toEqual(expected);
  expect(Array.from(viaJson.runTable.metrics['only.here']!.mean).filter((v) => v !== null)).toEqual([-0.5]);
  // Through the web host's columns body (what the page asks for): the same runs.
  const viaBody = decodeColumnsBody(encodeColumnsBody({ ok: true, value: data })!.slice().buffer);
  expect(viaBody.ok && runDetails((viaBody.value as typeof data).runTable)).toEqual(expected);
  // Through the read worker: the same columns.
  const worker = await Store.open(dbPath, { readWorker: true });
  try {
    expect(await worker.getExperimentData(experimentId)).toEqual(data);
    expect(await worker.getExperiment(experimentId)).toEqual(await store.getExperiment(experimentId));
  } finally {
    await worker.close();
  }
  const { runTable, ...experiment } = data;
  expect(experimentDetail(data)).toEqual({ ...experiment, runs: expected });
  expect(doneRunIds(runTable)).toEqual(expected.filter((r) => r.status === 'done').map((r) => r.id));
  // What the columns hold for runs that differ: a run without a breakdown, one without flags or metrics.
  const queued = expected.findIndex((r) => r.status === 'queued');
  expect(queued).toBeGreaterThan(0);
  expect(runTable.hasBreakdown[1]).toBe(false);
  expect(runTable.flags[queued]).toBe(-1);
  expect(runTable.capability[queued]).toBe(-1);
  expect(runTable.distributions.map((d) => d.run)).toEqual([1]);
  expect(runTable.series.map((s) => s.run)).toEqual([1]);
});

it('lists JSON the runs share once: a sweep point, a capability row', async () => {
  const { experimentId } = await recordExperiment(store, { name: 'swept', vcpus: [1, 2, 4] });
  const { runTable } = (await store.getExperimentData(experimentId))!;
  expect(runTable.points).toEqual([{ 'vm.vcpus': 1 }, { 'vm.vcpus': 2 }, { 'vm.vcpus': 4 }]);
  const strategies = new Set(runTable.strategy).size;
  expect(runTable.id).toHaveLength(3 * strategies);
  expect(runTable.capabilities.length).toBeLessThanOrEqual(3 * strategies);
  expect(new Set(runTable.capability).size).toBe(runTable.capabilities.length);
  // One entry per run under every metric key, whatever the run holds.
  for (const column of Object.values(runTable.metrics)) expect(column.mean).toHaveLength(runTable.id.length);
});

describe('RunMapping.table on the runs as they are read, a slice at a time', () => {
  const batchesOf = (experimentId: number, ids?: number): RunBatch[] => [
    ...readRunBatches(store.opened.sqlite, { experimentId }, ids),
  ];
  const capabilityText = (id: number): string | undefined =>
    (store.opened.sqlite.prepare('select body from capabilities where id = ?').get(id) as { body: string } | undefined)
      ?.body;
  const noChildren = { distributions: new Map(), series: new Map() };
  const mapping = (): RunMapping => new RunMapping(new ResultKeys(store.opened.sqlite));

  it('grows its columns when more runs come than were counted (runs added while it read)', async () => {
    const { experimentId } = await mixedExperiment();
    const batches = batchesOf(experimentId);
    const runs = batches.reduce((n, b) => n + b.id.length, 0);
    const counted = mapping().table(batches, runs, capabilityText, noChildren);
    for (const expected of [0, 1, 2]) {
      const grown = mapping().table(batches, expected, capabilityText, noChildren);
      expect(grown).toEqual(counted);
      for (const c of Object.values(grown.metrics)) expect(c.mean).toHaveLength(runs);
    }
    // Fewer runs than counted (runs deleted meanwhile): columns as long as the runs read.
    const first = batchesOf(experimentId, 2).slice(0, 1);
    expect(first[0]!.id.length).toBeLessThan(runs);
    const fewer = mapping().table(first, runs, capabilityText, noChildren);
    expect(fewer).toEqual(mapping().table(first, first[0]!.id.length, capabilityText, noChildren));
    for (const c of Object.values(fewer.breakdown)) expect(c).toHaveLength(first[0]!.id.length);
  });

  it('reports a run whose capability row is missing as damage, naming the run and the row', async () => {
    const { experimentId } = await mixedExperiment();
    const batches = batchesOf(experimentId);
    const at = batches[0]!.capabilityId.findIndex((c) => c !== null);
    expect(() =>
      new RunMapping(new ResultKeys(store.opened.sqlite)).table(batches, 1, () => undefined, noChildren),
    ).toThrow(
      `database damaged: table runs, row ${batches[0]!.id[at]}: column capability_id names capabilities row ${batches[0]!.capabilityId[at]}, which does not exist`,
    );
  });

  it('reads every column as the run-by-run read does, whatever the slices and the gaps between run ids', async () => {
    const { experimentId, runIds } = await mixedExperiment();
    const sqlite = store.opened.sqlite;
    // Texts JSON must escape, an empty metrics blob (no values, not none), a run moved far past the
    // others (a range of ids with no run of the experiment in it) and another experiment's runs after it.
    sqlite
      .prepare('update runs set error = ? where id = ?')
      .run('a "quoted"\\ path,\nnew line\ttab \u2028 é 😀 \u0001', runIds[runIds.length - 1]!);
    sqlite.prepare(`update runs set metrics = x'' where id = ?`).run(runIds[2]!);
    const moved = runIds[3]! + 10_000;
    sqlite.prepare('update runs set id = ? where id = ?').run(moved, runIds[3]!);
    await recordExperiment(store, { name: 'after', vcpus: [1] });
    const ids = [...runIds.slice(0, 3), ...runIds.slice(4), moved].sort((a, b) => a - b);
    const expected = await rowByRow(ids);
    expect(expected[2]!.metrics).toEqual({});
    const whole = (await store.getExperimentData(experimentId))!.runTable;
    expect(whole.id).toEqual(ids);
    expect(runDetails(whole)).toEqual(expected);
    for (const size of [1, 3, 4096]) {
      const batches = batchesOf(experimentId, size);
      expect(batches.flatMap((b) => b.id)).toEqual(ids);
      const table = mapping().table(batches, ids.length, capabilityText, noChildren);
      expect({ ...table, distributions: whole.distributions, series: whole.series }).toEqual(whole);
    }

    // getRuns reads the same columns by id: runs of two experiments, asked out of order, one twice.
    const other = (await store.listExperiments({ offset: 0, limit: 10 })).items.find((e) => e.name === 'after')!;
    const otherRuns = (await store.getExperiment(other.id))!.runs.map((r) => r.id);
    const asked = [moved, otherRuns[0]!, ...ids.slice(0, 3).reverse(), moved, ...otherRuns.slice(1)];
    const contextOf = async (experimentId: number) => {
      const e = (await store.getExperiment(experimentId))!;
      return {
        experimentId,
        experimentName: e.name,
        experimentCreatedAt: e.createdAt,
        scenarioId: e.scenarioId,
        scenarioName: e.scenarioName,
      };
    };
    const [mixed, after] = [await contextOf(experimentId), await contextOf(other.id)];
    const inContext = (await rowByRow(asked)).map((run) => ({
      ...run,
      ...(otherRuns.includes(run.id) ? after : mixed),
    }));
    expect(await store.getRuns(asked)).toStrictEqual(inContext);
    for (const size of [1, 3, 4096]) {
      const batches = [...readRunBatches(sqlite, { runIds: asked }, size)];
      expect(batches.flatMap((b) => b.id)).toEqual([...new Set(asked)].sort((a, b) => a - b));
    }
    const worker = await Store.open(dbPath, { readWorker: true });
    try {
      expect(await worker.getRuns(asked)).toStrictEqual(inContext);
      // Missing ids are named in the order asked, each once, five at most.
      const missing = await worker
        .getRuns([999_999, moved, 999_998, 999_999, 999_997, 999_996, 999_995, 999_994])
        .catch((err: unknown) => err);
      expect((missing as Error).message).toBe('run 999999, 999998, 999997, 999996, 999995 does not exist');
    } finally {
      await worker.close();
    }
  });
});

it('reads an experiment from one commit while runs are being saved: its counts, its runs and their distributions agree', async () => {
  const { experimentId, runIds } = await mixedExperiment();
  const queued = runIds.slice(runIds.length - 2);
  const output = runAnalytic(presetScenario());
  const reader = StoreReader.on(openReadOnlyConnection(dbPath));
  try {
    // A second writer (as the write worker is) commits two more runs, with distributions, in the
    // middle of the read: when the reader prepares its first statement after the experiment's
    // counts and distributions.
    const writer = openWriteConnection(dbPath);
    const statements = new WriteStatements(writer);
    const connection = (reader as unknown as { sqlite: BetterSqlite3.Database }).sqlite;
    const prepare = connection.prepare.bind(connection);
    let savedMidRead = false;
    vi.spyOn(connection, 'prepare').mockImplementation(((source: string) => {
      if (!savedMidRead && source.includes('cost_table_id')) {
        saveFinishedRuns(
          writer,
          statements,
          dbPath,
          queued.map((runId) => ({
            runId,
            modelVersion: output.modelVersion,
            costTable: output.costTable,
            result: { ...output.strategies[0]!, distributions: { mmio: histogram(7) } },
          })),
        );
        writer.close();
        savedMidRead = true;
      }
      return prepare(source);
    }) as typeof connection.prepare);
    const during = (await reader.getExperimentData(experimentId))!;
    expect(savedMidRead).toBe(true);
    const doneDuring = doneRunIds(during.runTable);
    expect(doneDuring.filter((id) => queued.includes(id))).toEqual([]);
    expect(during.runsDone).toBe(doneDuring.length);
    expect(
      runDetails(during.runTable)
        .filter((r) => Object.keys(r.distributions).length > 0)
        .map((r) => r.id),
    ).toEqual([runIds[1]]);
    vi.restoreAllMocks();
    const after = (await reader.getExperimentData(experimentId))!;
    expect(doneRunIds(after.runTable)).toEqual([...doneDuring, ...queued].sort((a, b) => a - b));
    expect(after.runsDone).toBe(doneDuring.length + queued.length);
  } finally {
    vi.restoreAllMocks();
    await reader.close();
  }
});

it('opens an experiment on a reader while a bundle export from it is part-way through, in the export snapshot', async () => {
  const { experimentId } = await mixedExperiment();
  const reader = StoreReader.on(openReadOnlyConnection(dbPath));
  try {
    const parts = reader.bundleParts([experimentId]);
    expect((await parts.next()).value).toMatchObject({ kind: 'head' }); // the export's read transaction is open
    const during = (await reader.getExperimentData(experimentId))!;
    const connection = (reader as unknown as { sqlite: BetterSqlite3.Database }).sqlite;
    expect(connection.inTransaction).toBe(true); // still the export's
    let runs = 0;
    for await (const part of parts) if (part.kind === 'runs') runs += part.runs.length;
    expect(runs).toBe(during.runTable.id.length);
    expect(connection.inTransaction).toBe(false);
    expect((await reader.getExperimentData(experimentId))!.runTable).toEqual(during.runTable);
    expect(connection.inTransaction).toBe(false);
  } finally {
    await reader.close();
  }
});
