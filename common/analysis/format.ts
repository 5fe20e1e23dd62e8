// Numbers as people read them in a terminal or a mail: four significant digits (whole numbers
// from a thousand up), no float noise.
import type { Estimate } from '../core/index.ts';

/** '12.50' -> '12.5', '7000' stays '7000'. */
function trimZeros(text: string): string {
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}

/**
 * Relative change below which two figures are the same. Exact formulas differ by float noise
 * (~1e-16), but the simulator takes a latency as the difference of two event times in float
 * seconds up to the run's length, good to ~1e-16 s: a 0.0016 us pfn-cache access came out
 * 1.2e-11 us (7.5e-9 of it) away from the formulas' figure, with a "CI" of 4.8e-12 from the same
 * rounding. Figures are shown to at most six digits (formatValue): a millionth is the last one.
 */
export const RELATIVE_TOLERANCE = 1e-6;

/**
 * Whether an estimate's 95% CI is worth showing: wider than RELATIVE_TOLERANCE of its mean. A
 * simulator's figure that every event gives alike (a constant latency) has a "CI" of float
 * rounding, 5.7e-13 beside 0.5401, which says nothing.
 */
export function ciShown(e: { mean: number; ci95: number }): boolean {
  return e.ci95 > RELATIVE_TOLERANCE * Math.abs(e.mean);
}

export function formatValue(value: number): string {
  if (value === 0) return '0';
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  // From a thousand up, whole numbers: four significant digits made a count of 131,328 pages
  // read as an exact 131300. Rounded by magnitude (-1234.5 is -1235), and 999,999.6 is 1.000e+6.
  const whole = Math.round(abs);
  if (whole >= 1e6 || abs < 1e-3) return value.toExponential(3);
  if (abs >= 1e3) return String(Math.sign(value) * whole);
  // Just under 1, four digits would say 1: S4's KVM context exposed 1 - 2.6e-14 of the time
  // read as "1" beside its state "windows".
  if (abs >= 0.99995 && abs < 1) return value > 0 ? '<1' : '>-1';
  return trimZeros(String(Number(value.toPrecision(4))));
}

/** A power of ten as an axis names it: 0.01 to 1000 in full, else 1e-7, 1e6. */
export function powerOfTenWord(k: number): string {
  return k >= -2 && k <= 3 ? String(10 ** k) : `1e${k}`;
}

/** A delta with its sign always shown: '+1.5', '-0.2', '0'. */
export function formatDelta(value: number): string {
  const text = formatValue(value);
  return value > 0 ? `+${text}` : text;
}

/**
 * Past 100% vCPU overhead the guest runs slower than without the strategy: "×3.215 slower" (the
 * core's cost.slowdownFactor), which a percentage beyond 100 does not say. Its digits are
 * formatValue's, as where the tables write "3.215x": two views never round one factor apart.
 */
export function slowdownWord(factor: number): string {
  return `×${formatValue(factor)} slower`;
}

/**
 * The guest's slowdown factor when `overheadPct` is 100 or more and the factor is known; undefined
 * otherwise (below 100% the overhead itself says it): the one rule for "×3.2 slower" and "3.2x".
 */
export function slowdownFactorOf(overheadPct: number | undefined, factor: number | undefined): number | undefined {
  return overheadPct !== undefined && overheadPct >= 100 && factor !== undefined && Number.isFinite(factor)
    ? factor
    : undefined;
}

/**
 * The estimate a cell of `key` shows, its mean and its CI: past 100% vCPU overhead the slowdown
 * factor's (the overhead's CI, in percent, under "2.2x" read as the factor's), else the key's own.
 */
export function shownEstimate(
  metrics: Readonly<Record<string, Estimate | undefined>>,
  key: string,
): { estimate: Estimate | undefined; slowdown: boolean } {
  const e = metrics[key];
  const factor = metrics['cost.slowdownFactor'];
  return key === 'cost.overheadPct' && slowdownFactorOf(e?.mean, factor?.mean) !== undefined
    ? { estimate: factor, slowdown: true }
    : { estimate: e, slowdown: false };
}

/** The slowdown word when `overheadPct` is 100 or more and the factor is known; undefined otherwise. */
export function slowdownOf(overheadPct: number | undefined, factor: number | undefined): string | undefined {
  const f = slowdownFactorOf(overheadPct, factor);
  return f === undefined ? undefined : slowdownWord(f);
}
