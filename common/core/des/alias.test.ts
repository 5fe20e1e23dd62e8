import { describe, expect, it } from 'vitest';
import { AliasTable } from './alias.ts';
import { Prng } from './prng.ts';

describe('AliasTable', () => {
  it('draws each outcome in proportion to its weight, and never one of weight 0', () => {
    const weights = [20000, 5000, 0, 500, 20, 1, 64000, 0.5];
    const total = weights.reduce((a, b) => a + b, 0);
    const table = new AliasTable(weights);
    const rng = new Prng(42, 7);
    const draws = 2_000_000;
    const counts = new Array<number>(weights.length).fill(0);
    for (let k = 0; k < draws; k++) counts[table.draw(rng)]! += 1;
    expect(counts[2]).toBe(0);
    for (const [i, w] of weights.entries()) {
      const expected = (draws * w) / total;
      // Binomial: within 5 standard deviations (a false alarm about once in 1.7 million).
      const sd = Math.sqrt(expected * (1 - w / total));
      expect(
        Math.abs(counts[i]! - expected),
        `outcome ${i}: ${counts[i]} drawn, ${expected.toFixed(1)} expected`,
      ).toBeLessThanOrEqual(5 * sd + 1e-9);
    }
  });

  it('draws the only outcome of a table of one', () => {
    const table = new AliasTable([3]);
    const rng = new Prng(1);
    for (let k = 0; k < 100; k++) expect(table.draw(rng)).toBe(0);
  });

  it('refuses weights it cannot draw from, naming the weight', () => {
    expect(() => new AliasTable([1, -1])).toThrow(/weight 1 is -1/);
    expect(() => new AliasTable([1, Number.NaN])).toThrow(/weight 1 is NaN/);
    expect(() => new AliasTable([0, 0])).toThrow(/all zero/);
    expect(() => new AliasTable([])).toThrow(/all zero/);
    expect(() => new AliasTable(new Float64Array(2 ** 21 + 1).fill(1))).toThrow(/at most 2\^21/);
  });
});
