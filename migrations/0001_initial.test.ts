import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { tempDir } from '../main/store/testing.ts';
import { migratedTo, seed0001 } from './testing.ts';

let dir: { dir: string; cleanup: () => void };
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.cleanup());

it('0001 creates the tables, with checks, keys and cascades', async () => {
  const { db, sqlite } = await migratedTo(join(dir.dir, 'db.sqlite'), '0001_initial');
  const tables = (
    sqlite
      .prepare(
        "select name from sqlite_master where type = 'table' and name not like 'kysely_%' and name not like 'sqlite_%' order by name",
      )
      .all() as { name: string }[]
  ).map((r) => r.name);
  expect(tables).toEqual([
    'cost_tables',
    'distributions',
    'experiments',
    'metrics',
    'runs',
    'scenario_revisions',
    'tags',
  ]);
  const experimentId = seed0001(sqlite, 'first');
  // kind is checked, metrics are unique per (run, key), an experiment's runs go with it.
  expect(() =>
    sqlite
      .prepare(
        `insert into experiments (name, kind, method, scenario_id, status, created_at) values ('x', 'bogus', 'analytic', ?, 'done', 'now')`,
      )
      .run('a'.repeat(64)),
  ).toThrow(/CHECK/);
  const runId = (sqlite.prepare('select id from runs').get() as { id: number }).id;
  expect(() =>
    sqlite
      .prepare(`insert into metrics (run_id, key, mean, ci95, n) values (?, 'cost.overheadPct', 2, 0, 1)`)
      .run(runId),
  ).toThrow(/UNIQUE/);
  expect(() =>
    sqlite
      .prepare(`insert into runs (experiment_id, scenario_id, strategy, status) values (9999, ?, 'S1', 'done')`)
      .run('a'.repeat(64)),
  ).toThrow(/FOREIGN KEY/);
  sqlite.prepare('delete from experiments where id = ?').run(experimentId);
  expect(sqlite.prepare('select count(*) as c from runs').get()).toEqual({ c: 0 });
  expect(sqlite.prepare('select count(*) as c from metrics').get()).toEqual({ c: 0 });
  await db.destroy();
});
