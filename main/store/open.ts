// Opening the experiment database: refuse what is not ours or is newer than us (without
// touching it), then migrate forward and recover from a crash.
import BetterSqlite3 from 'better-sqlite3';
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  CompiledQuery,
  Kysely,
  SqliteAdapter,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Driver,
} from 'kysely';
import { Migrator } from 'kysely/migration';
import { MIGRATIONS, staticMigrationProvider } from '../../migrations/index.ts';
import type { Database } from './schema.ts';
import { GmemlabError } from '../../common/core/index.ts';
import { StorageError } from './errors.ts';

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

/** Largest file read into memory when it cannot be opened read-only in place (see below). */
const MAX_SNAPSHOT_BYTES = 2 ** 30;

/**
 * Opens an existing database read-only, without writing anything. A WAL-mode database normally
 * needs its `-shm` file next to it, which cannot be created on a read-only folder and cannot be
 * sized on a full disk; then the file is read into memory as a snapshot (its header switched
 * from WAL to rollback mode, which changes only the in-memory copy), unless a non-empty `-wal`
 * holds content the snapshot would miss.
 */
export function openReadOnlyConnection(path: string): BetterSqlite3.Database {
  let inPlace: BetterSqlite3.Database | undefined;
  try {
    inPlace = new BetterSqlite3(path, { readonly: true, fileMustExist: true });
    inPlace.prepare('select count(*) from sqlite_master').get();
    return inPlace;
  } catch (err) {
    inPlace?.close();
    const code = (err as { code?: string }).code ?? '';
    if (!/^SQLITE_(CANTOPEN|IOERR|READONLY)/.test(code) || !existsSync(path)) throw err;
    const wal = `${path}-wal`;
    if (existsSync(wal) && statSync(wal).size > 0)
      throw new StoreOpenError(
        `${describeSqliteError(path, err)}; its write-ahead log ${wal} holds changes, so it cannot be read without writing`,
      );
    if (statSync(path).size > MAX_SNAPSHOT_BYTES)
      throw new StoreOpenError(`${describeSqliteError(path, err)}; it is too large to read as a snapshot`);
    const bytes = readFileSync(path);
    if (bytes[18] === 2 && bytes[19] === 2) bytes[18] = bytes[19] = 1; // WAL -> rollback, in memory only
    return new BetterSqlite3(bytes, { readonly: true });
  }
}

function notOursError(path: string, err: unknown): unknown {
  if (err instanceof StoreOpenError) return err;
  const code = (err as { code?: string }).code;
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT')
    return new StoreOpenError(
      `${path} is not a gmemlab database (SQLite says: ${(err as Error).message}); it was not modified.`,
    );
  return new StoreOpenError(describeSqliteError(path, err));
}

function inspect(path: string): FileFacts {
  let db: BetterSqlite3.Database;
  try {
    db = openReadOnlyConnection(path);
  } catch (err) {
    throw notOursError(path, err);
  }
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
    throw notOursError(path, err);
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

// SQLite itself rolls a transaction back on some errors (SQLITE_FULL, SQLITE_IOERR, SQLITE_NOMEM,
// SQLITE_BUSY). Kysely then sends ROLLBACK anyway, which fails with "cannot rollback - no
// transaction is active", and that error replaced the real one ("database or disk is full").
// Rolling back only what is still open keeps the real error (issue 15 item 5).
class GmemlabSqliteDriver extends SqliteDriver {
  readonly #sqlite: BetterSqlite3.Database;
  constructor(sqlite: BetterSqlite3.Database) {
    super({ database: sqlite });
    this.#sqlite = sqlite;
  }
  /**
   * BEGIN IMMEDIATE, not BEGIN: beside the write worker (write-worker.ts) two connections write
   * the file, and a deferred transaction that read before it wrote could not take the write lock
   * once the other connection had committed meanwhile (SQLITE_BUSY at once, no busy wait).
   */
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    if (this.#sqlite.inTransaction) await super.rollbackTransaction(connection);
  }
  /** Errors of the disk or the file (full, read-only, I/O) name the database file and the cause. */
  override async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await super.acquireConnection();
    const path = this.#sqlite.name;
    return {
      async executeQuery(query) {
        try {
          return await connection.executeQuery(query);
        } catch (err) {
          throw nameTheFile(path, err);
        }
      },
      streamQuery: (query, chunkSize) => connection.streamQuery(query, chunkSize),
    };
  }
}

