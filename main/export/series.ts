// The data behind an experiment's chart: one metric per strategy against the first swept
// parameter (or per strategy alone for a single run). CSV, SVG/PNG and the ASCII chart all use it.
import type { Point, StrategyId } from '../../common/core/index.ts';
import type { ExperimentDetail } from '../../common/contract/index.ts';

export interface ChartSeries {
  metric: string;
  /** The swept parameter on the x axis, or undefined for a single run. */
  xPath: string | undefined;
  /** Other swept parameters, held at their first value. */
  fixed: Point;
  series: { strategy: StrategyId; points: { x: number; y: number; ci95: number }[] }[];
}

export function chartSeries(detail: ExperimentDetail, metric: string): ChartSeries {
  const paths = [...new Set(detail.runs.flatMap((r) => Object.keys(r.point)))];
  const xPath = paths.find((p) => detail.runs.some((r) => typeof r.point[p] === 'number'));
  const fixed: Point = {};
  for (const p of paths) if (p !== xPath) fixed[p] = detail.runs.find((r) => r.point[p] !== undefined)!.point[p]!;
  const strategies = [...new Set(detail.runs.map((r) => r.strategy))];
  return {
    metric,
    xPath,
    fixed,
    series: strategies.map((strategy) => ({
      strategy,
      points: detail.runs
        .filter((r) => r.strategy === strategy && r.status === 'done' && r.metrics[metric] !== undefined)
        .filter((r) => Object.entries(fixed).every(([p, v]) => r.point[p] === v))
        .map((r) => ({
          x: xPath === undefined ? 0 : Number(r.point[xPath]),
          y: r.metrics[metric]!.mean,
          ci95: r.metrics[metric]!.ci95,
        }))
        .sort((a, b) => a.x - b.x),
    })),
  };
}
