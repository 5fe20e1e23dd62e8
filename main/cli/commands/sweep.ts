// gmemlab sweep
import { parameterTypeOf, parseSweepSpec, sweepNote, sweepValues } from '../../../common/analysis/sweepValues.ts';
import { scenarioSweepables } from '../../../common/analysis/scenarioFields.ts';
import { runPlanPathProblem, type Scenario } from '../../../common/core/index.ts';
import { experimentDetail, type ExperimentStatus, type SweepDefinition } from '../../../common/contract/index.ts';
import { parseShard, type Shard } from '../../../common/core/index.ts';
import { didYouMean } from '../../../common/analysis/suggest.ts';
import { call, out, printJson, readScenarioFile, UsageError, withApp, type Command } from '../shared.ts';

export const sweepCommand: Command = {
  name: 'sweep',
  summary: 'run a scenario over values of one or two parameters, every strategy at every point',
  usage:
    'gmemlab sweep SCENARIO.json|MAIL [--param PATH=VALUES [--param PATH=VALUES]] [--shard I/N] [--name NAME] [--db PATH] [--json]\n' +
    '  VALUES: a list (1,2,4,8 or true,false), lin:FROM:TO:COUNT or log:FROM:TO:COUNT\n' +
    '  without --param: the sweep a gmemlab mail carries (as exported, or quoted in a reply)',
  options: { param: { type: 'string', multiple: true }, shard: { type: 'string' }, name: { type: 'string' } },
  async run({ positionals, values, json }) {
    if (positionals.length !== 1) throw new UsageError('sweep needs one SCENARIO.json file (or a saved gmemlab mail)');
    const file = readScenarioFile(positionals[0]!);
    const params = (values['param'] as string[] | undefined) ?? [];
    // --param sweeps the file's scenario; without it, the sweep a gmemlab mail carries.
    let sweep: SweepDefinition;
    if (params.length > 0) sweep = sweepDefinition(file.scenario, params);
    else if (file.sweep !== undefined) sweep = file.sweep;
    else throw new UsageError(`sweep needs at least one --param PATH=VALUES (${positionals[0]} carries no sweep)`);
    const name = typeof values['name'] === 'string' ? values['name'] : undefined;
    return runSweep({ scenario: file.scenario, sweep, name, values, json });
  },
};

/** Runs a sweep with a progress bar on a terminal; Ctrl-C cancels it cleanly. 0 when all runs finished. */
export async function runSweep(options: {
  scenario: Scenario;
  sweep: SweepDefinition;
  name: string | undefined;
  values: Record<string, unknown>;
  json: boolean;
}): Promise<number> {
  const { scenario, sweep, name, values, json } = options;
  let shard: Shard | undefined;
  if (values['shard'] !== undefined) {
    const parsed = parseShard(String(values['shard']));
    if ('error' in parsed) throw new UsageError(`--shard: ${parsed.error}`);
    shard = parsed;
  }
  return withApp(values, async (app) => {
    const bar = process.stderr.isTTY ? new ProgressBar() : undefined;
    // The runner's last event for an experiment carries its final status. Listened to before the
    // start: a sweep computed as it is recorded (experiments.ts) has ended when its id is known.
    const statuses = new Map<number, ExperimentStatus>();
    let shown: number | undefined;
    const off = app.subscribe((event, p) => {
      if (event !== 'experimentProgress') return;
      statuses.set(p.experimentId, p.status);
      if (p.experimentId === shown) bar?.draw(p.fraction, p.runsDone, p.runsTotal);
    });
    let experimentId: number;
    let runsTotal: number;
    try {
      ({ experimentId, runsTotal } = await call(
        app,
        'startExperiment',
        { name, scenario, sweep, shard },
        { sweep: '--param', shard: '--shard' },
      ));
      shown = experimentId;
      // Ctrl-C stops the sweep cleanly: unfinished runs are marked cancelled, the rest is kept.
      const cancel = (): void => {
        void call(app, 'cancelExperiment', { experimentId });
      };
      process.once('SIGINT', cancel);
      try {
        await app.local.whenDone(experimentId);
      } finally {
        process.off('SIGINT', cancel);
      }
    } finally {
      off();
      bar?.end();
    }
    const status = statuses.get(experimentId);
    if (json || status === undefined || status === 'running') {
      const data = await call(app, 'getExperiment', { experimentId });
      if (json) printJson(experimentDetail(data));
      else summarise(experimentId, data.name, data.status, data.runsDone, runsTotal, shard);
      return data.status === 'done' ? 0 : 1;
    }
    // The summary needs the counts alone: a page of one run each, not the whole experiment
    // (reading 7,000 runs took ~0.3 s of a 1,000-point sweep's command, issue 20).
    const page = (only?: ['done']) =>
      call(app, 'listRuns', { experimentId, offset: 0, limit: 1, ...(only && { statuses: only }) });
    const [all, done] = await Promise.all([page(), page(['done'])]);
    summarise(experimentId, all.items[0]?.experimentName ?? '', status, done.total, runsTotal, shard);
    return status === 'done' ? 0 : 1;
  });
}

