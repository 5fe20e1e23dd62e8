// Chart images in Node: chart.js drawn on @napi-rs/canvas, to PNG, or to SVG with real <text>
// (legend, title and axis titles stay searchable and editable in a browser or Inkscape).
import { createCanvas, SvgExportFlag, type SKRSContext2D } from '@napi-rs/canvas';
import type { ChartConfiguration, Plugin } from 'chart.js';
import { Chart } from '../../common/analysis/chartjs.ts';
import { METRIC_CATALOGUE, STRATEGY_NAMES } from '../../common/core/index.ts';
import { spansDecades } from '../../common/analysis/overlay.ts';
import { strategyColour } from '../../common/analysis/palette.ts';
import type { ChartSeries } from './series.ts';

const WIDTH = 900;
const HEIGHT = 500;

/** A white background, so the image reads the same on any page. */
const background: Plugin = {
  id: 'background',
  beforeDraw(chart) {
    const ctx = chart.ctx;
    ctx.save();
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, chart.width, chart.height);
    ctx.restore();
  },
};

export function chartConfig(data: ChartSeries, title: string): ChartConfiguration {
  const info = METRIC_CATALOGUE.find((m) => m.key === data.metric);
  const yTitle = `${info?.label ?? data.metric} (${info?.unit ?? ''})`;
  const label = (s: string) => `${s} ${STRATEGY_NAMES[s as keyof typeof STRATEGY_NAMES] ?? ''}`.trim();
  const common = { responsive: false, animation: false as const, devicePixelRatio: 1 };
  const plugins = { title: { display: true, text: title }, legend: { display: true, position: 'bottom' as const } };
  if (data.xPath === undefined) {
    return {
      type: 'bar',
      data: {
        labels: data.series.map((s) => s.strategy),
        datasets: [
          {
            label: yTitle,
            data: data.series.map((s) => s.points[0]?.y ?? 0),
            backgroundColor: data.series.map((s) => strategyColour(s.strategy)),
          },
        ],
      },
      options: {
        ...common,
        plugins,
        scales: {
          x: { title: { display: true, text: 'strategy' } },
          y: { beginAtZero: true, title: { display: true, text: yTitle } },
        },
      },
      plugins: [background],
    };
  }
  // The window's rule (common/analysis/overlay.ts): a log axis when the values span two decades.
  const logX = spansDecades(data.series.flatMap((s) => s.points.map((p) => p.x)));
  return {
    type: 'line',
    data: {
      datasets: data.series.map((s) => ({
        label: label(s.strategy),
        data: s.points.map((p) => ({ x: p.x, y: p.y })),
        borderColor: strategyColour(s.strategy),
        backgroundColor: strategyColour(s.strategy),
      })),
    },
    options: {
      ...common,
      plugins,
      scales: {
        x: { type: logX ? 'logarithmic' : 'linear', title: { display: true, text: data.xPath } },
        y: { title: { display: true, text: yTitle } },
      },
    },
    plugins: [background],
  };
}

type ChartContext = ConstructorParameters<typeof Chart>[0];

/** Draws the chart, reads the canvas out, then frees the chart (destroy() clears the canvas). */
function render<T>(
  canvas: { getContext(kind: '2d'): SKRSContext2D },
  data: ChartSeries,
  title: string,
  read: () => T,
): T {
  const chart = new Chart(canvas.getContext('2d') as unknown as ChartContext, chartConfig(data, title));
  try {
    return read();
  } finally {
    chart.destroy();
  }
}

export async function chartPng(data: ChartSeries, title: string): Promise<Buffer> {
  const canvas = createCanvas(WIDTH, HEIGHT);
  return render(canvas, data, title, () => canvas.encode('png'));
}

export function chartSvg(data: ChartSeries, title: string): string {
  const canvas = createCanvas(WIDTH, HEIGHT, SvgExportFlag.NoPrettyXML);
  const svg = render(canvas, data, title, () => canvas.getContent().toString('utf8'));
  return (
    svg
      // A <title> so the file says what it is wherever it is opened.
      .replace(/(<svg[^>]*>)/, `$1<title>${title.replace(/[<&>]/g, '')}</title>`)
      // Skia writes each word as a <text> with one x per glyph, a trailing comma after the list
      // and an empty <text> for each space: drop the empty ones and the commas strict readers refuse.
      .replace(/<text[^>]*x="" y=""><\/text>/g, '')
      .replace(/ (x|y)="([^"]*?),\s*"/g, ' $1="$2"')
  );
}
