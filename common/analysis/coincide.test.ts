import { describe, expect, it } from 'vitest';
import { coincidentLines, coincidentWords, WITHIN_LINE_WIDTH } from './coincide.ts';

const line = (key: string, ys: number[], xs = ys.map((_, i) => i + 1)) => ({
  key,
  points: ys.map((y, i) => ({ x: xs[i], y })),
});

describe('coincidentLines', () => {
  it('finds a line with the same figures, or figures within a line width of the axis, under an earlier one', () => {
    const lines = [
      line('S0', [0, 0, 0]),
      line('S2', [10, 50, 100]),
      line('S4', [0, 0, 0]),
      // 0.1 apart on an axis 0..100: 0.1% of it, under a line's width.
      line('S5', [10.1, 50, 100]),
      // 1 apart: 1% of the axis, seen.
      line('S6', [11, 50, 100]),
    ];
    expect(coincidentLines(lines, { type: 'linear' })).toEqual([
      undefined,
      undefined,
      { under: 'S0', same: true },
      { under: 'S2', same: false },
      undefined,
    ]);
  });

  it('measures closeness on the axis as drawn: log and symlog spans', () => {
    // On a log axis from 1 to 1e6 (6 decades), 1 and 1.01 are 0.0043 decades apart: 0.07% of it.
    const log = [line('S1', [1, 1e3, 1e6]), line('S3', [1.01, 1e3, 1e6]), line('S6', [1.5, 1e3, 1e6])];
    expect(coincidentLines(log, { type: 'logarithmic' })).toEqual([undefined, { under: 'S1', same: false }, undefined]);
    // The same pair on a linear axis to 1e6: 0.5 apart is nothing there, so S6 lies under S1 too.
    expect(coincidentLines(log, { type: 'linear' })[2]).toEqual({ under: 'S1', same: false });
    // Symlog with c = 1: 0 and 0.001 are 4e-4 apart in t, of a span of ~6: under.
    const sym = [line('S0', [0, 1e3, 1e6]), line('S2', [0.001, 1e3, 1e6])];
    expect(coincidentLines(sym, { type: 'symlog', symlogConstant: 1 })[1]).toEqual({ under: 'S0', same: false });
  });

  it('needs the same x values in the same order, and a figure a log axis cannot place to be the same', () => {
    expect(coincidentLines([line('S1', [1, 2]), line('S2', [1, 2], [1, 3])], { type: 'linear' })[1]).toBeUndefined();
    expect(coincidentLines([line('S1', [1, 2]), line('S2', [1])], { type: 'linear' })[1]).toBeUndefined();
    const zero = [line('S1', [0, 1e3]), line('S2', [0, 1e3]), line('S3', [1e-9, 1e3])];
    expect(coincidentLines(zero, { type: 'logarithmic' }).slice(1)).toEqual([{ under: 'S1', same: true }, undefined]);
  });

  it('takes two lines missing a figure at the same x as alike there', () => {
    const gaps = [line('S2', [1, Number.NaN, 3]), line('S3', [1, Number.NaN, 3]), line('S4', [1, 2, 3])];
    expect(coincidentLines(gaps, { type: 'linear' }).slice(1)).toEqual([{ under: 'S2', same: true }, undefined]);
  });

  it('is just under a line width at the edge of the tolerance, and says so in the legend', () => {
    const edge = [line('A', [0, 100]), line('B', [100 * WITHIN_LINE_WIDTH * 0.99, 100])];
    expect(coincidentLines(edge, { type: 'linear' })[1]).toEqual({ under: 'A', same: false });
    const past = [line('A', [0, 100]), line('B', [100 * WITHIN_LINE_WIDTH * 1.01, 100])];
    expect(coincidentLines(past, { type: 'linear' })[1]).toBeUndefined();
    expect(coincidentWords({ under: 'S5', same: true })).toBe(' (same as S5)');
    expect(coincidentWords({ under: 'S5', same: false })).toBe(" (under S5, within a line's width)");
    expect(coincidentWords(undefined)).toBe('');
  });
});
