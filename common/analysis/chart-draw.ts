// One chart description (ChartSpec) laid out once into shapes, then written as SVG text or
// painted on any 2D canvas: an exported SVG and PNG are the same drawing. The SVG has one <text>
// per label (real text runs, a generic font stack) and one <polyline> per line, so a line chart
// stays at a few tens of KB and opens for editing in a browser or Inkscape. Browser-safe.
import { coincidentWords, type CoincidentLine } from './coincide.ts';
import { labelPriority, placePointLabels, type LabelledPoint } from './point-labels.ts';
import { formatValue } from './format.ts';
import { symlog, symlogTickLabel, symlogTicks } from './symlog.ts';

/** The colour themes a chart is drawn in: the window's two, and one for print (black on white). */
export const EXPORT_THEMES = ['light', 'dark', 'print'] as const;
export type ExportTheme = (typeof EXPORT_THEMES)[number];

/** The series colour that means "the theme's text colour" (a Pareto front, a reference line). */
export const INK = 'ink';

export interface ChartPointSpec {
  x: number;
  y: number;
  /** Bars: where the bar starts (a tornado's base); unset: 0, or on the bar below in a stack. */
  from?: number;
  /** Scatter: a short text beside the marker (the swept value on a path). Grid: the cell's lines ('\n' between). */
  label?: string;
  /** Scatter: ringed (on the Pareto front). */
  ring?: boolean;
  /** Scatter: a larger marker (the point the chart is about, beside the rest of its path). */
  large?: boolean;
  /**
   * Line and scatter: the model flagged the figure (trust.ts), as unfit to quote or as asking for
   * care. A ring with a "!" (unfit, the flag colour) or a "?" (care, the care colour) marks it; on
   * a line or path, a run of points flagged alike is a band under it instead. The legend then
   * explains the marks; the caption should name the flags.
   */
  flag?: FlagLevel;
}

/** How far the model's flags say a figure can be trusted (trust.ts: unfitToQuote). */
export type FlagLevel = 'unfit' | 'care';

export interface ChartSeriesSpec {
  label: string;
  /** A CSS colour, or INK. */
  colour: string;
  /** Drawn under another series, the same or within a line's width everywhere (coincide.ts): the legend says so. */
  under?: CoincidentLine;
  /** Scatter: join the points in their order (a sweep's path). A line chart always joins. */
  join?: boolean;
  /** A dashed line and no markers (a Pareto front). */
  dashed?: boolean;
  points: ChartPointSpec[];
}

export interface ChartAxisSpec {
  label: string;
  log: boolean;
  /**
   * A value axis on the symmetric log scale (symlog.ts) with this linear threshold: zero has its
   * place, and figures decades apart stay readable. Value axes only.
   */
  symlog?: number;
  /** Names of the positions 0, 1, 2, ... on a category axis ('\n' breaks a name into lines). */
  categories?: string[];
  /** The ends of the axis; unset: from the data. */
  min?: number;
  max?: number;
  /** Ticks at these positions with these names; unset: round numbers, or powers of ten when log. */
  ticks?: { at: number; label: string }[];
  /** Shaded lanes across the plot (a "none" or "never" beside a log scale): places, not values. */
  lanes?: { from: number; to: number; label: string }[];
  /** Grid: a colour per category, shown as a bar on its heading (a strategy's colour). */
  colours?: string[];
}

/**
 * One chart. 'line': series of points joined in order. 'scatter': markers, joined where a series
 * asks, ringed and labelled where a point asks. 'bar': one bar per point at category `x` with
 * value `y`; several series in one category stand side by side, or on each other when `stacked`;
 * `horizontal` turns the chart so the categories run down the left (x stays the category axis
 * and y the value axis in the spec, whichever way they are drawn). 'grid': a table of cells, x's
 * categories across and y's down; each point is the cell at (x, y) with its lines of text
 * (`label`), shaded in its series' colour (a faint tint; the legend names what each shade means).
 */
export interface ChartSpec {
  kind: 'line' | 'bar' | 'scatter' | 'grid';
  stacked?: boolean;
  horizontal?: boolean;
  title: string;
  /** Lines printed under the chart: what is fixed, hidden, down-sampled, the model version. */
  caption: string[];
  x: ChartAxisSpec;
  y: ChartAxisSpec;
  series: ChartSeriesSpec[];
  /** Bars: a text at the end of each category's bar or stack (a total, a slowdown factor); "\n" between lines. */
  barNotes?: string[];
  /** A line across the plot at this value of y (a tornado's base). */
  reference?: { at: number; label: string };
  theme: ExportTheme;
  /** Machine-readable record of what was drawn (written into the SVG's <metadata>). */
  metadata?: Record<string, unknown>;
}

export type Shape =
  | { kind: 'rect'; x: number; y: number; w: number; h: number; fill: string; opacity?: number }
  | {
      kind: 'line';
      points: [number, number][];
      stroke: string;
      width: number;
      dash?: number[];
      /** Under 1: see-through (a band under a line). */
      opacity?: number;
    }
  | {
      kind: 'text';
      x: number;
      y: number;
      text: string;
      size: number;
      fill: string;
      anchor: 'start' | 'middle' | 'end';
      bold?: boolean;
      rotate?: boolean;
    }
  | { kind: 'marker'; x: number; y: number; shape: number; fill: string; r: number }
  | { kind: 'ring'; x: number; y: number; r: number; stroke: string };

export interface Drawing {
  width: number;
  height: number;
  title: string;
  metadata?: Record<string, unknown>;
  shapes: Shape[];
}

