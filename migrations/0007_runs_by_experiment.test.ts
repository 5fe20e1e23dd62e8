import { join } from 'node:path';
import { Migrator } from 'kysely/migration';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { Store } from '../main/store/store.ts';
import { recordExperiment, tempDir } from '../main/store/testing.ts';
import { staticMigrationProvider } from './index.ts';
import { migratedTo, seed0001 } from './testing.ts';

let dir: { dir: string; cleanup: () => void };
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.cleanup());

/** SQLite's plan for the runs page sorted by creation (StoreReader.listRuns with runOrder). */
const PAGE_BY_CREATION =
  'select r.id from runs r join experiments e on e.id = r.experiment_id order by e.created_at desc, e.id desc, r.id desc limit 50';

it('0007 indexes runs by experiment in id order, keeps every run, and the page sorted by creation no longer sorts', async () => {
  // Seeded in the 0001 shape (before 0005 folds its metrics table into runs), then migrated to 0006.
  const { db, sqlite } = await migratedTo(join(dir.dir, 'db.sqlite'), '0004_host_profiles');
  const id = seed0001(sqlite, 'kept');
  const migrator = new Migrator({ db, provider: staticMigrationProvider });
  expect((await migrator.migrateTo('0006_shared_capabilities')).error).toBeUndefined();
  const before = sqlite.prepare('select * from runs order by id').all();
  expect(before.length).toBeGreaterThan(0);
  const plan = () =>
    (sqlite.prepare(`explain query plan ${PAGE_BY_CREATION}`).all() as { detail: string }[]).map((r) => r.detail);
  const { error } = await migrator.migrateTo('0007_runs_by_experiment');
  expect(error).toBeUndefined();
  expect(sqlite.prepare('select * from runs order by id').all()).toEqual(before);
  expect(sqlite.prepare('select name from experiments where id = ?').get(id)).toEqual({ name: 'kept' });
  expect(plan().join('\n')).toMatch(/runs_experiment_id/);
  expect(plan().join('\n')).not.toMatch(/TEMP B-TREE/);
  await db.destroy();
});

it('the runs page sorted by creation lists the newest experiment first, each one in run order, imported ones by their date', async () => {
  const store = await Store.open(join(dir.dir, 'store.sqlite'));
  try {
    const older = await recordExperiment(store, { name: 'older', vcpus: [1, 2] });
    const newer = await recordExperiment(store, { name: 'newer', vcpus: [1, 2, 4] });
    const page = await store.listRuns({ offset: 0, limit: 100, sort: { by: 'createdAt', dir: 'desc' } });
    expect(page.items.map((r) => r.id)).toEqual([...newer.runIds].reverse().concat([...older.runIds].reverse()));
    const asc = await store.listRuns({ offset: 0, limit: 100, sort: { by: 'createdAt', dir: 'asc' } });
    expect(asc.items.map((r) => r.id)).toEqual([...older.runIds, ...newer.runIds]);
  } finally {
    await store.close();
  }
});
