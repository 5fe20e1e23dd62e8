// One experiment out as a file: plain text for mail, the chart's data as CSV, the chart as SVG
// or PNG, or the whole experiment as JSON, each showing what the view asks for (the window's
// point, axis, slice, scales, strategies and theme). The window (exportExperiment) and the CLI
// (export) both come through here, so a file is the same whichever made it.
import {
  DEFAULT_EXPORT_METRIC,
  type ExperimentDetail,
  type ExportFormat,
  type ExportView,
} from '../../common/contract/index.ts';
import { buildInfo, type BuildInfo } from './build-info.ts';
import { chartPng, chartSpec, chartSvg } from './chart.ts';
import { chartCsv } from './csv.ts';
import { chartSeries } from './series.ts';
import { experimentText } from './text.ts';
import { resolveView } from './view.ts';
import { toAscii } from './wrap.ts';

export { ExportError } from './view.ts';

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
  const filename = `${base}${chart ? `-${metric.replace(/[^A-Za-z0-9]+/g, '-')}` : ''}.${EXTENSION[format]}`;
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
      return file(chartCsv(chartSeries(detail, resolved)));
    case 'svg':
      return file(chartSvg(chartSpec(detail, chartSeries(detail, resolved), resolved, build)));
    case 'png':
      return file(await chartPng(chartSpec(detail, chartSeries(detail, resolved), resolved, build), resolved.scale));
    case 'json':
      return file(`${JSON.stringify(detail, null, 2)}\n`);
  }
}