/**
 * An error of SQLite about the disk or the file (full, read-only, I/O, cannot open) as a
 * StorageError naming the file and the cause (code `conflict`, not `internal`); other errors,
 * and errors already converted, are returned as they are.
 */
export function nameTheFile(path: string, err: unknown): unknown {
  const code = (err as { code?: unknown }).code;
  if (err instanceof Error && typeof code === 'string' && /^SQLITE_(FULL|IOERR|READONLY|CANTOPEN)/.test(code))
    return new StorageError(describeSqliteError(path, err), code, err);
  return err;
}

class GmemlabSqliteDialect extends SqliteDialect {
  readonly #sqlite: BetterSqlite3.Database;
  constructor(sqlite: BetterSqlite3.Database) {
    super({ database: sqlite });
    this.#sqlite = sqlite;
  }
  override createAdapter(): SqliteAdapter {
    return new TransactionalSqliteAdapter();
  }
  override createDriver(): Driver {
    return new GmemlabSqliteDriver(this.#sqlite);
  }
}

export function createKysely(sqlite: BetterSqlite3.Database): Kysely<Database> {
  return new Kysely<Database>({ dialect: new GmemlabSqliteDialect(sqlite) });
}

/**
 * Refuses a path that would not keep anything: empty (an unset shell variable in `--db "$DB"`),
 * SQLite's in-memory names and URIs, or a directory. better-sqlite3 opens '' and ':memory:' as
 * throw-away databases, so a whole job would be computed and silently lost (issue 15 item 4).
 */
export function checkDatabasePath(path: string): void {
  if (path.trim() === '')
    throw new StoreOpenError(
      'the database path is empty (is the variable given to --db unset?); name a file, or leave out --db for the default',
    );
  if (path === ':memory:' || /^file:/i.test(path))
    throw new StoreOpenError(
      `"${path}" is an in-memory or URI database, which would lose every result when gmemlab exits; name a file`,
    );
  if (existsSync(path) && statSync(path).isDirectory())
    throw new StoreOpenError(`${path} is a directory, not a database file; name a file inside it`);
}

/** Why the database file or its folder cannot be written (SQLite needs both), or undefined. */
function whyNotWritable(path: string): string | undefined {
  for (const target of [path, dirname(path)]) {
    try {
      if (existsSync(target)) accessSync(target, constants.W_OK);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      return `${target} is read-only (${code}): read-only commands such as list, show and export still work`;
    }
  }
  return undefined;
}

/** Reports an error of SQLite with the file it concerns and what it means, once. */
export function describeSqliteError(path: string, err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: string }).code ?? '';
  const cause =
    code === 'SQLITE_FULL'
      ? ' (the disk or its quota is full: free some space; nothing already saved was lost)'
      : code === 'SQLITE_READONLY' || code.startsWith('SQLITE_READONLY_')
        ? ' (the file or its folder is read-only: read-only commands such as list, show and export still work)'
        : code === 'SQLITE_CANTOPEN'
          ? ` (${whyNotWritable(path) ?? 'the file or its folder cannot be opened: check it exists and its permissions'})`
          : code.startsWith('SQLITE_IOERR')
            ? ` (${code}: SQLite could not read or grow a file next to the database; the disk is probably full or failing)`
            : '';
  return `${path}: ${message}${cause}`;
}

export interface OpenedDatabase {
  db: Kysely<Database>;
  /** The raw connection, for pragmas and integrity checks. */
  sqlite: BetterSqlite3.Database;
  path: string;
  /** The copy written before migrating an existing database, or null when none was needed. */
  backupPath: string | null;
  /** Opened by openDatabaseReadOnly: every write fails. */
  readOnly?: boolean;
}

