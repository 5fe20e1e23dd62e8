// What every CLI command shares: the command shape, usage errors, output and the app lifecycle.
import { readFileSync } from 'node:fs';
import type { ParseArgsConfig } from 'node:util';
import { createApp, defaultDatabasePath, type App } from '../app.ts';
import { readScenarioText, ScenarioTextError, type ScenarioText } from '../export/scenario-text.ts';

export class UsageError extends Error {
  override name = 'UsageError';
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

export async function withApp<T>(values: Record<string, unknown>, body: (app: App) => Promise<T>): Promise<T> {
  const app = await createApp({ dbPath: typeof values['db'] === 'string' ? values['db'] : defaultDatabasePath() });
  try {
    return await body(app);
  } finally {
    await app.close();
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
    return readScenarioText(text, path);
  } catch (err) {
    if (!(err instanceof ScenarioTextError)) throw err;
    throw new UsageError(`${err.message}${err.issues.map((i) => `\n  ${i.path || '(root)'}: ${i.message}`).join('')}`);
  }
}
