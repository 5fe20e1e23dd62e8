// CSV of exactly the data behind the chart: one row per strategy and swept value (every point,
// never down-sampled), with the slice's fixed parameters as columns.
import type { ChartSeries } from './series.ts';

const field = (v: string | number): string => {
  const text = String(v);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** A CSV text: the header, then one line per row, fields quoted where they need it. */
export function csvText(header: string[], rows: (string | number | boolean)[][]): string {
  return (
    [header, ...rows].map((r) => r.map((v) => field(typeof v === 'boolean' ? String(v) : v)).join(',')).join('\n') +
    '\n'
  );
}

export function chartCsv(data: ChartSeries): string {
  const header = [
    'strategy',
    ...(data.xPath === undefined ? [] : [data.xPath]),
    ...Object.keys(data.fixed),
    data.metric,
    `${data.metric}.ci95`,
  ];
  const rows = [header.map(field).join(',')];
  for (const s of data.series) {
    for (const p of s.points) {
      rows.push(
        [
          s.strategy,
          ...(data.xPath === undefined ? [] : [data.categories?.[p.x] ?? p.x]),
          ...Object.values(data.fixed).map(String),
          p.y,
          p.ci95,
        ]
          .map(field)
          .join(','),
      );
    }
  }
  return rows.join('\n') + '\n';
}
