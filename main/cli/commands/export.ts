// gmemlab export
import { renameSync, writeFileSync } from 'node:fs';
import {
  DEFAULT_EXPORT_METRIC,
  EXPORT_FORMATS,
  experimentDetail,
  type ExportFormat,
} from '../../../common/contract/index.ts';
import { GmemlabError } from '../../../common/core/index.ts';
import { call, out, parseExperimentId, printJson, UsageError, withApp, type Command } from '../shared.ts';
import {
  CHART_USAGE,
  chartOptions,
  POINT_USAGE,
  pointOptions,
  usageFromExport,
  viewFromOptions,
} from './view-options.ts';

export const exportCommand: Command = {
  name: 'export',
  summary: 'write an experiment as plain text for mail, CSV, an SVG or PNG chart, or JSON',
  usage:
    `gmemlab export ID --format ${EXPORT_FORMATS.join('|')} [--metric KEY] [--out FILE|-] ${POINT_USAGE}\n` +
    `    ${CHART_USAGE} [--db PATH] [--json]\n` +
    "  --point/--at: the point the tables report (default: the first); --x, --at: the chart's axis and slice\n" +
    '  --chart: the metric against the swept parameter (default), the trade-off plane, where the cycles go,\n' +
    "    or the sensitivity tornado; --cost/--context/--measure: the plane's axes (--cost: the tornado's metric);\n" +
    "    --by/--share: the breakdown's stacks; --strategy: the tornado's strategy (default: the costliest)",
  options: {
    format: { type: 'string', default: 'text' },
    metric: { type: 'string', default: DEFAULT_EXPORT_METRIC },
    out: { type: 'string' },
    ...pointOptions,
    ...chartOptions,
  },
  async run({ positionals, values, json }) {
    if (positionals.length !== 1) throw new UsageError('export needs exactly one experiment ID (see `gmemlab list`)');
    const experimentId = parseExperimentId(positionals[0]!);
    const format = values['format'] as string;
    if (!(EXPORT_FORMATS as readonly string[]).includes(format))
      throw new UsageError(`--format: "${format}" is not one of ${EXPORT_FORMATS.join(', ')}`);
    return withApp(
      values,
      async (app) => {
        // The experiment is read here only to number its points for --point N.
        const detail =
          values['point'] !== undefined
            ? experimentDetail(await call(app, 'getExperiment', { experimentId }))
            : undefined;
        const view = viewFromOptions(values, detail);
        let exported;
        try {
          exported = await call(app, 'exportExperiment', {
            experimentId,
            format: format as ExportFormat,
            metric: values['metric'] as string,
            view,
          });
        } catch (err) {
          if (err instanceof GmemlabError && err.code === 'invalid_input') throw usageFromExport(err);
          throw err;
        }
        const file = {
          filename: exported.filename,
          mimeType: exported.mimeType,
          body: exported.text ?? Buffer.from(exported.base64 ?? '', 'base64'),
        };
        const target = typeof values['out'] === 'string' ? values['out'] : file.filename;
        if (target === '-') {
          if (typeof file.body !== 'string') throw new UsageError('--out -: a PNG is binary; give a file name');
          process.stdout.write(file.body);
          return 0;
        }
        // Write beside the target and rename: a failed write never leaves half a file.
        try {
          writeFileSync(`${target}.partial`, file.body);
          renameSync(`${target}.partial`, target);
        } catch (err) {
          throw new UsageError(`--out: cannot write ${target}: ${(err as Error).message}`);
        }
        if (json) printJson({ out: target, format, mimeType: file.mimeType, bytes: Buffer.byteLength(file.body) });
        else out(`wrote ${format} of experiment ${experimentId} to ${target}`);
        return 0;
      },
      { readOnly: true },
    );
  },
};
