// Chart images of an experiment as the window shows it: the metric against the chosen x axis at
// the chosen slice, log or linear, hidden strategies left out, in the window's theme or one for
// print, with a caption naming what is fixed, where the model flagged a figure, and the model
// version; flagged points are marked by their trust level. One ChartSpec is laid out once
// (common/analysis/chart-draw.ts) and written as SVG text or painted as a PNG.
import { createCanvas } from '@napi-rs/canvas';
import { STRATEGY_NAMES, type StrategyId } from '../../common/core/index.ts';
import type { ExperimentDetail } from '../../common/contract/index.ts';
import type { Point } from '../../common/analysis/points.ts';
import {
  drawingSvg,
  layoutChart,
  paintDrawing,
  type Canvas2D,
  type ChartAxisSpec,
  type ChartSpec,
  type FlagLevel,
} from '../../common/analysis/chart-draw.ts';
import { strategyColour } from '../../common/analysis/palette.ts';
import { parameterTitle } from '../../common/analysis/scenarioFields.ts';
import { chooseYScale, symlogConstant } from '../../common/analysis/symlog.ts';
import { coincidentLines } from '../../common/analysis/coincide.ts';
import type { BuildInfo } from './build-info.ts';
import { flaggedWords, type ChartPoint, type ChartSeries } from './series.ts';
import { describePoint, type ResolvedView } from './view.ts';
import { toAscii } from './wrap.ts';

/** Most points drawn per line; beyond it each stretch of x keeps its lowest and highest value. */
export const MAX_DRAWN_POINTS = 400;

/**
 * At most MAX_DRAWN_POINTS points, keeping the first, the last, and each bucket's min and max; a
 * kept point carries the flags of its bucket's flagged points when it has none of its own, so a
 * flagged stretch is still marked where it is drawn.
 */
export function downsample(points: ChartPoint[]): ChartPoint[] {
  if (points.length <= MAX_DRAWN_POINTS) return points;
  const buckets = Math.floor((MAX_DRAWN_POINTS - 2) / 2);
  const size = (points.length - 2) / buckets;
  const out = [points[0]!];
  for (let b = 0; b < buckets; b++) {
    const slice = points.slice(1 + Math.floor(b * size), 1 + Math.floor((b + 1) * size));
    if (slice.length === 0) continue;
    let lo = slice[0]!;
    let hi = slice[0]!;
    for (const p of slice) {
      if (p.y < lo.y) lo = p;
      if (p.y > hi.y) hi = p;
    }
    // The bucket's worst flag: unfit to quote over asking for care.
    const flagged = slice.find((p) => p.unfit) ?? slice.find((p) => p.flags.length > 0);
    const marked = (p: ChartPoint): ChartPoint =>
      flagged === undefined || p.flags.length > 0 || p.unfit ? p : { ...p, flags: flagged.flags, unfit: flagged.unfit };
    out.push(...(lo === hi ? [marked(lo)] : lo.x <= hi.x ? [marked(lo), marked(hi)] : [marked(hi), marked(lo)]));
  }
  out.push(points[points.length - 1]!);
  return out;
}

/** A short strategy name for a legend: the name before its parenthesis. */
export const shortName = (s: StrategyId): string => `${s} ${(STRATEGY_NAMES[s] ?? '').replace(/\s*\(.*$/, '')}`.trim();

/** The caption's last line on every chart: which experiment, method and model, which gmemlab. */
export const madeBy = (detail: ExperimentDetail, build: BuildInfo): string =>
  `Experiment ${detail.id}, ${detail.method === 'des' ? 'discrete-event simulation' : 'analytic model'} ${detail.modelVersion ?? '?'}; gmemlab ${build.version} (commit ${build.commit}).`;

/** The caption's first line: the swept values the chart is drawn at, and the scenario. */
export const drawnAt = (detail: ExperimentDetail, fixed: Point): string => {
  const at = describePoint(fixed);
  return `${at === '' ? 'Every' : `At ${at}; every`} other parameter as in scenario "${detail.scenario.name}" (revision ${detail.scenarioId.slice(0, 12)}).`;
};

