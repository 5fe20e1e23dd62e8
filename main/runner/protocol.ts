// Messages between the main thread, the simulation workers and the write worker. Simulation
// workers compute; they never touch the database. The one writer is the main thread, or, in an
// app that serves a window, the write worker (write-worker.ts), to which the simulation workers
// then send their results straight, so they never cross the main thread (issue 20).
import type { Point, RunOutput, Scenario, Shard, StrategyId, SweepDefinition } from '../../common/core/index.ts';
import type { ReadFailure } from '../store/read-protocol.ts';
import type { MessagePort } from 'node:worker_threads';
import type { PointsCheck } from './points.ts';
import type { RefusedRun } from './result-writer.ts';
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
      /** Each point's runs, when the worker sends its results to the write worker (WorkerData.savePort). */
      save?: PointRuns[] | undefined;
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
  | {
      type: 'result';
      jobId: number;
      /** Each point's outcome (wire.ts); none when the results went to the write worker (`sent`). */
      packed: PackedOutcomes;
      startedAt: string;
      sent?: NotFinished | undefined;
    }
  | { type: 'checked'; jobId: number; check: PointsCheck }
  | { type: 'error'; jobId: number; message: string }
  | { type: 'cancelled'; jobId: number };

/** One point's runs: a run id per strategy the model is asked for. */
export type PointRuns = { id: number; strategy: StrategyId }[];

/** What a simulation worker is started with. */
export interface WorkerData {
  /** Where to send finished runs of jobs that carry `save` (a port to the write worker), if anywhere. */
  savePort?: MessagePort | undefined;
}

/**
 * What a simulation worker says to the main thread of a job whose finished runs it sent to the
 * write worker: the runs that did not finish (the write worker says which of the others it saved).
 */
export interface NotFinished {
  /** Runs of a computed point whose strategy the model returned no result for. */
  missing: number[];
  /** Runs of points the core could not compute, with why. */
  unsolved: { ids: number[]; message: string }[];
}

/**
 * A job's outcomes, packed as for the main thread (wire.ts), from its simulation worker to the
 * write worker, with each point's runs: the write worker makes the runs to save of them
 * (outcomes.ts: finishedRuns).
 */
export interface ToWriter {
  jobId: number;
  packed: PackedOutcomes;
  runs: PointRuns[];
  startedAt: string;
}

/** The write worker to the main thread: its connection open; a job's runs saved (but the refused ones), or why not; closed. */
export type FromWriter =
  | { type: 'saved'; jobId: number; refused: RefusedRun[] }
  | ({ type: 'failed'; jobId: number } & ReadFailure)
  | { type: 'ready' }
  | { type: 'closed' };

/** The main thread to the write worker: a port of a new simulation worker's, or close. */
export type WriterControl = { type: 'connect'; port: MessagePort } | { type: 'close' };
