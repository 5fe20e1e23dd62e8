// What an export shows, resolved against one experiment: the point its tables report, the
// chart's x axis and slice, its scales, the strategies drawn, the theme and the PNG's scale.
// The window sends what is on screen; the CLI builds the same from --point/--at/--x/...; both
// are checked here, and a request that names something the experiment lacks is refused with the
// field at fault and the nearest names it has.
import { GmemlabError, METRIC_CATALOGUE, type MetricInfo, type StrategyId } from '../../common/core/index.ts';
import type { ExperimentDetail, ExportChart, ExportTheme, ExportView, RunDetail } from '../../common/contract/index.ts';
import { pointKey, type Point } from '../../common/analysis/points.ts';
import { didYouMean } from '../../common/analysis/suggest.ts';
import { suitsLogAxis } from '../../common/analysis/overlay.ts';
import type { YScaleChoice } from '../../common/analysis/symlog.ts';
import { isStateMetric } from '../../common/analysis/trust.ts';

/** A request the export cannot honour (invalid input); `field` names the input at fault. */
export class ExportError extends GmemlabError {
  readonly field: string;
  constructor(field: string, message: string) {
    super('invalid_input', `${field}: ${message}`, [{ path: field, message }]);
    this.field = field;
  }
}

export interface ResolvedView {
  metric: MetricInfo;
  /** The swept parameters ([] for a single run). */
  paths: string[];
  /** The points with at least one finished run, in the order the runs were made. */
  points: Point[];
  /** The point the tables report, and its place in `points` (0 for a single run). */
  point: Point;
  pointIndex: number;
  /** Finished runs at `point`, one per strategy. */
  runs: RunDetail[];
  /** The chart: its x parameter (undefined for a single run), the slice it is drawn at. */
  xPath: string | undefined;
  slice: Point;
  logX: boolean;
  /** The metric chart's y axis as asked (logY true: log); auto: chooseYScale on the figures drawn. */
  yScale: YScaleChoice;
  /** Strategies drawn, and the ones the view hides. */
  shown: StrategyId[];
  hidden: StrategyId[];
  theme: ExportTheme;
  scale: number;
  all: boolean;
  /** The chart the CSV, SVG and PNG draw, and what its view picked (defaults as the window's). */
  chart: ExportChart;
  plane: PlaneAxes;
  breakdown: { by: 'component' | 'touchpoint'; share: boolean | undefined };
  sensitivity: { metric: MetricInfo; strategy: StrategyId | undefined };
  /** The heatmap: one strategy's metric, or with a budget the cheapest strategy within it. */
  heatmap: { strategy: StrategyId; budget: number | undefined };
}

/** The trade-off plane's axes: a cost metric against one context's exposure. */
export interface PlaneAxes {
  cost: MetricInfo;
  context: string;
  measure: 'fraction' | 'longestWindowUs';
  /** exposure.<context>.<measure>, and exposure.<context>.state ("never" / "always"). */
  exposure: string;
  state: string;
}

/** The cost metric the plane and the sensitivity use by default (the window's): vCPU overhead. */
export const DEFAULT_COST_METRIC = 'cost.overheadPct';
/** The attacker context the plane shows by default: the host kernel at large. */
export const DEFAULT_CONTEXT = 'kernel';

/** A cost metric for the plane or the sensitivity, or an ExportError naming the field. */
function costMetric(key: string, field: string): MetricInfo {
  const info = metricInfo(key, field);
  if (!info.key.startsWith('cost.'))
    throw new ExportError(field, `"${key}" is not a cost metric (the plane and the sensitivity vary cost.*)`);
  return info;
}

/** The attacker contexts whose exposure the runs carry (exposure.<ctx>.fraction or .state). */
export function exposureContexts(runs: RunDetail[]): string[] {
  const keys = new Set(runs.flatMap((r) => Object.keys(r.metrics)));
  return [
    ...new Set(
      [...keys].map((k) => /^exposure\.([^.]+)\.(state|fraction)$/.exec(k)?.[1]).filter((c) => c !== undefined),
    ),
  ];
}

