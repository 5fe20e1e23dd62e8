// Which cost entries a figure rests on: each entry raised by 10% in turn and the scenario
// evaluated again with the formulas; an entry that moves a figure by more than 0.1% is one the
// figure rests on. One rule for the mail's cost section (every entry of the run's table, biggest
// effect first) and for the "~" marks (entries classed as estimates) of the matrix, the mail's
// table, `run`, `show` and the window. The formulas give the means the simulator's runs scatter
// around, so the same entries matter for discrete-event runs. Pure (the analytic model only).
import {
  MODEL_VERSION,
  runAnalytic,
  validateScenario,
  validScenarioAt,
  type CostEntry,
  type Point,
  type RunOutput,
  type Scenario,
  type StrategyId,
} from '../core/index.ts';
import { costClass } from './scenarioFields.ts';

/** A cost entry raised by this factor (an entry at 0 is set to 1)... */
export const DEPENDENCE_STEP = 1.1;
/** ...moves a figure that depends on it by more than this share. */
export const DEPENDENCE_THRESHOLD = 1e-3;

/**
 * What "~" before a figure means, as every view's key says it (the matrix, the mail's and the
 * window's tables, `show`), with the rule's own numbers.
 */
export const ESTIMATE_MARK_KEY = `~ rests on a cost entry classed as an estimate (no published figure; raised by ${Math.round((DEPENDENCE_STEP - 1) * 100)}%, it moves the figure by more than ${DEPENDENCE_THRESHOLD * 100}%, judged with the formulas)`;

/** How far a 10% rise of one cost entry moves each strategy's figures (relative change, 0 when unmoved). */
export interface CostEffect {
  entry: CostEntry;
  change: Partial<Record<StrategyId, Record<string, number>>>;
}

const relativeChange = (a: number, b: number): number =>
  a === b ? 0 : Math.abs(b - a) / Math.max(Math.abs(a), Math.abs(b), 1e-300);

/**
 * For each of `entries`, the relative change of each strategy's `metrics` at `scenario` (a
 * validated one) when that entry alone is raised by DEPENDENCE_STEP. An entry the scenario's
 * schema does not take raised is left out; a metric a strategy does not give is left out of its
 * record. `base` is the formulas' output at `scenario`, where the caller has it already.
 */
export function costEffects(
  scenario: Scenario,
  entries: readonly CostEntry[],
  metrics: readonly string[],
  base: RunOutput = runAnalytic(scenario, { breakdown: false }),
): CostEffect[] {
  const effects: CostEffect[] = [];
  for (const entry of entries) {
    const raised = entry.value === 0 ? 1 : entry.value * DEPENDENCE_STEP;
    const trial = validateScenario({
      ...scenario,
      host: { ...scenario.host, costs: { ...scenario.host.costs, [entry.key]: raised } },
    });
    if (!trial.ok) continue;
    const moved = runAnalytic(trial.value, { breakdown: false });
    const change: CostEffect['change'] = {};
    for (const r of base.strategies) {
      const after = moved.strategies.find((q) => q.strategy === r.strategy);
      const own: Record<string, number> = {};
      for (const m of metrics) {
        const a = r.metrics[m]?.mean;
        const b = after?.metrics[m]?.mean;
        if (a !== undefined && b !== undefined) own[m] = relativeChange(a, b);
      }
      change[r.strategy] = own;
    }
    effects.push({ entry, change });
  }
  return effects;
}

/**
 * For each strategy and each of `metrics`, the estimate-class entries of the scenario's own
 * cost table (today's, with its overrides) that the figure rests on.
 */
export function estimateDependencies(
  scenario: Scenario,
  metrics: readonly string[],
): Partial<Record<StrategyId, Record<string, string[]>>> {
  const base = runAnalytic(scenario, { breakdown: false });
  const out: Partial<Record<StrategyId, Record<string, string[]>>> = {};
  for (const r of base.strategies) out[r.strategy] = Object.fromEntries(metrics.map((m) => [m, [] as string[]]));
  const estimates = base.costTable.filter((entry) => costClass(entry) === 'estimate');
  for (const { entry, change } of costEffects(scenario, estimates, metrics, base))
    for (const [strategy, moved] of Object.entries(change) as [StrategyId, Record<string, number>][])
      for (const m of metrics) if ((moved[m] ?? 0) > DEPENDENCE_THRESHOLD) out[strategy]![m]!.push(entry.key);
  return out;
}

/**
 * estimateDependencies at a point of a stored experiment. Only for runs of today's model: the
 * formulas judge today's cost table and terms, which a run of another model version may not
 * have rested on. None where today's model rejects the point.
 */
export function estimatesAtPoint(
  experiment: { scenario: Scenario; modelVersion: string | null },
  point: Point,
  metrics: readonly string[],
): Partial<Record<StrategyId, Record<string, string[]>>> {
  if (experiment.modelVersion !== MODEL_VERSION) return {};
  const at = validScenarioAt(experiment.scenario, point);
  return at === undefined ? {} : estimateDependencies(at, metrics);
}

/**
 * What a view says in place of the "~" key for runs of another model than today's, which
 * estimatesAtPoint leaves unmarked; undefined for today's.
 */
export function estimatesNotJudged(modelVersion: string | null): string | undefined {
  return modelVersion === MODEL_VERSION
    ? undefined
    : `~ not judged: these runs are model ${modelVersion ?? '(unknown)'}'s, and which figures rest on a cost entry classed as an estimate is judged with today's formulas (model ${MODEL_VERSION})`;
}

/** A cost entry a result rests on, and its largest effect on the exported metric. */
export interface CostDependency {
  entry: CostEntry;
  /** Largest relative change of the exported metric, over the strategies, for +10% on this entry. */
  effect: number;
}

/**
 * The entries of `table` (a run's stored cost table) that one of the `shown` metrics of some
 * strategy at `scenario` rests on, largest effect on `metric` first.
 */
export function costDependencies(
  scenario: Scenario,
  table: readonly CostEntry[],
  metric: string,
  shown: readonly string[],
): CostDependency[] {
  const found: CostDependency[] = [];
  for (const { entry, change } of costEffects(scenario, table, [...new Set([...shown, metric])])) {
    const moves = Object.values(change);
    if (!moves.some((moved) => shown.some((m) => (moved[m] ?? 0) > DEPENDENCE_THRESHOLD))) continue;
    found.push({ entry, effect: Math.max(0, ...moves.map((moved) => moved[metric] ?? 0)) });
  }
  return found.sort((a, b) => b.effect - a.effect || a.entry.key.localeCompare(b.entry.key));
}
