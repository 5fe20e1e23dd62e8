// The results at one point, as the mail and the CLI's run and show print them: where they were
// taken, the flags in a sentence, the strategies-as-columns table, the flags in full, and what
// the CI and "vs S0" rows mean.
import type { ExperimentDetail, ExportView } from '../../common/contract/index.ts';
import { TOUCHPOINT_IDS, TOUCHPOINTS, type MetricInfo, type Point } from '../../common/core/index.ts';
import {
  latencyTouchpoint,
  touchpointsWithEvents,
  unsimulatedTouchpoints,
  unsimulatedWords,
} from '../../common/analysis/latency.ts';
import { flagNames, flagsOf, isStateMetric, WINDOWS_KEY } from '../../common/analysis/trust.ts';
import { flagLines, strategyTable, tableMetrics } from './table.ts';
import { describePoint, resolveView, type ResolvedView } from './view.ts';
import { hang, wrap } from './wrap.ts';
import { ESTIMATE_MARK_KEY, estimatesAtPoint, estimatesNotJudged } from '../../common/analysis/dependence.ts';
import { sweptCostKeys } from '../../common/analysis/costTable.ts';

/** The table's metrics at the view's point: latency only for touchpoints with events there. */
export function shownMetrics(detail: ExperimentDetail, view: ResolvedView): MetricInfo[] {
  return tableMetrics(view.runs, view.metric.key, view.all, touchpointsWithEvents(detail.scenario, view.point));
}

/** The touchpoints whose latency the runs carry but the table leaves out (no events at the point), by name. */
function idleTouchpoints(detail: ExperimentDetail, view: ResolvedView): string[] {
  const withEvents = touchpointsWithEvents(detail.scenario, view.point);
  if (withEvents === undefined || view.all) return [];
  const carried = new Set(view.runs.flatMap((r) => Object.keys(r.metrics)).map(latencyTouchpoint));
  return TOUCHPOINT_IDS.filter((tp) => carried.has(tp) && !withEvents.has(tp)).map((tp) => TOUCHPOINTS[tp].label);
}

/**
 * The footnote of the table's "~" marks: each estimate-class entry, and the figures (by metric,
 * with their strategies) that rest on it. [] when no figure does.
 */
function estimateLines(
  estimates: Partial<Record<string, Record<string, string[]>>>,
  shown: MetricInfo[],
  width: number,
  point: Point,
): string[] {
  // entry -> metric label -> strategies
  const byEntry = new Map<string, Map<string, string[]>>();
  for (const [strategy, byMetric] of Object.entries(estimates))
    for (const m of shown)
      for (const key of byMetric?.[m.key] ?? []) {
        const metrics = byEntry.get(key) ?? new Map<string, string[]>();
        metrics.set(m.label, [...(metrics.get(m.label) ?? []), strategy]);
        byEntry.set(key, metrics);
      }
  if (byEntry.size === 0) return [];
  const lines = wrap(`${ESTIMATE_MARK_KEY}:`, width);
  // An entry the point sets is the user's value, which the model classes as an estimate too.
  const swept = sweptCostKeys(point);
  for (const [key, metrics] of [...byEntry].sort(([a], [b]) => a.localeCompare(b)))
    lines.push(
      ...hang(
        `  ${key}${swept.has(key) ? ' (swept: set by this point)' : ''}: `,
        [...metrics].map(([label, strategies]) => `${label} (${strategies.join(', ')})`).join('; '),
        width,
      ),
    );
  lines.push('');
  return lines;
}

