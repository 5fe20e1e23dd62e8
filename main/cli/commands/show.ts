// gmemlab show
import { pointKey, pointLabel } from '../../../common/analysis/points.ts';
import { DEFAULT_EXPORT_METRIC, experimentDetail } from '../../../common/contract/index.ts';
import { ciShown, formatValue, shownEstimate } from '../../../common/analysis/format.ts';
import { flagName, flagsOf, isStateMetric, stateWord, WINDOWS_KEY } from '../../../common/analysis/trust.ts';
import { toAscii } from '../../export/wrap.ts';
import type { ExperimentDetail } from '../../../common/contract/index.ts';
import { GmemlabError } from '../../../common/core/index.ts';
import { metricInfo, simulatorOnlyProblem } from '../../export/view.ts';
import { ESTIMATE_MARK_KEY, estimatesAtPoint, estimatesNotJudged } from '../../../common/analysis/dependence.ts';
import { call, out, parseExperimentId, printJson, UsageError, withApp, type Command } from '../shared.ts';
import { printableResults } from './run.ts';
import { POINT_USAGE, pointOptions, usageFromExport } from './view-options.ts';

export const showCommand: Command = {
  name: 'show',
  summary: 'show one experiment: the strategies-as-columns table at a point, or a sweep as one metric per point',
  usage: `gmemlab show ID [--metric KEY] ${POINT_USAGE} [--db PATH] [--json]\n  a sweep: one metric at every point, or the whole table at --point N / --at PATH=VALUE`,
  options: { metric: { type: 'string', default: DEFAULT_EXPORT_METRIC }, ...pointOptions },
  async run({ positionals, values, json }) {
    if (positionals.length !== 1) throw new UsageError('show needs exactly one experiment ID (see `gmemlab list`)');
    const experimentId = parseExperimentId(positionals[0]!);
    const metric = values['metric'] as string;
    let info;
    try {
      info = metricInfo(metric);
    } catch (err) {
      if (err instanceof GmemlabError && err.code === 'invalid_input') throw usageFromExport(err);
      throw err;
    }
    return withApp(
      values,
      async (app) => {
        const detail = experimentDetail(await call(app, 'getExperiment', { experimentId }));
        const atPoint = values['point'] !== undefined || values['at'] !== undefined;
        // A figure only the simulator gives, asked of the formulas' runs: said, not a grid of "-".
        const onlySimulated = simulatorOnlyProblem(detail, info);
        if (!json && !atPoint && detail.sweep !== null && onlySimulated !== undefined)
          throw new UsageError(`--metric: ${onlySimulated}`);
        if (json) printJson(detail);
        else
          out(
            detail.sweep === null || atPoint
              ? printableResults(detail, values)
              : sweepTable(detail, metric, `${info.label} (${info.unit})`),
          );
        return 0;
      },
      { readOnly: true },
    );
  },
};

/** "S2 at 4, S3 at 1 of 4 points", or "every strategy at 1 of 4 points". */
function flagSpread(counts: Map<string, number>, strategies: string[], pointCount: number): string {
  const byCount = new Map<number, string[]>();
  for (const s of strategies) {
    const n = counts.get(s);
    if (n !== undefined) byCount.set(n, [...(byCount.get(n) ?? []), s]);
  }
  const parts = [...byCount].map(([n, list]) =>
    list.length === strategies.length && strategies.length > 1
      ? `every strategy at ${n}`
      : `${list.join(', ')} at ${n}`,
  );
  return `${parts.join('; ')} of ${pointCount} point${pointCount === 1 ? '' : 's'}`;
}

/**
 * Points at which a sweep table judges its "~" marks, at most: judging one point reruns the
 * formulas once per estimate-class cost entry: at every point of a 1,000-point sweep, `show` took
 * 1.7 s against 0.65 s without marks; at 200 of them 1.05 s, and no more for a longer sweep.
 */
const MAX_JUDGED_POINTS = 200;

/**
 * The estimate-class entries each strategy's `metric` rests on, by point key: at every point, or
 * for a longer sweep at MAX_JUDGED_POINTS spread evenly over it (in the order `show` lists the
 * points), each other point taking its nearest judged one's; `judged` says at how many.
 */
function judgeEstimates(
  detail: ExperimentDetail,
  metric: string,
): { estimatesAt: Map<string, Partial<Record<string, Record<string, string[]>>>>; judged: number } {
  const points = [...new Map(detail.runs.map((r) => [pointKey(r.point), r.point])).entries()];
  const judge = (point: (typeof points)[number][1]) => {
    // vCPU overhead's cells past 100% show the slowdown factor: judged on that figure there.
    const keys = metric === 'cost.overheadPct' ? [metric, 'cost.slowdownFactor'] : [metric];
    return estimatesAtPoint(detail, point, keys);
  };
  const n = points.length;
  const judged = Math.min(n, MAX_JUDGED_POINTS);
  const sample = new Map<number, ReturnType<typeof judge>>();
  const nearest = (i: number): number =>
    n <= judged ? i : Math.round((Math.round((i * (judged - 1)) / (n - 1)) * (n - 1)) / (judged - 1));
  const estimatesAt = new Map<string, ReturnType<typeof judge>>();
  points.forEach(([key], i) => {
    const j = nearest(i);
    if (!sample.has(j)) sample.set(j, judge(points[j]![1]));
    estimatesAt.set(key, sample.get(j)!);
  });
  return { estimatesAt, judged: sample.size };
}

