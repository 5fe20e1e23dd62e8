import { describe, expect, it } from 'vitest';
import { ciShown, formatDelta, formatValue, slowdownOf, slowdownWord } from './format.ts';

describe('formatValue', () => {
  it('gives four significant digits below a thousand, whole numbers to a million, an exponent beyond', () => {
    // Just under 1 is not 1: a share that four digits would round up says so.
    expect(formatValue(1 - 2.6e-14)).toBe('<1');
    expect(formatValue(0.99994)).toBe('0.9999');
    expect(formatValue(1)).toBe('1');
    expect(formatValue(-(1 - 1e-9))).toBe('>-1');
    expect(formatValue(12.5)).toBe('12.5');
    // A count is not rounded to zeros that read as exact: from a thousand up, whole numbers.
    expect(formatValue(12345)).toBe('12345');
    expect(formatValue(131328)).toBe('131328');
    expect(formatValue(8559.6)).toBe('8560');
    expect(formatValue(999.94)).toBe('999.9');
    expect(formatValue(-1234.5)).toBe('-1235');
    expect(formatValue(999999.6)).toBe('1.000e+6');
    expect(formatValue(30000)).toBe('30000');
    expect(formatValue(0.0012346)).toBe('0.001235');
    expect(formatValue(1234567)).toBe('1.235e+6');
    expect(formatValue(0.00002)).toBe('2.000e-5');
    expect(formatDelta(3)).toBe('+3');
  });
});

describe('slowdownOf', () => {
  it('says how many times slower the guest runs past 100% overhead, and nothing below', () => {
    expect(slowdownWord(3.2149)).toBe('×3.215 slower');
    expect(slowdownWord(107.23)).toBe('×107.2 slower');
    expect(slowdownOf(250, 3.5)).toBe('×3.5 slower');
    expect(slowdownOf(99.9, 1.999)).toBeUndefined();
    expect(slowdownOf(150, undefined)).toBeUndefined();
    expect(slowdownOf(undefined, 2)).toBeUndefined();
  });
});

describe('ciShown', () => {
  it('shows a CI wider than a millionth of its mean, not float rounding of one', () => {
    // A constant latency simulated: every event alike, the seeds' "CI" is rounding.
    expect(ciShown({ mean: 0.5401, ci95: 5.664e-13 })).toBe(false);
    expect(ciShown({ mean: 14.21, ci95: 0.001271 })).toBe(true);
    expect(ciShown({ mean: 0, ci95: 1e-9 })).toBe(true);
    expect(ciShown({ mean: 3, ci95: 0 })).toBe(false);
  });
});
