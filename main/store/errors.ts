// The store's own errors: a bundle that cannot be imported, and a database file that cannot be
// written (full disk, read-only file or folder, I/O error). Its other errors are the core's
// (NotFoundError); all carry their contract code (common/core/errors.ts).
import { GmemlabError, type ValidationIssue } from '../../common/core/index.ts';

/** Issues listed in the message; the rest are counted. */
const LISTED = 20;

/** A bundle refused before anything was written: every problem, paths relative to the bundle (or to `at`). */
export class BundleError extends GmemlabError {
  declare readonly issues: ValidationIssue[];
  /**
   * @param source what the bundle is called in the message (a file name, or "the bundle")
   * @param at the caller's name for the bundle, put before every issue path ('' for none)
   */
  constructor(issues: ValidationIssue[], source = 'the bundle', at = '') {
    const lines = issues.slice(0, LISTED).map((i) => `  ${i.path || '(bundle)'}: ${i.message}`);
    if (issues.length > LISTED) lines.push(`  ... and ${issues.length - LISTED} more`);
    super(
      'invalid_input',
      `${source} is not a valid gmemlab bundle; nothing was imported:\n${lines.join('\n')}`,
      issues.map((i) => ({ path: at === '' ? i.path : i.path === '' ? at : `${at}.${i.path}`, message: i.message })),
    );
  }
}

/**
 * SQLite could not write or read the database file: the disk or its quota is full, the file or
 * its folder is read-only, or the disk failed (SQLITE_FULL, SQLITE_READONLY*, SQLITE_IOERR*,
 * SQLITE_CANTOPEN). The message names the file and the cause (open.ts describeSqliteError).
 * Its code is `conflict`: the request is valid but the state of the machine refuses it, and the
 * same request succeeds once the user frees space or makes the file writable (HTTP 409, CLI
 * exit 2: something the user can fix). It was `internal` (a bug of ours, exit 1) before. A code
 * of its own would say it more precisely; the vocabulary is the core's (common/core/errors.ts).
 * `sqliteCode` keeps SQLite's code, `cause` the original error.
 */
export class StorageError extends GmemlabError {
  readonly sqliteCode: string;
  constructor(message: string, sqliteCode: string, cause: unknown) {
    super('conflict', message);
    this.sqliteCode = sqliteCode;
    this.cause = cause;
  }
}
