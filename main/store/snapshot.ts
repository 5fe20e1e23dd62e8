// Read snapshots on a connection shared by several readers (a StoreReader's): a read transaction
// that every read entering it shares, ended by the last one to leave. A bundle export holds one
// across the awaits of writing its file; getExperiment holds one for its few statements. A plain
// BEGIN from the second of them would fail ("cannot start a transaction within a transaction").
import type BetterSqlite3 from 'better-sqlite3';

/** Readers inside each connection's snapshot. */
const readers = new WeakMap<BetterSqlite3.Database, number>();

/**
 * Enters the connection's read snapshot, beginning it if no reader is in one. Inside a
 * transaction someone else began, reads in it and will end nothing. Pair with leaveSnapshot.
 */
export function enterSnapshot(sqlite: BetterSqlite3.Database): void {
  const n = readers.get(sqlite) ?? 0;
  if (n === 0) {
    if (sqlite.inTransaction) return; // someone else's transaction: read in it, end nothing
    sqlite.exec('BEGIN');
  }
  readers.set(sqlite, n + 1);
}

/** Leaves the connection's read snapshot; the last reader to leave ends it. */
export function leaveSnapshot(sqlite: BetterSqlite3.Database): void {
  const n = readers.get(sqlite) ?? 0;
  if (n === 0) return;
  readers.set(sqlite, n - 1);
  if (n === 1 && sqlite.inTransaction) sqlite.exec('COMMIT');
}