interface Theme {
  background: string;
  text: string;
  muted: string;
  grid: string;
  axis: string;
  /** Fill of the lanes beside a log scale. */
  lane: string;
  /** The mark of a figure the model flags as unfit to quote (rings, "!", bands). */
  flag: string;
  /** The mark of a figure flagged as asking for care (rings, "?", bands). */
  care: string;
  /** Dash patterns per series (print: lines stay apart in black and white). */
  dashes: boolean;
}

/** An export theme's background: what a shade drawn over it is mixed with. */
export const themeBackground = (theme: ExportTheme): string => THEMES[theme].background;

const THEMES: Record<ExportTheme, Theme> = {
  light: {
    background: '#ffffff',
    text: '#1d1f21',
    muted: '#5f6368',
    grid: '#e3e5e8',
    axis: '#8a8f98',
    lane: '#eef0f3',
    flag: '#b3261e',
    care: '#9a5b00',
    dashes: false,
  },
  dark: {
    background: '#1d1f21',
    text: '#e8e8e8',
    muted: '#a8adb4',
    grid: '#34373c',
    axis: '#6b7078',
    lane: '#2a2d31',
    flag: '#f28b82',
    care: '#fbbc04',
    dashes: false,
  },
  print: {
    background: '#ffffff',
    text: '#000000',
    muted: '#333333',
    grid: '#d0d0d0',
    axis: '#000000',
    lane: '#ececec',
    flag: '#000000',
    care: '#777777',
    dashes: true,
  },
};

const DASHES: number[][] = [[], [8, 4], [2, 3], [10, 3, 2, 3], [5, 5], [1, 4], [12, 4, 2, 4, 2, 4]];

/** The font stack SVG names; the canvas uses the generic family alone. */
export const FONT_STACK = "Helvetica, Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif";
/** Average advance of a sans-serif character, as a share of the font size (for layout only). */
const CHAR_WIDTH = 0.56;
export const CHART_WIDTH = 1000;
export const CHART_HEIGHT = 560;

/** What an axis title adds for its scale. */
const scaleWords = (axis: ChartAxisSpec): string =>
  axis.symlog !== undefined ? ' (symlog scale)' : axis.log ? ' (log scale)' : '';

/**
 * A symlog axis' ends: zero and the data, out to the first c x 10^k past each end (its ticks),
 * so the top and bottom ticks frame the data as a log axis' decades do.
 */
function symlogRange(values: number[], c: number): [number, number] {
  const out = (v: number): number => {
    if (v === 0) return 0;
    let t = c;
    while (t < Math.abs(v) * (1 - 1e-12) && t < 1e300) t *= 10;
    return Math.sign(v) * t;
  };
  const lo = Math.min(0, ...values);
  const hi = Math.max(0, ...values);
  return [out(lo), hi === 0 && lo === 0 ? c : out(hi)];
}

/** Ticks of an axis: round numbers (1, 2, 5 x 10^n), or powers of ten on a log axis. */
export function ticks(min: number, max: number, log: boolean): number[] {
  if (log) {
    const [a, b] = [Math.floor(Math.log10(min)), Math.ceil(Math.log10(max))];
    const out: number[] = [];
    const step = Math.max(1, Math.ceil((b - a) / 8));
    for (let e = a; e <= b; e += step) out.push(10 ** e);
    if (b - a <= 1) for (let e = a; e < b; e++) out.push(2 * 10 ** e, 5 * 10 ** e);
    return out.filter((t) => t >= min * (1 - 1e-9) && t <= max * (1 + 1e-9)).sort((p, q) => p - q);
  }
  const raw = (max - min) / 6;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let t = Math.ceil(min / step) * step; t <= max + step * 1e-9; t += step)
    out.push(Math.abs(t) < step * 1e-9 ? 0 : t);
  return out;
}

/** Lines of text no wider than `width` pixels at `size`. */
function wrapPx(text: string, width: number, size: number): string[] {
  const perLine = Math.max(8, Math.floor(width / (size * CHAR_WIDTH)));
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > perLine) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** Lays the chart out in shapes, in CHART_WIDTH x CHART_HEIGHT units (a grid: as tall as its rows). */
type TextShape = Extract<Shape, { kind: 'text' }>;

/** Draws text shapes into `shapes`, in `fill` unless a call's `extra` says otherwise (colour, weight). */
function textWriter(shapes: Shape[], fill: string) {
  return (
    x: number,
    y: number,
    t: string,
    size: number,
    anchor: TextShape['anchor'],
    extra: Partial<TextShape> = {},
  ) => {
    shapes.push({ kind: 'text', x, y, text: t, size, fill, anchor, ...extra });
  };
}

