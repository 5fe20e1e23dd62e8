// A sweep's points, and the check that every one of them is a scenario the model accepts. The
// check runs in a simulation worker (protocol.ts: 'check'), not on the main thread: validating
// 10,000 points took ~1-2 s of the thread that saves results and answers the window (issue 20).
// The main thread plans and records the runs from the points alone (pointsOf), while a worker
// makes and validates the scenarios with the core's own expandSweep, so every refusal is the
// core's, word for word.
import {
  checkSimulationSize,
  expandSweep,
  RunRequestError,
  shardOf,
  SimulationTooLargeError,
  type Point,
  type Scenario,
  type Shard,
  type SweepDefinition,
  type SweepPoint,
} from '../../common/core/index.ts';
import { pointLabel } from '../../common/analysis/points.ts';

/**
 * The sweep's points in expandSweep's order (the first parameter varies slowest), without their
 * scenarios; [{}] without a sweep. The caller has checked the sweep's size (checkPoints or
 * expandSweep refuse more than MAX_SWEEP_POINTS).
 */
export function pointsOf(sweep: SweepDefinition | undefined): Point[] {
  let points: Point[] = [{}];
  for (const parameter of sweep?.parameters ?? []) {
    const next: Point[] = [];
    for (const p of points) for (const value of parameter.values) next.push({ ...p, [parameter.path]: value });
    points = next;
  }
  return points;
}

/** The points of one shard of a sweep (all of them without a shard). */
export function shardPoints<T extends { point: Point }>(
  points: T[],
  sweep: SweepDefinition | undefined,
  shard: Shard | undefined,
): T[] {
  if (shard === undefined || sweep === undefined) return points;
  return points.filter((p) => shardOf(sweep, p.point, shard.count) === shard.index);
}

/**
 * What checkPoints found: the sweep can run (with, for the simulator, the events each of the
 * shard's points will take), or the core's reasons why not.
 */
export type PointsCheck =
  { ok: true; events: number[] | undefined } | { ok: false; issues: { path: string; message: string }[] };

/**
 * Checks every point of the sweep as expandSweep does (paths, size, each point's scenario
 * validated by the core) and, for the simulator, that no point of the shard is over the per-run
 * event cap. Never throws a RunRequestError: returns its issues (they cross a thread boundary).
 */
export function checkPoints(base: Scenario, sweep: SweepDefinition | undefined, shard: Shard | undefined): PointsCheck {
  return checkAndKeepPoints(base, sweep, shard).check;
}

/**
 * checkPoints, with the shard's points and the scenarios the core validated for them when the
 * sweep can run: a worker keeps them for the jobs that compute those points (worker.ts), so that
 * each point is validated once.
 */
export function checkAndKeepPoints(
  base: Scenario,
  sweep: SweepDefinition | undefined,
  shard: Shard | undefined,
): { check: PointsCheck; points: SweepPoint[] } {
  try {
    const points = shardPoints(expandSweep(base, sweep), sweep, shard);
    return {
      check: { ok: true, events: base.simulation.method === 'des' ? simulatedEvents(points) : undefined },
      points,
    };
  } catch (err) {
    if (err instanceof RunRequestError) return { check: { ok: false, issues: err.issues }, points: [] };
    throw err;
  }
}

/** The events each point's simulation will take (all strategies and seeds); a point over the per-run cap is refused by name. */
export function simulatedEvents(points: SweepPoint[]): number[] {
  const events: number[] = [];
  for (const p of points) {
    try {
      events.push(checkSimulationSize(p.scenario));
    } catch (err) {
      if (!(err instanceof SimulationTooLargeError)) throw err;
      const where = Object.keys(p.point).length === 0 ? '' : ` (at ${pointLabel(p.point)})`;
      throw new RunRequestError([{ path: 'scenario.simulation', message: `${err.message}${where}` }]);
    }
  }
  return events;
}
