// Messages between the store (main thread) and its read worker: a read is a StoreReader method
// and its arguments; the answer is its value or the error's name and message.
import type { StoreReader } from './reader.ts';

/** The reads a worker answers: every public read of StoreReader. */
export type ReadMethod = keyof Pick<
  StoreReader,
  | 'listExperiments'
  | 'listRuns'
  | 'getExperiment'
  | 'getRuns'
  | 'listScenarioRevisions'
  | 'getScenarioRevision'
  | 'exportBundle'
>;

export interface ReadRequest {
  id: number;
  method: ReadMethod;
  args: unknown[];
}

export type ReadResponse =
  { id: number; ok: true; value: unknown } | { id: number; ok: false; name: string; message: string };