export function layoutChart(spec: ChartSpec): Drawing {
  if (spec.kind === 'grid') return layoutGrid(spec);
  const theme = THEMES[spec.theme];
  const colour = (c: string): string => (c === INK ? theme.text : c);
  const W = CHART_WIDTH;
  const captionLines = spec.caption.flatMap((c) => wrapPx(c, W - 40, 11));
  const H = CHART_HEIGHT + Math.max(0, captionLines.length - 3) * 15;
  const shapes: Shape[] = [{ kind: 'rect', x: 0, y: 0, w: W, h: H, fill: theme.background }];
  const text = textWriter(shapes, theme.text);
  const rule = (points: [number, number][], stroke: string, dash?: number[]): void => {
    shapes.push({ kind: 'line', points, stroke, width: 1, ...(dash ? { dash } : {}) });
  };
  const flagColour = (level: FlagLevel): string => (level === 'unfit' ? theme.flag : theme.care);
  /** A flagged figure's mark: a ring in its level's colour, and its glyph ("!" or "?") beside it. */
  const flagMark = ([x, y]: [number, number], level: FlagLevel, glyph: boolean, r = 7): void => {
    shapes.push({ kind: 'ring', x, y, r, stroke: flagColour(level) });
    // Up and to the left: value labels are placed to the right of their points first.
    if (glyph) text(x - r - 1, y - r + 2, FLAG_GLYPH[level], 12, 'end', { bold: true, fill: flagColour(level) });
  };
  /** A run of points flagged alike on a line: a see-through band in the level's colour under it. */
  const flagBand = (points: [number, number][], level: FlagLevel): Shape => ({
    kind: 'line',
    points,
    stroke: flagColour(level),
    width: 9,
    opacity: level === 'unfit' ? 0.3 : 0.25,
  });
  text(W / 2, 26, spec.title, 15, 'middle', { bold: true });

  const bars = spec.kind === 'bar';
  const horizontal = bars && spec.horizontal === true;
  const categories = spec.x.categories;
  const categoryLines = (categories ?? []).map((c) => c.split('\n'));
  const tallest = Math.max(1, ...categoryLines.map((l) => l.length));
  const legendWidth = 230;
  // Notes over upright bars of more than one line push the plot down, clear of the title.
  const noteLines = bars && !horizontal ? Math.max(1, ...(spec.barNotes ?? []).map((n) => n.split('\n').length)) : 1;
  const plot = {
    left: horizontal ? 270 : 86,
    top: 46 + (noteLines - 1) * 13,
    right: W - legendWidth - 20,
    bottom: CHART_HEIGHT - 92 - (horizontal ? 0 : (tallest - 1) * 12),
  };
  const pw = plot.right - plot.left;
  const ph = plot.bottom - plot.top;

  // Bars as segments in data units: side by side in a category, or stacked on each other.
  interface Segment {
    series: number;
    category: number;
    lo: number;
    hi: number;
    value: number;
    slot: number;
    slots: number;
  }
  const segments: Segment[] = [];
  const anyFrom = spec.series.some((s) => s.points.some((p) => p.from !== undefined));
  if (bars) {
    const inCategory = new Map<number, number[]>();
    spec.series.forEach((s, i) =>
      s.points.forEach((p) =>
        inCategory.set(
          p.x,
          [...(inCategory.get(p.x) ?? []), i].filter((v, j, a) => a.indexOf(v) === j),
        ),
      ),
    );
    const stackTop = new Map<number, number>();
    spec.series.forEach((s, i) =>
      s.points.forEach((p) => {
        if (!Number.isFinite(p.y)) return;
        const here = inCategory.get(p.x)!;
        if (spec.stacked === true) {
          const lo = stackTop.get(p.x) ?? 0;
          stackTop.set(p.x, lo + p.y);
          segments.push({ series: i, category: p.x, lo, hi: lo + p.y, value: p.y, slot: 0, slots: 1 });
        } else {
          const lo = p.from ?? 0;
          segments.push({
            series: i,
            category: p.x,
            lo,
            hi: p.y,
            value: p.y,
            slot: here.indexOf(i),
            slots: here.length,
          });
        }
      }),
    );
  }

  // Scales: data ranges, 0 included on a linear value axis; a log axis places positive values only.
  const all = spec.series.flatMap((s) => s.points);
  const xsOf = all.map((p) => p.x).filter((x) => !spec.x.log || x > 0);
  const valuesOf = bars ? segments.flatMap((g) => [g.lo, g.hi]) : all.map((p) => p.y);
  const ysOf = valuesOf.filter((y) => Number.isFinite(y) && (!spec.y.log || y > 0));
  const range = (values: number[], log: boolean, withZero: boolean): [number, number] => {
    if (values.length === 0) return log ? [1, 10] : [0, 1];
    let lo = Math.min(...values);
    let hi = Math.max(...values);
    if (log) return [10 ** Math.floor(Math.log10(lo)), 10 ** Math.ceil(Math.log10(hi) + (hi === lo ? 1e-9 : 0))];
    if (withZero) [lo, hi] = [Math.min(0, lo), Math.max(0, hi)];
    if (hi === lo) [lo, hi] = [lo - 1, hi + 1];
    const t = ticks(lo, hi, false);
    const step = (t[1] ?? hi) - (t[0] ?? lo) || 1;
    return [Math.min(lo, Math.floor(lo / step) * step), Math.max(hi, Math.ceil(hi / step) * step)];
  };
  // x spans exactly the data (a sweep's first and last value); y is widened to round ticks.
  const exact = (values: number[]): [number, number] => {
    if (values.length === 0) return spec.x.log ? [1, 10] : [0, 1];
    const [lo, hi] = [Math.min(...values), Math.max(...values)];
    return lo === hi ? (spec.x.log ? [lo / 2, hi * 2] : [lo - 1, hi + 1]) : [lo, hi];
  };
  const [dx0, dx1] = categories !== undefined ? [-0.5, categories.length - 0.5] : exact(xsOf);
  const [dy0, dy1] =
    spec.y.symlog !== undefined
      ? symlogRange(ysOf, spec.y.symlog)
      : range(ysOf, spec.y.log, bars ? !anyFrom : !spec.y.log);
  const [x0, x1] = [spec.x.min ?? dx0, spec.x.max ?? dx1];
  const [y0, y1] = [spec.y.min ?? dy0, spec.y.max ?? dy1];
  const f = (v: number, axis: ChartAxisSpec): number =>
    axis.symlog !== undefined ? symlog(v, axis.symlog) : axis.log ? Math.log10(v) : v;
  const share = (v: number, axis: ChartAxisSpec, a: number, b: number): number =>
    (f(v, axis) - f(a, axis)) / (f(b, axis) - f(a, axis) || 1);
  // Where a value of x and of y lands: turned for horizontal bars (categories down the left).
  const px = (x: number): number =>
    horizontal ? plot.top + share(x, spec.x, x0, x1) * ph : plot.left + share(x, spec.x, x0, x1) * pw;
  const py = (y: number): number =>
    horizontal ? plot.left + share(y, spec.y, y0, y1) * pw : plot.bottom - share(y, spec.y, y0, y1) * ph;

  // Lanes first, under the grid and the data.
  for (const lane of spec.x.lanes ?? []) {
    const [a, b] = [px(lane.from), px(lane.to)].sort((p, q) => p - q) as [number, number];
    shapes.push({ kind: 'rect', x: a, y: plot.top, w: b - a, h: ph, fill: theme.lane });
    text((a + b) / 2 + 4, (plot.top + plot.bottom) / 2, lane.label, 10, 'middle', { fill: theme.muted, rotate: true });
  }
  for (const lane of spec.y.lanes ?? []) {
    const [a, b] = [py(lane.from), py(lane.to)].sort((p, q) => p - q) as [number, number];
    shapes.push({ kind: 'rect', x: plot.left, y: a, w: pw, h: b - a, fill: theme.lane });
    // At the lane's lower edge: the markers sit on its middle line, their labels above them.
    text(plot.right - 6, b - 4, lane.label, 10, 'end', { fill: theme.muted });
  }

  // Grid and tick labels: the value axis (y; along the bottom when turned), then x.
  const tickList = (axis: ChartAxisSpec, lo: number, hi: number): { at: number; label: string }[] =>
    axis.ticks ??
    (axis.symlog !== undefined
      ? symlogTicks(lo, hi, axis.symlog).map((t) => ({ at: t, label: symlogTickLabel(t) }))
      : ticks(lo, hi, axis.log).map((t) => ({ at: t, label: formatValue(t) })));
  for (const t of tickList(spec.y, y0, y1)) {
    const v = py(t.at);
    if (horizontal) {
      rule(
        [
          [v, plot.top],
          [v, plot.bottom],
        ],
        theme.grid,
      );
      text(v, plot.bottom + 18, t.label, 11, 'middle');
    } else {
      rule(
        [
          [plot.left, v],
          [plot.right, v],
        ],
        theme.grid,
      );
      text(plot.left - 8, v + 4, t.label, 11, 'end');
    }
  }
  if (categories !== undefined) {
    categoryLines.forEach((lines, i) =>
      lines.forEach((line, j) =>
        horizontal
          ? text(plot.left - 8, px(i) + 4 + (j - (lines.length - 1) / 2) * 12, line, 10, 'end')
          : text(px(i), plot.bottom + 18 + j * 12, line, j === 0 ? 11 : 10, 'middle'),
      ),
    );
  } else {
    const xTicks = spec.x.ticks ?? ticks(x0, x1, spec.x.log).map((t) => ({ at: t, label: formatValue(t) }));
    // A log axis over less than a decade or two may hold one power of ten: name its ends too.
    if (spec.x.ticks === undefined && spec.x.log && xTicks.length < 3)
      for (const end of [x0, x1])
        if (!xTicks.some((t) => t.at === end)) xTicks.push({ at: end, label: formatValue(end) });
    for (const t of xTicks) {
      const x = px(t.at);
      rule(
        [
          [x, plot.top],
          [x, plot.bottom],
        ],
        theme.grid,
      );
      text(x, plot.bottom + 18, t.label, 11, 'middle');
    }
  }
  rule(
    [
      [plot.left, plot.top],
      [plot.left, plot.bottom],
      [plot.right, plot.bottom],
    ],
    theme.axis,
  );
  const [across, down] = horizontal ? [spec.y, spec.x] : [spec.x, spec.y];
  const bottomLabel = `${across.label}${scaleWords(across)}`;
  text(
    (plot.left + plot.right) / 2,
    plot.bottom + 40 + (horizontal ? 0 : (tallest - 1) * 12),
    bottomLabel,
    12,
    'middle',
  );
  const sideLabel = `${down.label}${scaleWords(down)}`;
  if (horizontal) text(plot.left - 8, plot.top - 8, sideLabel, 12, 'end');
  else text(22, (plot.top + plot.bottom) / 2, sideLabel, 12, 'middle', { rotate: true });

  // The data.
  if (bars) {
    const slot = (horizontal ? ph : pw) / Math.max(1, categories?.length ?? spec.series.length);
    const floor = y0 > 0 ? y0 : 0;
    for (const g of segments) {
      const s = spec.series[g.series]!;
      const [a, b] = [py(Math.max(g.lo, floor)), py(Math.max(g.hi, floor))];
      const start = px(g.category) - slot * 0.3 + ((slot * 0.6) / g.slots) * g.slot;
      const thick = (slot * 0.6) / g.slots;
      shapes.push(
        horizontal
          ? { kind: 'rect', x: Math.min(a, b), y: start, w: Math.abs(b - a), h: thick, fill: colour(s.colour) }
          : { kind: 'rect', x: start, y: Math.min(a, b), w: thick, h: Math.abs(b - a), fill: colour(s.colour) },
      );
      // One bar per category: its value at its end (stacks get barNotes instead).
      if (spec.stacked !== true) {
        const end = py(Math.max(g.hi, floor));
        const away = g.hi >= g.lo ? 1 : -1;
        if (horizontal)
          text(end + away * 4, start + thick / 2 + 4, formatValue(g.value), 10, away > 0 ? 'start' : 'end');
        else text(start + thick / 2, Math.min(a, b) - 5, formatValue(g.value), 11, 'middle');
      }
    }
    (spec.barNotes ?? []).forEach((note, i) => {
      if (note === '') return;
      const top = Math.max(floor, ...segments.filter((g) => g.category === i).map((g) => g.hi));
      const lines = note.split('\n');
      // Beside a horizontal bar, the lines one under another; over an upright one, the last lowest.
      lines.forEach((line, k) => {
        if (horizontal) text(py(top) + 4, px(i) + 4 + k * 13, line, 11, 'start', { bold: true });
        else text(px(i), py(top) - 6 - (lines.length - 1 - k) * 13, line, 11, 'middle', { bold: true });
      });
    });
  } else {
    // The points' labels are placed once every series is drawn: they must not overlap across series.
    const labelled: LabelledPoint[] = [];
    spec.series.forEach((s, i) => {
      const kept = s.points.filter((p) => Number.isFinite(p.y) && (!spec.y.log || p.y > 0) && (!spec.x.log || p.x > 0));
      const pts = kept.map((p): [number, number] => [px(p.x), py(p.y)]);
      const dash = s.dashed
        ? [5, 4]
        : theme.dashes && DASHES[i % DASHES.length]!.length > 0
          ? DASHES[i % DASHES.length]!
          : undefined;
      // On a line or a path, each run of flagged points is a band under it, a lone one a ring
      // with a "!" (so is the point a scatter is about, below).
      const banded = new Set<number>();
      if (spec.kind === 'line' || s.join === true)
        for (const run of flaggedRuns(kept))
          if (run.length > 1) {
            shapes.push(
              flagBand(
                run.map((j) => pts[j]!),
                kept[run[0]!]!.flag!,
              ),
            );
            for (const j of run) banded.add(j);
          } else if (spec.kind === 'line') flagMark(pts[run[0]!]!, kept[run[0]!]!.flag!, true);
      if (pts.length > 1 && (spec.kind === 'line' || s.join === true || s.dashed === true))
        shapes.push({
          kind: 'line',
          points: pts,
          stroke: colour(s.colour),
          width: spec.kind === 'line' ? 2 : s.dashed ? 1.5 : 1.5,
          ...(dash ? { dash } : {}),
        });
      if (s.dashed) return;
      // Markers only where they stay apart: a long line is its own mark.
      if (spec.kind === 'line') {
        if (pts.length <= MAX_MARKED_POINTS)
          for (const [x, y] of pts) shapes.push({ kind: 'marker', x, y, shape: i, fill: colour(s.colour), r: 3.5 });
        return;
      }
      kept.forEach((p, j) => {
        const [x, y] = pts[j]!;
        if (p.ring) shapes.push({ kind: 'ring', x, y, r: 9, stroke: theme.text });
        shapes.push({ kind: 'marker', x, y, shape: i, fill: colour(s.colour), r: p.large ? 5.5 : 3 });
        if (p.flag !== undefined && (!banded.has(j) || p.large === true))
          flagMark([x, y], p.flag, true, p.ring === true ? 12 : 7);
        if (p.label === undefined) return;
        // The point shown (drawn large) first, then the path's ends (point-labels.ts).
        labelled.push({ series: i, x, y, text: p.label, priority: labelPriority(p.large === true, j, kept.length) });
      });
    });
    const bounds = { left: plot.left, right: plot.right, top: plot.top, bottom: plot.bottom };
    for (const l of placePointLabels(labelled, (t) => t.length * 10 * CHAR_WIDTH, 10, bounds))
      text(l.x, l.y, l.text, 10, l.anchor, { fill: theme.muted });
  }
  if (spec.reference !== undefined) {
    const v = py(spec.reference.at);
    const ends: [number, number][] = horizontal
      ? [
          [v, plot.top],
          [v, plot.bottom],
        ]
      : [
          [plot.left, v],
          [plot.right, v],
        ];
    rule(ends, theme.text, [4, 3]);
    if (horizontal) text(v, plot.top - 8, spec.reference.label, 11, 'middle');
    else text(plot.right - 4, v - 5, spec.reference.label, 11, 'end');
  }

  // Legend: one entry per series, name wrapped, "= S0" where it lies under another line.
  let ly = plot.top + 4;
  const lx = plot.right + 24;
  spec.series.forEach((s, i) => {
    const sample: [number, number][] = [
      [lx, ly + 5],
      [lx + 26, ly + 5],
    ];
    const dash = s.dashed
      ? [5, 4]
      : theme.dashes && spec.kind === 'line' && DASHES[i % DASHES.length]!.length > 0
        ? DASHES[i % DASHES.length]!
        : undefined;
    if (spec.kind !== 'scatter' || s.dashed || s.join)
      shapes.push({
        kind: 'line',
        points: sample,
        stroke: colour(s.colour),
        width: bars ? 8 : 2,
        ...(dash ? { dash } : {}),
      });
    if (!bars && !s.dashed)
      shapes.push({ kind: 'marker', x: lx + 13, y: ly + 5, shape: i, fill: colour(s.colour), r: 3.5 });
    const label = `${s.label}${coincidentWords(s.under)}`;
    for (const [j, line] of wrapPx(label, legendWidth - 40, 12)
      .slice(0, 3)
      .entries())
      text(lx + 34, ly + 9 + j * 14, line, 12, 'start');
    ly += 14 * Math.min(3, wrapPx(label, legendWidth - 40, 12).length) + 10;
  });
  // What the flag marks mean, once per level drawn, under the series.
  const banded = spec.kind === 'line' || spec.series.some((s) => s.join === true);
  for (const level of ['unfit', 'care'] as const) {
    if (bars || !spec.series.some((s) => s.points.some((p) => p.flag === level))) continue;
    if (spec.kind === 'line')
      shapes.push(
        flagBand(
          [
            [lx, ly + 5],
            [lx + 26, ly + 5],
          ],
          level,
        ),
      );
    else flagMark([lx + 13, ly + 5], level, false);
    const lines = wrapPx(flagLegend(level, banded), legendWidth - 40, 12).slice(0, 3);
    lines.forEach((line, j) => text(lx + 34, ly + 9 + j * 14, line, 12, 'start', { fill: flagColour(level) }));
    ly += 14 * lines.length + 10;
  }

  captionLines.forEach((line, i) =>
    shapes.push({
      kind: 'text',
      x: 20,
      y: CHART_HEIGHT - 38 + i * 15,
      text: line,
      size: 11,
      fill: theme.muted,
      anchor: 'start',
    }),
  );
  return { width: W, height: H, title: spec.title, ...(spec.metadata ? { metadata: spec.metadata } : {}), shapes };
}

