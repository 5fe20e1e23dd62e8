// Sweep definitions and their expansion into scenario points (a cartesian product).
import { z } from 'zod';
import { GmemlabError } from './errors.ts';
import { runPlanPathProblem, setParameter } from './params.ts';
import { dottedPathProblem, dottedPathSchema } from './paths.ts';
import { validateChangedScenario, validateScenario, type Scenario } from './scenario.ts';

export type ParameterValue = number | string | boolean;
/** The swept parameters' values at one point of a sweep, by dotted path ({} for a single run). */
export type Point = Record<string, ParameterValue>;

/** The scenario a point of a sweep computes: `base` with the point's values set (not validated). */
export function applyPoint(base: Scenario, point: Point): Scenario {
  let scenario = base;
  for (const [path, value] of Object.entries(point)) scenario = setParameter(scenario, path, value);
  return scenario;
}

/**
 * The scenario a point of `base` computes, validated by this model (which fills in the defaults
 * of fields a revision saved by an older model lacks), or why this model rejects it: a value out
 * of range, a field it needs and has no default for, or a path a stored point names that the
 * scenario no longer has.
 */
export function scenarioAt(
  base: Scenario,
  point: Point,
): { ok: true; scenario: Scenario } | { ok: false; message: string } {
  let applied: Scenario;
  try {
    applied = applyPoint(base, point);
  } catch (err) {
    return { ok: false, message: `this model rejects the point: ${err instanceof Error ? err.message : String(err)}` };
  }
  const checked = validateScenario(applied);
  if (checked.ok) return { ok: true, scenario: checked.value };
  return {
    ok: false,
    message: `this model rejects the scenario: ${checked.issues.map((i) => `${i.path} ${i.message}`).join('; ')}`,
  };
}

/** scenarioAt's scenario, or undefined where this model rejects the point (a view then leaves out what needs it). */
export function validScenarioAt(base: Scenario, point: Point): Scenario | undefined {
  const at = scenarioAt(base, point);
  return at.ok ? at.scenario : undefined;
}

/** Most points one sweep may have: keeps a hostile or mistyped sweep from running for days. */
export const MAX_SWEEP_POINTS = 10_000;
/**
 * Most discrete-event simulations one experiment may ask for (points x strategies x seeds):
 * checked before anything is recorded or expanded, so a request that would run for hours is
 * refused up front. Analytic runs are instant and bounded by MAX_SWEEP_POINTS alone.
 */
export const MAX_SIMULATIONS = 50_000;
/**
 * Most simulated events one experiment may add up to over all its points (the core caps each
 * point at MAX_EVENTS_PER_RUN). At the simulator's ~10 million events/s per core
 * this is about 17 minutes on two cores (target in bench/des.ts).
 */
export const MAX_EVENTS_PER_EXPERIMENT = 20_000_000_000;

export const sweepSchema = z
  .object({
    parameters: z
      .array(
        z
          .object({
            path: dottedPathSchema,
            values: z
              .array(z.union([z.number().finite(), z.string().max(100), z.boolean()]))
              .min(1)
              .max(MAX_SWEEP_POINTS),
          })
          .strict(),
      )
      .min(1)
      .max(2, 'a sweep varies one or two parameters')
      .refine(
        (parameters) => new Set(parameters.map((p) => p.path)).size === parameters.length,
        'the two swept parameters must be different paths',
      ),
  })
  .strict();
export type SweepDefinition = z.infer<typeof sweepSchema>;

export interface SweepPoint {
  point: Point;
  scenario: Scenario;
}

/** A run or sweep that cannot start as asked: every problem, with the path of the field at fault. */
export class RunRequestError extends GmemlabError {
  declare readonly issues: { path: string; message: string }[];
  constructor(issues: { path: string; message: string }[]) {
    super('invalid_input', issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues);
  }
}

/** How many scenario points a sweep has (1 without a sweep). */
export function sweepPointCount(sweep: SweepDefinition | undefined): number {
  return sweep === undefined ? 1 : sweep.parameters.reduce((n, p) => n * p.values.length, 1);
}

/**
 * Refuses, before anything starts, a discrete-event experiment of more than MAX_SIMULATIONS
 * simulations. `seeds` is 0 for an analytic run (one instant computation per point).
 */
export function checkRunBudget(points: number, strategies: number, seeds: number): void {
  if (seeds === 0) return;
  const simulations = points * strategies * seeds;
  if (simulations > MAX_SIMULATIONS) {
    throw new RunRequestError([
      {
        path: 'sweep',
        message: `would run ${simulations} simulations (${points} points x ${strategies} strategies x ${seeds} seeds); the limit is ${MAX_SIMULATIONS}: lower the number of sweep values, strategies or seeds`,
      },
    ]);
  }
}

/** Refuses a discrete-event experiment whose points add up to more than MAX_EVENTS_PER_EXPERIMENT events. */
export function checkEventBudget(events: number, points: number): void {
  if (events > MAX_EVENTS_PER_EXPERIMENT) {
    throw new RunRequestError([
      {
        path: 'scenario.simulation',
        message:
          `would simulate about ${Math.round(events / 1e9)} billion events over ${points} points; the limit is ${MAX_EVENTS_PER_EXPERIMENT / 1e9} billion per experiment: ` +
          'lower the number of sweep values, seeds or strategies, or shorten simulation.durationSec',
      },
    ]);
  }
}

