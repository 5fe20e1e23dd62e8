// Opening the experiment database: refuse what is not ours or is newer than us (without
// touching it), then migrate forward and recover from a crash.
import BetterSqlite3 from 'better-sqlite3';
import { existsSync, statSync } from 'node:fs';
import { Kysely, SqliteAdapter, SqliteDialect } from 'kysely';
import { Migrator } from 'kysely/migration';
import { MIGRATIONS, staticMigrationProvider } from '../../migrations/index.ts';
import type { Database } from './schema.ts';
import { GmemlabError } from '../../common/core/index.ts';

/** PRAGMA application_id of every gmemlab database: 'gmem' in ASCII. */
export const APPLICATION_ID = 0x676d656d;

/** The database file cannot be used as it is (not ours, newer, damaged); it was left untouched. */
export class StoreOpenError extends GmemlabError {
  constructor(message: string) {
    super('invalid_input', message);
  }
}

/** Reads what the file says about itself, read-only, so a refused file is never modified. */
interface FileFacts {
  tables: string[];
  applicationId: number;
  migrations: string[];
}

function inspect(path: string): FileFacts {
  const db = new BetterSqlite3(path, { readonly: true, fileMustExist: true });
  try {
    const tables = (db.prepare("select name from sqlite_master where type = 'table'").all() as { name: string }[]).map(
      (r) => r.name,
    );
    const applicationId = db.pragma('application_id', { simple: true }) as number;
    const migrations = tables.includes('kysely_migration')
      ? (db.prepare('select name from kysely_migration').all() as { name: string }[]).map((r) => r.name)
      : [];
    // A damaged file must be reported, not migrated: quick_check reads every page (O(size)).
    const check = db.pragma('quick_check', { simple: true }) as string;
    if (check !== 'ok')
      throw new StoreOpenError(
        `${path} is damaged (SQLite quick_check: ${check}); it was not modified. Restore a backup copy.`,
      );
    return { tables, applicationId, migrations };
  } catch (err) {
    if (err instanceof StoreOpenError) throw err;
    const code = (err as { code?: string }).code;
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
      throw new StoreOpenError(
        `${path} is not a gmemlab database (SQLite says: ${(err as Error).message}); it was not modified.`,
      );
    }
    throw err;
  } finally {
    db.close();
  }
}

function checkCompatible(path: string): FileFacts | undefined {
  if (!existsSync(path) || statSync(path).size === 0) return undefined;
  const { tables, applicationId, migrations } = inspect(path);
  if (applicationId !== APPLICATION_ID && tables.length > 0) {
    throw new StoreOpenError(
      `${path} is an SQLite file of another program (application_id ${applicationId}); gmemlab will not use it; the file was not modified.`,
    );
  }
  const unknown = migrations.filter((name) => !(name in MIGRATIONS));
  if (unknown.length > 0) {
    const known = Object.keys(MIGRATIONS).at(-1);
    throw new StoreOpenError(
      `${path} was written by a newer gmemlab (schema ${unknown.at(-1)}; this version knows up to ${known}). ` +
        'Update gmemlab to open it; the file was not modified.',
    );
  }
  return { tables, applicationId, migrations };
}

/** Where the copy made before an upgrade goes: next to the database, named by the old schema. */
export function backupPathFor(path: string, lastMigration: string, at: Date = new Date()): string {
  const stamp = at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${path}.backup-${lastMigration}-${stamp}`;
}

// Kysely's SQLite adapter declines transactional DDL, so its Migrator would run migrations
// outside any transaction and a crash in the middle would leave a half-migrated file. SQLite
// does support transactional DDL: declaring it makes migrateToLatest one transaction.
class TransactionalSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class GmemlabSqliteDialect extends SqliteDialect {
  override createAdapter(): SqliteAdapter {
    return new TransactionalSqliteAdapter();
  }
}

export function createKysely(sqlite: BetterSqlite3.Database): Kysely<Database> {
  return new Kysely<Database>({ dialect: new GmemlabSqliteDialect({ database: sqlite }) });
}

export interface OpenedDatabase {
  db: Kysely<Database>;
  /** The raw connection, for pragmas and integrity checks. */
  sqlite: BetterSqlite3.Database;
  path: string;
  /** The copy written before migrating an existing database, or null when none was needed. */
  backupPath: string | null;
}

export async function openDatabase(path: string): Promise<OpenedDatabase> {
  const facts = checkCompatible(path);
  const sqlite = new BetterSqlite3(path);
  let backupPath: string | null = null;
  const pending = Object.keys(MIGRATIONS).filter((name) => !(facts?.migrations ?? []).includes(name));
  const lastApplied = facts?.migrations.toSorted().at(-1);
  if (lastApplied !== undefined && pending.length > 0) {
    // The online backup API copies a consistent snapshot, WAL content included, before any write.
    backupPath = backupPathFor(path, lastApplied);
    try {
      await sqlite.backup(backupPath);
    } catch (err) {
      sqlite.close();
      throw new StoreOpenError(
        `Could not write the backup ${backupPath} before upgrading ${path}: ${(err as Error).message}; the database was not modified.`,
      );
    }
  }
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma(`application_id = ${APPLICATION_ID}`);
  const db = createKysely(sqlite);
  const migrator = new Migrator({ db, provider: staticMigrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    await db.destroy();
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new StoreOpenError(
      `Could not migrate ${path} (migration ${failed}): ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return { db, sqlite, path, backupPath };
}
