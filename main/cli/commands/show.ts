// gmemlab show
import { METRIC_CATALOGUE } from '../../../common/core/index.ts';
import { pointKey, pointLabel } from '../../../common/analysis/points.ts';
import { DEFAULT_EXPORT_METRIC } from '../../../common/contract/index.ts';
import { formatValue } from '../../../common/analysis/format.ts';
import { toAscii } from '../../export/text.ts';
import type { ExperimentDetail } from '../../../common/contract/index.ts';
import {
  call,
  formatExperiment,
  out,
  parseExperimentId,
  printJson,
  UsageError,
  withApp,
  type Command,
} from '../shared.ts';

export const showCommand: Command = {
  name: 'show',
  summary: 'show one experiment: every metric of a single run, or a sweep as a table of one metric',
  usage: 'gmemlab show ID [--metric KEY] [--db PATH] [--json]',
  options: { metric: { type: 'string', default: DEFAULT_EXPORT_METRIC } },
  async run({ positionals, values, json }) {
    if (positionals.length !== 1) throw new UsageError('show needs exactly one experiment ID (see `gmemlab list`)');
    const experimentId = parseExperimentId(positionals[0]!);
    const metric = values['metric'] as string;
    const info = METRIC_CATALOGUE.find((m) => m.key === metric);
    if (info === undefined)
      throw new UsageError(
        `--metric: "${metric}" is not a metric; known: ${METRIC_CATALOGUE.map((m) => m.key).join(', ')}`,
      );
    return withApp(
      values,
      async (app) => {
        const detail = await call(app, 'getExperiment', { experimentId });
        if (json) printJson(detail);
        else
          out(
            detail.sweep === null
              ? formatExperiment(detail)
              : sweepTable(detail, metric, `${info.label} (${info.unit})`),
          );
        return 0;
      },
      { readOnly: true },
    );
  },
};

/** One row per sweep point, one column per strategy: a sweep of thousands of runs stays readable. */
function sweepTable(detail: ExperimentDetail, metric: string, label: string): string {
  const strategies = [...new Set(detail.runs.map((r) => r.strategy))];
  const points = new Map<string, { label: string; cells: Map<string, string> }>();
  for (const run of detail.runs) {
    const key = pointKey(run.point);
    let row = points.get(key);
    if (row === undefined) {
      row = { label: pointLabel(run.point, ' '), cells: new Map() };
      points.set(key, row);
    }
    const e = run.metrics[metric];
    row.cells.set(
      run.strategy,
      run.status !== 'done'
        ? run.status
        : e === undefined
          ? '-'
          : `${formatValue(e.mean)}${e.n > 1 ? ` +-${formatValue(e.ci95)}` : ''}`,
    );
  }
  const rows = [...points.values()];
  const first = Math.max(5, ...rows.map((r) => r.label.length));
  const width = strategies.map((s) => Math.max(s.length, ...rows.map((r) => (r.cells.get(s) ?? '').length)));
  const line = (head: string, cells: string[]): string =>
    [head.padEnd(first), ...cells.map((c, i) => c.padStart(width[i]!))].join('  ').trimEnd();
  return [
    `experiment ${detail.id}: ${toAscii(detail.name)} (${detail.method} sweep, ${detail.status}, ${detail.runsDone}/${detail.runsTotal} runs, model ${detail.modelVersion ?? '?'})`,
    `${label} per point and strategy:`,
    '',
    line('point', strategies),
    ...rows.map((r) =>
      line(
        r.label,
        strategies.map((s) => r.cells.get(s) ?? ''),
      ),
    ),
    '',
    `another metric: --metric KEY; every metric of every run: --json, or \`gmemlab export ${detail.id} --format csv\``,
  ].join('\n');
}
