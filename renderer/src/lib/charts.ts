// chart.js (common/analysis/chartjs.ts), themed from the page's CSS variables (theme.svelte.ts).
import type { CartesianScaleOptions, ChartConfiguration, Scale as ChartScale } from 'chart.js';
import { toFont } from 'chart.js/helpers';
import { Chart } from '../../../common/analysis/chartjs.ts';
import { symlogConstant, type YScaleType } from '../../../common/analysis/symlog.ts';
import { powerOfTenWord } from '../../../common/analysis/format.ts';
import { isStateMetric, stateWord } from '../../../common/analysis/trust.ts';
import type { ThemeColours } from './theme.svelte.ts';

export { colorAt, strategyColour } from '../../../common/analysis/palette.ts';

Chart.defaults.animation = false;

/** Line styles that tell experiments apart (colour is the strategy's). */
export const DASHES: number[][] = [[], [7, 4], [2, 3], [10, 3, 2, 3], [4, 2, 4, 6], [1, 5]];
/** The marker of a point the model flagged, in every chart: no other series takes it. */
export const FLAG_MARKER = 'triangle';
/**
 * Markers that tell split values (or experiments, on a category axis) apart: never FLAG_MARKER,
 * or a split value would read as flagged (Compare's second value was drawn with triangles).
 */
export const MARKERS = ['circle', 'rect', 'rectRot', 'star', 'crossRot', 'rectRounded', 'cross'] as const;

/** A category label broken into lines of about `width` characters (chart.js draws arrays as lines). */
export function wrapLabel(text: string, width = 18): string[] {
  const lines: string[] = [];
  for (const word of text.split(/\s+/)) {
    const last = lines[lines.length - 1];
    if (last !== undefined && last.length + 1 + word.length <= width) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines;
}

/**
 * Lines no wider than `width` as `measure` gives widths: broken at spaces, else inside a word after
 * a hyphen, else between letters (a word wider than a line is cut, never shortened).
 */
export function wrapToWidth(text: string, width: number, measure: (text: string) => number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    const pieces = measure(word) <= width ? [word] : splitWord(word, width, measure);
    pieces.forEach((piece, i) => {
      const joined = line === '' ? piece : `${line}${i === 0 ? ' ' : ''}${piece}`;
      if (line !== '' && measure(joined) > width) {
        lines.push(line);
        line = piece;
      } else line = joined;
    });
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** A word wider than `width` in pieces: after its hyphens, and each piece still too wide cut where it must be. */
function splitWord(word: string, width: number, measure: (text: string) => number): string[] {
  const pieces: string[] = [];
  for (const part of word.split(/(?<=-)/)) {
    let rest = part;
    while (measure(rest) > width && rest.length > 1) {
      let n = rest.length - 1;
      while (n > 1 && measure(rest.slice(0, n)) > width) n--;
      pieces.push(rest.slice(0, n));
      rest = rest.slice(n);
    }
    pieces.push(rest);
  }
  return pieces;
}

/**
 * An x axis's `afterTickToLabelConversion`: each category's label (its lines) wrapped to the width
 * the category has, measured in the ticks' font, so that neighbouring labels never overlap however
 * narrow the chart is. chart.js calls it again whenever the layout changes the axis's width.
 */
export function fitCategoryLabels(scale: ChartScale): void {
  const count = scale.ticks.length;
  if (count === 0 || !(scale.width > 0)) return;
  const width = Math.max(20, scale.width / count - 6);
  const { ctx } = scale;
  ctx.save();
  ctx.font = toFont((scale.options as CartesianScaleOptions).ticks.font as Parameters<typeof toFont>[0]).string;
  const measure = (text: string): number => ctx.measureText(text).width;
  for (const tick of scale.ticks) {
    const lines = Array.isArray(tick.label) ? tick.label : [tick.label ?? ''];
    tick.label = lines.flatMap((line) => wrapToWidth(String(line), width, measure));
  }
  ctx.restore();
}

/**
 * A value axis of the chosen kind (symlog.ts: chooseYScale), titled with the unit and what the
 * scale does to zero: the per-strategy, sweep and Compare charts share it.
 */
export function valueAxis(type: YScaleType, values: number[], unit: string): Record<string, unknown> {
  if (type === 'logarithmic')
    return {
      type: 'logarithmic',
      // chart.js writes 1e-7 as "0.0000001" and 10 as "10.0000000": powers of ten, as the figures are.
      ticks: { callback: (v: string | number) => powerOfTenLabel(Number(v)) },
      title: { display: true, text: `${unit} (log; zero not drawn)` },
    };
  if (type === 'symlog')
    return {
      type: 'symlog',
      linearThreshold: symlogConstant(values),
      // Short: a rotated title longer than a small chart is tall is cut and runs into the chart's
      // title (views2.spec.ts measures it). Where it turns linear shows as the first tick past 0.
      title: { display: true, text: `${unit} (symlog)` },
    };
  return { title: { display: true, text: unit }, beginAtZero: true };
}

/** A log axis' tick: the powers of ten as the trade-off plane names them (1e-7, 0.01, 10), nothing between. */
export function powerOfTenLabel(v: number): string {
  const k = Math.log10(v);
  return Number.isFinite(k) && Math.abs(k - Math.round(k)) < 1e-9 ? powerOfTenWord(Math.round(k)) : '';
}

/** The y axis of an exposure state: its three words (never, transient windows, always), not 0, 1 and 2. */
export function stateAxis(): Record<string, unknown> {
  return {
    min: -0.25,
    max: 2.25,
    afterBuildTicks: (axis: { ticks: { value: number }[] }) => {
      axis.ticks = [0, 1, 2].map((value) => ({ value }));
    },
    ticks: { callback: (v: string | number) => stateWord(Number(v)) },
    title: { display: true, text: 'state' },
  };
}

/** A chart's y axis for `metric`: a state's words, else a value axis of the chosen kind. */
export function metricAxis(metric: string, type: YScaleType, values: number[], unit: string): Record<string, unknown> {
  return isStateMetric(metric) ? stateAxis() : valueAxis(type, values, unit);
}

export const dashAt = (i: number): number[] => DASHES[i % DASHES.length]!;
export const markerAt = (i: number): (typeof MARKERS)[number] => MARKERS[i % MARKERS.length]!;

type Scale = { ticks?: { color?: string }; grid?: { color?: string }; title?: { color?: string } };

/** Plain objects and arrays copied deeply (state proxies read through), anything else as it is. */
function plainCopy<T>(value: T): T {
  if (Array.isArray(value)) return value.map(plainCopy) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(value)) copy[key] = plainCopy((value as Record<string, unknown>)[key]);
    return copy as T;
  }
  return value;
}

