// "Where the cycles go" (issue 17): per strategy, its extra cycles on the whole host grouped by
// the core's cost components (COST_COMPONENTS, the one vocabulary) or by touchpoint, so each
// stack sums to the total it explains; the flags that ask for care with the figure; and its cost
// in words (past 100% overhead, the guest's slowdown factor rather than a percentage). Pure, so
// the window's view and an export draw the same stacks.
import { COST_COMPONENTS } from '../core/index.ts';
import { slowdownOf } from './format.ts';
import { spansDecades } from './overlay.ts';
import { labelFromKey } from './schemaFields.ts';
import type { Flag } from './trust.ts';

export type BreakdownGrouping = 'component' | 'touchpoint';

export interface BreakdownRow {
  strategy: string;
  /** Extra cycles per second on the whole host: the sum of `parts`. */
  total: number;
  /** Cycles per second per group (component or touchpoint; 'none' for terms tied to no touchpoint). */
  parts: Record<string, number>;
  /** The flags that ask for care here: full-flush ceiling, saturation, overload. */
  careful: Flag[];
  overheadPct?: number;
  /** cost.hostOverheadPct: the bar's own share, of all host cycles. */
  hostOverheadPct?: number;
  slowdown?: number;
}

/** The flags a breakdown marks (the figure it explains is capped, queued or past 100%). */
export const BREAKDOWN_FLAGS = ['fullFlushCeiling', 'saturated', 'overloaded'] as const;

/** One strategy's breakdown (`${touchpoint}.${component}` keys) grouped as asked. */
export function breakdownRow(
  strategy: string,
  breakdown: Record<string, number>,
  by: BreakdownGrouping,
  extra: {
    flags?: Flag[];
    overheadPct?: number | undefined;
    hostOverheadPct?: number | undefined;
    slowdown?: number | undefined;
  } = {},
): BreakdownRow {
  const parts: Record<string, number> = {};
  for (const [key, v] of Object.entries(breakdown)) {
    const dot = key.indexOf('.');
    const group = by === 'component' ? key.slice(dot + 1) : key.slice(0, dot);
    parts[group] = (parts[group] ?? 0) + v;
  }
  return {
    strategy,
    total: Object.values(breakdown).reduce((a, b) => a + b, 0),
    parts,
    careful: (extra.flags ?? []).filter((f) => (BREAKDOWN_FLAGS as readonly string[]).includes(f.code)),
    ...(extra.overheadPct === undefined ? {} : { overheadPct: extra.overheadPct }),
    ...(extra.hostOverheadPct === undefined ? {} : { hostOverheadPct: extra.hostOverheadPct }),
    ...(extra.slowdown === undefined ? {} : { slowdown: extra.slowdown }),
  };
}

/** The groups with cycles in any row: components in the core's order, touchpoints by name, 'none' last. */
export function breakdownGroups(rows: BreakdownRow[], by: BreakdownGrouping): string[] {
  const present = new Set(rows.flatMap((r) => Object.keys(r.parts).filter((k) => r.parts[k]! > 0)));
  const ordered: string[] =
    by === 'component'
      ? COST_COMPONENTS.filter((c) => present.has(c))
      : [...present].filter((k) => k !== 'none').sort();
  return [...ordered, ...[...present].filter((k) => !ordered.includes(k)).sort()];
}

/** A group's name in a legend: "pte update", "no touchpoint". */
export const groupLabel = (group: string): string => (group === 'none' ? 'no touchpoint' : labelFromKey(group));

/** Shares of each total rather than cycles, when the totals span two decades (stacks on one axis would hide the small ones). */
export const sharesByDefault = (rows: BreakdownRow[]): boolean => spansDecades(rows.map((r) => r.total));

/** Two significant figures, small ones too (2.6e-4, not 3e-4): a label under a narrow bar. */
const short = (v: number): string =>
  v === 0 || Math.abs(v) >= 0.01 ? String(Number(v.toPrecision(2))) : Number(v.toPrecision(2)).toExponential();

/** The cost in words: "+35%", or past 100% overhead the slowdown, "×3.1 slower" (format.ts's slowdownOf). */
export function costWord(r: BreakdownRow): string {
  if (r.overheadPct === undefined) return '';
  return slowdownOf(r.overheadPct, r.slowdown) ?? `+${short(r.overheadPct)}%`;
}

/**
 * The cost over a bar of host cycles, a line each: the bar's own share of the host's cycles, then
 * a vCPU's overhead or past 100% the slowdown ("host +0.38%", "vCPU +0%": a bare "+35%" let a
 * reader take a vCPU's overhead for the bar's share, and a vCPU's alone read as nothing over a bar
 * of host-wide work).
 */
export function costTick(r: BreakdownRow): string[] {
  const word = costWord(r);
  const host = r.hostOverheadPct === undefined ? [] : [`host +${short(r.hostOverheadPct)}%`];
  // Past 100% the slowdown says what the guest pays; the host's share still says what the bar is.
  return [...host, word.startsWith('+') ? `vCPU ${word}` : word].filter((line) => line !== '');
}
