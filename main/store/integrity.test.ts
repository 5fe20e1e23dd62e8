// Issue 15 item 6: a database changed on disk after it was written is reported, not served. A real
// SQLite file; the damage is written with a second raw connection, the way a flipped byte inside
// a record's payload reads back (the file stays a valid SQLite file, so quick_check passes).
import BetterSqlite3 from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NotFoundError } from '../../common/core/index.ts';
import { DatabaseDamagedError } from './integrity.ts';
import { Store } from './store.ts';
import { recordExperiment, tempDir } from './testing.ts';

let dir: { dir: string; cleanup: () => void };
let path: string;
let experimentId: number;
let runIds: number[];
beforeEach(async () => {
  dir = tempDir();
  path = join(dir.dir, 'gmemlab.sqlite');
  const store = await Store.open(path);
  ({ experimentId, runIds } = await recordExperiment(store, { name: 'to be damaged', vcpus: [2, 4] }));
  await store.close();
});
afterEach(() => dir.cleanup());

/** Changes the database behind the store's back, then reads it with a fresh store. */
async function damageThenRead(sql: string, read: (store: Store) => Promise<unknown>): Promise<unknown> {
  const raw = new BetterSqlite3(path);
  raw.exec(sql);
  raw.close();
  const store = await Store.open(path);
  try {
    return await read(store).then(
      () => undefined,
      (err: unknown) => err,
    );
  } finally {
    await store.close();
  }
}

describe('damaged databases', () => {
  it('a changed digit in a scenario body is reported with its table and row, not shown under the same id', async () => {
    const err = await damageThenRead(
      `update scenario_revisions set body = replace(body, '"vcpus":', '"vcpus":1')`,
      (s) => s.getExperiment(experimentId),
    );
    expect(err).toBeInstanceOf(DatabaseDamagedError);
    expect((err as Error).message).toMatch(
      /^database damaged: table scenario_revisions, row [0-9a-f]{64}: .*content hash/,
    );
  });

  it('a changed cost table body is reported (getExperiment and bundle export)', async () => {
    const sql = `update cost_tables set body = replace(body, '"value":', '"value":9')`;
    for (const read of [(s: Store) => s.getExperiment(experimentId), (s: Store) => s.exportBundle([experimentId])]) {
      const err = await damageThenRead(sql, read);
      expect((err as Error).message).toMatch(/^database damaged: table cost_tables, row [0-9a-f]{64}/);
    }
  });

  it.each([
    ['params', `'{"broken":'`],
    ['point', `'not json'`],
    ['seeds', `'[1,2'`],
    ['capability', `'{'`],
  ])('an unparsable runs.%s is "database damaged: table runs, row N"', async (column, value) => {
    const run = runIds[1]!;
    // The capability text lives in the capabilities row the run refers to (migration 0006).
    const damage =
      column === 'capability'
        ? `update capabilities set body = ${value} where id = (select capability_id from runs where id = ${run})`
        : `update runs set ${column} = ${value} where id = ${run}`;
    const err = await damageThenRead(damage, (s) => s.getExperiment(experimentId));
    expect(err).toBeInstanceOf(DatabaseDamagedError);
    expect((err as Error).message).toContain(
      `database damaged: table runs, row ${run}: column ${column} is not valid JSON`,
    );
  });

  // A value of the wrong storage class. (Not caught: a blob that SQLite reads as valid JSONB in a
  // text column, e.g. x'00' in runs.error reads as null, as a blob holding valid JSON was read
  // before the runs were read in batches.)
  it.each([
    ['point', `x'7b7d'`, 'holds a blob, not text'],
    ['seeds', `x'5b5d'`, 'holds a blob, not text'],
    ['point', `jsonb('{"a":1}')`, 'is not valid JSON'],
    ['metrics', `'text'`, 'does not decode'],
  ])('runs.%s = %s is "database damaged: table runs, row N: column ..."', async (column, value, what) => {
    const run = runIds[1]!;
    // Read by experiment (a range of ids) and by id (a list): both reads of runs as columns.
    for (const read of [(s: Store) => s.getExperiment(experimentId), (s: Store) => s.getRuns([runIds[0]!, run])]) {
      const err = await damageThenRead(`update runs set ${column} = ${value} where id = ${run}`, read);
      expect(err).toBeInstanceOf(DatabaseDamagedError);
      expect((err as Error).message).toContain(`database damaged: table runs, row ${run}: column ${column} ${what}`);
    }
  });

  it('a run whose experiment is gone is damage when read by id, and a missing id is named before any damage', async () => {
    const run = runIds[1]!;
    const orphan = await damageThenRead(
      `pragma foreign_keys = off; update runs set experiment_id = 9999 where id = ${run}`,
      (s) => s.getRuns([runIds[0]!, run]),
    );
    expect(orphan).toBeInstanceOf(DatabaseDamagedError);
    expect((orphan as Error).message).toContain(
      `database damaged: table runs, row ${run}: column experiment_id names experiment 9999, which does not exist`,
    );
    const missing = await damageThenRead(`update runs set point = x'7b7d' where id = ${run}`, (s) =>
      s.getRuns([run, 999_999]),
    );
    expect(missing).toBeInstanceOf(NotFoundError);
    expect((missing as Error).message).toBe('run 999999 does not exist');
  });

  it.each([
    ['metrics', `x'02'`, 'column metrics does not decode (unknown encoding version 2)'],
    ['breakdown', `x'01ff'`, 'column breakdown does not decode (encoded values end inside a number)'],
    ['metrics', `x'0181b51800'`, 'column metrics does not decode (result key 100000 is not in result_keys)'],
    ['flags', `'[{"code":'`, 'column flags is not valid JSON'],
  ])(
    'a damaged runs.%s (%s) is "database damaged: table runs, row N" on every read of the run',
    async (column, value, what) => {
      const run = runIds[1]!;
      for (const read of [
        (s: Store) => s.getExperiment(experimentId),
        (s: Store) => s.getRuns([run]),
        (s: Store) => s.exportBundle([experimentId]),
      ]) {
        const err = await damageThenRead(`update runs set ${column} = ${value} where id = ${run}`, read);
        expect(err).toBeInstanceOf(DatabaseDamagedError);
        expect((err as Error).message).toContain(`database damaged: table runs, row ${run}: ${what}`);
      }
    },
  );

  it('a damaged runs.metrics met by a filter on a key without an index names the run', async () => {
    const run = runIds[0]!;
    const err = await damageThenRead(`update runs set metrics = x'02' where id = ${run}`, (s) =>
      s.listRuns({ offset: 0, limit: 10, metrics: [{ key: 'latency.populate.meanUs', min: 0 }] }),
    );
    expect(err).toBeInstanceOf(DatabaseDamagedError);
    expect((err as Error).message).toContain(`table runs, row ${run}: column metrics does not decode`);
  });

  it('an undamaged database reads as before', async () => {
    const store = await Store.open(path);
    try {
      const detail = await store.getExperiment(experimentId);
      expect(detail?.runs.length).toBe(runIds.length);
      expect((await store.exportBundle([experimentId])).experiments).toHaveLength(1);
    } finally {
      await store.close();
    }
  });
});
