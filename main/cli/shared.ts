// What every CLI command shares: the command shape, usage errors, output and the app lifecycle.
import { readFileSync } from 'node:fs';
import type { ParseArgsConfig } from 'node:util';
import { createApp, defaultDatabasePath, type App } from '../app.ts';
import { GmemlabError, MODEL_VERSION } from '../../common/core/index.ts';
import type { CallInput, CallName, CallOutput } from '../../common/contract/index.ts';
import { dispatch } from '../handlers/index.ts';
import { describeIssue } from '../../common/analysis/scenarioFields.ts';
import { readScenarioText, ScenarioTextError, type ScenarioText } from '../export/scenario-text.ts';
import { writeWhole } from '../export/write-whole.ts';

/** Bad usage or bad input on the command line (exit 2, like every error the user can fix). */
export class UsageError extends GmemlabError {
  constructor(message: string) {
    super('invalid_input', message);
  }
}

/** The exit status for an error: 2 for what the user can fix (every contract code but internal), 1 for the rest. */
export function exitStatus(err: unknown): number {
  return err instanceof GmemlabError && err.code !== 'internal' ? 2 : 1;
}

export interface CommandContext {
  positionals: string[];
  values: Record<string, unknown>;
  json: boolean;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  run(ctx: CommandContext): Promise<number>;
}

export const common = {
  db: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies ParseArgsConfig['options'];

export function out(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

export function printJson(value: unknown): void {
  out(JSON.stringify(value, null, 2));
}

/**
 * The largest analytic sweep a command computes on its own thread; bigger ones go to worker
 * threads, which compute while this thread saves. Starting a worker and loading the core into it
 * takes ~0.3 s and sending the results back costs more: on this 2-core machine (issue 20,
 * BENCHMARKS.md) sweeps of 1,000 and 3,000 points finished sooner, with less CPU, on this thread;
 * at ~0.2 ms a point to check and compute, a worker pays off only for a few thousand points.
 */
const INLINE_ANALYTIC_POINTS = 2000;

/** Writes an --out file whole (export/write-whole.ts); a UsageError names the file and why. */
export async function writeOut(path: string, body: string | Buffer): Promise<void> {
  try {
    await writeWhole(path, body);
  } catch (err) {
    throw new UsageError(`--out: cannot write ${path}: ${(err as Error).message}`);
  }
}

/**
 * Runs `body` with an app on --db; `readOnly` for commands that only read (they then work on a
 * read-only file or a full disk), and refuse a --db where there is no database unless they do not
 * read the history (`readsHistory: false`).
 */
export async function withApp<T>(
  values: Record<string, unknown>,
  body: (app: App) => Promise<T>,
  options: { readOnly?: boolean; readsHistory?: boolean } = {},
): Promise<T> {
  const given = typeof values['db'] === 'string' ? values['db'] : undefined;
  const app = await createApp({
    dbPath: given ?? defaultDatabasePath(),
    readOnly: options.readOnly,
    // A command that reads the history would make an empty database at a mistyped --db and show
    // it; the app's own database is made on first use, as ever.
    existing: options.readOnly === true && options.readsHistory !== false && given !== undefined,
    // Nothing else needs this thread: a small analytic sweep is computed here, not in a worker.
    inlineAnalyticPoints: INLINE_ANALYTIC_POINTS,
  });
  try {
    return await body(app);
  } finally {
    await app.close();
  }
}

/**
 * One contract call, made exactly as the window makes it (through dispatch, which validates the
 * input); a refusal is thrown as a GmemlabError with the contract's code. `options` names the
 * command-line option behind each input field, so bad input is reported as the option typed.
 */
export async function call<K extends CallName>(
  app: App,
  name: K,
  input: CallInput<K>,
  options: Record<string, string> = {},
): Promise<CallOutput<K>> {
  const envelope = await dispatch(app.handlers, name, input);
  if (envelope.ok) return envelope.value as CallOutput<K>;
  const { code, message, issues } = envelope.error;
  const field = (path: string): string => path.split('.')[0] ?? '';
  if (issues === undefined || !issues.some((i) => options[field(i.path)] !== undefined))
    throw new GmemlabError(code, message, issues);
  throw new GmemlabError(
    code,
    issues.map((i) => `${options[field(i.path)] ?? field(i.path)}: ${i.message}`).join('\n'),
    issues,
  );
}

/** Runs `read`; a refusal of what it read from `file` names the file. */
export function aboutFile<T>(file: string, read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof GmemlabError) throw new GmemlabError(err.code, `${file}: ${err.message}`, err.issues);
    throw err;
  }
}

/** An experiment ID from the command line: a positive whole number. */
export function parseExperimentId(text: string): number {
  if (!/^[1-9]\d{0,15}$/.test(text) || !Number.isSafeInteger(Number(text)))
    throw new UsageError(`"${text}" is not an experiment ID (a positive whole number)`);
  return Number(text);
}

/**
 * A scenario file as `run` and `sweep` take it: plain JSON, or a gmemlab mail (saved as it is or
 * quoted in a reply); a sweep's mail also gives its swept parameters.
 */
export function readScenarioFile(path: string): ScenarioText {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${(err as Error).message}`);
  }
  try {
    const read = readScenarioText(text, path);
    // Run again today, a mail's scenario is computed with this model, which may not be the one
    // its figures came from.
    if (read.mailModel !== undefined && read.mailModel !== MODEL_VERSION)
      process.stderr.write(
        `note: ${path} says its results were computed with model ${read.mailModel}; this gmemlab computes model ${MODEL_VERSION}, so the figures may differ (docs/model.md, the version history)\n`,
      );
    return read;
  } catch (err) {
    if (!(err instanceof ScenarioTextError)) throw err;
    throw new UsageError(`${err.message}${err.issues.map((i) => `\n  ${describeIssue(i)}`).join('')}`);
  }
}
