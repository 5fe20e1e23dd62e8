// Sweep definitions and their expansion into scenario points (a cartesian product).
import { z } from 'zod';
import { setParameter, validateScenario, type Scenario } from '../core/index.ts';

export type ParameterValue = number | string | boolean;

/** Most points one sweep may have: keeps a hostile or mistyped sweep from running for days. */
export const MAX_SWEEP_POINTS = 10_000;

export const sweepSchema = z
  .object({
    parameters: z
      .array(
        z
          .object({
            path: z.string().regex(/^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/, 'must be a dotted path like vm.vcpus'),
            values: z.array(z.union([z.number().finite(), z.string().max(100), z.boolean()])).min(1).max(MAX_SWEEP_POINTS),
          })
          .strict(),
      )
      .min(1)
      .max(2, 'a sweep varies one or two parameters'),
  })
  .strict();
export type SweepDefinition = z.infer<typeof sweepSchema>;

export interface SweepPoint {
  point: Record<string, ParameterValue>;
  scenario: Scenario;
}

/** A run or sweep that cannot start as asked: every problem, with the path of the field at fault. */
export class RunRequestError extends Error {
  override name = 'RunRequestError';
  readonly issues: { path: string; message: string }[];
  constructor(issues: { path: string; message: string }[]) {
    super(issues.map((i) => `${i.path}: ${i.message}`).join('; '));
    this.issues = issues;
  }
}

/** Expands a sweep into validated scenarios; every bad point is reported, none silently skipped. */
export function expandSweep(base: Scenario, sweep: SweepDefinition | undefined): SweepPoint[] {
  if (sweep === undefined) return [{ point: {}, scenario: base }];
  const total = sweep.parameters.reduce((n, p) => n * p.values.length, 1);
  if (total > MAX_SWEEP_POINTS) {
    throw new RunRequestError([{ path: 'sweep.parameters', message: `${total} points is more than the limit of ${MAX_SWEEP_POINTS}; use fewer values` }]);
  }
  let points: SweepPoint[] = [{ point: {}, scenario: base }];
  for (const [pi, parameter] of sweep.parameters.entries()) {
    const next: SweepPoint[] = [];
    for (const p of points) {
      for (const [vi, value] of parameter.values.entries()) {
        let candidate: unknown;
        try {
          candidate = setParameter(p.scenario, parameter.path, value);
        } catch (err) {
          throw new RunRequestError([{ path: `sweep.parameters.${pi}.path`, message: `${parameter.path}: ${err instanceof Error ? err.message : String(err)}` }]);
        }
        const checked = validateScenario(candidate);
        if (!checked.ok) {
          throw new RunRequestError(checked.issues.map((i) => ({ path: `sweep.parameters.${pi}.values.${vi}`, message: `${parameter.path} = ${String(value)}: ${i.path} ${i.message}` })));
        }
        next.push({ point: { ...p.point, [parameter.path]: value }, scenario: checked.value });
      }
    }
    points = next;
  }
  return points;
}
