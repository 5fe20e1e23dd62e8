// The gmemlab command line: the same core and store as the window, headless.
// Exit codes: 0 success, 1 a run failed, 2 bad usage or bad input (reason on stderr).
import { readFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { createApp, defaultDatabasePath, type App } from '../app.ts';
import { METRIC_CATALOGUE, PRESETS, validateScenario, type Scenario } from '../core/index.ts';
import type { ExperimentDetail } from '../contract/index.ts';
import { DEFAULT_RENDERER_DIR, startWebHost } from '../web/server.ts';

export class UsageError extends Error {
  override name = 'UsageError';
}

interface Command {
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  run(ctx: { positionals: string[]; values: Record<string, unknown>; json: boolean }): Promise<number>;
}

const common = {
  db: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies ParseArgsConfig['options'];

function out(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

function printJson(value: unknown): void {
  out(JSON.stringify(value, null, 2));
}

async function withApp<T>(values: Record<string, unknown>, body: (app: App) => Promise<T>): Promise<T> {
  const app = await createApp({ dbPath: typeof values['db'] === 'string' ? values['db'] : defaultDatabasePath() });
  try {
    return await body(app);
  } finally {
    await app.close();
  }
}

function readScenarioFile(path: string): Scenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${(err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${path} is not valid JSON: ${(err as Error).message}`);
  }
  const checked = validateScenario(raw);
  if (!checked.ok) {
    throw new UsageError(`${path} is not a valid scenario:\n${checked.issues.map((i) => `  ${i.path || '(root)'}: ${i.message}`).join('\n')}`);
  }
  return checked.value;
}

function formatValue(value: number): string {
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1e6 || abs < 1e-3) return value.toExponential(3);
  return value.toPrecision(4).replace(/\.?0+$/, '');
}

/** Every metric of every strategy, one block per strategy. */
export function formatExperiment(detail: ExperimentDetail): string {
  const lines = [`experiment ${detail.id}: ${detail.name} (${detail.method}, ${detail.status}, model ${detail.modelVersion ?? '?'})`];
  for (const run of detail.runs) {
    const where = Object.keys(run.point).length === 0 ? '' : ` at ${Object.entries(run.point).map(([k, v]) => `${k}=${String(v)}`).join(', ')}`;
    lines.push('', `${run.strategy}${where}: ${run.status}${run.error === null ? '' : ` (${run.error})`}`);
    for (const info of METRIC_CATALOGUE) {
      const e = run.metrics[info.key];
      if (e === undefined) continue;
      const ci = e.n > 1 ? ` +- ${formatValue(e.ci95)}` : '';
      lines.push(`  ${info.label.padEnd(44)} ${formatValue(e.mean)}${ci} ${info.unit}`);
    }
  }
  return lines.join('\n');
}

const commands: Record<string, Command> = {
  presets: {
    summary: 'list the scenario presets',
    usage: 'gmemlab presets [--json]',
    options: {},
    async run({ json }) {
      if (json) printJson(PRESETS.map(({ id, name, description, source }) => ({ id, name, description, source })));
      else for (const p of PRESETS) out(`${p.id.padEnd(28)} ${p.name}`);
      return 0;
    },
  },
  preset: {
    summary: 'print one preset scenario (JSON, ready for `gmemlab run`)',
    usage: 'gmemlab preset NAME',
    options: {},
    async run({ positionals }) {
      const name = positionals[0];
      if (name === undefined) throw new UsageError('preset needs a NAME (see `gmemlab presets`)');
      const preset = PRESETS.find((p) => p.id === name);
      if (preset === undefined) throw new UsageError(`no preset named "${name}"; known: ${PRESETS.map((p) => p.id).join(', ')}`);
      printJson(preset.scenario);
      return 0;
    },
  },
  run: {
    summary: 'run a scenario file and save the result',
    usage: 'gmemlab run SCENARIO.json [--name NAME] [--db PATH] [--json]',
    options: { name: { type: 'string' } },
    async run({ positionals, values, json }) {
      const file = positionals[0];
      if (file === undefined) throw new UsageError('run needs a SCENARIO.json file');
      const scenario = readScenarioFile(file);
      return withApp(values, async (app) => {
        const name = typeof values['name'] === 'string' ? values['name'] : undefined;
        const { experimentId } = await app.runner.start({ name, scenario });
        await app.runner.whenDone(experimentId);
        const detail = await app.store.getExperiment(experimentId);
        if (detail === undefined) throw new Error(`experiment ${experimentId} vanished`);
        if (json) printJson(detail);
        else out(formatExperiment(detail));
        return detail.status === 'done' ? 0 : 1;
      });
    },
  },
  serve: {
    summary: 'serve the workbench to a browser on 127.0.0.1 (token-protected)',
    usage: 'gmemlab serve [--port N] [--db PATH] [--json]',
    options: { port: { type: 'string' } },
    async run({ values, json }) {
      const port = values['port'] === undefined ? 0 : Number(values['port']);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port must be an integer from 0 to 65535');
      const dbPath = typeof values['db'] === 'string' ? values['db'] : defaultDatabasePath();
      const app = await createApp({ dbPath });
      const host = await startWebHost({ app, rendererDir: DEFAULT_RENDERER_DIR, port });
      if (json) out(JSON.stringify({ url: host.url, port: host.port, db: dbPath }));
      else out(`gmemlab is serving on 127.0.0.1 only; open ${host.url}\n(database ${dbPath}; Ctrl-C to stop)`);
      await new Promise<void>((resolveStop) => {
        process.once('SIGINT', resolveStop);
        process.once('SIGTERM', resolveStop);
      });
      await host.close();
      await app.close();
      return 0;
    },
  },
};

function help(): string {
  const lines = ['gmemlab: simulate how KVM, the VMM and the host reach guest_memfd memory outside the direct map', '', 'commands:'];
  for (const [name, c] of Object.entries(commands)) lines.push(`  ${name.padEnd(10)} ${c.summary}`);
  lines.push('', 'every command takes --db PATH (default: the app\'s own database) and --json; `gmemlab COMMAND --help` for more');
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    out(help());
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  if (command === undefined) throw new UsageError(`unknown command "${name}"\n\n${help()}`);
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: { ...common, ...command.options }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\nusage: ${command.usage}`);
  }
  if (parsed.values.help === true) {
    out(`usage: ${command.usage}\n\n${command.summary}`);
    return 0;
  }
  return command.run({ positionals: parsed.positionals, values: parsed.values, json: parsed.values.json === true });
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  if (err instanceof UsageError) {
    process.stderr.write(`gmemlab: ${err.message}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`gmemlab: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = err instanceof Error && err.name === 'StoreOpenError' ? 2 : 1;
  }
}
