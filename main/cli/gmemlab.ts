// The gmemlab command line: the same core and store as the window, headless.
// Exit codes: 0 success, 1 a run failed or an internal error, 2 bad usage or bad input, or
// anything else the user can fix (every error code of the contract but internal; reason on stderr).
import { parseArgs } from 'node:util';
import { nearestMatches, orList } from '../../common/analysis/suggest.ts';
import { presetsCommand } from './commands/presets.ts';
import { presetCommand } from './commands/preset.ts';
import { runCommand } from './commands/run.ts';
import { serveCommand } from './commands/serve.ts';
import { importCommand } from './commands/import.ts';
import { exportBundleCommand } from './commands/export-bundle.ts';
import { exportCommand } from './commands/export.ts';
import { listCommand } from './commands/list.ts';
import { showCommand } from './commands/show.ts';
import { diffCommand } from './commands/diff.ts';
import { sweepCommand } from './commands/sweep.ts';
import { importPerfCommand } from './commands/import-perf.ts';
import { metricsCommand } from './commands/metrics.ts';
import { applyProfileCommand, calibrateCommand, profilesCommand } from './commands/calibrate.ts';
import { common, exitStatus, out, UsageError, type Command } from './shared.ts';

// Every command, in the order `gmemlab --help` lists them.
const COMMANDS: Command[] = [
  presetsCommand,
  presetCommand,
  runCommand,
  sweepCommand,
  listCommand,
  showCommand,
  diffCommand,
  exportCommand,
  metricsCommand,
  importPerfCommand,
  calibrateCommand,
  profilesCommand,
  applyProfileCommand,
  importCommand,
  exportBundleCommand,
  serveCommand,
];
const commands = new Map(COMMANDS.map((c) => [c.name, c]));

function help(): string {
  const lines = [
    'gmemlab: simulate how KVM, the VMM and the host reach guest_memfd memory outside the direct map',
    '',
    'commands:',
  ];
  for (const [name, c] of commands) lines.push(`  ${name.padEnd(13)} ${c.summary}`);
  lines.push(
    '',
    "every command takes --db PATH (default: the app's own database) and --json; `gmemlab COMMAND --help` for more",
  );
  return lines.join('\n');
}

/**
 * node:util parseArgs' refusal in the CLI's words: an unknown option with the nearest ones this
 * command has (parseArgs' own text tells how to pass "--frob" as a positional), a value missing.
 */
function optionProblem(err: unknown, command: string, options: string[]): string {
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: unknown }).code;
  const option = /^Option '(-{1,2}[^' ]+)/.exec(message)?.[1] ?? /'(-{1,2}[^']+)'/.exec(message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option !== undefined) {
    const typed = option.replace(/^-+/, '');
    // A letter or two is too little to guess from.
    const near = typed.length < 3 ? [] : nearestMatches(typed, options).map((o) => `--${o}`);
    return `${option} is not an option of gmemlab ${command}${near.length > 0 ? `; did you mean ${orList(near)}?` : ''}`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option !== undefined && /argument missing/.test(message))
    return `${option} needs a value`;
  return message;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    out(help());
    return name === undefined ? 2 : 0;
  }
  const command = commands.get(name);
  if (command === undefined) throw new UsageError(`unknown command "${name}"\n\n${help()}`);
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      options: { ...common, ...command.options },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    throw new UsageError(
      `${optionProblem(err, name, Object.keys({ ...common, ...command.options }))}\nusage: ${command.usage}`,
    );
  }
  if (parsed.values.help === true) {
    out(`usage: ${command.usage}\n\n${command.summary}`);
    return 0;
  }
  return command.run({ positionals: parsed.positionals, values: parsed.values, json: parsed.values.json === true });
}

// `gmemlab show 1 --json | head`: the reader has gone. What is left to print goes nowhere, and
// the command ends as it would have, with its own exit status (a sweep that failed still exits
// 1 under `set -o pipefail`); a Node stream would throw it as an unhandled error instead.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') throw err;
});

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`gmemlab: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = exitStatus(err);
}
