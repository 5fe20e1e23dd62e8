// CSV of exactly the data behind the chart: one row per strategy and swept value (every point,
// never down-sampled), with the slice's fixed parameters as columns and the model's flags on each.
import { csvText } from '../../common/analysis/csv.ts';
import type { ChartSeries } from './series.ts';

export function chartCsv(data: ChartSeries): string {
  const header = [
    'strategy',
    ...(data.xPath === undefined ? [] : [data.xPath]),
    ...Object.keys(data.fixed),
    data.metric,
    `${data.metric}.ci95`,
    'flags',
  ];
  const rows = data.series.flatMap((s) =>
    s.points.map((p) => [
      s.strategy,
      ...(data.xPath === undefined ? [] : [data.categories?.[p.x] ?? p.x]),
      ...Object.values(data.fixed).map(String),
      p.y,
      p.ci95,
      p.flags.join('; '),
    ]),
  );
  return csvText(header, rows);
}
