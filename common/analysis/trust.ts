// The words for what the core says about a figure's trustworthiness, for the window and the
// exports alike (one vocabulary): the result flags of model 2.0 (saturated, infeasible,
// overloaded, fullFlushCeiling, simulatorNeeded, and any the core adds later) and the exposure
// state metrics ("never" / "transient windows" / "always"), which are words, not numbers.
import { labelFromKey } from './schemaFields.ts';
import { ciShown, formatValue } from './format.ts';
import type { Estimate } from '../core/index.ts';

export interface Flag {
  code: string;
  message: string;
}

/** The trust flags a result or run carries ([] for results made before the core had them). */
export function flagsOf(result: unknown): Flag[] {
  const flags = (result as { flags?: unknown } | null | undefined)?.flags;
  if (!Array.isArray(flags)) return [];
  return flags.filter(
    (f): f is Flag =>
      typeof f === 'object' && f !== null && typeof f.code === 'string' && typeof f.message === 'string',
  );
}

/** A flag's short name for a badge: "saturated", "full flush ceiling". */
export function flagName(code: string): string {
  return labelFromKey(code);
}

/** The names of a result's flags, each once (a result can carry two of one kind, with other reasons). */
export function flagNames(flags: readonly { code: string }[]): string[] {
  return [...new Set(flags.map((f) => flagName(f.code)))];
}

/** Flags that make a figure unfit to quote as it is (the others ask for care). */
export function isSevere(code: string): boolean {
  return code === 'saturated' || code === 'infeasible' || code === 'overloaded';
}

/**
 * Whether the model flags a result's figures as unfit to quote (a severe flag: the set-up cannot
 * run, or a queue is past saturation). The one rule for the choices a view offers a reader: such
 * a result is drawn and listed, but never on a Pareto front (tradeoff.ts) and never the cheapest
 * pick under a budget (heatmap.ts).
 */
export function unfitToQuote(result: unknown): boolean {
  return flagsOf(result).some((f) => isSevere(f.code));
}

/** The distinct flags of many results, each with the strategies that carry it. */
export function collectFlags(results: { strategy: string; flags: Flag[] }[]): (Flag & { strategies: string[] })[] {
  const byCode = new Map<string, Flag & { strategies: string[] }>();
  for (const r of results)
    for (const f of r.flags) {
      const key = `${f.code}\u0000${f.message}`;
      const seen = byCode.get(key) ?? { ...f, strategies: [] };
      if (!seen.strategies.includes(r.strategy)) seen.strategies.push(r.strategy);
      byCode.set(key, seen);
    }
  return [...byCode.values()];
}

/** Metrics whose value is a state, not a quantity: exposure.<ctx>.state (0 never, 1 transient, 2 always). */
export function isStateMetric(key: string): boolean {
  return /^exposure\.[^.]+\.state$/.test(key);
}

/**
 * Words for exposure.<ctx>.state, by value (0 never, 1 transient windows, 2 always): the word the
 * window and prose use, and the short one a narrow table column (the mail's) takes.
 */
export const EXPOSURE_STATE_WORDS = [
  { word: 'never', short: 'never' },
  { word: 'transient windows', short: 'windows' },
  { word: 'always', short: 'always' },
] as const;

/** The key a table that writes the short "windows" gives under it: the word the window uses, and what it means. */
export const WINDOWS_KEY =
  "windows: exposed in transient windows only: while a page is being reached, while a stale TLB entry for it lives, or (S4) while a vCPU runs in KVM's address space; the longest window metric gives how long";

/** "never", "transient windows" or "always" (short: "windows") for a state value; the number itself if the core adds a state. */
export function stateWord(value: number, form: 'word' | 'short' = 'word'): string {
  return EXPOSURE_STATE_WORDS[Math.round(value)]?.[form] ?? formatValue(value);
}

/**
 * Whether an exposure metric is a context's exposed share (exposure.<ctx>.fraction): the figure
 * "always" carries beside it. Not the stale-TLB share, nor any other fraction.
 */
export function isExposedShare(key: string): boolean {
  return /^exposure\.[^.]+\.fraction$/.test(key);
}

/**
 * Whether a result is "always" exposed in `context` (exposure.<ctx>) for less than all of guest
 * memory: where some is, the fraction goes beside "always" (S0's 1 and S2's 1e-6 read alike).
 */
export function partlyAlways(
  metrics: Readonly<Record<string, { mean: number } | undefined>>,
  context: string,
): boolean {
  return Math.round(metrics[`${context}.state`]?.mean ?? 0) === 2 && (metrics[`${context}.fraction`]?.mean ?? 1) < 1;
}

/**
 * "always", with the fraction of guest memory × time beside it where one is given: S0's whole
 * memory (1), S1's user mapping on the CPUs running the VMM (0.14) and S2's pfn-cache pages
 * (1e-6) are all "always", and must not read alike.
 */
export function alwaysWords(fraction?: number): string {
  const word = EXPOSURE_STATE_WORDS[2].word;
  return fraction === undefined || Number.isNaN(fraction) ? word : `${word} (${formatValue(fraction)})`;
}

/** A metric's value as shown: words for states, "mean ± CI" for figures, a dash for none. */
export function formatMetric(key: string, e: Estimate | null | undefined): string {
  if (e === null || e === undefined || Number.isNaN(e.mean)) return '–';
  if (isStateMetric(key)) return stateWord(e.mean);
  return ciShown(e) ? `${formatValue(e.mean)} ± ${formatValue(e.ci95)}` : formatValue(e.mean);
}
