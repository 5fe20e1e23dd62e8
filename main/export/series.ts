// The data behind an experiment's chart, as the view asks for it: one metric per strategy against
// the x parameter at the view's slice (or per strategy alone for a single run). CSV, SVG/PNG and
// the mail's ASCII chart all draw from it.
import type { StrategyId } from '../../common/core/index.ts';
import type { ExperimentDetail } from '../../common/contract/index.ts';
import type { Point } from '../../common/analysis/points.ts';
import { flagNames, flagsOf, unfitToQuote } from '../../common/analysis/trust.ts';
import type { ResolvedView } from './view.ts';

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
