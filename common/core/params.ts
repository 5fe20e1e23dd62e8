// Addressing scenario fields by dotted path, for sweeps, and what a run of a scenario computes.
import type { Method, StrategyId } from './api.ts';
import { COST_KEYS } from './costs.ts';
import { dottedPathProblem } from './paths.ts';
import type { Scenario } from './scenario.ts';
import { enabledStrategies } from './strategies.ts';

/**
 * A copy of the scenario with one leaf replaced. The path must name an existing number, boolean
 * or string field and the value must be of the same type, or an absent optional field (a cost
 * override in host.costs); the caller validates the result (the schema is strict, so an unknown
 * field is reported there).
 *
 * Only the objects on the path are copied: the copy shares every other object with `scenario`.
 * Scenarios are never changed once made, and a sweep's thousands of points then hold one copy of
 * what they do not vary, which the analytic engine reads for every point from cache instead of
 * from memory (issue 13: ~10% of the 10,000-point bench).
 */
export function setParameter(scenario: Scenario, path: string, value: unknown): Scenario {
  const keys = path.split('.');
  if (dottedPathProblem(path) !== undefined) throw new Error(`"${path}" is not a field path`);
  const copy: Record<string, unknown> = { ...scenario };
  let node = copy;
  for (const [i, key] of keys.entries()) {
    const last = i === keys.length - 1;
    if (!Object.hasOwn(node, key) && !last)
      throw new Error(`"${keys.slice(0, i + 1).join('.')}" is not a field of the scenario`);
    const current = node[key];
    if (last && current === undefined) {
      node[key] = value;
    } else if (last) {
      if (current === null || typeof current === 'object') throw new Error(`"${path}" is a group, not a value`);
      if (typeof current !== typeof value)
        throw new Error(`"${path}" takes a ${typeof current}, not a ${typeof value}`);
      node[key] = value;
    } else {
      if (current === null || typeof current !== 'object' || Array.isArray(current))
        throw new Error(`"${keys.slice(0, i + 1).join('.')}" has no fields`);
      const child = { ...(current as Record<string, unknown>) };
      node[key] = child;
      node = child;
    }
  }
  return copy as unknown as Scenario;
}

/** The dotted paths of every number, boolean and string leaf (what a sweep can vary). */
export function parameterPaths(scenario: Scenario): { path: string; type: 'number' | 'boolean' | 'string' }[] {
  const out: { path: string; type: 'number' | 'boolean' | 'string' }[] = [];
  const walk = (node: unknown, prefix: string): void => {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return;
    for (const [key, value] of Object.entries(node)) {
      const path = prefix === '' ? key : `${prefix}.${key}`;
      if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string')
        out.push({ path, type: typeof value as 'number' | 'boolean' | 'string' });
      else walk(value, path);
    }
  };
  walk(scenario, '');
  for (const key of COST_KEYS)
    if (scenario.host.costs[key] === undefined) out.push({ path: `host.costs.${key}`, type: 'number' });
  return out.filter((p) => p.path !== 'format' && !decidesRunPlan(p.path));
}

/**
 * Whether a path is one runPlan reads: the method (and with it the seeds) and which strategies
 * are enabled decide which runs an experiment has, once, from its base scenario. A sweep cannot
 * vary them: its runs would be labelled with the base's plan and computed with another.
 */
export function decidesRunPlan(path: string): boolean {
  return (
    path === 'simulation.method' || /^simulation\.seeds(\.|$)/.test(path) || /^strategies\.[^.]+\.enabled$/.test(path)
  );
}

/** Why a sweep cannot vary `path` (decidesRunPlan), or undefined when that is not why. */
export function runPlanPathProblem(path: string): string | undefined {
  if (!decidesRunPlan(path)) return undefined;
  return `${path} decides which runs an experiment has (the method, its seeds, the strategies enabled), the same at every point: run an experiment for each value instead`;
}

export function runPlan(scenario: Scenario): { method: Method; strategies: StrategyId[]; seeds: number[] } {
  const method = scenario.simulation.method;
  return {
    method,
    strategies: enabledStrategies(scenario),
    seeds: method === 'des' ? [...scenario.simulation.seeds] : [],
  };
}