/**
 * Opens an existing database for reading only: nothing is written (no migration, no pragma that
 * writes, no crash recovery), so it works on a read-only file or a full disk. Refuses a missing
 * file, and a file whose schema is older than this version's (a writing command upgrades it).
 */
/**
 * SQLite's page cache per connection, in KiB (cache_size takes a negative number for KiB). The
 * default 2 MiB holds a small part of run_metrics' index once a history has ~100,000 runs, so a
 * batch of finished runs re-read its index pages from the OS; bench/scale.ts and a 14,000-run
 * save (issue 20) measured the difference. Memory, not file content: nothing is written.
 */
export const PAGE_CACHE_KIB = 64 * 1024;

/**
 * WAL pages before the writer copies them back into the database (SQLite's default: 1,000, ~4 MB).
 * A big sweep commits hundreds of batches that touch the same index pages; checkpointing 8x less
 * often writes each such page back once instead of several times, and syncs less often.
 */
const WAL_AUTOCHECKPOINT_PAGES = 8192;

export function openDatabaseReadOnly(path: string): OpenedDatabase {
  checkDatabasePath(path);
  if (!existsSync(path)) throw new StoreOpenError(`there is no gmemlab database at ${path} yet`);
  const facts = checkCompatible(path);
  const pending = Object.keys(MIGRATIONS).filter((name) => !(facts?.migrations ?? []).includes(name));
  if (facts === undefined || pending.length > 0)
    throw new StoreOpenError(
      `${path} has an older schema (it lacks ${pending.join(', ')}); a command that writes (run, sweep, import) upgrades it, after a backup copy`,
    );
  let sqlite: BetterSqlite3.Database;
  try {
    sqlite = openReadOnlyConnection(path);
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma(`cache_size = ${-PAGE_CACHE_KIB}`);
  } catch (err) {
    if (err instanceof StoreOpenError) throw err;
    throw new StoreOpenError(describeSqliteError(path, err));
  }
  return { db: createKysely(sqlite), sqlite, path, backupPath: null, readOnly: true };
}

/**
 * How long the write worker's connection waits for the write lock: the main thread's connection
 * holds it while it records a sweep's runs, a second or more under load. Waiting blocks only the
 * worker's thread.
 */
const WRITE_WORKER_BUSY_MS = 60_000;

/**
 * A second writing connection on a database openDatabase has opened (and migrated): the write
 * worker's (write-worker.ts), with the writer's settings. It checkpoints the WAL as it commits,
 * on its own thread.
 */
export function openWriteConnection(path: string): BetterSqlite3.Database {
  let sqlite: BetterSqlite3.Database | undefined;
  try {
    sqlite = new BetterSqlite3(path, { fileMustExist: true });
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma(`busy_timeout = ${WRITE_WORKER_BUSY_MS}`);
    sqlite.pragma(`cache_size = ${-PAGE_CACHE_KIB}`);
    sqlite.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
    return sqlite;
  } catch (err) {
    sqlite?.close();
    throw new StoreOpenError(describeSqliteError(path, err));
  }
}

export async function openDatabase(path: string): Promise<OpenedDatabase> {
  checkDatabasePath(path);
  const facts = checkCompatible(path);
  let sqlite: BetterSqlite3.Database;
  try {
    sqlite = new BetterSqlite3(path);
  } catch (err) {
    throw new StoreOpenError(describeSqliteError(path, err));
  }
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
  try {
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma(`cache_size = ${-PAGE_CACHE_KIB}`);
    sqlite.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
    sqlite.pragma(`application_id = ${APPLICATION_ID}`);
  } catch (err) {
    sqlite.close();
    throw new StoreOpenError(describeSqliteError(path, err));
  }
  const db = createKysely(sqlite);
  const migrator = new Migrator({ db, provider: staticMigrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    await db.destroy();
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new StoreOpenError(`Could not migrate (migration ${failed}): ${describeSqliteError(path, error)}`);
  }
  return { db, sqlite, path, backupPath };
}
