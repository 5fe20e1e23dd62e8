// Number.prototype.toFixed, faster for the flag messages of every analytic point (a flagged
// point formats two or three numbers, and toFixed cost a tenth of a 10,000-point sweep).

const SCALE = [1, 10, 100, 1000];
/**
 * How near a tie (x.5 at the last digit) the scaled value may come before toFixed decides. Below
 * FAST_LIMIT the scaling errs by less than 2.3e-7 (an ulp of 1e9), well inside it.
 */
const TIE_GUARD = 1e-6;
const FAST_LIMIT = 1e9;

/**
 * `x.toFixed(digits)`, character for character, for 0 to 3 digits. Away from a tie, rounding
 * the scaled value cannot differ from toFixed's exact decimal rounding (the scaling errs by an
 * ulp); at a tie, and outside the range where integers print plainly, toFixed itself decides.
 */
export function fixed(x: number, digits: 0 | 1 | 2 | 3): string {
  const scale = SCALE[digits]!;
  const scaled = x * scale;
  if (!(scaled >= 0 && scaled < FAST_LIMIT)) return x.toFixed(digits);
  const n = Math.round(scaled);
  if (Math.abs(Math.abs(scaled - n) - 0.5) < TIE_GUARD) return x.toFixed(digits);
  if (digits === 0) return String(n);
  const whole = Math.floor(n / scale);
  return `${whole}.${String(n - whole * scale).padStart(digits, '0')}`;
}
