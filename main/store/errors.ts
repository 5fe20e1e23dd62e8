// The store's own error: a bundle that cannot be imported. Its other errors are the core's
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
