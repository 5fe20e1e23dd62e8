// The data behind an experiment's chart, as the view asks for it: one metric per strategy against
// the x parameter at the view's slice (or per strategy alone for a single run). CSV, SVG/PNG and
// the mail's ASCII chart all draw from it.
import type { StrategyId } from '../../common/core/index.ts';
import type { ExperimentDetail } from '../../common/contract/index.ts';
import type { Point } from '../../common/analysis/points.ts';
import { flagNames, flagsOf, unfitToQuote } from '../../common/analysis/trust.ts';
import type { ResolvedView } from './view.ts';
import { formatValue } from '../../common/analysis/format.ts';

export interface ChartPoint {
  /** The x value; for a parameter that is not a number, its index in `categories`. */
  x: number;
  y: number;
  ci95: number;
  /** The names of the model's flags on the run (trust.ts: flagNames); [] for none. */
  flags: string[];
  /** Whether those flags make the figure unfit to quote (trust.ts: unfitToQuote). */
  unfit: boolean;
}

export interface ChartSeries {
  metric: string;
  /** The swept parameter on the x axis, or undefined for a single run. */
  xPath: string | undefined;
  /** Labels of a non-numeric x parameter's values, in sweep order (undefined for numbers). */
  categories?: string[];
  /** The other swept parameters, at the values the chart is drawn for. */
  fixed: Point;
  /** The strategies drawn; `hidden` lists those the view left out. */
  series: { strategy: StrategyId; points: ChartPoint[] }[];
  hidden: StrategyId[];
}

export function chartSeries(detail: ExperimentDetail, view: ResolvedView): ChartSeries {
  const { xPath, slice: fixed } = view;
  const metric = view.metric.key;
  const done = detail.runs.filter((r) => r.status === 'done' && r.metrics[metric] !== undefined);
  const inSlice = done.filter((r) => Object.entries(fixed).every(([p, v]) => r.point[p] === v));
  const numeric = xPath === undefined || inSlice.every((r) => typeof r.point[xPath] === 'number');
  const categories =
    xPath === undefined || numeric
      ? undefined
      : (detail.sweep?.parameters.find((p) => p.path === xPath)?.values.map(String) ?? [
          ...new Set(inSlice.map((r) => String(r.point[xPath]))),
        ]);
  const xOf = (value: number | string | boolean | undefined): number =>
    categories === undefined ? Number(value ?? 0) : categories.indexOf(String(value));
  return {
    metric,
    xPath,
    ...(categories === undefined ? {} : { categories }),
    fixed,
    hidden: view.hidden,
    series: view.shown.map((strategy) => ({
      strategy,
      points: inSlice
        .filter((r) => r.strategy === strategy)
        .map((r) => ({
          x: xPath === undefined ? 0 : xOf(r.point[xPath]),
          y: r.metrics[metric]!.mean,
          ci95: r.metrics[metric]!.ci95,
          flags: flagNames(flagsOf(r)),
          unfit: unfitToQuote(r),
        }))
        .sort((a, b) => a.x - b.x),
    })),
  };
}

/** Most stretches of x named per strategy in the caption; the rest are counted. */
const MAX_FLAGGED_STRETCHES = 4;

/**
 * Where the model flagged the figures drawn, for a chart's caption and the mail's chart: per
 * strategy, its flags' names and the stretches of x they cover ("S2: overloaded at vm.vcpus 1;
 * saturated at 16 to 64"); strategies that read alike share a sentence. Undefined when nothing
 * drawn is flagged.
 */
export function flaggedWords(data: ChartSeries): string | undefined {
  const valueOf = (x: number): string => (data.categories === undefined ? formatValue(x) : (data.categories[x] ?? ''));
  const sentences = new Map<string, string[]>();
  for (const s of data.series) {
    const points = data.xPath === undefined ? s.points.slice(0, 1) : s.points;
    // By flag names, in the order first met: the runs of consecutive points that carry them.
    const byNames = new Map<string, ChartPoint[][]>();
    let last: string | undefined;
    for (const p of points) {
      const names = p.flags.join(', ');
      if (names === '') {
        last = undefined;
        continue;
      }
      const stretches = byNames.get(names) ?? [];
      if (names !== last) stretches.push([]);
      stretches[stretches.length - 1]!.push(p);
      byNames.set(names, stretches);
      last = names;
    }
    if (byNames.size === 0) continue;
    const clauses = [...byNames].map(([names, stretches], i) => {
      if (data.xPath === undefined) return names;
      const named = stretches.slice(0, MAX_FLAGGED_STRETCHES).map((run) =>
        // Named values (an enum, a boolean) have no "to" between them: each is listed.
        run.length === 1 || data.categories !== undefined
          ? run.map((p) => valueOf(p.x)).join(', ')
          : `${valueOf(run[0]!.x)} to ${valueOf(run[run.length - 1]!.x)}`,
      );
      const more = stretches.slice(MAX_FLAGGED_STRETCHES).reduce((n, run) => n + run.length, 0);
      return `${names} at ${i === 0 ? `${data.xPath} ` : ''}${named.join(', ')}${more > 0 ? ` and ${more} more point${more === 1 ? '' : 's'}` : ''}`;
    });
    const sentence = clauses.join('; ');
    sentences.set(sentence, [...(sentences.get(sentence) ?? []), s.strategy]);
  }
  if (sentences.size === 0) return undefined;
  return [...sentences].map(([sentence, strategies]) => `${strategies.join(', ')}: ${sentence}`).join('. ');
}
