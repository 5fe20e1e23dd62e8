// gmemlab export
import {
  DEFAULT_EXPORT_METRIC,
  EXPORT_FORMATS,
  experimentDetail,
  MATRIX_EXPORT_FORMATS,
  type ExportedFileBody,
  type ExportFormat,
  type MatrixExportRequest,
} from '../../../common/contract/index.ts';
import { GmemlabError } from '../../../common/core/index.ts';
import { call, out, parseExperimentId, printJson, UsageError, withApp, writeOut, type Command } from '../shared.ts';
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
    if (values['chart'] === MATRIX_CHART) return exportMatrix(positionals, values, json);
    if (positionals.length !== 1) throw new UsageError('export needs exactly one experiment ID (see `gmemlab list`)');
    const experimentId = parseExperimentId(positionals[0]!);
    const format = values['format'] as string;
    if (!(EXPORT_FORMATS as readonly string[]).includes(format))
      throw new UsageError(`--format: "${format}" is not one of ${EXPORT_FORMATS.join(', ')}`);
    if (format === 'text') {
      // --chart metric is the mail's own chart.
      const given = optionsGiven(values, NOT_FOR_TEXT, { chart: 'metric' });
      if (given.length > 0)
        throw new UsageError(
          `${given.map((o) => `--${o}`).join(', ')}: not for --format text (the mail has its own layout: the results at the point, the front, the sensitivity and an ASCII chart of --metric; these options choose a drawing: give --format svg, png or csv)`,
        );
    }
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
        return writeExported(exported, values, json, `${format} of experiment ${experimentId}`);
      },
      { readOnly: true },
    );
  },
};

/** Which of `names` the user gave: set, not false, and not at the value `unless` names for it. */
function optionsGiven(values: Record<string, unknown>, names: string[], unless: Record<string, unknown>): string[] {
  return names.filter((o) => values[o] !== undefined && values[o] !== false && values[o] !== unless[o]);
}

/**
 * Options that choose a drawing, which the mail (--format text) does not take: it would be
 * written without them, and the user left to think they applied. The window's mail copy sends
 * its view as it is and is not checked here: only what a user typed is.
 */
const NOT_FOR_TEXT = ['chart', 'budget', 'by', 'share', 'strategy', 'theme', 'scale'];

/** `--chart matrix`: the strategies across scenarios rather than one experiment's chart. */
const MATRIX_CHART = 'matrix';
/** Options that choose one experiment's chart, which the matrix does not take. */
const NOT_FOR_MATRIX = [
  'metric',
  'point',
  'at',
  'all',
  'x',
  'logx',
  'logy',
  'yscale',
  'strategies',
  'by',
  'share',
  'strategy',
  'budget',
];
/** The command-line option behind each field of a matrix export request. */
const MATRIX_OPTIONS = {
  format: '--format',
  experiments: 'ID',
  cost: '--cost',
  exposure: '--context/--measure',
  theme: '--theme',
  scale: '--scale',
};

async function exportMatrix(positionals: string[], values: Record<string, unknown>, json: boolean): Promise<number> {
  const format = values['format'] as string;
  if (!(MATRIX_EXPORT_FORMATS as readonly string[]).includes(format))
    throw new UsageError(`--format: the matrix is written as ${MATRIX_EXPORT_FORMATS.join(', ')}, not "${format}"`);
  const given = optionsGiven(values, NOT_FOR_MATRIX, { metric: DEFAULT_EXPORT_METRIC });
  if (given.length > 0)
    throw new UsageError(
      `${given.map((o) => `--${o}`).join(', ')}: not for --chart matrix (it takes --cost, --context, --measure, --theme, --scale; each experiment at its first point)`,
    );
  const context = typeof values['context'] === 'string' ? values['context'] : 'kernel';
  const measure = typeof values['measure'] === 'string' ? values['measure'] : 'fraction';
  const request: MatrixExportRequest = {
    format: format as MatrixExportRequest['format'],
    ...(positionals.length > 0
      ? { experiments: positionals.map((p) => ({ experimentId: parseExperimentId(p) })) }
      : {}),
    ...(typeof values['cost'] === 'string' ? { cost: values['cost'] } : {}),
    exposure: `exposure.${context}.${measure}`,
  };
  // --theme and --scale are checked as for every chart.
  const { theme, scale } = viewFromOptions({ theme: values['theme'], scale: values['scale'] }, undefined);
  if (theme !== undefined) request.theme = theme;
  if (scale !== undefined) request.scale = scale;
  return withApp(
    values,
    async (app) => {
      const exported = await call(app, 'exportMatrix', request, MATRIX_OPTIONS);
      const rows = positionals.length === 0 ? 'every preset' : `experiments ${positionals.join(', ')}`;
      return writeExported(exported, values, json, `${format} of the matrix of ${rows}`);
    },
    // The presets' matrix reads no history: any --db, or none, will do.
    { readOnly: true, readsHistory: positionals.length > 0 },
  );
}

/** Writes an exported file to --out (default: its own name; '-': standard output). */
async function writeExported(
  exported: ExportedFileBody,
  values: Record<string, unknown>,
  json: boolean,
  what: string,
): Promise<number> {
  const body = exported.text ?? Buffer.from(exported.base64 ?? '', 'base64');
  const target = typeof values['out'] === 'string' ? values['out'] : exported.filename;
  if (target === '-') {
    if (typeof body !== 'string') throw new UsageError('--out -: a PNG is binary; give a file name');
    process.stdout.write(body);
    return 0;
  }
  await writeOut(target, body);
  if (json)
    printJson({ out: target, format: values['format'], mimeType: exported.mimeType, bytes: Buffer.byteLength(body) });
  else out(`wrote ${what} to ${target}`);
  return 0;
}