/** The one-line summary `gmemlab sweep` prints when the sweep ends. */
function summarise(
  experimentId: number,
  name: string,
  status: ExperimentStatus,
  runsDone: number,
  runsTotal: number,
  shard: Shard | undefined,
): void {
  const failed = runsTotal - runsDone;
  out(
    `experiment ${experimentId}: ${name}: ${status}, ${runsDone} of ${runsTotal} runs done${failed > 0 ? `, ${failed} not done` : ''}` +
      `${shard === undefined ? '' : ` (shard ${shard.index} of ${shard.count})`}\n` +
      `see it with \`gmemlab show ${experimentId}\`, or export it with \`gmemlab export ${experimentId} --format text\``,
  );
}

/** --param PATH=VALUES options into a sweep definition, checked against the scenario's own schema. */
export function sweepDefinition(scenario: Scenario, params: string[]): SweepDefinition {
  if (params.length === 0) throw new UsageError('sweep needs at least one --param PATH=VALUES');
  if (params.length > 2) throw new UsageError(`--param: a sweep varies one or two parameters, got ${params.length}`);
  const sweepable = scenarioSweepables(scenario);
  const parameters = params.map((arg) => {
    const eq = arg.indexOf('=');
    if (eq <= 0)
      throw new UsageError(`--param: "${arg}" is not PATH=VALUES (e.g. vm.vcpus=1,2,4 or vm.vcpus=log:1:256:9)`);
    const path = arg.slice(0, eq);
    const fixed = runPlanPathProblem(path);
    if (fixed !== undefined) throw new UsageError(`--param: ${fixed}`);
    const parameter = sweepable.find((p) => p.path === path);
    if (parameter === undefined)
      throw new UsageError(
        `--param: "${path}" is not a parameter of this scenario${didYouMean(
          path,
          sweepable.map((p) => p.path),
        )}`,
      );
    const spec = parseSweepSpec(arg.slice(eq + 1));
    if ('error' in spec) throw new UsageError(`--param ${path}: ${spec.error}`);
    const type = parameterTypeOf(parameter);
    const expanded = sweepValues(spec, type);
    if (!expanded.ok) throw new UsageError(`--param ${path}: ${expanded.message}`);
    // Said, not refused: a log range of whole numbers repeats its small values.
    const note = sweepNote(spec, type, expanded);
    if (note !== undefined) process.stderr.write(`gmemlab: --param ${path}: ${note}\n`);
    return { path, values: expanded.values };
  });
  const twice = parameters.find((p, i) => parameters.findIndex((q) => q.path === p.path) !== i);
  if (twice !== undefined)
    throw new UsageError(`--param: ${twice.path} is given twice (each --param sweeps a parameter of its own)`);
  return { parameters };
}

/** A one-line bar on stderr, redrawn in place (only on a terminal). */
class ProgressBar {
  private readonly started = Date.now();
  private drawn = false;

  draw(fraction: number, done: number, total: number): void {
    const width = 30;
    const filled = Math.round(fraction * width);
    const elapsed = (Date.now() - this.started) / 1000;
    const eta = fraction > 0.01 ? `, ${Math.ceil(Math.max(0, (elapsed * (1 - fraction)) / fraction))} s left` : '';
    process.stderr.write(
      `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}%  ${done}/${total} runs${eta}  \x1b[K`,
    );
    this.drawn = true;
  }

  end(): void {
    if (this.drawn) process.stderr.write('\n');
  }
}
