// Opening the experiment database: refuse what is not ours or is newer than us (without
// touching it), then migrate forward and recover from a crash.
import BetterSqlite3 from 'better-sqlite3';
import { existsSync, statSync } from 'node:fs';
import { Kysely, SqliteDialect } from 'kysely';
import { Migrator } from 'kysely/migration';
import { MIGRATIONS, staticMigrationProvider } from '../../migrations/index.ts';
import type { Database } from './schema.ts';

/** PRAGMA application_id of every gmemlab database: 'gmem' in ASCII. */
export const APPLICATION_ID = 0x676d656d;

export class StoreOpenError extends Error {
  override name = 'StoreOpenError';
}

/** Reads what the file says about itself, read-only, so a refused file is never modified. */
function inspect(path: string): { tables: string[]; applicationId: number; migrations: string[] } {
  const db = new BetterSqlite3(path, { readonly: true, fileMustExist: true });
  try {
    const tables = (db.prepare("select name from sqlite_master where type = 'table'").all() as { name: string }[]).map((r) => r.name);
    const applicationId = db.pragma('application_id', { simple: true }) as number;
    const migrations = tables.includes('kysely_migration')
      ? (db.prepare('select name from kysely_migration').all() as { name: string }[]).map((r) => r.name)
      : [];
    return { tables, applicationId, migrations };
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
      throw new StoreOpenError(`${path} is not a gmemlab database (SQLite says: ${(err as Error).message}); it was not modified.`);
    }
    throw err;
  } finally {
    db.close();
  }
}

function checkCompatible(path: string): void {
  if (!existsSync(path) || statSync(path).size === 0) return;
  const { tables, applicationId, migrations } = inspect(path);
  if (applicationId !== APPLICATION_ID && tables.length > 0) {
    throw new StoreOpenError(`${path} is an SQLite file of another program (application_id ${applicationId}); gmemlab will not use or modify it.`);
  }
  const unknown = migrations.filter((name) => !(name in MIGRATIONS));
  if (unknown.length > 0) {
    const known = Object.keys(MIGRATIONS).at(-1);
    throw new StoreOpenError(
      `${path} was written by a newer gmemlab (schema ${unknown.at(-1)}; this version knows up to ${known}). ` +
        'Update gmemlab to open it; the file was not modified.',
    );
  }
}

export interface OpenedDatabase {
  db: Kysely<Database>;
  /** The raw connection, for pragmas and integrity checks. */
  sqlite: BetterSqlite3.Database;
  path: string;
}

export async function openDatabase(path: string): Promise<OpenedDatabase> {
  checkCompatible(path);
  const sqlite = new BetterSqlite3(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma(`application_id = ${APPLICATION_ID}`);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  const migrator = new Migrator({ db, provider: staticMigrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    await db.destroy();
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new StoreOpenError(`Could not migrate ${path} (migration ${failed}): ${error instanceof Error ? error.message : String(error)}`);
  }
  return { db, sqlite, path };
}