/**
 * The parent objects a dotted path walks through must be the scenario's own objects: a path
 * through an inherited member (toString.x) would make setParameter write outside the scenario.
 */
function checkPathOwned(base: Scenario, path: string): string | undefined {
  let node: unknown = base;
  const segments = path.split('.');
  for (const [i, segment] of segments.slice(0, -1).entries()) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, segment))
      return `${segments.slice(0, i + 1).join('.')} is not a field of the scenario`;
    node = (node as Record<string, unknown>)[segment];
  }
  if (typeof node !== 'object' || node === null)
    return `${segments.slice(0, -1).join('.')} is not an object of the scenario`;
  return undefined;
}

/** Expands a sweep into validated scenarios; every bad point is reported, none silently skipped. */
export function expandSweep(base: Scenario, sweep: SweepDefinition | undefined): SweepPoint[] {
  if (sweep === undefined) return [{ point: {}, scenario: base }];
  const total = sweepPointCount(sweep);
  for (const [pi, parameter] of sweep.parameters.entries()) {
    const invalid = dottedPathProblem(parameter.path);
    const problem =
      invalid !== undefined
        ? `${parameter.path}: ${invalid}`
        : (runPlanPathProblem(parameter.path) ?? checkPathOwned(base, parameter.path));
    if (problem !== undefined) throw new RunRequestError([{ path: `sweep.parameters.${pi}.path`, message: problem }]);
  }
  if (total > MAX_SWEEP_POINTS) {
    throw new RunRequestError([
      {
        path: 'sweep.parameters',
        message: `${total} points is more than the limit of ${MAX_SWEEP_POINTS}; use fewer values`,
      },
    ]);
  }
  // Each point changes one value of a valid scenario at a time: only that value and the rules
  // across fields need checking. A base that is not valid is checked whole at every point, as
  // before, so its problems are reported as they always were.
  const valid = validateScenario(base);
  const validate = valid.ok ? validateChangedScenario : (candidate: Scenario) => validateScenario(candidate);
  let points: SweepPoint[] = [{ point: {}, scenario: valid.ok ? valid.value : base }];
  for (const [pi, parameter] of sweep.parameters.entries()) {
    const next: SweepPoint[] = [];
    for (const p of points) {
      for (const [vi, value] of parameter.values.entries()) {
        let candidate: unknown;
        try {
          candidate = setParameter(p.scenario, parameter.path, value);
        } catch (err) {
          throw new RunRequestError([
            {
              path: `sweep.parameters.${pi}.path`,
              message: `${parameter.path}: ${err instanceof Error ? err.message : String(err)}`,
            },
          ]);
        }
        const checked = validate(candidate as Scenario, parameter.path);
        if (!checked.ok) {
          throw new RunRequestError(
            checked.issues.map((i) => ({
              path: `sweep.parameters.${pi}.values.${vi}`,
              message: `${parameter.path} = ${String(value)}: ${i.path} ${i.message}`,
            })),
          );
        }
        next.push({ point: { ...p.point, [parameter.path]: value }, scenario: checked.value });
      }
    }
    points = next;
  }
  return points;
}

/** Shard I of N of a sweep (I from 1): the points whose index in the sweep's order is I-1 modulo N. */
export interface Shard {
  index: number;
  count: number;
}

export const MAX_SHARDS = 10_000;

/** A shard as a call's input (what parseShard makes of the CLI's `--shard I/N`). */
export const shardSchema = z
  .object({ index: z.number().int().min(1), count: z.number().int().min(1).max(MAX_SHARDS) })
  .strict()
  .refine((s) => s.index <= s.count, { message: 'must be from 1 to count', path: ['index'] });

/** The name a shard's experiment gets: the sweep's, then "(shard I/N)"; `wholeName` undoes it once the shards are merged. */
export function shardName(name: string, shard: Shard): string {
  return `${name} (shard ${shard.index}/${shard.count})`;
}

export function wholeName(name: string): string {
  return name.replace(/ \(shard \d+\/\d+\)$/, '');
}

/** `I/N` from the command line. */
export function parseShard(text: string): Shard | { error: string } {
  const m = /^(\d{1,5})\/(\d{1,5})$/.exec(text);
  if (m === null) return { error: `"${text}" is not I/N (e.g. 2/8: the second of eight shards)` };
  const [index, count] = [Number(m[1]), Number(m[2])];
  if (count < 1 || count > MAX_SHARDS) return { error: `N must be from 1 to ${MAX_SHARDS}` };
  if (index < 1 || index > count) return { error: `I must be from 1 to N (${count})` };
  return { index, count };
}

/**
 * Which shard (1..count) a sweep point belongs to: its index in expandSweep's order (the first
 * parameter varies slowest), modulo count. Every machine computes the same split.
 */
export function shardOf(sweep: SweepDefinition, point: Point, count: number): number {
  let index = 0;
  for (const parameter of sweep.parameters) {
    const position = parameter.values.findIndex((v) => v === point[parameter.path]);
    if (position < 0)
      throw new RangeError(`${parameter.path} = ${String(point[parameter.path])} is not a value of this sweep`);
    index = index * parameter.values.length + position;
  }
  return (index % count) + 1;
}
