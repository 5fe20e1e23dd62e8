import { describe, expect, it } from 'vitest';
import { chooseYScale, symlog, symlogConstant, symlogInverse, symlogTickLabel, symlogTicks } from './symlog.ts';

describe('symlog', () => {
  it('is linear near zero, log far from it, odd, and inverted exactly', () => {
    expect(symlog(0, 1)).toBe(0);
    expect(symlog(-99, 1)).toBeCloseTo(-2, 12);
    expect(symlog(9999, 1)).toBeCloseTo(4, 12);
    expect(symlog(0.001, 0.01)).toBeCloseTo(Math.log10(1.1), 12);
    for (const v of [-1e6, -3.5, -0.01, 0, 0.2, 7, 1e9])
      expect(Math.abs(symlogInverse(symlog(v, 0.1), 0.1) - v)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(v)));
  });

  it('takes the decade of the smallest non-zero magnitude as the linear part', () => {
    expect(symlogConstant([0, 0.034, 1200, -5])).toBe(0.01);
    expect(symlogConstant([0, 0])).toBe(1);
  });

  it('ticks at zero and at decades on each side the range reaches', () => {
    expect(symlogTicks(0, 950, 1)).toEqual([0, 1, 10, 100, 1000]);
    expect(symlogTicks(-20, 5, 1)).toEqual([-100, -10, -1, 0, 1, 10]);
    expect(symlogTicks(0, 0, 1)).toEqual([0]);
    expect([0, 1e-7, -1e-4, 0.001, 1, 100, 1e6].map(symlogTickLabel)).toEqual([
      '0',
      '1e-7',
      '-1e-4',
      '0.001',
      '1',
      '100',
      '1e6',
    ]);
  });

  it('chooses the scale: log for positive data spanning decades, symlog with zeros or negatives, else linear', () => {
    expect(chooseYScale([1, 2, 3], 'auto')).toBe('linear');
    expect(chooseYScale([0.01, 50], 'auto')).toBe('logarithmic');
    expect(chooseYScale([0, 0.01, 50], 'auto')).toBe('symlog');
    expect(chooseYScale([-3, 0.01, 50], 'auto')).toBe('symlog');
    expect(chooseYScale([0, 1, 2], 'auto')).toBe('linear');
    expect(chooseYScale([0, 1, 2], 'log')).toBe('logarithmic');
    expect(chooseYScale([0.01, 50], 'linear')).toBe('linear');
    expect(chooseYScale([1, 2], 'symlog')).toBe('symlog');
  });
});
