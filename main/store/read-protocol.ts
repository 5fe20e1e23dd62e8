// Messages between the store (main thread) and its read worker: a read is a StoreReader method
// and its arguments; the answer is its value, or the error: its name and message, and for the
// project's own errors (common/core/errors.ts) their code and field-level issues.
import type { ErrorCode, ValidationIssue } from '../../common/core/index.ts';
import type { ReadBeside, StoreReader } from './reader.ts';
import type { StoreResponse } from './store-thread.ts';

/**
 * The reads a worker answers: every public read of StoreReader but getExperiment and getRuns,
 * which are getExperimentData's and getRunsData's columns made into run objects on the side that
 * wants them.
 */
export type ReadMethod = keyof Pick<
  StoreReader,
  | 'listExperiments'
  | 'listRuns'
  | 'getExperimentData'
  | 'getRunsData'
  | 'runCostTable'
  | 'listScenarioRevisions'
  | 'getScenarioRevision'
  | 'exportBundle'
>;

/**
 * Reads whose size grows with the history (a whole experiment, up to 20,000 runs, a bundle): the
 * read client answers them on a thread of their own, so the history's pages never queue behind
 * one.
 */
export const HEAVY_READS: ReadonlySet<ReadMethod> = new Set<ReadMethod>([
  'getExperimentData',
  'getRunsData',
  'exportBundle',
]);

/** What the worker is started with: the database and where its connection is opened (reader.ts). */
export interface ReadWorkerData {
  path: string;
  beside: ReadBeside;
}

export interface ReadRequest {
  id: number;
  method: ReadMethod;
  args: unknown[];
}

/** A read's or a write's error as it crosses the thread boundary (store-thread.ts: failureOf, errorFrom). */
export interface ReadFailure {
  name: string;
  message: string;
  code?: ErrorCode | undefined;
  issues?: ValidationIssue[] | undefined;
}

/** A read's answer (the store threads' one shape: store-thread.ts). */
export type ReadResponse = StoreResponse;

/** What a worker posts once its connection is open, before any answer. */
export interface ReadReady {
  ready: true;
}
