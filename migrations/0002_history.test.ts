import { join } from 'node:path';
import { Migrator } from 'kysely/migration';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { tempDir } from '../main/store/testing.ts';
import { staticMigrationProvider } from './index.ts';
import { migratedTo, seed0001 } from './testing.ts';

let dir: { dir: string; cleanup: () => void };
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.cleanup());

it('0002 gives existing experiments unique uids and indexes their names and notes', async () => {
  const { db, sqlite } = await migratedTo(join(dir.dir, 'db.sqlite'), '0001_initial');
  seed0001(sqlite, 'Sapphire sweep');
  seed0001(sqlite, 'Genoa sweep');
  const { error } = await new Migrator({ db, provider: staticMigrationProvider }).migrateTo('0002_history');
  expect(error).toBeUndefined();
  const uids = (sqlite.prepare('select uid from experiments').all() as { uid: string }[]).map((r) => r.uid);
  expect(uids).toHaveLength(2);
  for (const uid of uids) expect(uid).toMatch(/^[0-9a-f]{32}$/);
  expect(new Set(uids).size).toBe(2);
  expect(() => sqlite.prepare('update experiments set uid = ?').run(uids[0])).toThrow(/UNIQUE/);

  const search = (q: string): string[] =>
    (
      sqlite
        .prepare(
          'select e.name from experiments_fts f join experiments e on e.id = f.rowid where experiments_fts match ? order by e.name',
        )
        .all(q) as { name: string }[]
    ).map((r) => r.name);
  expect(search('sweep')).toEqual(['Genoa sweep', 'Sapphire sweep']);
  expect(search('"old"')).toEqual(['Genoa sweep', 'Sapphire sweep']);
  // Triggers keep the index in step with inserts, updates and deletes.
  sqlite.prepare("update experiments set note = 'rerun after v3' where name = 'Genoa sweep'").run();
  expect(search('rerun')).toEqual(['Genoa sweep']);
  sqlite.prepare("delete from experiments where name = 'Genoa sweep'").run();
  expect(search('sweep')).toEqual(['Sapphire sweep']);
  // FTS5's own consistency check against the content table throws SQLITE_CORRUPT_VTAB on a mismatch.
  expect(() =>
    sqlite.prepare("insert into experiments_fts(experiments_fts, rank) values ('integrity-check', 1)").run(),
  ).not.toThrow();
  await db.destroy();
});
