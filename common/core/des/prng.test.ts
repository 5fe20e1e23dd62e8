// The simulator's random numbers: the right distributions, and the same stream on every machine.
import { describe, expect, it } from 'vitest';
import { Prng } from './prng.ts';

describe('Prng', () => {
  it('draws exponentials of the given mean: the distribution (Kolmogorov-Smirnov), the moments and the tail', () => {
    const rng = new Prng(2026, 3);
    const mean = 2.5;
    const n = 1_000_000;
    const xs = new Float64Array(n);
    let sum = 0;
    let sumSquares = 0;
    let beyond8Means = 0;
    for (let i = 0; i < n; i++) {
      const x = rng.nextExponential(mean);
      xs[i] = x;
      sum += x;
      sumSquares += x * x;
      if (x > 8 * mean) beyond8Means++;
    }
    xs.sort();
    let d = 0;
    for (let i = 0; i < n; i++) {
      const cdf = 1 - Math.exp(-xs[i]! / mean);
      d = Math.max(d, (i + 1) / n - cdf, cdf - i / n);
    }
    // KS critical value at the 0.1% level is 1.95 / sqrt(n).
    expect(d).toBeLessThan(1.95 / Math.sqrt(n));
    expect(sum / n).toBeCloseTo(mean, 2);
    expect(sumSquares / n).toBeCloseTo(2 * mean * mean, 1);
    // Beyond 8 means is past the ziggurat's last layer (R = 7.7): exp(-8) of the draws, 335 +- 18.
    expect(Math.abs(beyond8Means - n * Math.exp(-8))).toBeLessThan(5 * Math.sqrt(n * Math.exp(-8)));
    expect(xs[0]).toBeGreaterThanOrEqual(0);
  });

  it('gives the same numbers for the same seed and stream on any machine', () => {
    const a = new Prng(7, 2);
    const b = new Prng(7, 2);
    const drawn = Array.from({ length: 1000 }, () => [a.nextUint32(), a.nextExponential(1), a.nextBelow(64)]);
    expect(Array.from({ length: 1000 }, () => [b.nextUint32(), b.nextExponential(1), b.nextBelow(64)])).toEqual(drawn);
    // Pinned values: a machine (or a change) that computes the stream differently fails here.
    const first = new Prng(1, 1);
    expect([first.nextUint32(), first.nextExponential(1), first.nextBelow(64), first.nextUnit()]).toEqual(PINNED);
  });

  it('draws integers below n uniformly, and units in (0, 1]', () => {
    const rng = new Prng(5);
    const counts = new Array<number>(7).fill(0);
    for (let i = 0; i < 700_000; i++) counts[rng.nextBelow(7)]! += 1;
    for (const c of counts) expect(Math.abs(c - 100_000)).toBeLessThan(5 * Math.sqrt(100_000 * (6 / 7)));
    for (let i = 0; i < 100_000; i++) {
      const u = rng.nextUnit();
      expect(u > 0 && u <= 1).toBe(true);
    }
  });

  it('draws a mean count as whole ones, the fraction by chance, one draw each time', () => {
    const rng = new Prng(9);
    let twos = 0;
    for (let i = 0; i < 100_000; i++) {
      const n = rng.nextWhole(1.2);
      expect(n === 1 || n === 2).toBe(true);
      if (n === 2) twos++;
    }
    expect(Math.abs(twos - 20_000)).toBeLessThan(5 * Math.sqrt(100_000 * 0.2 * 0.8));
    // A whole mean is itself, and still takes its draw: the next draws are a twin's.
    const a = new Prng(3);
    const b = new Prng(3);
    expect(a.nextWhole(4)).toBe(4);
    b.nextUnit();
    expect(a.nextUint32()).toBe(b.nextUint32());
  });
});

const PINNED = [3434832072, 0.23600564913909394, 11, 0.5821072997059673];
