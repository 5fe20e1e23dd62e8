// Messages between the main thread and simulation workers. Workers compute; they never touch
// the database (the main thread is the one writer).
import type { RunOutput, Scenario } from '../core/index.ts';

export type ToWorker = { type: 'run'; jobId: number; scenario: Scenario } | { type: 'cancel'; jobId: number };

export type FromWorker =
  | { type: 'progress'; jobId: number; fraction: number }
  | { type: 'result'; jobId: number; output: RunOutput }
  | { type: 'error'; jobId: number; message: string }
  | { type: 'cancelled'; jobId: number };
