// One experiment out as a file: plain text for mail, the chart's data as CSV, the chart as SVG
// or PNG, or the whole experiment as JSON, each showing what the view asks for (the window's
// point, axis, slice, scales, strategies and theme, and which chart: the metric against the swept
// parameter, the trade-off plane, where the cycles go, or the sensitivity tornado). The window (exportExperiment) and the CLI
// (export) both come through here, so a file is the same whichever made it.
import {
  DEFAULT_EXPORT_METRIC,
  type ExperimentDetail,
  type ExportFormat,
  type ExportView,
  type MatrixExportRequest,
} from '../../common/contract/index.ts';
import type { Matrix } from '../../common/analysis/matrix.ts';
import { buildInfo, type BuildInfo } from './build-info.ts';
import { chartPng, chartSpec, chartSvg, type ViewChart } from './chart.ts';
import { heatmapChart } from './heatmap.ts';
import { chartCsv } from './csv.ts';
import { cyclesChart } from './cycles.ts';
import { matrixChart, matrixCommand, matrixText, type MatrixView } from './matrix.ts';
import { planeChart } from './plane.ts';
import { chartSeries } from './series.ts';
import { experimentText } from './text.ts';
import { tornadoChart } from './tornado.ts';
import { resolveView, type ResolvedView } from './view.ts';
import { toAscii } from './wrap.ts';

export { ExportError } from './view.ts';
export { matrixViewMetrics, resolveMatrixView, type MatrixView } from './matrix.ts';

export interface ExportedFile {
  filename: string;
  mimeType: string;
  /** The file's bytes, as text (text, csv, svg, json) or as a Buffer (png). */
  body: string | Buffer;
}

const EXTENSION: Record<ExportFormat, string> = { text: 'txt', csv: 'csv', svg: 'svg', png: 'png', json: 'json' };
const MIME: Record<ExportFormat, string> = {
  text: 'text/plain; charset=us-ascii',
  csv: 'text/csv; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  json: 'application/json',
};

/** The chart the view asks for, drawn and as CSV: one case per view of a result. */
export function viewChart(detail: ExperimentDetail, view: ResolvedView, build: BuildInfo): ViewChart {
  switch (view.chart) {
    case 'metric': {
      const series = chartSeries(detail, view);
      return { spec: chartSpec(detail, series, view, build), csv: chartCsv(series) };
    }
    case 'tradeoff':
      return planeChart(detail, view, build);
    case 'cycles':
      return cyclesChart(detail, view, build);
    case 'sensitivity':
      return tornadoChart(detail, view, build);
    case 'heatmap':
      return heatmapChart(detail, view, build);
  }
}

export async function exportExperiment(
  detail: ExperimentDetail,
  format: ExportFormat,
  metric = DEFAULT_EXPORT_METRIC,
  view: ExportView = {},
  build: BuildInfo = buildInfo(),
): Promise<ExportedFile> {
  const resolved = resolveView(detail, metric, view);
  const slug =
    toAscii(detail.name)
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 40) || 'experiment';
  const base = `gmemlab-${detail.id}-${slug}`;
  const chart = format === 'csv' || format === 'svg' || format === 'png';
  const chartName = resolved.chart === 'metric' ? metric.replace(/[^A-Za-z0-9]+/g, '-') : resolved.chart;
  const filename = `${base}${chart ? `-${chartName}` : ''}.${EXTENSION[format]}`;
  const file = (body: string | Buffer): ExportedFile => ({ filename, mimeType: MIME[format], body });
  switch (format) {
    case 'text':
      return file(
        experimentText(detail, {
          metric,
          view,
          build,
          scenarioFile: `${base}.${detail.sweep === null ? 'scenario' : 'sweep'}.json`,
        }),
      );
    case 'csv':
      return file(viewChart(detail, resolved, build).csv);
    case 'svg':
      return file(chartSvg(viewChart(detail, resolved, build).spec));
    case 'png':
      return file(await chartPng(viewChart(detail, resolved, build).spec, resolved.scale));
    case 'json':
      return file(`${JSON.stringify(detail, null, 2)}\n`);
  }
}

/**
 * The presets × strategies matrix as a file: the table for a mail, its CSV, or its image. `matrix`
 * was computed (getMatrix) with matrixViewMetrics(view) for `request`'s rows.
 */
export async function exportMatrix(
  matrix: Matrix,
  request: MatrixExportRequest,
  view: MatrixView,
  build: BuildInfo = buildInfo(),
): Promise<ExportedFile> {
  const rows = request.experiments === undefined ? 'presets' : request.experiments.map((e) => e.experimentId).join('-');
  const { format } = request;
  const file = (body: string | Buffer): ExportedFile => ({
    filename: `gmemlab-matrix-${rows.slice(0, 60)}.${EXTENSION[format]}`,
    mimeType: MIME[format],
    body,
  });
  switch (format) {
    case 'text':
      return file(matrixText(matrix, view, build, matrixCommand(request)));
    case 'csv':
      return file(matrixChart(matrix, view, build).csv);
    case 'svg':
      return file(chartSvg(matrixChart(matrix, view, build).spec));
    case 'png':
      return file(await chartPng(matrixChart(matrix, view, build).spec, view.scale));
  }
}
