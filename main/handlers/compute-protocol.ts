// Messages between the handlers (main thread) and the compute worker (compute-worker.ts): a task
// is one of Compute's calls and its parsed input; the answer is its value (an exported file's
// bytes as a transferred ArrayBuffer, never copied), or the error as it crosses the thread.
import type { ErrorCode, ValidationIssue } from '../../common/core/index.ts';
import type { ReadBeside } from '../store/reader.ts';
import type { Compute } from './compute.ts';

/** The calls the worker answers with one value: every task of Compute but the streams. */
export type ComputeMethod = Exclude<keyof Compute, 'close' | ComputeStreamMethod>;

/**
 * The calls the worker answers with a stream of values: one per `pull` from this side (the
 * first with the request), so the worker never runs ahead of the consumer; `cancel` ends it.
 */
export type ComputeStreamMethod = 'readBundle';

/** What the worker is started with: the database and where its read connection is opened (reader.ts). */
export interface ComputeWorkerData {
  path: string;
  beside: ReadBeside;
}

export interface ComputeRequest {
  id: number;
  method: ComputeMethod | ComputeStreamMethod;
  input: unknown;
}

/** The next value of a stream, or its end before it is over. */
export interface ComputeControl {
  id: number;
  control: 'pull' | 'cancel';
}

/** An exported file as it crosses: text as it is, PNG bytes in an ArrayBuffer of their own. */
export interface FileMessage {
  filename: string;
  mimeType: string;
  body: string | ArrayBuffer;
}

/**
 * A task's error as it crosses the thread boundary: its class name and message, and for the
 * project's own errors their contract code, field-level issues and (ExportError) the field.
 */
export interface ComputeFailure {
  name: string;
  message: string;
  code?: ErrorCode | undefined;
  issues?: ValidationIssue[] | undefined;
  field?: string | undefined;
}

/** A task's value; for a stream, its next value (`done` false) or its end (`done` true). */
export type ComputeResponse =
  { id: number; ok: true; value: unknown; done?: boolean } | ({ id: number; ok: false } & ComputeFailure);