/** Lines with at most this many points get markers; a longer line is its own mark. */
const MAX_MARKED_POINTS = 60;

/** The glyph beside a flag's ring: "!" unfit to quote, "?" read with care (the text exports' "!" for both). */
export const FLAG_GLYPH: Record<FlagLevel, string> = { unfit: '!', care: '?' };

/** The legend's words for a level's marks: where lines or paths are drawn (bands), or only markers. */
export function flagLegend(level: FlagLevel, banded: boolean): string {
  const what = level === 'unfit' ? 'unfit to quote (infeasible, saturated, overloaded)' : 'flagged, read with care';
  return `${what}: ${banded ? 'banded, or ' : ''}ringed with a ${FLAG_GLYPH[level]}`;
}

/** Runs of consecutive points flagged at one level, as index lists into `points`. */
function flaggedRuns(points: readonly ChartPointSpec[]): number[][] {
  const runs: number[][] = [];
  let run: number[] = [];
  points.forEach((p, j) => {
    const last = run.length === 0 ? undefined : points[run[run.length - 1]!]!.flag;
    if (p.flag !== undefined && (last === undefined || last === p.flag)) run.push(j);
    else {
      if (run.length > 0) runs.push(run);
      run = p.flag === undefined ? [] : [j];
    }
  });
  if (run.length > 0) runs.push(run);
  return runs;
}

