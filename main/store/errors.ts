// Errors the store reports to its callers (handlers map them to API error codes, the CLI to exit 2).
import type { ValidationIssue } from '../../common/core/index.ts';

export class StoreNotFoundError extends Error {
  override name = 'StoreNotFoundError';
}

export class BundleError extends Error {
  override name = 'BundleError';
  readonly issues: ValidationIssue[];
  constructor(issues: ValidationIssue[]) {
    const head = issues
      .slice(0, 5)
      .map((i) => `${i.path || '(bundle)'}: ${i.message}`)
      .join('; ');
    super(`invalid bundle: ${head}${issues.length > 5 ? ` (and ${issues.length - 5} more)` : ''}`);
    this.issues = issues;
  }
}