export function resultsBlock(detail: ExperimentDetail, view: ResolvedView, width: number): string[] {
  const lines: string[] = [];
  const para = (text: string): void => {
    lines.push(...wrap(text, width));
  };
  const runs = view.runs;
  const where =
    view.paths.length === 0 || view.points.length === 0
      ? 'Results'
      : `Results at ${describePoint(view.point)} (point ${view.pointIndex + 1} of ${view.points.length})`;
  if (runs.length === 0) {
    para(`${where}: no run of this experiment has finished.`);
    return lines;
  }
  para(`${where}:`);
  const flagged = runs.filter((r) => flagsOf(r).length > 0);
  if (flagged.length > 0)
    para(
      `Read with care: the model flags ${flagged
        .map(
          (r) =>
            // A flag raised twice (saturated lock and saturated VMM) is named once here; the
            // flag lines below give each reason.
            `${r.strategy} (${flagNames(flagsOf(r)).join(', ')})`,
        )
        .join(', ')} at this point; marked ! below.`,
    );
  lines.push('');
  const shown = shownMetrics(detail, view);
  // Which figures rest on an estimate-class cost entry, judged with the formulas at this point
  // (also for simulator runs), as the matrix judges them.
  const estimates = estimatesAtPoint(
    detail,
    view.point,
    shown.map((m) => m.key),
  );
  lines.push(...strategyTable(runs, shown, { width, estimates }));
  lines.push('');
  lines.push(...estimateLines(estimates, shown, width, view.point));
  const notJudged = estimatesNotJudged(detail.modelVersion);
  if (notJudged !== undefined) {
    para(`${notJudged}.`);
    lines.push('');
  }
  const idle = idleTouchpoints(detail, view);
  if (idle.length > 0) {
    para(`Not shown: the latency of ${idle.join(', ')}, which have no events at this point.`);
    lines.push('');
  }
  const unsimulated = unsimulatedTouchpoints(detail.scenario, view.point, detail.method, view.runs).map(
    (tp) => TOUCHPOINTS[tp as keyof typeof TOUCHPOINTS].label,
  );
  if (unsimulated.length > 0) {
    para(unsimulatedWords(unsimulated));
    lines.push('');
  }
  const flags = flagLines(runs, width);
  if (flags.length > 0) lines.push(...flags, '');
  const notDone = detail.runs.filter(
    (r) => r.status !== 'done' && describePoint(r.point) === describePoint(view.point),
  );
  if (notDone.length > 0)
    para(
      `Not finished at this point: ${notDone.map((r) => `${r.strategy} ${r.status}${r.error ? ` (${r.error})` : ''}`).join('; ')}.`,
    );
  const seeded = runs.some((r) => Object.values(r.metrics).some((e) => e.n > 1));
  // The table writes state 1 as the short "windows": say what it is where one is shown.
  const windowed = shown.some(
    (m) => isStateMetric(m.key) && runs.some((r) => Math.round(r.metrics[m.key]?.mean ?? 0) === 1),
  );
  para(
    `${
      seeded
        ? `+-95% CI: half-width of the 95% confidence interval over ${runs[0]!.seeds.length} seeds. vs S0: change against S0's value; for a latency the time added (S0's latency is only what the model charges, not a device's whole handling).`
        : "The formulas give one value for their inputs (no sampling, so no CI), no better than the cost entries it rests on, some of them estimates. vs S0: change against S0 where S0 has a value; for a latency the time added (S0's latency is only what the model charges, not a device's whole handling)."
    }${windowed ? ` ${WINDOWS_KEY}.` : ''}`,
  );
  return lines;
}

/**
 * An experiment's results for a terminal: a heading line, then resultsBlock at the view's point
 * (within 72 columns, like the mail).
 */
export function resultsText(detail: ExperimentDetail, metric: string, view: ExportView = {}): string {
  const resolved = resolveView(detail, metric, view);
  const heading = `experiment ${detail.id}: ${detail.name} (${detail.method}, ${detail.status}, ${detail.runsDone}/${detail.runsTotal} runs, model ${detail.modelVersion ?? '?'})`;
  return [...wrap(heading, 72), ...measuredCosts(detail, 72), '', ...resultsBlock(detail, resolved, 72)].join('\n');
}

/** The host profile whose measured costs the experiment used (gmemlab calibrate), or nothing. */
export function measuredCosts(detail: ExperimentDetail, width: number): string[] {
  const profile = detail.scenario.host.profile;
  if (profile === undefined) return [];
  return wrap(
    `measured costs: host profile "${profile.name}" (${profile.id.slice(0, 12)}); the cost entries it set name it as their source`,
    width,
  );
}