/** A cell's shade: its series' colour this faint over the background. */
const GRID_TINT = 0.14;

/** A 'grid' chart: a heading row, a heading column, and a cell per point with its lines centred. */
function layoutGrid(spec: ChartSpec): Drawing {
  const theme = THEMES[spec.theme];
  const colour = (c: string): string => (c === INK ? theme.text : c);
  const W = CHART_WIDTH;
  const left = 20;
  const headWidth = 220;
  const columnCount = Math.max(1, spec.x.categories?.length ?? 0);
  const colWidth = (W - 2 * left - headWidth) / columnCount;
  // Every text wrapped to its cell: its first line at 12 (bold in headings), the rest smaller;
  // a first line wrapped keeps its style on the lines it wraps onto ("first").
  const fitted = (text: string, width: number): { text: string; first: boolean }[] =>
    text
      .split('\n')
      .flatMap((line, j) => wrapPx(line, width, j === 0 ? 12 : 11).map((t) => ({ text: t, first: j === 0 })));
  const columns = (spec.x.categories ?? []).map((c) => fitted(c, colWidth - 8));
  const rows = (spec.y.categories ?? []).map((c) => fitted(c, headWidth - 12));
  const cells = new Map<string, { lines: { text: string; first: boolean }[]; series: number }>();
  spec.series.forEach((s, i) =>
    s.points.forEach((p) => cells.set(`${p.x},${p.y}`, { lines: fitted(p.label ?? '', colWidth - 8), series: i })),
  );
  const LINE = 15;
  const headHeight = LINE * Math.max(1, ...columns.map((c) => c.length)) + 16;
  const rowHeights = rows.map((label, r) => {
    const inRow = columns.map((_, c) => cells.get(`${c},${r}`)?.lines.length ?? 0);
    return LINE * Math.max(label.length, ...inRow) + 12;
  });
  const top = 50;
  const gridBottom = top + headHeight + rowHeights.reduce((a, b) => a + b, 0);
  const captionLines = spec.caption.flatMap((c) => wrapPx(c, W - 40, 11));
  const legendTop = gridBottom + 26;
  const H = legendTop + 24 + captionLines.length * 15 + 16;
  const shapes: Shape[] = [{ kind: 'rect', x: 0, y: 0, w: W, h: H, fill: theme.background }];
  const text = textWriter(shapes, theme.text);
  /** A heading line: the first bold in the text colour, the others muted. */
  const headingLine = (first: boolean) => (first ? { bold: true } : { fill: theme.muted });
  text(W / 2, 28, spec.title, 15, 'middle', { bold: true });
  const colX = (c: number): number => left + headWidth + c * colWidth;
  // The corner names both axes; each column's heading sits on its colour.
  text(left + 6, top + headHeight - 10, `${spec.y.label} \\ ${spec.x.label}`, 11, 'start', { fill: theme.muted });
  columns.forEach((lines, c) => {
    const mark = spec.x.colours?.[c];
    if (mark !== undefined)
      shapes.push({ kind: 'rect', x: colX(c) + 4, y: top + 2, w: colWidth - 8, h: 4, fill: colour(mark) });
    lines.forEach((line, j) =>
      text(
        colX(c) + colWidth / 2,
        top + 20 + j * LINE,
        line.text,
        line.first ? 12 : 10,
        'middle',
        headingLine(line.first),
      ),
    );
  });
  let y = top + headHeight;
  rows.forEach((label, r) => {
    const h = rowHeights[r]!;
    label.forEach((line, j) =>
      text(left + 6, y + 18 + j * LINE, line.text, line.first ? 12 : 10, 'start', headingLine(line.first)),
    );
    columns.forEach((_, c) => {
      const cell = cells.get(`${c},${r}`);
      if (cell === undefined) return;
      shapes.push({
        kind: 'rect',
        x: colX(c) + 1,
        y: y + 1,
        w: colWidth - 2,
        h: h - 2,
        fill: colour(spec.series[cell.series]!.colour),
        opacity: GRID_TINT,
      });
      cell.lines.forEach((line, j) =>
        text(
          colX(c) + colWidth / 2,
          y + 18 + j * LINE,
          line.text,
          line.first ? 12 : 11,
          'middle',
          line.first ? {} : { fill: theme.muted },
        ),
      );
    });
    y += h;
  });
  // Rules between the headings and the rows, and around the table.
  const rule = (points: [number, number][], stroke: string): void => {
    shapes.push({ kind: 'line', points, stroke, width: 1 });
  };
  let ry = top + headHeight;
  rule(
    [
      [left, ry],
      [W - left, ry],
    ],
    theme.axis,
  );
  for (const h of rowHeights) {
    ry += h;
    rule(
      [
        [left, ry],
        [W - left, ry],
      ],
      theme.grid,
    );
  }
  for (let c = 0; c <= columns.length; c++)
    rule(
      [
        [colX(c), top],
        [colX(c), gridBottom],
      ],
      c === 0 ? theme.axis : theme.grid,
    );
  // The legend: one swatch per shade used.
  let lx = left;
  spec.series.forEach((s) => {
    if (s.points.length === 0) return;
    shapes.push({
      kind: 'rect',
      x: lx,
      y: legendTop - 10,
      w: 22,
      h: 12,
      fill: colour(s.colour),
      opacity: GRID_TINT * 2,
    });
    text(lx + 28, legendTop, s.label, 11, 'start');
    lx += 28 + s.label.length * 11 * CHAR_WIDTH + 24;
  });
  captionLines.forEach((line, i) => text(left, legendTop + 26 + i * 15, line, 11, 'start', { fill: theme.muted }));
  return { width: W, height: H, title: spec.title, ...(spec.metadata ? { metadata: spec.metadata } : {}), shapes };
}

