// gmemlab diff
import { METRIC_CATALOGUE, TOUCHPOINTS, type TouchpointId } from '../../../common/core/index.ts';
import { isRecordedParameter, methodsNote, type MetricDelta, type PathDiff } from '../../../common/analysis/diff.ts';
import { pointKey, pointLabel, type Point } from '../../../common/analysis/points.ts';
import { formatDelta, formatValue } from '../../../common/analysis/format.ts';
import { experimentDetail, type ExperimentDetail, type RunDiff } from '../../../common/contract/index.ts';
import { getPath } from '../../../common/analysis/schemaFields.ts';
import { isStateMetric, stateWord } from '../../../common/analysis/trust.ts';
import type { App } from '../../app.ts';
import { call, out, parseExperimentId, printJson, UsageError, withApp, type Command } from '../shared.ts';

export const diffCommand: Command = {
  name: 'diff',
  summary: 'what differs between two experiments (or two runs): changed parameters, and the metrics beyond the CI',
  usage:
    'gmemlab diff ID ID [--runs] [--all] [--db PATH] [--json]\n' +
    '  a summary by default; --all: every paired run, every parameter and metric',
  options: { runs: { type: 'boolean', default: false }, all: { type: 'boolean', default: false } },
  async run({ positionals, values, json }) {
    if (positionals.length !== 2)
      throw new UsageError(
        `diff needs two ${values['runs'] === true ? 'run' : 'experiment'} IDs, got ${positionals.length}`,
      );
    const [a, b] = positionals.map(parseExperimentId) as [number, number];
    const all = values['all'] === true;
    return withApp(
      values,
      async (app) => {
        const pairs =
          values['runs'] === true
            ? [await call(app, 'diffRuns', { runIdA: a, runIdB: b })]
            : await experimentPairs(app, a, b);
        if (json) printJson(values['runs'] === true ? pairs[0] : pairs);
        else if (all || values['runs'] === true) out(pairs.map((d) => describe(d, all)).join('\n\n'));
        else out(summarise(pairs));
        return 0;
      },
      { readOnly: true },
    );
  },
};

/**
 * The runs of two experiments paired by strategy and point, each pair diffed. A point is read
 * over the parameters either experiment sweeps, from the run's point or else its scenario: a
 * single run at 8 vCPUs pairs with a vCPU sweep's runs at 8.
 */
async function experimentPairs(app: App, a: number, b: number): Promise<RunDiff[]> {
  const ea = experimentDetail(await call(app, 'getExperiment', { experimentId: a }));
  const eb = experimentDetail(await call(app, 'getExperiment', { experimentId: b }));
  const paths = [...new Set([...sweptPaths(ea), ...sweptPaths(eb)])];
  const keyIn =
    (e: ExperimentDetail) =>
    (r: { strategy: string; point: Point }): string => {
      const at: Point = {};
      for (const path of paths) at[path] = (r.point[path] ?? getPath(e.scenario, path)) as Point[string];
      return `${r.strategy} ${pointKey(at)}`;
    };
  const [keyA, keyB] = [keyIn(ea), keyIn(eb)];
  const byKey = new Map(eb.runs.map((r) => [keyB(r), r]));
  const pairs = ea.runs.filter((r) => byKey.has(keyA(r))).map((r) => [r.id, byKey.get(keyA(r))!.id] as const);
  if (pairs.length === 0)
    throw new UsageError(
      `experiments ${a} and ${b} have no run in common (same strategy at the same sweep point); compare runs with --runs RUN RUN`,
    );
  return Promise.all(pairs.map(([runIdA, runIdB]) => call(app, 'diffRuns', { runIdA, runIdB })));
}

/** The parameters an experiment sweeps: its sweep's, or those its runs' points name. */
const sweptPaths = (e: ExperimentDetail): string[] =>
  e.sweep?.parameters.map((p) => p.path) ?? [...new Set(e.runs.flatMap((r) => Object.keys(r.point)))];

