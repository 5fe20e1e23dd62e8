import BetterSqlite3 from 'better-sqlite3';
import { existsSync, readFileSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Migrator } from 'kysely/migration';
import { MIGRATIONS } from '../../migrations/index.ts';
import { migratedTo, seed0001 } from '../../migrations/testing.ts';
import { createKysely, StoreOpenError } from './open.ts';
import { Store } from './store.ts';
import { recordExperiment, tempDir } from './testing.ts';

let dir: { dir: string; cleanup: () => void };
let path: string;
beforeEach(() => {
  dir = tempDir();
  path = join(dir.dir, 'gmemlab.sqlite');
});
afterEach(() => dir.cleanup());

async function expectRefused(pattern: RegExp): Promise<void> {
  const before = readFileSync(path);
  const error = await Store.open(path).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(StoreOpenError);
  expect((error as Error).message).toMatch(pattern);
  expect((error as Error).message).toMatch(/not modified/);
  expect(readFileSync(path).equals(before)).toBe(true);
}

describe('opening a database', () => {
  it('with `existing`, refuses a missing file without making it (an empty path as such), and opens one that is there', async () => {
    for (const readOnly of [true, false]) {
      const missing = await Store.open(path, { readOnly, existing: true }).catch((err: unknown) => err);
      expect(missing).toBeInstanceOf(StoreOpenError);
      expect((missing as Error).message).toBe(`there is no database at ${path}`);
      expect(existsSync(path)).toBe(false);
    }
    const empty = await Store.open('', { readOnly: true, existing: true }).catch((err: unknown) => err);
    expect((empty as Error).message).toMatch(/^the database path is empty/);
    await (await Store.open(path)).close();
    await (await Store.open(path, { readOnly: true, existing: true })).close();
  });

  it('refuses an SQLite file of another program and leaves it untouched', async () => {
    const other = new BetterSqlite3(path);
    other.exec('create table contacts (name text)');
    other.close();
    await expectRefused(/another program/);
  });

  it('refuses a file that is not SQLite at all', async () => {
    writeFileSync(path, 'these are my notes, not a database\n'.repeat(200));
    await expectRefused(/not a gmemlab database/);
  });

  it('refuses a database from a newer gmemlab and leaves it untouched', async () => {
    const store = await Store.open(path);
    await recordExperiment(store, { name: 'kept' });
    await store.close();
    const raw = new BetterSqlite3(path);
    raw
      .prepare("insert into kysely_migration (name, timestamp) values ('9999_future', ?)")
      .run(new Date().toISOString());
    raw.close();
    await expectRefused(/newer gmemlab.*9999_future/s);
  });

  it('refuses a damaged gmemlab database and never overwrites it', async () => {
    const store = await Store.open(path);
    for (let i = 0; i < 30; i++) await recordExperiment(store, { name: `experiment ${i}`, vcpus: [1, 2, 4] });
    await store.close();
    const pageSize = 4096;
    expect(readFileSync(path).length).toBeGreaterThan(pageSize * 8);
    const fd = openSync(path, 'r+');
    writeSync(fd, Buffer.alloc(pageSize * 3, 0xab), 0, pageSize * 3, pageSize * 3);
    closeSync(fd);
    await expectRefused(/damaged|not a gmemlab database/);
  });

  it('backs up an older database next to it before migrating, and keeps its data', async () => {
    const { db, sqlite } = await migratedTo(path, '0001_initial');
    seed0001(sqlite, 'from version one');
    await db.destroy();
    const store = await Store.open(path);
    const backup = store.opened.backupPath;
    expect(backup).not.toBeNull();
    expect(backup!.startsWith(`${path}.backup-0001_initial-`)).toBe(true);
    const page = await store.listExperiments({ offset: 0, limit: 10, search: 'version' });
    expect(page.items.map((e) => e.name)).toEqual(['from version one']);
    await store.close();

    const copy = new BetterSqlite3(backup!, { readonly: true });
    expect((copy.prepare('select name from kysely_migration').all() as { name: string }[]).map((r) => r.name)).toEqual([
      '0001_initial',
    ]);
    expect(copy.prepare('select name from experiments').all()).toEqual([{ name: 'from version one' }]);
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    copy.close();
  });

  it('writes no backup for a new or current database', async () => {
    const first = await Store.open(path);
    expect(first.opened.backupPath).toBeNull();
    await first.close();
    const again = await Store.open(path);
    expect(again.opened.backupPath).toBeNull();
    await again.close();
    expect(existsSync(path)).toBe(true);
  });
});

describe('migrating', () => {
  it('runs the migrations in one transaction: a failing one leaves no trace', async () => {
    const sqlite = new BetterSqlite3(path);
    const db = createKysely(sqlite);
    const failing = {
      ...MIGRATIONS,
      '9999_broken': {
        up: async (k: typeof db) => {
          await k.schema.createTable('half_done').addColumn('x', 'text').execute();
          throw new Error('disk full, say');
        },
      },
    };
    const { error } = await new Migrator({ db, provider: { getMigrations: async () => failing } }).migrateToLatest();
    expect(String(error)).toMatch(/disk full/);
    const tables = (
      sqlite.prepare("select name from sqlite_master where type = 'table' and name not like 'kysely_%'").all() as {
        name: string;
      }[]
    ).map((r) => r.name);
    expect(tables).toEqual([]);
    expect(sqlite.prepare('select count(*) as c from kysely_migration').get()).toEqual({ c: 0 });
    await db.destroy();
  });
});
