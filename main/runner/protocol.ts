// Messages between the main thread and simulation workers. Workers compute; they never touch
// the database (the main thread is the one writer).
import type { RunOutput, Scenario } from '../../common/core/index.ts';

/**
 * `cancel` is a one-element Int32Array over a SharedArrayBuffer: the main thread stores 1 and the
 * worker, busy in a simulation loop that cannot read messages, sees it at its next progress check.
 */
export type ToWorker = { type: 'run'; jobId: number; scenario: Scenario; cancel: Int32Array };

export type FromWorker =
  | { type: 'progress'; jobId: number; fraction: number }
  | { type: 'result'; jobId: number; output: RunOutput; startedAt: string }
  | { type: 'error'; jobId: number; message: string }
  | { type: 'cancelled'; jobId: number };
