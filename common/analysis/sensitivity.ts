// "And if STAC costs 30 cycles instead of 5?": each cost entry varied over the range its sources
// give, one at a time (a tornado per strategy), and all of them together (does the ranking of
// the strategies change anywhere?). Computed with the formulas, whatever method made the result.
import { DEFAULT_COSTS, runAnalytic, type CostClass, type Scenario, type StrategyId } from '../core/index.ts';

export interface SensitivityBar {
  key: string;
  label: string;
  class: CostClass;
  /** The value the scenario uses, and the range varied over. */
  value: number;
  low: number;
  high: number;
  /** The metric per strategy with this entry at its low and at its high end. */
  atLow: Partial<Record<StrategyId, number>>;
  atHigh: Partial<Record<StrategyId, number>>;
  /** The largest change of any strategy's metric over the range (for ordering the tornado). */
  swing: number;
}

export interface RankingCheck {
  /** Strategies from lowest to highest metric; ties (within 1e-9 relative) share a place. */
  base: StrategyId[][];
  samples: number;
  /** Share of the joint samples whose ranking differs from the base one. */
  changedShare: number;
  /** The most common other ranking, and its share, when there is one. */
  alternative?: { ranking: StrategyId[][]; share: number };
  /** One line for a post. */
  summary: string;
}

export interface Sensitivity {
  metric: string;
  base: Partial<Record<StrategyId, number>>;
  /** Entries with a range, largest swing first; entries the scenario overrides vary around the override. */
  bars: SensitivityBar[];
  ranking: RankingCheck;
}

/** A small seeded generator (mulberry32): the same scenario and seed give the same samples. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function metricOf(s: Scenario, metric: string): Partial<Record<StrategyId, number>> {
  const out: Partial<Record<StrategyId, number>> = {};
  for (const r of runAnalytic(s, { breakdown: false }).strategies) {
    const e = r.metrics[metric];
    if (e !== undefined) out[r.strategy] = e.mean;
  }
  return out;
}

function withCosts(s: Scenario, costs: Record<string, number>): Scenario {
  return { ...s, host: { ...s.host, costs: { ...s.host.costs, ...costs } } };
}

/** Strategies in increasing order of the metric, ties grouped. */
export function rankingOf(values: Partial<Record<StrategyId, number>>): StrategyId[][] {
  const sorted = (Object.entries(values) as [StrategyId, number][]).sort((a, b) => a[1] - b[1]);
  const groups: StrategyId[][] = [];
  let last = Number.NaN;
  for (const [id, v] of sorted) {
    const tie = groups.length > 0 && Math.abs(v - last) <= 1e-9 * Math.max(Math.abs(v), Math.abs(last), 1e-300);
    if (tie) groups[groups.length - 1]!.push(id);
    else groups.push([id]);
    last = v;
  }
  return groups;
}

export const rankingText = (r: StrategyId[][]): string => r.map((g) => g.join(' = ')).join(' < ');

/**
 * The sensitivity of `metric` (default: vCPU overhead) to the cost table. One at a time: each
 * entry at the low and high ends of its range. Together: `samples` draws of every entry at once,
 * uniform over its range (log-uniform where the range spans a decade or more).
 */
export function sensitivity(
  scenario: Scenario,
  options: { metric?: string; samples?: number; seed?: number } = {},
): Sensitivity {
  const metric = options.metric ?? 'cost.cyclesPerSecPerVcpu';
  const samples = Math.max(1, Math.min(10_000, Math.floor(options.samples ?? 200)));
  const base = metricOf(scenario, metric);
  const overrides = scenario.host.costs as Record<string, number | undefined>;
  const bars: SensitivityBar[] = [];
  const ranged = DEFAULT_COSTS.filter((c) => c.high > c.low);
  for (const c of ranged) {
    const value = overrides[c.key] ?? c.value;
    // An override moves the entry: its range is the default's, stretched to include it.
    const low = Math.min(c.low, value);
    const high = Math.max(c.high, value);
    const atLow = metricOf(withCosts(scenario, { [c.key]: low }), metric);
    const atHigh = metricOf(withCosts(scenario, { [c.key]: high }), metric);
    let swing = 0;
    for (const id of Object.keys(base) as StrategyId[])
      swing = Math.max(swing, Math.abs((atHigh[id] ?? 0) - (atLow[id] ?? 0)));
    bars.push({ key: c.key, label: c.label, class: c.class, value, low, high, atLow, atHigh, swing });
  }
  bars.sort((a, b) => b.swing - a.swing);

  const baseRanking = rankingOf(base);
  const baseText = rankingText(baseRanking);
  const random = generator(options.seed ?? 1);
  const counts = new Map<string, { ranking: StrategyId[][]; n: number }>();
  let changed = 0;
  for (let i = 0; i < samples; i++) {
    const costs: Record<string, number> = {};
    for (const c of ranged) {
      const low = Math.max(Math.min(c.low, overrides[c.key] ?? c.value), 0);
      const high = Math.max(c.high, overrides[c.key] ?? c.value);
      const u = random();
      costs[c.key] = low > 0 && high / low >= 10 ? low * (high / low) ** u : low + (high - low) * u;
    }
    const ranking = rankingOf(metricOf(withCosts(scenario, costs), metric));
    const text = rankingText(ranking);
    if (text === baseText) continue;
    changed++;
    const entry = counts.get(text) ?? { ranking, n: 0 };
    entry.n++;
    counts.set(text, entry);
  }
  const top = [...counts.values()].sort((a, b) => b.n - a.n)[0];
  const changedShare = changed / samples;
  const swaps = top === undefined ? [] : swappedPairs(baseRanking, top.ranking);
  const summary =
    changed === 0
      ? `the ranking ${baseText} holds in all ${samples} draws of every cost entry over its range`
      : `the ranking ${baseText} changes in ${(changedShare * 100).toFixed(0)}% of ${samples} draws of every cost entry over its range; most often to ${rankingText(top!.ranking)}${swaps.length > 0 ? ` (${swaps.map(([a, b]) => `${a} and ${b}`).join(', ')} swap)` : ''}`;
  return {
    metric,
    base,
    bars,
    ranking: {
      base: baseRanking,
      samples,
      changedShare,
      ...(top === undefined ? {} : { alternative: { ranking: top.ranking, share: top.n / samples } }),
      summary,
    },
  };
}

