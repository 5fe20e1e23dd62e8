// Turns what a user types for one swept parameter into its list of values.
import type { ParameterValue } from '../core/index.ts';

export type SweepSpec =
  | { kind: 'list'; text: string }
  | { kind: 'linear'; from: number; to: number; count: number }
  | { kind: 'log'; from: number; to: number; count: number };

export type ParameterType =
  { kind: 'number'; integer: boolean } | { kind: 'boolean' } | { kind: 'enum'; options: ParameterValue[] };

/**
 * The values, and how many were asked for: fewer values than that when some were the same, or
 * came out the same once rounded to whole numbers (sweepNote says so).
 */
export type SweepValues = { ok: true; values: ParameterValue[]; asked: number } | { ok: false; message: string };

const MAX_VALUES = 10_000;

/** A number as written in decimal (1, -2.5, 1e6, .5); NaN for anything else Number() would take (0x10, 0b11, ''). */
function decimal(text: string): number {
  return /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text) ? Number(text) : Number.NaN;
}

export function sweepValues(spec: SweepSpec, type: ParameterType): SweepValues {
  if (spec.kind === 'list') {
    // Values are separated by commas, semicolons or spaces. Two commas with nothing between
    // them (1,,2) most likely lost a value: refused, not read as 1,2. One at the end is not.
    const items = spec.text.trim().split(/\s*[,;]\s*|\s+/);
    if (items.at(-1) === '') items.pop();
    if (items.length === 0 || (items.length === 1 && items[0] === ''))
      return { ok: false, message: 'give at least one value' };
    const empty = items.indexOf('');
    if (empty >= 0)
      return {
        ok: false,
        message: `value ${empty + 1} of "${spec.text.trim()}" is empty: a value is missing between two separators, or one separator is extra`,
      };
    const values: ParameterValue[] = [];
    for (const item of items) {
      if (type.kind === 'number') {
        const n = decimal(item);
        if (!Number.isFinite(n))
          return {
            ok: false,
            message: `"${item}" is not a number${item.includes(':') ? ' (a range: lin:FROM:TO:COUNT or log:FROM:TO:COUNT on the command line, the kind lin or log in the window)' : ''}`,
          };
        values.push(n);
      } else if (type.kind === 'boolean') {
        if (item !== 'true' && item !== 'false') return { ok: false, message: `"${item}" is not true or false` };
        values.push(item === 'true');
      } else {
        const option = type.options.find((o) => String(o) === item);
        if (option === undefined) return { ok: false, message: `"${item}" is not one of ${type.options.join(', ')}` };
        values.push(option);
      }
    }
    return { ok: true, values: [...new Set(values)], asked: items.length };
  }
  if (type.kind !== 'number') return { ok: false, message: 'ranges are for numeric parameters; use a list' };
  const { from, to, count } = spec;
  if (!Number.isFinite(from) || !Number.isFinite(to)) return { ok: false, message: 'from and to must be numbers' };
  if (!Number.isInteger(count) || count < 1 || count > MAX_VALUES)
    return { ok: false, message: `count must be an integer from 1 to ${MAX_VALUES}` };
  if (spec.kind === 'log' && (from <= 0 || to <= 0))
    return { ok: false, message: 'a log range needs from and to above 0' };
  const raw: number[] = [];
  for (let i = 0; i < count; i++) {
    const t = count === 1 ? 0 : i / (count - 1);
    raw.push(
      spec.kind === 'linear' ? from + t * (to - from) : Math.exp(Math.log(from) + t * (Math.log(to) - Math.log(from))),
    );
  }
  // Integers are rounded (and duplicates dropped); reals are trimmed of float noise.
  const values = raw.map((v) => (type.integer ? Math.round(v) : Number(v.toPrecision(12))));
  return { ok: true, values: [...new Set(values)], asked: count };
}

/**
 * What a user should know of values that fell together: "40 values asked, 32 distinct once
 * rounded to whole numbers" (a log range of whole vCPUs), "5 values given, 4 distinct" (a list
 * repeating one); undefined when every value asked is there.
 */
export function sweepNote(spec: SweepSpec, type: ParameterType, result: SweepValues): string | undefined {
  if (!result.ok || result.values.length === result.asked) return undefined;
  if (spec.kind === 'list') return `${result.asked} values given, ${result.values.length} distinct`;
  const rounded = type.kind === 'number' && type.integer ? ' once rounded to whole numbers' : '';
  return `${result.asked} values asked, ${result.values.length} distinct${rounded}`;
}

/** The value type sweepValues needs, from what the scenario schema says of a parameter. */
export function parameterTypeOf(
  p: { kind: 'number' | 'boolean' | 'enum'; integer: boolean; options?: ParameterValue[] } | undefined,
): ParameterType {
  if (p === undefined || p.kind === 'number') return { kind: 'number', integer: p?.integer ?? false };
  if (p.kind === 'boolean') return { kind: 'boolean' };
  return { kind: 'enum', options: p.options ?? [] };
}

/** The command line's form of a value spec: `lin:FROM:TO:COUNT`, `log:FROM:TO:COUNT`, or a list. */
export function parseSweepSpec(text: string): SweepSpec | { error: string } {
  const range = /^(lin|log):([^:]+):([^:]+):([^:]+)$/.exec(text);
  if (range === null) {
    if (/^(lin|log):/.test(text)) return { error: `"${text}" is not a range: write ${text.slice(0, 3)}:FROM:TO:COUNT` };
    return { kind: 'list', text };
  }
  const [from, to, count] = [decimal(range[2]!), decimal(range[3]!), decimal(range[4]!)];
  if (![from, to, count].every(Number.isFinite)) return { error: `"${text}": FROM, TO and COUNT must be numbers` };
  return { kind: range[1] === 'lin' ? 'linear' : 'log', from, to, count };
}
