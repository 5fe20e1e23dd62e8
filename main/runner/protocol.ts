// Messages between the main thread and simulation workers. Workers compute; they never touch
// the database (the main thread is the one writer).
import type { Point, RunOutput, Scenario, Shard, SweepDefinition } from '../../common/core/index.ts';
import type { PointsCheck } from './points.ts';
import type { PackedOutcomes } from './wire.ts';

/**
 * A job is one or more points of one base scenario, computed in order: analytic sweeps send many
 * points per message, since a message each way per point cost the main thread more than the
 * points took to compute (issue 20). The worker makes and validates each point's scenario
 * itself (points.ts: scenarioAt): the main thread sends the base once and a few bytes a point.
 * `cancel` is a one-element Int32Array over a SharedArrayBuffer: the main thread stores 1 and
 * the worker, busy in a simulation loop that cannot read messages, sees it at its next progress
 * check or before its next point. A check asks whether a sweep can start at all (points.ts:
 * checkPoints), before anything of it is recorded.
 */
export type ToWorker =
  | {
      type: 'run';
      jobId: number;
      base: Scenario;
      points: Point[];
      cancel: Int32Array;
      /** The check of the sweep these points belong to (its jobId), whose validated scenarios the worker may hold. */
      checkId: number | undefined;
    }
  | {
      type: 'check';
      jobId: number;
      base: Scenario;
      sweep: SweepDefinition | undefined;
      shard: Shard | undefined;
    };

/** One point's outcome in a job: its output, or why the core could not compute it. */
export type ScenarioOutcome = { ok: true; output: RunOutput } | { ok: false; message: string };

export type FromWorker =
  | { type: 'progress'; jobId: number; fraction: number }
  | { type: 'result'; jobId: number; packed: PackedOutcomes; startedAt: string }
  | { type: 'checked'; jobId: number; check: PointsCheck }
  | { type: 'error'; jobId: number; message: string }
  | { type: 'cancelled'; jobId: number };
