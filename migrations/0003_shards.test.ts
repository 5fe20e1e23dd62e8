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

it('0003 leaves existing experiments unsharded and keeps their runs', async () => {
  const { db, sqlite } = await migratedTo(join(dir.dir, 'db.sqlite'), '0002_history');
  const id = seed0001(sqlite, 'Milan sweep');
  const { error } = await new Migrator({ db, provider: staticMigrationProvider }).migrateTo('0003_shards');
  expect(error).toBeUndefined();
  expect(sqlite.prepare('select name, shards from experiments where id = ?').get(id)).toEqual({
    name: 'Milan sweep',
    shards: null,
  });
  expect(sqlite.prepare('select count(*) as n from runs where experiment_id = ?').get(id)).toEqual({ n: 1 });
  sqlite.prepare(`update experiments set shards = '{"count":4,"indices":[2]}' where id = ?`).run(id);
  expect(
    JSON.parse((sqlite.prepare('select shards from experiments where id = ?').get(id) as { shards: string }).shards),
  ).toEqual({ count: 4, indices: [2] });
  await db.destroy();
});