/** One row per sweep point, one column per strategy: a sweep of thousands of runs stays readable. */
function sweepTable(detail: ExperimentDetail, metric: string, label: string): string {
  const strategies = [...new Set(detail.runs.map((r) => r.strategy))];
  const points = new Map<string, { label: string; cells: Map<string, string> }>();
  /** Per flag, at how many points each strategy raised it. */
  const flagged = new Map<string, Map<string, number>>();
  let slowed = false;
  let windowed = false;
  // Which strategies' figure rests on an estimate-class cost entry at each point ("~", as the
  // mail's table and the matrix mark it), judged with the formulas; per entry, the strategies.
  const { estimatesAt, judged } = judgeEstimates(detail, metric);
  const restsOn = new Map<string, Set<string>>();
  for (const run of detail.runs) {
    const key = pointKey(run.point);
    let row = points.get(key);
    if (row === undefined) {
      row = { label: pointLabel(run.point, ' '), cells: new Map() };
      points.set(key, row);
    }
    // Past 100% vCPU overhead the guest runs N times slower (the mail's matrix says it so too):
    // the cell shows the slowdown factor, with its own CI.
    const { estimate: e, slowdown } = shownEstimate(run.metrics, metric);
    const codes = new Set(flagsOf(run).map((f) => f.code));
    for (const code of codes) {
      const counts = flagged.get(code) ?? new Map<string, number>();
      counts.set(run.strategy, (counts.get(run.strategy) ?? 0) + 1);
      flagged.set(code, counts);
    }
    if (slowdown) slowed = true;
    // The "~" of the figure the cell shows: the slowdown's where it shows the slowdown.
    const shownKey = slowdown ? 'cost.slowdownFactor' : metric;
    const estimates = run.status === 'done' ? (estimatesAt.get(key)![run.strategy]?.[shownKey] ?? []) : [];
    for (const entry of estimates) restsOn.set(entry, (restsOn.get(entry) ?? new Set()).add(run.strategy));
    if (isStateMetric(metric) && run.status === 'done' && Math.round(e?.mean ?? 0) === 1) windowed = true;
    row.cells.set(
      run.strategy,
      run.status !== 'done'
        ? run.status
        : e === undefined
          ? '-'
          : `${estimates.length > 0 ? '~' : ''}${isStateMetric(metric) ? stateWord(e.mean, 'short') : slowdown ? `${formatValue(e.mean)}x` : formatValue(e.mean)}${e.n > 1 && ciShown(e) ? ` +-${formatValue(e.ci95)}` : ''}${codes.size > 0 ? '!' : ''}`,
    );
  }
  const rows = [...points.values()];
  const first = Math.max(5, ...rows.map((r) => r.label.length));
  const width = strategies.map((s) => Math.max(s.length, ...rows.map((r) => (r.cells.get(s) ?? '').length)));
  const line = (head: string, cells: string[]): string =>
    [head.padEnd(first), ...cells.map((c, i) => c.padStart(width[i]!))].join('  ').trimEnd();
  return [
    `experiment ${detail.id}: ${toAscii(detail.name)} (${detail.method} sweep, ${detail.status}, ${detail.runsDone}/${detail.runsTotal} runs, model ${detail.modelVersion ?? '?'})`,
    `${label} per point and strategy:`,
    '',
    line('point', strategies),
    ...rows.map((r) =>
      line(
        r.label,
        strategies.map((s) => r.cells.get(s) ?? ''),
      ),
    ),
    '',
    ...(slowed ? ['Nx: past 100% overhead the guest runs N times slower (cost.slowdownFactor).'] : []),
    ...(windowed ? [`${WINDOWS_KEY}.`] : []),
    ...(restsOn.size === 0
      ? []
      : [
          `${judged < rows.length ? `${ESTIMATE_MARK_KEY.slice(0, -1)} at ${judged} of the ${rows.length} points, each other point as the nearest of those)` : ESTIMATE_MARK_KEY}:`,
          ...[...restsOn]
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([entry, of]) => `  ${entry}: ${strategies.filter((s) => of.has(s)).join(', ')}`),
        ]),
    ...(estimatesNotJudged(detail.modelVersion) === undefined ? [] : [`${estimatesNotJudged(detail.modelVersion)!}.`]),
    ...(flagged.size === 0
      ? []
      : [
          '! flagged by the model (read with care; --point N gives the messages):',
          ...[...flagged].map(
            ([code, counts]) => `  ${flagName(code)}: ${flagSpread(counts, strategies, rows.length)}`,
          ),
        ]),
    `every metric at one point: --point N (1 is the first row) or --at PATH=VALUE; another metric: --metric KEY (\`gmemlab metrics\` lists them)`,
  ].join('\n');
}
