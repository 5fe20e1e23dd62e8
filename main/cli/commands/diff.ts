// gmemlab diff
import { METRIC_CATALOGUE } from '../../../common/core/index.ts';
import type { MetricDelta, PathDiff } from '../../../common/analysis/diff.ts';
import { pointKey, pointLabel, type Point } from '../../../common/analysis/points.ts';
import { formatDelta, formatValue } from '../../../common/analysis/format.ts';
import type { RunDiff } from '../../../common/contract/index.ts';
import type { App } from '../../app.ts';
import { call, out, parseExperimentId, printJson, UsageError, withApp, type Command } from '../shared.ts';

export const diffCommand: Command = {
  name: 'diff',
  summary: 'what differs between two experiments (or two runs): changed parameters, then metric deltas',
  usage: 'gmemlab diff ID ID [--runs] [--all] [--db PATH] [--json]',
  options: { runs: { type: 'boolean', default: false }, all: { type: 'boolean', default: false } },
  async run({ positionals, values, json }) {
    if (positionals.length !== 2)
      throw new UsageError(
        `diff needs two ${values['runs'] === true ? 'run' : 'experiment'} IDs, got ${positionals.length}`,
      );
    const [a, b] = positionals.map(parseExperimentId) as [number, number];
    const all = values['all'] === true;
    return withApp(
      values,
      async (app) => {
        const pairs =
          values['runs'] === true
            ? [await call(app, 'diffRuns', { runIdA: a, runIdB: b })]
            : await experimentPairs(app, a, b);
        if (json) printJson(values['runs'] === true ? pairs[0] : pairs);
        else out(pairs.map((d) => describe(d, all)).join('\n\n'));
        return 0;
      },
      { readOnly: true },
    );
  },
};

/** The runs of two experiments paired by strategy and sweep point, each pair diffed. */
async function experimentPairs(app: App, a: number, b: number): Promise<RunDiff[]> {
  const ea = await call(app, 'getExperiment', { experimentId: a });
  const eb = await call(app, 'getExperiment', { experimentId: b });
  const key = (r: { strategy: string; point: Point }): string => `${r.strategy} ${pointKey(r.point)}`;
  const byKey = new Map(eb.runs.map((r) => [key(r), r]));
  const pairs = ea.runs.filter((r) => byKey.has(key(r))).map((r) => [r.id, byKey.get(key(r))!.id] as const);
  if (pairs.length === 0)
    throw new UsageError(
      `experiments ${a} and ${b} have no run in common (same strategy at the same sweep point); compare runs with --runs RUN RUN`,
    );
  return Promise.all(pairs.map(([runIdA, runIdB]) => call(app, 'diffRuns', { runIdA, runIdB })));
}

function describe(d: RunDiff, all: boolean): string {
  const where = pointLabel(d.a.point, ' ');
  const lines = [
    `${d.a.strategy}${where === '' ? '' : ` at ${where}`}: run ${d.a.id} (experiment ${d.a.experimentId}) vs run ${d.b.id} (experiment ${d.b.experimentId})`,
  ];
  const params = d.parameters.filter((p: PathDiff) => all || p.changed);
  lines.push(params.length === 0 ? '  parameters: the same' : '  parameters:');
  for (const p of params)
    lines.push(`    ${p.path}: ${JSON.stringify(p.a) ?? '(absent)'} -> ${JSON.stringify(p.b) ?? '(absent)'}`);
  const costs = d.costs.filter((c) => all || c.changed);
  if (costs.length > 0) lines.push('  cost entries (a -> b):');
  for (const c of costs) {
    const v = (x: number | null): string => (x === null ? '-' : formatValue(x));
    const source = c.sourceA === c.sourceB ? '' : ` (source: ${c.sourceA ?? '-'} -> ${c.sourceB ?? '-'})`;
    lines.push(`    ${c.key}: ${v(c.a)} -> ${v(c.b)} ${c.unit}${source}`);
  }
  const metrics = d.metrics.filter((m: MetricDelta) => all || m.abs !== 0);
  lines.push(metrics.length === 0 ? '  metrics: the same' : '  metrics (a -> b, delta, % delta; * beyond the 95% CI):');
  for (const m of metrics) {
    const info = METRIC_CATALOGUE.find((i) => i.key === m.key);
    const value = (e: MetricDelta['a']): string => (e === null ? '-' : formatValue(e.mean));
    const pct = m.pct === null ? '' : ` (${formatDelta(m.pct)}%)`;
    lines.push(
      `    ${m.beyondCi ? '*' : ' '} ${m.key}: ${value(m.a)} -> ${value(m.b)} ${info?.unit ?? ''}, ${m.abs === null ? '-' : formatDelta(m.abs)}${pct}`,
    );
  }
  return lines.join('\n');
}
