// The options that choose what run, show and export print: the point (--point N, --at
// PATH=VALUE), every metric (--all), and for charts which one (--chart: the metric, the
// trade-off plane, where the cycles go, the sensitivity tornado), its axes, scales, strategies
// drawn, theme and PNG scale. They become the same ExportView the window sends, checked by main/export.
import {
  BREAKDOWN_GROUPINGS,
  EXPORT_CHARTS,
  EXPORT_THEMES,
  EXPOSURE_MEASURES,
  type ExperimentDetail,
  type ExportView,
} from '../../../common/contract/index.ts';
import { pointKey } from '../../../common/analysis/points.ts';
import { didYouMean } from '../../../common/analysis/suggest.ts';
import { Y_SCALE_CHOICES } from '../../../common/analysis/symlog.ts';
import type { ParseArgsConfig } from 'node:util';
import { GmemlabError } from '../../../common/core/index.ts';
import { metricInfo } from '../../export/view.ts';
import { UsageError } from '../shared.ts';

export const pointOptions = {
  point: { type: 'string' },
  at: { type: 'string', multiple: true },
  all: { type: 'boolean', default: false },
} as const satisfies ParseArgsConfig['options'];

export const chartOptions = {
  x: { type: 'string' },
  logx: { type: 'boolean' },
  logy: { type: 'boolean', default: false },
  yscale: { type: 'string' },
  strategies: { type: 'string' },
  theme: { type: 'string' },
  scale: { type: 'string' },
  chart: { type: 'string' },
  cost: { type: 'string' },
  context: { type: 'string' },
  measure: { type: 'string' },
  by: { type: 'string' },
  share: { type: 'boolean' },
  strategy: { type: 'string' },
  budget: { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

export const POINT_USAGE = '[--point N | --at PATH=VALUE ...] [--all]';
export const CHART_USAGE =
  `[--chart ${EXPORT_CHARTS.join('|')}|matrix] [--x PATH] [--logx] [--yscale auto|linear|log|symlog] [--strategies S0,S2,...]\n` +
  '    [--theme light|dark|print] [--scale 2] [--cost KEY] [--context CTX] [--measure fraction|longestWindowUs]\n' +
  '    [--by component|touchpoint] [--share] [--strategy S2] [--budget EXPOSURE (heatmap: cheapest within it)]';

/**
 * A value of an option that takes one of a list, or a UsageError naming the option, the list
 * (with `alsoValid`, values another path takes: --chart matrix) and the nearest value.
 */
function oneOf<T extends string>(option: string, value: string, list: readonly T[], alsoValid: string[] = []): T {
  if (!(list as readonly string[]).includes(value)) {
    const all = [...list, ...alsoValid];
    throw new UsageError(`--${option}: "${value}" is not one of ${all.join(', ')}${didYouMean(value, all)}`);
  }
  return value as T;
}

/** The points of an experiment in the order `gmemlab show` lists them (finished runs only). */
function pointsOf(detail: ExperimentDetail): ExperimentDetail['runs'][number]['point'][] {
  return [...new Map(detail.runs.filter((r) => r.status === 'done').map((r) => [pointKey(r.point), r.point])).values()];
}

/**
 * The options that choose what a single run prints, checked before it runs (gmemlab run): a
 * refusal once it has run would leave a saved experiment behind a command that failed. Its one
 * point is point 1, it has no swept parameter for --at, and --metric must be a metric.
 */
export function checkSingleRunView(values: Record<string, unknown>, metric: string): void {
  try {
    metricInfo(metric);
  } catch (err) {
    if (err instanceof GmemlabError && err.code === 'invalid_input') throw usageFromExport(err);
    throw err;
  }
  if (values['point'] !== undefined && String(values['point']) !== '1')
    throw new UsageError(
      `--point: "${String(values['point'])}" is not a point of a single run; give 1, or leave it out`,
    );
  if (((values['at'] as string[] | undefined) ?? []).length > 0)
    throw new UsageError('--at: a single run has no swept parameter to choose a point by');
}

/**
 * --point/--at/--all (and the chart options where given) as an ExportView. `detail` numbers the
 * points for --point N; it may be left out when --point is not given.
 */
export function viewFromOptions(values: Record<string, unknown>, detail: ExperimentDetail | undefined): ExportView {
  const view: ExportView = {};
  const at = (values['at'] as string[] | undefined) ?? [];
  if (values['point'] !== undefined && at.length > 0) throw new UsageError('give --point or --at, not both');
  if (values['point'] !== undefined) {
    const text = String(values['point']);
    if (detail === undefined) throw new Error('--point needs the experiment to number its points');
    const points = pointsOf(detail);
    const n = Number(text);
    if (!/^[1-9][0-9]*$/.test(text) || n > points.length)
      throw new UsageError(
        `--point: "${text}" is not a point of experiment ${detail.id}; give 1 to ${points.length} (the order \`gmemlab show ${detail.id}\` lists them), or --at PATH=VALUE`,
      );
    view.point = points[n - 1]!;
  }
  if (at.length > 0) {
    view.point = {};
    for (const arg of at) {
      const eq = arg.indexOf('=');
      if (eq <= 0) throw new UsageError(`--at: "${arg}" is not PATH=VALUE (e.g. --at vm.vcpus=64)`);
      const path = arg.slice(0, eq);
      if (Object.hasOwn(view.point, path))
        throw new UsageError(`--at: ${path} is given twice (a point has one value of each swept parameter)`);
      view.point[path] = arg.slice(eq + 1);
    }
  }
  if (values['all'] === true) view.all = true;
  if (typeof values['x'] === 'string') view.x = values['x'];
  if (values['logx'] !== undefined) view.logX = values['logx'] === true;
  if (values['logy'] === true) view.logY = true;
  if (typeof values['yscale'] === 'string') view.yScale = oneOf('yscale', values['yscale'], Y_SCALE_CHOICES);
  if (typeof values['strategies'] === 'string')
    view.strategies = values['strategies']
      .split(',')
      .map((s) => s.trim().toUpperCase())
      .filter((s) => s !== '');
  if (typeof values['theme'] === 'string') view.theme = oneOf('theme', values['theme'], EXPORT_THEMES);
  if (typeof values['chart'] === 'string') view.chart = oneOf('chart', values['chart'], EXPORT_CHARTS, ['matrix']);
  if (typeof values['measure'] === 'string') view.measure = oneOf('measure', values['measure'], EXPOSURE_MEASURES);
  if (typeof values['by'] === 'string') view.by = oneOf('by', values['by'], BREAKDOWN_GROUPINGS);
  if (values['share'] !== undefined) view.share = values['share'] === true;
  if (typeof values['cost'] === 'string') view.cost = values['cost'];
  if (typeof values['context'] === 'string') view.context = values['context'];
  if (typeof values['strategy'] === 'string') view.strategy = values['strategy'].trim().toUpperCase();
  if (typeof values['budget'] === 'string') {
    const budget = Number(values['budget']);
    if (values['budget'].trim() === '' || !Number.isFinite(budget) || budget < 0)
      throw new UsageError(
        `--budget: "${values['budget']}" is not an exposure budget (a number, 0 or more, e.g. 1e-6)`,
      );
    view.budget = budget;
  }
  if (typeof values['scale'] === 'string') {
    const scale = Number(values['scale']);
    if (!Number.isFinite(scale) || scale < 0.5 || scale > 4)
      throw new UsageError(`--scale: "${values['scale']}" is not a number from 0.5 to 4 (2 gives 2000 x 1120 pixels)`);
    view.scale = scale;
  }
  return view;
}

/** The command-line option behind each field of an export request. */
const OPTION_FOR: Record<string, string> = {
  metric: '--metric',
  format: '--format',
  'view.point': '--at',
  'view.x': '--x',
  'view.slice': '--at',
  'view.strategies': '--strategies',
  'view.logX': '--logx',
  'view.logY': '--logy',
  'view.yScale': '--yscale',
  'view.theme': '--theme',
  'view.scale': '--scale',
  'view.chart': '--chart',
  'view.cost': '--cost',
  'view.context': '--context',
  'view.measure': '--measure',
  'view.by': '--by',
  'view.share': '--share',
  'view.strategy': '--strategy',
  'view.budget': '--budget',
};

/** An export's refusal of bad input (an ExportError, or the contract's check), named by the option that asked for it. */
export function usageFromExport(err: GmemlabError): UsageError {
  if (err.issues === undefined || err.issues.length === 0) return new UsageError(err.message);
  return new UsageError(
    err.issues
      .map(
        (i) =>
          `${OPTION_FOR[i.path] ?? OPTION_FOR[i.path.split('.').slice(0, 2).join('.')] ?? `--${i.path}`}: ${i.message}`,
      )
      .join('\n'),
  );
}
