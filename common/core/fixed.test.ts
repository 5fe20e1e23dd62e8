import { describe, expect, it } from 'vitest';
import { fixed } from './fixed.ts';

describe('fixed', () => {
  it('prints what toFixed prints, ties and awkward decimals included', () => {
    const awkward = [
      0,
      0.5,
      1.5,
      2.5,
      1.005,
      1.115,
      1.125,
      0.045,
      12.345,
      99.995,
      999.9995,
      1e14 + 0.5,
      1e15,
      1e21,
      7e-7,
    ];
    for (const x of awkward)
      for (const d of [0, 1, 2, 3] as const) expect(fixed(x, d), `${x} to ${d}`).toBe(x.toFixed(d));
  });

  it('agrees with toFixed on many values of every magnitude', () => {
    // A fixed linear congruential sequence: the same values every run.
    let seed = 12345;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 20_000; i++) {
      const x = next() * 10 ** Math.floor(next() * 12 - 3);
      for (const d of [0, 1, 2, 3] as const) expect(fixed(x, d)).toBe(x.toFixed(d));
    }
  });

  it('leaves negative and non-finite values to toFixed', () => {
    for (const x of [-0, -1.25, -0.004, Number.NaN, Infinity, -Infinity])
      for (const d of [0, 2] as const) expect(fixed(x, d)).toBe(x.toFixed(d));
  });
});
