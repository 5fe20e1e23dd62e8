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

it('0005 adds host profiles keyed by content hash and leaves existing experiments alone', async () => {
  const { db, sqlite } = await migratedTo(join(dir.dir, 'db.sqlite'), '0003_shards');
  const id = seed0001(sqlite, 'Genoa sweep');
  const { error } = await new Migrator({ db, provider: staticMigrationProvider }).migrateTo('0005_host_profiles');
  expect(error).toBeUndefined();
  expect(sqlite.prepare('select name from experiments where id = ?').get(id)).toEqual({ name: 'Genoa sweep' });
  const insert = sqlite.prepare(
    `insert into host_profiles (id, name, host_name, cpu_model, tools, created_at, saved_at, body) values (?, 'lab box', null, null, 'bpftrace', 'now', 'now', '{}')`,
  );
  insert.run('b'.repeat(64));
  expect(() => insert.run('b'.repeat(64))).toThrow(/UNIQUE|PRIMARY KEY/);
  expect(() =>
    sqlite
      .prepare(`insert into host_profiles (id, name, tools, created_at, saved_at) values ('c', 'x', 't', 'now', 'now')`)
      .run(),
  ).toThrow(/NOT NULL/);
  expect(sqlite.prepare('select count(*) as n from host_profiles').get()).toEqual({ n: 1 });
  await db.destroy();
});
