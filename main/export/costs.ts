// The cost entries a result depends on, for the mail: each entry of the run's cost table is
// raised by 10% in turn and the scenario (at the reported point) evaluated again with the
// analytic model; the entries that move a number the mail shows by more than 0.1% are the ones
// a reviewer needs to see, biggest effect on the exported metric first. The analytic model gives the means the
// simulator's runs scatter around, so the same entries matter for discrete-event runs.
import { runAnalytic, setParameter, validateScenario, type CostEntry, type Scenario } from '../../common/core/index.ts';
import type { Point } from '../../common/analysis/points.ts';

/** Model 2.0's cost entry: the source class and the range its sources give (absent before 2.0). */
export type ClassedCostEntry = CostEntry & {
  class?: 'primary' | 'secondary' | 'estimate';
  low?: number;
  high?: number;
};

export interface CostDependency {
  entry: CostEntry;
  /** Largest relative change of the exported metric, over the strategies, for +10% on this entry. */
  effect: number;
}

const STEP = 1.1;
/** A change smaller than this share (0.1%) does not count as moving a number. */
const THRESHOLD = 1e-3;

/** The scenario as run at a sweep point; undefined when the point no longer validates. */
export function scenarioAt(scenario: Scenario, point: Point): Scenario | undefined {
  let s = scenario;
  try {
    for (const [path, value] of Object.entries(point)) s = setParameter(s, path, value);
  } catch {
    return undefined;
  }
  const checked = validateScenario(s);
  return checked.ok ? checked.value : undefined;
}

function metricsOf(scenario: Scenario): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of runAnalytic(scenario).strategies)
    for (const [key, e] of Object.entries(r.metrics)) out.set(`${r.strategy} ${key}`, e.mean);
  return out;
}

const changed = (a: number, b: number): number =>
  a === b ? 0 : Math.abs(b - a) / Math.max(Math.abs(a), Math.abs(b), 1e-300);

/** Entries of `table` that move one of the `shown` metrics at `point`, by their effect on `metric`. */
export function costDependencies(
  scenario: Scenario,
  point: Point,
  table: readonly CostEntry[],
  metric: string,
  shown: readonly string[],
): CostDependency[] {
  const base = scenarioAt(scenario, point);
  if (base === undefined) return [];
  const reference = metricsOf(base);
  const found: CostDependency[] = [];
  for (const entry of table) {
    const bumped = entry.value === 0 ? 1 : entry.value * STEP;
    const trial = scenarioAt(
      { ...base, host: { ...base.host, costs: { ...base.host.costs, [entry.key]: bumped } } },
      {},
    );
    if (trial === undefined) continue;
    const moved = metricsOf(trial);
    let any = false;
    let effect = 0;
    for (const [key, value] of reference) {
      const d = changed(value, moved.get(key) ?? value);
      if (d > THRESHOLD && shown.some((m) => key.endsWith(` ${m}`))) any = true;
      if (key.endsWith(` ${metric}`)) effect = Math.max(effect, d);
    }
    if (any) found.push({ entry, effect });
  }
  return found.sort((a, b) => b.effect - a.effect || a.entry.key.localeCompare(b.entry.key));
}
