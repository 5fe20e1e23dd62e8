// Messages between the main thread and simulation workers. Workers compute; they never touch
// the database (the main thread is the one writer).
import type { RunOutput, Scenario } from '../../common/core/index.ts';

/**
 * A job is one or more scenarios, computed in order: analytic sweeps send many points per
 * message, since a message each way per point cost the main thread more than the points
 * took to compute (issue 20). `cancel` is a one-element Int32Array over a SharedArrayBuffer: the
 * main thread stores 1 and the worker, busy in a simulation loop that cannot read messages, sees
 * it at its next progress check or before its next scenario.
 */
export type ToWorker = { type: 'run'; jobId: number; scenarios: Scenario[]; cancel: Int32Array };

/** One scenario's outcome in a job: its output, or why the core could not compute it. */
export type ScenarioOutcome = { ok: true; output: RunOutput } | { ok: false; message: string };

export type FromWorker =
  | { type: 'progress'; jobId: number; fraction: number }
  | { type: 'result'; jobId: number; outcomes: ScenarioOutcome[]; startedAt: string }
  | { type: 'error'; jobId: number; message: string }
  | { type: 'cancelled'; jobId: number };