const esc = (t: string): string =>
  t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const n = (v: number): string => String(Math.round(v * 10) / 10);

/** Marker outlines: circle, square, triangle, diamond, and the same turned, by series. */
function markerPath(shape: number, x: number, y: number, r: number): string {
  switch (shape % 5) {
    case 1:
      return `M${n(x - r)},${n(y - r)}h${n(2 * r)}v${n(2 * r)}h${n(-2 * r)}Z`;
    case 2:
      return `M${n(x)},${n(y - r * 1.2)}L${n(x + r * 1.1)},${n(y + r * 0.8)}L${n(x - r * 1.1)},${n(y + r * 0.8)}Z`;
    case 3:
      return `M${n(x)},${n(y - r * 1.3)}L${n(x + r * 1.3)},${n(y)}L${n(x)},${n(y + r * 1.3)}L${n(x - r * 1.3)},${n(y)}Z`;
    case 4:
      return `M${n(x - r)},${n(y - r)}L${n(x + r)},${n(y + r)}M${n(x + r)},${n(y - r)}L${n(x - r)},${n(y + r)}`;
    default:
      return `M${n(x - r)},${n(y)}a${n(r)},${n(r)} 0 1,0 ${n(2 * r)},0a${n(r)},${n(r)} 0 1,0 ${n(-2 * r)},0`;
  }
}

