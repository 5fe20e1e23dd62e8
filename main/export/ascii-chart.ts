// An ASCII line chart for plain-text mail. Each line is drawn with its strategy's digit (S2 as
// 2); strategies whose values are the same at every point share one line, drawn with the first
// one's digit and named together in the key below the chart; '*' marks a cell where different
// lines meet. The y axis goes logarithmic when the values span two decades or more, with the
// zeros (which a log axis cannot place) on a row of their own at the bottom.
import { compactValue } from './table.ts';
import { spansDecades } from '../../common/analysis/overlay.ts';
import { sameLine } from '../../common/analysis/coincide.ts';
import type { ChartSeries } from './series.ts';

export interface AsciiChartOptions {
  /** Total width in columns, labels included. */
  width: number;
  /** Rows of the plot area. */
  height: number;
  /** The x axis on a log scale (values at or below 0 are left out). */
  logX: boolean;
  /** The y axis on a log scale; unset: when the positive values span two decades or more. */
  logY?: boolean;
}

export interface AsciiChart {
  lines: string[];
  /** What each symbol stands for: the digit, and every strategy drawn with it. */
  key: { symbol: string; strategies: string[] }[];
  /** Which lines share a cell somewhere ('*'), e.g. '4 and 5'. */
  meetings: string[];
  logY: boolean;
}

/** Strategies with the same y at every x (coincide.ts: sameLine) form one group, in series order. */
function identicalGroups(data: ChartSeries): ChartSeries['series'][] {
  const groups: ChartSeries['series'][] = [];
  for (const s of data.series) {
    if (s.points.length === 0) continue;
    const group = groups.find((g) => sameLine(g[0]!.points, s.points));
    if (group === undefined) groups.push([s]);
    else group.push(s);
  }
  return groups;
}

export function asciiChart(data: ChartSeries, options: AsciiChartOptions): AsciiChart {
  const logX = options.logX && data.categories === undefined;
  const groups = identicalGroups(data).map((g) => ({
    symbol: g[0]!.strategy.slice(-1),
    strategies: g.map((s) => s.strategy),
    points: logX ? g[0]!.points.filter((p) => p.x > 0) : g[0]!.points,
  }));
  const points = groups.flatMap((g) => g.points);
  if (points.length === 0) return { lines: ['(no finished runs to chart)'], key: [], meetings: [], logY: false };
  const ys = points.map((p) => p.y);
  const logY = options.logY ?? spansDecades(ys);
  const positive = ys.filter((y) => y > 0);
  const zeroRow = logY && positive.length < ys.length;
  const rows = options.height;
  const plotRows = zeroRow ? rows - 1 : rows;

  const fx = (x: number): number => (logX ? Math.log10(x) : x);
  const xs = points.map((p) => p.x);
  const [x0, x1] = [Math.min(...xs.map(fx)), Math.max(...xs.map(fx))];
  let y0: number;
  let y1: number;
  if (logY) {
    y0 = Math.floor(Math.log10(Math.min(...positive)));
    y1 = Math.ceil(Math.log10(Math.max(...positive)));
    if (y1 === y0) y1 += 1;
  } else {
    y0 = Math.min(0, ...ys);
    y1 = Math.max(...ys);
    if (y1 === y0) [y0, y1] = [y0 - 1, y1 + 1];
  }
  const fy = (y: number): number => (logY ? Math.log10(y) : y);
  /** The row of a value; values a log axis cannot place go on the zero row. */
  const rowOf = (y: number): number =>
    logY && y <= 0 ? rows - 1 : Math.round(((y1 - fy(y)) / (y1 - y0)) * (plotRows - 1));
  const valueAt = (row: number): number =>
    logY ? 10 ** (y1 - (row / (plotRows - 1)) * (y1 - y0)) : y1 - (row / (plotRows - 1)) * (y1 - y0);

  const labelRows = new Map<number, string>([
    [0, compactValue(valueAt(0), 8)],
    [Math.floor((plotRows - 1) / 2), compactValue(valueAt(Math.floor((plotRows - 1) / 2)), 8)],
    [plotRows - 1, compactValue(valueAt(plotRows - 1), 8)],
  ]);
  if (zeroRow) labelRows.set(rows - 1, '0');
  const labelWidth = Math.max(...[...labelRows.values()].map((l) => l.length));
  const cols = options.width - labelWidth - 2;
  const grid = Array.from({ length: rows }, () => Array<string>(cols).fill(' '));
  const colOf = (x: number): number =>
    x1 === x0 ? Math.floor(cols / 2) : Math.round(((fx(x) - x0) / (x1 - x0)) * (cols - 1));

  const owners = new Map<string, Set<string>>();
  for (const g of groups) {
    const mark = (c: number, row: number): void => {
      const cells = grid[row]!;
      const at = `${row},${c}`;
      const here = owners.get(at) ?? new Set<string>();
      here.add(g.symbol);
      owners.set(at, here);
      cells[c] = here.size === 1 ? g.symbol : '*';
    };
    const line = g.points;
    if (line.length === 1 || x1 === x0) {
      for (const p of line) mark(colOf(p.x), rowOf(p.y));
      continue;
    }
    // Every column between the line's first and last x, interpolated on the chart's own scales.
    for (let c = 0; c < cols; c++) {
      const x = x0 + (c / (cols - 1)) * (x1 - x0);
      if (x < fx(line[0]!.x) - 1e-12 || x > fx(line[line.length - 1]!.x) + 1e-12) continue;
      let i = 1;
      while (i < line.length - 1 && fx(line[i]!.x) < x) i++;
      const a = line[i - 1]!;
      const b = line[i]!;
      const [ax, bx] = [fx(a.x), fx(b.x)];
      const t = bx === ax ? 1 : Math.min(1, Math.max(0, (x - ax) / (bx - ax)));
      if (logY && (a.y <= 0 || b.y <= 0)) {
        mark(c, rowOf(t < 0.5 ? a.y : b.y));
        continue;
      }
      const y = logY ? 10 ** (fy(a.y) + t * (fy(b.y) - fy(a.y))) : a.y + t * (b.y - a.y);
      mark(c, rowOf(y));
    }
  }

  const lines = grid.map((cells, r) => {
    const axis = zeroRow && r === rows - 1 ? '~' : '|';
    return `${(labelRows.get(r) ?? '').padStart(labelWidth)} ${axis}${cells.join('')}`;
  });
  lines.push(`${' '.repeat(labelWidth)} +${'-'.repeat(cols)}`);
  const xLabel = (x: number): string =>
    data.categories === undefined ? compactValue(x, 10) : (data.categories[x] ?? '');
  const [left, right] = [xLabel(Math.min(...xs)), xLabel(Math.max(...xs))];
  lines.push(`${' '.repeat(labelWidth + 2)}${left}${right.padStart(Math.max(right.length + 1, cols - left.length))}`);
  const scales = [logX ? 'x' : '', logY ? 'y' : ''].filter(Boolean);
  const title = `${data.xPath ?? ''}${scales.length === 0 ? '' : ` (log scale: ${scales.join(' and ')})`}`;
  lines.push(`${' '.repeat(labelWidth + 2 + Math.max(0, Math.floor((cols - title.length) / 2)))}${title}`);
  const meetings = [
    ...new Set([...owners.values()].filter((o) => o.size > 1).map((o) => [...o].sort().join(' and '))),
  ].sort();
  return { lines, key: groups.map((g) => ({ symbol: g.symbol, strategies: g.strategies })), meetings, logY };
}
