// The symmetric log scale (issue 17, item 2): values that include zero or negatives and span
// decades (a delta against S0, a cost that is 0 for some strategies and 1e6 for others) drawn
// so that both 0.01 and 10,000 are readable and zero has its place. Linear within ±c of zero,
// logarithmic beyond: t = sign(v) × log10(1 + |v| / c). Pure; the chart.js scale that uses it
// is symlogScale.ts.
import { formatValue } from './format.ts';
import { spansDecades } from './overlay.ts';

/** The y-axis picks the window offers (YAxisPick.svelte) and an export view names (ExportView.yScale). */
export const Y_SCALE_CHOICES = ['auto', 'linear', 'log', 'symlog'] as const;
export type YScaleChoice = (typeof Y_SCALE_CHOICES)[number];
export type YScaleType = 'linear' | 'logarithmic' | 'symlog';

/** Where the scale turns from linear to log: the decade of the smallest non-zero magnitude (1 when none). */
export function symlogConstant(values: readonly number[]): number {
  const mags = values.filter((v) => Number.isFinite(v) && v !== 0).map(Math.abs);
  if (mags.length === 0) return 1;
  return 10 ** Math.floor(Math.log10(Math.min(...mags)));
}

export const symlog = (v: number, c: number): number => Math.sign(v) * Math.log10(1 + Math.abs(v) / c);

export const symlogInverse = (t: number, c: number): number => Math.sign(t) * c * (10 ** Math.abs(t) - 1);

/**
 * Ticks for [min, max]: zero when it is in range, and ±c × 10^k, from c to the first power that
 * covers the range's end, on each side the range reaches.
 */
export function symlogTicks(min: number, max: number, c: number): number[] {
  const side = (limit: number): number[] => {
    const out: number[] = [];
    for (let v = c; ; v *= 10) {
      out.push(v);
      if (v >= limit || out.length > 40) break;
    }
    return out;
  };
  const ticks: number[] = [];
  if (min < 0)
    ticks.push(
      ...side(-min)
        .map((v) => -v)
        .reverse(),
    );
  ticks.push(0);
  if (max > 0) ticks.push(...side(max));
  return ticks;
}

/**
 * The y scale for these values. Auto: log where every value is positive and they span two
 * decades; symlog where some are zero or negative and the non-zero magnitudes span two decades;
 * linear otherwise. A log pick is honoured (zero and negatives are then not drawn, and the
 * axis title says so).
 */
export function chooseYScale(values: readonly number[], choice: YScaleChoice): YScaleType {
  const finite = values.filter((v) => Number.isFinite(v));
  const nonPositive = finite.some((v) => v <= 0);
  if (choice === 'linear') return 'linear';
  if (choice === 'symlog') return 'symlog';
  if (choice === 'log') return 'logarithmic';
  const wide = spansDecades(finite.filter((v) => v !== 0).map(Math.abs));
  if (!wide) return 'linear';
  return nonPositive ? 'symlog' : 'logarithmic';
}

/** A tick's label: a power of ten far from 1 as 1e-7, other values as formatValue writes them. */
export function symlogTickLabel(v: number): string {
  const k = Math.log10(Math.abs(v));
  if (v !== 0 && Math.abs(k - Math.round(k)) < 1e-9 && (k < -3 || k >= 6))
    return `${v < 0 ? '-' : ''}1e${Math.round(k)}`;
  return formatValue(v);
}