export function chartSpec(
  detail: ExperimentDetail,
  data: ChartSeries,
  view: ResolvedView,
  build: BuildInfo,
): ChartSpec {
  const info = view.metric;
  const yLabel = `${info.label} (${info.unit})`;
  // The y axis the window would pick for these figures, unless the view names one (symlog.ts).
  const figures = data.series.flatMap((s) =>
    (data.xPath === undefined ? s.points.slice(0, 1) : s.points).map((p) => p.y),
  );
  const yType = chooseYScale(figures, view.yScale);
  const y: ChartAxisSpec = {
    label: yLabel,
    log: yType === 'logarithmic',
    ...(yType === 'symlog' ? { symlog: symlogConstant(figures) } : {}),
  };
  const caption: string[] = [];
  const fixed = describePoint(data.fixed);
  caption.push(
    `${fixed === '' ? 'Every' : `Fixed: ${fixed}; every`} other parameter as in scenario "${detail.scenario.name}" (revision ${detail.scenarioId.slice(0, 12)}).`,
  );
  if (data.hidden.length > 0) caption.push(`Not drawn: ${data.hidden.join(', ')}.`);
  const flagged = flaggedWords(data);
  if (flagged !== undefined)
    caption.push(
      `Flagged by the model (${data.xPath === undefined ? '"!" beside the strategy' : 'banded, or ringed with "!" where unfit to quote (infeasible, saturated, overloaded), with "?" where asking for care'}): ${flagged}.`,
    );
  if (yType === 'logarithmic') {
    const offAxis = data.series.filter((s) => s.points.some((p) => p.y <= 0));
    if (offAxis.length > 0)
      caption.push(
        `On the log y axis, values at or below 0 are not drawn (${offAxis.map((s) => s.strategy).join(', ')}).`,
      );
  }
  const downsampled = data.series.filter((s) => s.points.length > MAX_DRAWN_POINTS);
  if (downsampled.length > 0)
    caption.push(
      `Down-sampled for drawing: ${MAX_DRAWN_POINTS} of ${Math.max(...downsampled.map((s) => s.points.length))} points per line at most (each stretch keeps its lowest and highest value); the CSV export has every point.`,
    );
  caption.push(madeBy(detail, build));
  const title = toAscii(`${detail.name}: ${info.label}`);
  const metadata = {
    experiment: detail.id,
    chart: 'metric',
    metric: info.key,
    x: data.xPath ?? null,
    slice: data.fixed,
    point: view.point,
    logX: view.logX,
    logY: yType === 'logarithmic',
    yScale: yType === 'logarithmic' ? 'log' : yType,
    strategies: data.series.map((s) => s.strategy),
    hidden: data.hidden,
    theme: view.theme,
    modelVersion: detail.modelVersion,
  };
  if (data.xPath === undefined) {
    return {
      kind: 'bar',
      title,
      caption,
      x: {
        label: 'strategy',
        log: false,
        categories: data.series.map((s) => `${s.strategy}${s.points[0]?.flags.length ? ' !' : ''}`),
      },
      y,
      series: data.series.map((s, i) => ({
        label: shortName(s.strategy),
        colour: strategyColour(s.strategy),
        points: s.points.slice(0, 1).map((p) => ({ x: i, y: p.y })),
      })),
      theme: view.theme,
      metadata,
    };
  }
  // Which lines lie under another (every point, not the down-sampled ones): the legend says so.
  const under = coincidentLines(
    data.series.map((s) => ({ key: s.strategy, points: s.points })),
    { type: yType, ...(y.symlog === undefined ? {} : { symlogConstant: y.symlog }) },
  );
  return {
    kind: 'line',
    title,
    caption,
    x: {
      // Named as the window's axis names it; the caption keeps paths (the --param syntax).
      label: toAscii(parameterTitle(data.xPath)),
      log: view.logX && data.categories === undefined,
      ...(data.categories ? { categories: data.categories } : {}),
    },
    y,
    series: data.series.map((s, i) => {
      return {
        label: shortName(s.strategy),
        colour: strategyColour(s.strategy),
        ...(under[i] === undefined ? {} : { under: under[i] }),
        points: downsample(s.points).map((p) => ({ x: p.x, y: p.y, ...flagOf(p) })),
      };
    }),
    theme: view.theme,
    metadata,
  };
}

/** A chart point's flag level for the drawing (chart-draw.ts), none when it carries no flag. */
export const flagOf = (p: { flags: string[]; unfit: boolean }): { flag?: FlagLevel } =>
  p.flags.length === 0 ? {} : { flag: p.unfit ? 'unfit' : 'care' };

export function chartSvg(spec: ChartSpec): string {
  return drawingSvg(layoutChart(spec));
}

/** The chart as a PNG at `scale` pixels per unit (2: 2000 x 1120 for the usual chart). */
export async function chartPng(spec: ChartSpec, scale: number): Promise<Buffer> {
  const drawing = layoutChart(spec);
  const canvas = createCanvas(Math.round(drawing.width * scale), Math.round(drawing.height * scale));
  paintDrawing(canvas.getContext('2d') as unknown as Canvas2D, drawing, scale);
  return canvas.encode('png');
}

/** One view of a result ready to write: its drawing, and the CSV of exactly what is drawn. */
export interface ViewChart {
  spec: ChartSpec;
  csv: string;
}