/** The catalogue entry of a metric key, or an ExportError naming the nearest keys. */
export function metricInfo(key: string, field = 'metric'): MetricInfo {
  const info = METRIC_CATALOGUE.find((m) => m.key === key);
  if (info !== undefined) return info;
  throw new ExportError(
    field,
    `"${key}" is not a metric${didYouMean(
      key,
      METRIC_CATALOGUE.map((m) => m.key),
    )} (\`gmemlab metrics\` lists them)`,
  );
}

/** A point value as given (typed by the window, text from the CLI) equal to the run's value. */
const sameValue = (given: unknown, value: number | string | boolean): boolean =>
  String(given).toLowerCase() === String(value).toLowerCase() ||
  (typeof value === 'number' && typeof given === 'string' && given.trim() !== '' && Number(given) === value);

/**
 * The y axis a view asks for: yScale, or from logY as views saved before it meant it (true: log,
 * false: linear); auto otherwise. A state metric is drawn on its three states: no scale to pick.
 */
function yScaleOf(view: ExportView, metricKey: string): YScaleChoice {
  const asked = view.yScale ?? (view.logY === true ? 'log' : view.logY === false ? 'linear' : undefined);
  if (view.yScale !== undefined && view.logY !== undefined && (view.logY ? 'log' : 'linear') !== view.yScale)
    throw new ExportError('view.yScale', `"${view.yScale}" and logY ${String(view.logY)} ask for two y axes`);
  if (isStateMetric(metricKey)) {
    if (asked !== undefined && asked !== 'auto' && asked !== 'linear')
      throw new ExportError(
        'view.yScale',
        `${metricKey} is drawn on its three states (never, windows, always), not on a ${asked} axis`,
      );
    return 'linear';
  }
  return asked ?? 'auto';
}

/**
 * Why `metric` has no figure in `experiment`: a figure only the simulator gives (percentiles)
 * asked of the formulas' runs, which would draw an empty chart or a grid of "-"; undefined if it has.
 */
export function simulatorOnlyProblem(
  experiment: { id: number; method: string },
  metric: MetricInfo,
): string | undefined {
  return metric.onlyFrom === 'des' && experiment.method !== 'des'
    ? `${metric.key} comes from the discrete-event simulator only; experiment ${experiment.id} was computed with the analytic model (its latency means are latency.<touchpoint>.meanUs)`
    : undefined;
}

