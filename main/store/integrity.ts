// Reading back what the store wrote, without trusting it: a byte changed on disk (a failing
// disk, a hand edit, a copy cut short) must be reported, not served as data (issue 15 item 6).
// Scenario revisions and cost tables are content-addressed (their id is the SHA-256 of their
// canonical JSON body), so their bodies are checked against their ids on every read; that costs
// one hash of a few KB per read. Other JSON columns are checked only for being parsable; a
// changed digit in a metric's number cannot be detected (SECURITY.md says so).
import { createHash } from 'node:crypto';

export class DatabaseDamagedError extends Error {
  override name = 'DatabaseDamagedError';
}

/** The error for damage found in a row: names the table, the row and what is wrong. */
export function damaged(table: string, row: string | number, what: string): DatabaseDamagedError {
  return new DatabaseDamagedError(
    `database damaged: table ${table}, row ${row}: ${what}; restore a backup copy (the other rows are unaffected)`,
  );
}

/** A JSON column as stored; a value that does not parse is reported with its table, row and column. */
export function parseStored<T>(table: string, row: string | number, column: string, text: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw damaged(table, row, `column ${column} is not valid JSON`);
  }
}

/** A content-addressed body (scenario revision, cost table), after checking it still hashes to its id. */
export function verifiedBody<T>(table: 'scenario_revisions' | 'cost_tables', id: string, body: string): T {
  if (createHash('sha256').update(body).digest('hex') !== id)
    throw damaged(table, id, 'its body no longer matches its content hash (it was changed after it was saved)');
  return parseStored<T>(table, id, 'body', body);
}

/**
 * A binary column as stored (a run's encoded metrics or breakdown, codec.ts), decoded by `decode`;
 * a value that does not decode is reported with its table, row, column and what is wrong with it.
 */
export function decodedStored<T>(table: string, row: string | number, column: string, decode: () => T): T {
  try {
    return decode();
  } catch (err) {
    throw damaged(table, row, `column ${column} does not decode (${(err as Error).message})`);
  }
}