/**
 * The strategies no other beats on both axes (lower is better on each): the Pareto front of a
 * cost-against-exposure plane. A strategy equal on both to another is on the front with it.
 */
export function paretoFront<T extends { id: string; cost: number; exposure: number }>(points: T[]): Set<string> {
  // By cost, then a sweep: a point is beaten by a cheaper one no more exposed, or by an equally
  // cheap one less exposed. O(n log n): a 70,000-run sweep's plane took seconds pairwise (issue 20).
  // A NaN compares false with everything: such a point beats none and none beats it.
  const front = new Set<string>();
  const sorted: T[] = [];
  for (const p of points) {
    if (Number.isNaN(p.cost) || Number.isNaN(p.exposure)) front.add(p.id);
    else sorted.push(p);
  }
  sorted.sort((a, b) => (a.cost < b.cost ? -1 : a.cost > b.cost ? 1 : 0));
  let cheaperLeast: number | undefined; // the least exposure among strictly cheaper points
  for (let start = 0; start < sorted.length;) {
    let end = start;
    let groupLeast = sorted[start]!.exposure;
    for (; end < sorted.length && sorted[end]!.cost === sorted[start]!.cost; end++)
      groupLeast = Math.min(groupLeast, sorted[end]!.exposure);
    for (let i = start; i < end; i++) {
      const p = sorted[i]!;
      if (!(cheaperLeast !== undefined && cheaperLeast <= p.exposure) && !(groupLeast < p.exposure)) front.add(p.id);
    }
    cheaperLeast = cheaperLeast === undefined ? groupLeast : Math.min(cheaperLeast, groupLeast);
    start = end;
  }
  return front;
}

/** The pairs of strategies whose order differs between two rankings (ties count as an order of their own). */
export function swappedPairs(a: StrategyId[][], b: StrategyId[][]): [StrategyId, StrategyId][] {
  const place = (r: StrategyId[][]): Map<StrategyId, number> =>
    new Map(r.flatMap((group, i) => group.map((id) => [id, i] as const)));
  const [pa, pb] = [place(a), place(b)];
  const ids = a.flat().filter((id) => pb.has(id));
  const out: [StrategyId, StrategyId][] = [];
  for (let i = 0; i < ids.length; i++)
    for (let j = i + 1; j < ids.length; j++) {
      const [x, y] = [ids[i]!, ids[j]!];
      if (Math.sign(pa.get(x)! - pa.get(y)!) !== Math.sign(pb.get(x)! - pb.get(y)!)) out.push([x, y]);
    }
  return out;
}

/** Entries a tornado draws; the rest move the metric less (the window and the exports alike). */
export const TORNADO_TOP = 12;

/** The tornado of one strategy: the entries that move its metric, largest swing first, at most `top`. */
export function tornadoBars(
  s: Sensitivity,
  strategy: StrategyId,
  top = TORNADO_TOP,
): { bars: (SensitivityBar & { own: number })[]; more: number; base: number } {
  const moving = s.bars
    .map((b) => ({ ...b, own: Math.abs((b.atHigh[strategy] ?? 0) - (b.atLow[strategy] ?? 0)) }))
    .filter((b) => b.own > 0)
    .sort((a, b) => b.own - a.own);
  return { bars: moving.slice(0, top), more: Math.max(0, moving.length - top), base: s.base[strategy] ?? 0 };
}