export function resolveView(detail: ExperimentDetail, metricKey: string, view: ExportView = {}): ResolvedView {
  const metric = metricInfo(metricKey);
  const onlySimulated = simulatorOnlyProblem(detail, metric);
  if (onlySimulated !== undefined) throw new ExportError('metric', onlySimulated);
  const done = detail.runs.filter((r) => r.status === 'done');
  const paths = detail.sweep?.parameters.map((p) => p.path) ?? [
    ...new Set(detail.runs.flatMap((r) => Object.keys(r.point))),
  ];
  const points = [...new Map(done.map((r) => [pointKey(r.point), r.point])).values()];
  const checkPaths = (given: Record<string, unknown>, field: string): void => {
    for (const path of Object.keys(given))
      if (!paths.includes(path))
        throw new ExportError(
          field,
          paths.length === 0
            ? `"${path}": this experiment is a single run, with no swept parameter`
            : `"${path}" is not swept in this experiment${didYouMean(path, paths)} (swept: ${paths.join(', ')})`,
        );
  };
  const matching = (given: Record<string, unknown>, field: string): Point[] => {
    checkPaths(given, field);
    const found = points.filter((p) => Object.entries(given).every(([path, v]) => sameValue(v, p[path]!)));
    if (found.length === 0 && points.length > 0) {
      const [path, v] = Object.entries(given).find(([q, w]) => !points.some((p) => sameValue(w, p[q]!)))!;
      const values = [...new Set(points.map((p) => String(p[path])))];
      throw new ExportError(
        field,
        `no finished run at ${path} = ${String(v)}; its values are ${values.slice(0, 12).join(', ')}${values.length > 12 ? ', ...' : ''}`,
      );
    }
    return found;
  };
  const given = view.point ?? {};
  const point = matching(given, 'view.point')[0] ?? points[0] ?? {};
  const pointIndex = Math.max(
    0,
    points.findIndex((p) => pointKey(p) === pointKey(point)),
  );
  const runs = done.filter((r) => pointKey(r.point) === pointKey(point));

  const numeric = (path: string): boolean => done.some((r) => typeof r.point[path] === 'number');
  if (view.x !== undefined) checkPaths({ [view.x]: true }, 'view.x');
  const xPath = view.x ?? paths.find(numeric) ?? paths[0];
  const slice: Point = {};
  for (const path of paths) if (path !== xPath && point[path] !== undefined) slice[path] = point[path];
  if (view.slice !== undefined) {
    const chosen = Object.fromEntries(Object.entries(view.slice).filter(([path]) => path !== xPath));
    const found = matching(chosen, 'view.slice')[0];
    if (found !== undefined) for (const path of Object.keys(chosen)) slice[path] = found[path]!;
  }

  const strategies = [...new Set(detail.runs.map((r) => r.strategy))];
  for (const s of view.strategies ?? [])
    if (!strategies.includes(s as StrategyId))
      throw new ExportError(
        'view.strategies',
        `"${s}" is not a strategy of this experiment${didYouMean(s, strategies)} (it has ${strategies.join(', ')})`,
      );
  const shown = strategies.filter((s) => view.strategies === undefined || view.strategies.includes(s));
  const xs = xPath === undefined ? [] : done.map((r) => r.point[xPath]);

  const contexts = exposureContexts(done);
  const context =
    view.context ?? (contexts.includes(DEFAULT_CONTEXT) ? DEFAULT_CONTEXT : (contexts[0] ?? DEFAULT_CONTEXT));
  if (view.context !== undefined && !contexts.includes(view.context))
    throw new ExportError(
      'view.context',
      `"${view.context}" is not an attacker context of this experiment${didYouMean(view.context, contexts)} (it has ${contexts.join(', ') || 'none'})`,
    );
  const measure = view.measure ?? 'fraction';
  const cost = costMetric(view.cost ?? DEFAULT_COST_METRIC, 'view.cost');
  if (view.strategy !== undefined && !strategies.includes(view.strategy as StrategyId))
    throw new ExportError(
      'view.strategy',
      `"${view.strategy}" is not a strategy of this experiment${didYouMean(view.strategy, strategies)} (it has ${strategies.join(', ')})`,
    );
  return {
    metric,
    paths,
    points,
    point,
    pointIndex,
    runs,
    xPath,
    slice,
    logX: view.logX ?? (xs.every((x) => typeof x === 'number') && suitsLogAxis(xs)),
    yScale: yScaleOf(view, metric.key),
    shown,
    hidden: strategies.filter((s) => !shown.includes(s)),
    theme: view.theme ?? 'light',
    scale: view.scale ?? 2,
    all: view.all ?? false,
    chart: view.chart ?? 'metric',
    plane: {
      cost,
      context,
      measure,
      exposure: `exposure.${context}.${measure}`,
      state: `exposure.${context}.state`,
    },
    breakdown: { by: view.by ?? 'component', share: view.share },
    sensitivity: { metric: cost, strategy: view.strategy as StrategyId | undefined },
    heatmap: {
      // The window's heatmap opens on S2, the strategy whose cost varies most over a grid.
      strategy: (view.strategy ?? (shown.includes('S2') ? 'S2' : shown[0]!)) as StrategyId,
      budget: view.budget,
    },
  };
}

/** 'vm.vcpus = 256, vm.placement = pinned' ('' for a single run). */
export function describePoint(point: Point): string {
  return Object.entries(point)
    .map(([path, value]) => `${path} = ${String(value)}`)
    .join(', ');
}
