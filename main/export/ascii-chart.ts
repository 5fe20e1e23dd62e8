// An ASCII line chart for plain-text mail: one digit per strategy (S2 is drawn as 2), '#' where
// two strategies fall on the same cell, y labels on the left, x range below.
import { formatValue } from '../../common/analysis/format.ts';
import { spansDecades } from '../../common/analysis/overlay.ts';
import type { ChartSeries } from './series.ts';

export interface AsciiChartSize {
  /** Total width in columns, labels included. */
  width: number;
  /** Rows of the plot area. */
  height: number;
}

export function asciiChart(data: ChartSeries, size: AsciiChartSize): string[] {
  // The window's rule for a log axis; as there, values at or below 0 have no place on it.
  const log = spansDecades(data.series.flatMap((s) => s.points.map((p) => p.x)));
  const series = data.series.map((s) => ({ ...s, points: log ? s.points.filter((p) => p.x > 0) : s.points }));
  const points = series.flatMap((s) => s.points);
  if (points.length === 0) return ['(no finished runs to chart)'];
  const xs = points.map((p) => p.x);
  const fx = (x: number): number => (log ? Math.log10(x) : x);
  const [x0, x1] = [Math.min(...xs.map(fx)), Math.max(...xs.map(fx))];
  let y0 = Math.min(0, ...points.map((p) => p.y));
  let y1 = Math.max(...points.map((p) => p.y));
  if (y1 === y0) [y0, y1] = [y0 - 1, y1 + 1];

  const labels = [formatValue(y1), formatValue((y0 + y1) / 2), formatValue(y0)];
  const labelWidth = Math.max(...labels.map((l) => l.length));
  const cols = size.width - labelWidth - 2;
  const rows = size.height;
  const grid = Array.from({ length: rows }, () => Array<string>(cols).fill(' '));
  const rowOf = (y: number): number => Math.round(((y1 - y) / (y1 - y0)) * (rows - 1));

  for (const s of series) {
    const symbol = s.strategy.slice(1);
    const line = s.points.map((p) => ({ x: fx(p.x), y: p.y }));
    const mark = (c: number, y: number): void => {
      const row = grid[rowOf(y)]!;
      row[c] = row[c] === ' ' || row[c] === symbol ? symbol : '#';
    };
    if (line.length === 1 || x1 === x0) {
      for (const p of line)
        mark(x1 === x0 ? Math.floor(cols / 2) : Math.round(((p.x - x0) / (x1 - x0)) * (cols - 1)), p.y);
      continue;
    }
    // Every column between the series' first and last x, interpolated: a continuous line.
    for (let c = 0; c < cols; c++) {
      const x = x0 + (c / (cols - 1)) * (x1 - x0);
      if (x < line[0]!.x || x > line[line.length - 1]!.x) continue;
      let i = 1;
      while (i < line.length - 1 && line[i]!.x < x) i++;
      const a = line[i - 1]!;
      const b = line[i]!;
      mark(c, b.x === a.x ? b.y : a.y + ((x - a.x) / (b.x - a.x)) * (b.y - a.y));
    }
  }

  const labelAt = new Map([
    [0, labels[0]!],
    [Math.floor((rows - 1) / 2), labels[1]!],
    [rows - 1, labels[2]!],
  ]);
  const out = grid.map((row, r) => `${(labelAt.get(r) ?? '').padStart(labelWidth)} |${row.join('')}`);
  out.push(`${' '.repeat(labelWidth)} +${'-'.repeat(cols)}`);
  const [left, right] = [formatValue(Math.min(...xs)), formatValue(Math.max(...xs))];
  out.push(`${' '.repeat(labelWidth + 2)}${left}${right.padStart(cols - left.length)}`);
  const title = `${data.xPath ?? ''}${log ? ' (log scale)' : ''}`;
  out.push(`${' '.repeat(labelWidth + 2 + Math.max(0, Math.floor((cols - title.length) / 2)))}${title}`);
  return out;
}