function describe(d: RunDiff, all: boolean): string {
  const where = pointLabel(d.a.point, ' ');
  const lines = [
    `${d.a.strategy}${where === '' ? '' : ` at ${where}`}: run ${d.a.id} (experiment ${d.a.experimentId}) vs run ${d.b.id} (experiment ${d.b.experimentId})`,
  ];
  const params = d.parameters.filter((p: PathDiff) => all || p.changed);
  lines.push(params.length === 0 ? '  parameters: the same' : '  parameters:');
  for (const p of params)
    lines.push(`    ${p.path}: ${JSON.stringify(p.a) ?? '(absent)'} -> ${JSON.stringify(p.b) ?? '(absent)'}`);
  const costs = d.costs.filter((c) => all || c.changed);
  if (costs.length > 0) lines.push('  cost entries (a -> b):');
  for (const c of costs) {
    const v = (x: number | null): string => (x === null ? '-' : formatValue(x));
    const source = c.sourceA === c.sourceB ? '' : ` (source: ${c.sourceA ?? '-'} -> ${c.sourceB ?? '-'})`;
    lines.push(`    ${c.key}: ${v(c.a)} -> ${v(c.b)} ${c.unit}${source}`);
  }
  const metrics = d.metrics.filter((m: MetricDelta) => all || m.abs !== 0);
  lines.push(
    metrics.length === 0
      ? '  metrics: the same'
      : '  metrics (a -> b, delta, % delta; * moved: beyond the 95% CI where seeds give one):',
  );
  for (const m of metrics) lines.push(`    ${m.beyondCi ? '*' : ' '} ${m.key}: ${moveText(m)}`);
  const idle = idleLine(d.idleTouchpoints);
  if (idle !== undefined) lines.push(`  ${idle}`);
  for (const line of idleInOneLines(d.idleInOne.a, d.idleInOne.b)) lines.push(`  ${line}`);
  const methods = methodsNote(d.parameters);
  if (methods !== undefined) lines.push(`  ${methods}`);
  return lines.join('\n');
}

/**
 * A metric's move as `a -> b unit, delta (% delta)` (without the delta: `a -> b unit (% delta)`);
 * an exposure state's as words ("always -> never"): a scale of three, not a quantity to subtract.
 */
function moveText(m: MetricDelta, withDelta = true): string {
  if (isStateMetric(m.key)) {
    const word = (e: MetricDelta['a']): string => (e === null ? '-' : stateWord(e.mean));
    return `${word(m.a)} -> ${word(m.b)}`;
  }
  const unit = METRIC_CATALOGUE.find((i) => i.key === m.key)?.unit ?? '';
  const value = (e: MetricDelta['a']): string => (e === null ? '-' : formatValue(e.mean));
  const pct = m.pct === null ? '' : ` (${formatDelta(m.pct)}%)`;
  const delta = withDelta ? `, ${m.abs === null ? '-' : formatDelta(m.abs)}` : '';
  return `${value(m.a)} -> ${value(m.b)} ${unit}${delta}${pct}`;
}

/** "not shown: the latency of ..." for touchpoints with events in neither run; undefined for none. */
function idleLine(touchpoints: string[]): string | undefined {
  if (touchpoints.length === 0) return undefined;
  const names = touchpoints.map((t) => TOUCHPOINTS[t as TouchpointId]?.label ?? t);
  return `not shown: the latency of ${names.join(', ')} (no events in either run)`;
}

/** Lines for touchpoints with events in one run only: their latency there is one event's. */
function idleInOneLines(inA: string[], inB: string[]): string[] {
  const names = (tps: string[]): string => tps.map((t) => TOUCHPOINTS[t as TouchpointId]?.label ?? t).join(', ');
  return [
    ...(inA.length > 0 ? [`no events in run a: the latency of ${names(inA)} there is what one event would take`] : []),
    ...(inB.length > 0 ? [`no events in run b: the latency of ${names(inB)} there is what one event would take`] : []),
  ];
}

type RunPairDiff = RunDiff;

/**
 * What changed, once: the parameters that differ (with how many paired runs they differ in),
 * then per metric how many pairs moved beyond the CI and the largest move; pairs with no change
 * are counted, not listed.
 */
