// 95% confidence intervals drawn on chart.js charts (issue 17, item 7): a dataset that carries
// `ci` (the half-width for each of its points, null where there is none) gets error bars when
// it is a bar dataset and a shaded band when it is a line. The band and the bars belong to their
// dataset, so hiding a strategy hides its interval too. One plugin for the window and exports.
import type { Chart, Plugin } from 'chart.js';

/** What a dataset carries for its interval: half-widths of the 95% CI, aligned with `data`. */
export interface WithCi {
  ci?: (number | null)[];
}

function yOf(point: unknown): number {
  if (typeof point === 'number') return point;
  const y = (point as { y?: unknown } | null)?.y;
  return typeof y === 'number' ? y : Number.NaN;
}

/** The pixel of `value` on `chart`'s y scale, clamped to the chart area (a log axis has no place for <= 0). */
function pixel(chart: Chart, axis: string, value: number): number {
  const scale = chart.scales[axis]!;
  const { top, bottom } = chart.chartArea;
  if (scale.type === 'logarithmic' && !(value > 0)) return bottom;
  const p = scale.getPixelForValue(value);
  return Math.min(Math.max(p, top), bottom);
}

export const ciPlugin: Plugin = {
  id: 'gmemlabCi',
  afterDatasetsDraw(chart) {
    const { ctx } = chart;
    chart.data.datasets.forEach((dataset, i) => {
      const ci = (dataset as WithCi).ci;
      if (ci === undefined || !chart.isDatasetVisible(i)) return;
      const meta = chart.getDatasetMeta(i);
      const axis = meta.yAxisID ?? 'y';
      const colour = String(
        (Array.isArray(dataset.borderColor) ? dataset.borderColor[0] : dataset.borderColor) ?? '#888',
      );
      ctx.save();
      if (meta.type === 'bar') {
        ctx.strokeStyle = chart.options.color === undefined ? '#444' : String(chart.options.color);
        ctx.lineWidth = 1.5;
        meta.data.forEach((el, j) => {
          const half = ci[j];
          const v = yOf(dataset.data[j]);
          if (half === null || half === undefined || !(half > 0) || !Number.isFinite(v)) return;
          const hi = pixel(chart, axis, v + half);
          const lo = pixel(chart, axis, v - half);
          ctx.beginPath();
          ctx.moveTo(el.x, lo);
          ctx.lineTo(el.x, hi);
          ctx.moveTo(el.x - 5, hi);
          ctx.lineTo(el.x + 5, hi);
          ctx.moveTo(el.x - 5, lo);
          ctx.lineTo(el.x + 5, lo);
          ctx.stroke();
        });
      } else {
        const pts = meta.data
          .map((el, j) => ({ x: el.x, v: yOf(dataset.data[j]), half: ci[j] }))
          .filter((p) => Number.isFinite(p.v) && typeof p.half === 'number' && p.half > 0);
        if (pts.length > 0) {
          ctx.fillStyle = colour;
          ctx.globalAlpha = 0.18;
          ctx.beginPath();
          pts.forEach((p, k) => {
            const y = pixel(chart, axis, p.v + p.half!);
            if (k === 0) ctx.moveTo(p.x, y);
            else ctx.lineTo(p.x, y);
          });
          for (const p of [...pts].reverse()) ctx.lineTo(p.x, pixel(chart, axis, p.v - p.half!));
          ctx.closePath();
          ctx.fill();
          if (pts.length === 1) {
            // One point has no band: a whisker instead.
            ctx.globalAlpha = 1;
            ctx.strokeStyle = colour;
            const p = pts[0]!;
            ctx.beginPath();
            ctx.moveTo(p.x, pixel(chart, axis, p.v - p.half!));
            ctx.lineTo(p.x, pixel(chart, axis, p.v + p.half!));
            ctx.stroke();
          }
        }
      }
      ctx.restore();
    });
  },
};