/** The drawing as a standalone SVG document. */
export function drawingSvg(d: Drawing): string {
  const out = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${d.width}" height="${d.height}" viewBox="0 0 ${d.width} ${d.height}" font-family="${esc(FONT_STACK)}">`,
    `<title>${esc(d.title)}</title>`,
  ];
  if (d.metadata !== undefined) out.push(`<metadata id="gmemlab-view">${esc(JSON.stringify(d.metadata))}</metadata>`);
  for (const s of d.shapes) {
    switch (s.kind) {
      case 'rect':
        out.push(
          `<rect x="${n(s.x)}" y="${n(s.y)}" width="${n(s.w)}" height="${n(s.h)}" fill="${s.fill}"${s.opacity === undefined ? '' : ` fill-opacity="${s.opacity}"`}/>`,
        );
        break;
      case 'line':
        out.push(
          `<polyline points="${s.points.map(([x, y]) => `${n(x)},${n(y)}`).join(' ')}" fill="none" stroke="${s.stroke}" stroke-width="${s.width}"${s.dash ? ` stroke-dasharray="${s.dash.join(' ')}"` : ''}${s.opacity === undefined ? '' : ` stroke-opacity="${s.opacity}" stroke-linecap="round" stroke-linejoin="round"`}/>`,
        );
        break;
      case 'marker': {
        const cross = s.shape % 5 === 4;
        out.push(
          `<path d="${markerPath(s.shape, s.x, s.y, s.r)}" fill="${cross ? 'none' : s.fill}"${cross ? ` stroke="${s.fill}" stroke-width="1.5"` : ''}/>`,
        );
        break;
      }
      case 'ring':
        out.push(
          `<circle cx="${n(s.x)}" cy="${n(s.y)}" r="${n(s.r)}" fill="none" stroke="${s.stroke}" stroke-width="1.5"/>`,
        );
        break;
      case 'text':
        out.push(
          `<text x="${n(s.x)}" y="${n(s.y)}" font-size="${s.size}" fill="${s.fill}"${s.anchor === 'start' ? '' : ` text-anchor="${s.anchor}"`}${s.bold ? ' font-weight="bold"' : ''}${s.rotate ? ` transform="rotate(-90 ${n(s.x)} ${n(s.y)})"` : ''}>${esc(s.text)}</text>`,
        );
        break;
    }
  }
  out.push('</svg>', '');
  return out.join('\n');
}