export function summarise(pairs: RunPairDiff[]): string {
  const first = pairs[0]!;
  const lines = [
    `experiment ${first.a.experimentId} vs experiment ${first.b.experimentId}: ${pairs.length} runs paired by strategy and point`,
  ];
  // The scenario's changes; the runs' recorded strategy parameters, derived from it, are counted apart.
  const params = new Map<string, { a: unknown; b: unknown; count: number }>();
  const recorded = new Set<string>();
  for (const d of pairs)
    for (const p of d.parameters.filter((q: PathDiff) => q.changed)) {
      if (isRecordedParameter(p.path)) {
        recorded.add(p.path);
        continue;
      }
      const seen = params.get(p.path);
      if (seen === undefined) params.set(p.path, { a: p.a, b: p.b, count: 1 });
      else seen.count++;
    }
  lines.push('', params.size === 0 ? 'parameters: the same' : 'parameters (a -> b):');
  for (const [path, p] of params)
    lines.push(
      `  ${path}: ${JSON.stringify(p.a) ?? '(absent)'} -> ${JSON.stringify(p.b) ?? '(absent)'}${p.count < pairs.length ? ` (in ${p.count} of ${pairs.length} runs)` : ''}`,
    );
  if (recorded.size > 0)
    lines.push(`  and in the runs' recorded strategy parameters (derived from those): ${[...recorded].join(', ')}`);
  // The cost entries the two runs used, where they differ (a calibrated run against a default one).
  const costs = new Map<string, RunPairDiff['costs'][number]>();
  for (const d of pairs) for (const c of d.costs.filter((x) => x.changed)) if (!costs.has(c.key)) costs.set(c.key, c);
  if (costs.size > 0) lines.push('cost entries (a -> b):');
  for (const c of costs.values()) {
    const v = (x: number | null): string => (x === null ? '-' : formatValue(x));
    const source = c.sourceA === c.sourceB ? '' : ` (source: ${c.sourceA ?? '-'} -> ${c.sourceB ?? '-'})`;
    lines.push(`  ${c.key}: ${v(c.a)} -> ${v(c.b)} ${c.unit}${source}`);
  }
  const byMetric = new Map<string, { count: number; largest: { d: RunPairDiff; m: MetricDelta } }>();
  for (const d of pairs)
    for (const m of d.metrics.filter((m) => m.beyondCi)) {
      const seen = byMetric.get(m.key);
      // One metric, one unit: the move that changed it most, not the largest ratio (4e-7 -> 0,
      // -100%, outranked 232.5 -> 119.7). (A metric on one side only is never beyond its CI.)
      const size = (x: MetricDelta): number => Math.abs(x.abs ?? Infinity);
      if (seen === undefined) byMetric.set(m.key, { count: 1, largest: { d, m } });
      else {
        seen.count++;
        if (size(m) > size(seen.largest.m)) seen.largest = { d, m };
      }
    }
  const same = pairs.filter((d) => !d.metrics.some((m) => m.beyondCi)).length;
  lines.push(
    '',
    byMetric.size === 0
      ? 'metrics: none moved (beyond its 95% CI where seeds give one)'
      : `metrics that moved, beyond the 95% CI where seeds give one (pairs that moved; the largest move, a -> b):`,
  );
  const order = METRIC_CATALOGUE.map((m) => m.key);
  for (const [key, { count, largest }] of [...byMetric].sort(
    ([x], [y]) => (order.indexOf(x) + 1 || 1e9) - (order.indexOf(y) + 1 || 1e9) || x.localeCompare(y),
  )) {
    const { d, m } = largest;
    const where = pointLabel(d.a.point, ' ');
    lines.push(
      `  ${key}: ${count} of ${pairs.length}; ${d.a.strategy}${where === '' ? '' : ` at ${where}`}: ${moveText(m, false)}`,
    );
  }
  if (same > 0 && byMetric.size > 0) lines.push(`  (${same} of ${pairs.length} runs: no metric beyond its CI)`);
  // Touchpoints idle in every pair (in TOUCHPOINT_IDS order, as each pair lists them).
  const idle = idleLine(pairs[0]!.idleTouchpoints.filter((t) => pairs.every((d) => d.idleTouchpoints.includes(t))));
  if (idle !== undefined) lines.push(`  ${idle}`);
  // Touchpoints with events on one side only, in any pair: their latency there is one event's.
  const oneSide = (side: 'a' | 'b'): string[] => [...new Set(pairs.flatMap((d) => d.idleInOne[side]))];
  for (const line of idleInOneLines(oneSide('a'), oneSide('b'))) lines.push(`  ${line}`);
  // A figure one side does not give (a simulated run's latency of a touchpoint with no event in
  // its simulated time): never "moved", so said here rather than left to --all. Percentiles,
  // which only the simulator gives, are the methods' note's.
  const simulatorOnly = new Set(METRIC_CATALOGUE.filter((m) => m.onlyFrom === 'des').map((m) => m.key));
  const only = (side: 'a' | 'b'): string[] => [
    ...new Set(
      pairs.flatMap((d) =>
        d.metrics
          .filter((m) => m[side] !== null && m[side === 'a' ? 'b' : 'a'] === null && !simulatorOnly.has(m.key))
          .map((m) => m.key),
      ),
    ),
  ];
  for (const [side, keys] of [
    ['a', only('a')],
    ['b', only('b')],
  ] as const)
    if (keys.length > 0) lines.push(`  only run ${side} gives: ${keys.join(', ')}`);
  const methods = pairs.map((d) => methodsNote(d.parameters)).find((n) => n !== undefined);
  if (methods !== undefined) lines.push(`  ${methods}`);
  lines.push('', 'every run, parameter and metric: --all');
  return lines.join('\n');
}
