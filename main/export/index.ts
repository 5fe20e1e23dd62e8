// One experiment out as a file: plain text for mail, the chart's data as CSV, the chart as SVG
// or PNG, or the whole experiment as JSON. The window (exportExperiment) and the CLI (export)
// both come through here, so a file is the same whichever made it.
import { GmemlabError, METRIC_CATALOGUE } from '../../common/core/index.ts';
import { DEFAULT_EXPORT_METRIC, type ExperimentDetail, type ExportFormat } from '../../common/contract/index.ts';
import { chartPng, chartSvg } from './chart.ts';
import { chartCsv } from './csv.ts';
import { chartSeries } from './series.ts';
import { experimentText, toAscii } from './text.ts';

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

/** A request the export cannot honour; `field` names the input at fault. */
export class ExportError extends GmemlabError {
  constructor(field: string, message: string) {
    super('invalid_input', `${field}: ${message}`, [{ path: field, message }]);
  }
}

export async function exportExperiment(
  detail: ExperimentDetail,
  format: ExportFormat,
  metric = DEFAULT_EXPORT_METRIC,
): Promise<ExportedFile> {
  const info = METRIC_CATALOGUE.find((m) => m.key === metric);
  if (info === undefined)
    throw new ExportError('metric', `"${metric}" is not a metric gmemlab knows (see the metric catalogue)`);
  const slug =
    toAscii(detail.name)
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 40) || 'experiment';
  const base = `gmemlab-${detail.id}-${slug}`;
  const filename = `${base}${format === 'csv' || format === 'svg' || format === 'png' ? `-${metric.replace(/[^A-Za-z0-9]+/g, '-')}` : ''}.${EXTENSION[format]}`;
  const title = toAscii(`${detail.name}: ${info.label} (experiment ${detail.id}, model ${detail.modelVersion ?? '?'})`);
  const file = (body: string | Buffer): ExportedFile => ({ filename, mimeType: MIME[format], body });
  switch (format) {
    case 'text':
      return file(experimentText(detail, { metric, scenarioFile: `${base}.scenario.json` }));
    case 'csv':
      return file(chartCsv(chartSeries(detail, metric)));
    case 'svg':
      return file(chartSvg(chartSeries(detail, metric), title));
    case 'png':
      return file(await chartPng(chartSeries(detail, metric), title));
    case 'json':
      return file(`${JSON.stringify(detail, null, 2)}\n`);
  }
}