/**
 * A copy of a chart's configuration for chart.js to own (it writes into the options, the datasets
 * and their data arrays, not into the data points): everything copied deeply but the points,
 * which are shared. $state.snapshot copied the points too, and the runs they refer to, and handed
 * every number to structuredClone: for a sweep of 70,000 runs that took seconds per chart (issue 20).
 */
export function chartCopy(config: ChartConfiguration): ChartConfiguration {
  const { data, ...rest } = config;
  return {
    ...plainCopy(rest),
    data: {
      ...plainCopy({ ...data, datasets: [] }),
      datasets: data.datasets.map((d) => ({ ...plainCopy({ ...d, data: [] }), data: [...d.data] })),
    },
  } as ChartConfiguration;
}

/**
 * The configuration with every text and line colour taken from the theme: title, legend, axes,
 * ticks and grid. Charts are built from this, so a theme change rebuilds them in the new colours.
 */
export function themed(config: ChartConfiguration, colours: ThemeColours): ChartConfiguration {
  const options = (config.options ?? {}) as Record<string, unknown> & {
    plugins?: Record<string, Record<string, unknown>>;
    scales?: Record<string, Scale>;
  };
  const plugins = options.plugins ?? {};
  // Cartesian charts always have x and y: theme them even where the configuration leaves one out.
  const given = { x: {}, y: {}, ...(options.scales ?? {}) } as Record<string, Scale>;
  const scales = Object.fromEntries(
    Object.entries(given).map(([id, s]) => [
      id,
      {
        ...s,
        ticks: { ...s.ticks, color: colours.fg },
        grid: { ...s.grid, color: colours.border },
        title: { ...s.title, color: colours.fg },
      },
    ]),
  );
  return {
    ...config,
    options: {
      ...options,
      color: colours.fg,
      borderColor: colours.border,
      plugins: {
        ...plugins,
        title: { ...plugins['title'], color: colours.fg },
        legend: {
          ...plugins['legend'],
          labels: { ...(plugins['legend']?.['labels'] as object | undefined), color: colours.fg },
        },
      },
      scales,
    },
  } as ChartConfiguration;
}

export { Chart };