/** The part of CanvasRenderingContext2D the painter uses (the browser's, or @napi-rs/canvas). */
export interface Canvas2D {
  fillStyle: unknown;
  globalAlpha: number;
  strokeStyle: unknown;
  lineWidth: number;
  lineCap: string;
  lineJoin: string;
  font: string;
  textAlign: string;
  save(): void;
  restore(): void;
  scale(x: number, y: number): void;
  translate(x: number, y: number): void;
  rotate(angle: number): void;
  fillRect(x: number, y: number, w: number, h: number): void;
  beginPath(): void;
  moveTo(x: number, y: number): void;
  lineTo(x: number, y: number): void;
  closePath(): void;
  arc(x: number, y: number, r: number, start: number, end: number): void;
  stroke(): void;
  fill(): void;
  setLineDash(segments: number[]): void;
  fillText(text: string, x: number, y: number): void;
}

/** Paints the drawing on a canvas at `scale` device pixels per unit. */
export function paintDrawing(ctx: Canvas2D, d: Drawing, scale: number): void {
  ctx.save();
  ctx.scale(scale, scale);
  for (const s of d.shapes) {
    switch (s.kind) {
      case 'rect':
        ctx.fillStyle = s.fill;
        ctx.globalAlpha = s.opacity ?? 1;
        ctx.fillRect(s.x, s.y, s.w, s.h);
        ctx.globalAlpha = 1;
        break;
      case 'line':
        ctx.strokeStyle = s.stroke;
        ctx.lineWidth = s.width;
        ctx.setLineDash(s.dash ?? []);
        if (s.opacity !== undefined) {
          ctx.globalAlpha = s.opacity;
          ctx.lineCap = 'round';
          ctx.lineJoin = 'round';
        }
        ctx.beginPath();
        s.points.forEach(([x, y], i) => (i === 0 ? ctx.moveTo(x, y) : ctx.lineTo(x, y)));
        ctx.stroke();
        ctx.setLineDash([]);
        ctx.globalAlpha = 1;
        ctx.lineCap = 'butt';
        ctx.lineJoin = 'miter';
        break;
      case 'marker': {
        const { x, y, r } = s;
        ctx.fillStyle = s.fill;
        ctx.strokeStyle = s.fill;
        ctx.beginPath();
        switch (s.shape % 5) {
          case 1:
            ctx.fillRect(x - r, y - r, 2 * r, 2 * r);
            break;
          case 2:
            ctx.moveTo(x, y - r * 1.2);
            ctx.lineTo(x + r * 1.1, y + r * 0.8);
            ctx.lineTo(x - r * 1.1, y + r * 0.8);
            ctx.closePath();
            ctx.fill();
            break;
          case 3:
            ctx.moveTo(x, y - r * 1.3);
            ctx.lineTo(x + r * 1.3, y);
            ctx.lineTo(x, y + r * 1.3);
            ctx.lineTo(x - r * 1.3, y);
            ctx.closePath();
            ctx.fill();
            break;
          case 4:
            ctx.lineWidth = 1.5;
            ctx.moveTo(x - r, y - r);
            ctx.lineTo(x + r, y + r);
            ctx.moveTo(x + r, y - r);
            ctx.lineTo(x - r, y + r);
            ctx.stroke();
            break;
          default:
            ctx.arc(x, y, r, 0, 2 * Math.PI);
            ctx.fill();
        }
        break;
      }
      case 'ring':
        ctx.strokeStyle = s.stroke;
        ctx.lineWidth = 1.5;
        ctx.beginPath();
        ctx.arc(s.x, s.y, s.r, 0, 2 * Math.PI);
        ctx.stroke();
        break;
      case 'text':
        ctx.fillStyle = s.fill;
        ctx.font = `${s.bold ? 'bold ' : ''}${s.size}px sans-serif`;
        ctx.textAlign = s.anchor === 'middle' ? 'center' : s.anchor === 'end' ? 'right' : 'left';
        if (s.rotate) {
          ctx.save();
          ctx.translate(s.x, s.y);
          ctx.rotate(-Math.PI / 2);
          ctx.fillText(s.text, 0, 0);
          ctx.restore();
        } else ctx.fillText(s.text, s.x, s.y);
        break;
    }
  }
  ctx.restore();
}
