import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Migrator } from 'kysely/migration';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { ExperimentDetail, ExperimentPage } from '../common/contract/index.ts';
import { Store } from '../main/store/store.ts';
import { tempDir } from '../main/store/testing.ts';
import { staticMigrationProvider } from './index.ts';
import { migratedTo, seed0001, expectSameHistory } from './testing.ts';

let dir: { dir: string; cleanup: () => void };
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.cleanup());

const fixture = (name: string): string => new URL(`./fixtures/${name}`, import.meta.url).pathname;

/** Each experiment's counts as its row holds them, and as its runs say. */
const COUNTS = `select e.id, e.runs_total, e.runs_done,
    (select count(*) from runs r where r.experiment_id = e.id) as total,
    (select count(*) from runs r where r.experiment_id = e.id and r.status = 'done') as done
  from experiments e order by e.id`;

it("0008 counts every experiment's runs, all and done, notes their model version, and keeps every run as it was", async () => {
  const { db, sqlite } = await migratedTo(join(dir.dir, 'db.sqlite'), '0004_host_profiles');
  const many = seed0001(sqlite, 'runs in every status');
  const first = (sqlite.prepare('select id from runs where experiment_id = ?').get(many) as { id: number }).id;
  const copy = sqlite.prepare(
    `insert into runs (experiment_id, scenario_id, strategy, status) select experiment_id, scenario_id, 'S2', ? from runs where id = ?`,
  );
  for (const status of ['done', 'failed', 'queued', 'cancelled', 'interrupted', 'running']) copy.run(status, first);
  const migrator = new Migrator({ db, provider: staticMigrationProvider });
  expect((await migrator.migrateTo('0007_runs_by_experiment')).error).toBeUndefined();
  sqlite
    .prepare(
      `insert into experiments (name, kind, method, scenario_id, status, created_at, uid) select 'no runs', kind, method, scenario_id, 'queued', created_at, 'no-runs' from experiments where id = ?`,
    )
    .run(many);
  sqlite.prepare(`update runs set model_version = '2.3.0' where id = ?`).run(first);
  const before = sqlite.prepare('select * from runs order by id').all();

  expect((await migrator.migrateTo('0008_run_summary')).error).toBeUndefined();
  expect(sqlite.prepare('select * from runs order by id').all()).toEqual(before);
  expect(sqlite.prepare('select id, runs_total, runs_done, model_version from experiments order by id').all()).toEqual([
    { id: many, runs_total: 7, runs_done: 2, model_version: '2.3.0' },
    { id: many + 1, runs_total: 0, runs_done: 0, model_version: null },
  ]);
  await db.destroy();
});

it('a database written by gmemlab at schema 0007 shows the same history after the migration, counts read from the rows', async () => {
  // history-0007.sqlite and .json were made by main at 9f2af26 (fixtures/make-0007-fixture.ts says how).
  const path = join(dir.dir, 'history.sqlite');
  copyFileSync(fixture('history-0007.sqlite'), path);
  const before = JSON.parse(readFileSync(fixture('history-0007.json'), 'utf8')) as {
    page: ExperimentPage;
    details: ExperimentDetail[];
  };
  // Runs in every status: the counts of all runs and of done runs differ.
  expect(before.page.items.map((e) => [e.runsDone, e.runsTotal])).toEqual([
    [0, 7],
    [7, 21],
    [14, 14],
  ]);
  const store = await Store.open(path);
  try {
    expect(store.opened.backupPath).toMatch(/\.backup-0007_runs_by_experiment-/);
    await expectSameHistory(store, before);
    for (const r of store.opened.sqlite.prepare(COUNTS).all() as Record<string, number>[])
      expect([r['runs_total'], r['runs_done']]).toEqual([r['total'], r['done']]);
    // Sorted by the number of runs, from the column.
    const bySize = await store.listExperiments({ offset: 0, limit: 50, sort: { by: 'runsTotal', dir: 'desc' } });
    expect(bySize.items.map((e) => e.runsTotal)).toEqual([21, 14, 7]);
  } finally {
    await store.close();
  }
});
