// The one error vocabulary. Every error a caller can act on carries the code the contract answers
// with (common/contract's ApiErrorBody); main's dispatch turns it into an envelope and the CLI
// into an exit status, each in one place. Anything else that is thrown is an internal error.
import type { ValidationIssue } from './api.ts';

export const ERROR_CODES = [
  'invalid_input',
  'forbidden',
  'unknown_call',
  'not_found',
  'conflict',
  'too_large',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** A problem the caller can act on, with its contract code and, for bad input, the fields at fault. */
export class GmemlabError extends Error {
  readonly code: ErrorCode;
  /** Field-level problems (dotted paths relative to the input of the call that failed). */
  readonly issues: ValidationIssue[] | undefined;
  constructor(code: ErrorCode, message: string, issues?: ValidationIssue[]) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.issues = issues;
  }
}

/** Something asked for by id does not exist. */
export class NotFoundError extends GmemlabError {
  constructor(message: string) {
    super('not_found', message);
  }
}

/** The request is valid but clashes with what is happening (e.g. the experiment is running). */
export class ConflictError extends GmemlabError {
  constructor(message: string) {
    super('conflict', message);
  }
}
