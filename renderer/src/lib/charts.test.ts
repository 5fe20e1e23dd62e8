import { describe, expect, it } from 'vitest';
import { FLAG_MARKER, markerAt, powerOfTenLabel, wrapToWidth } from './charts.ts';

/** A monospace font: 6 px a character. */
const mono = (text: string): number => text.length * 6;
const letters = (lines: string[]): string => lines.join('').replace(/\s/g, '');

describe('wrapToWidth', () => {
  it('breaks at spaces, as many words a line as fit', () => {
    expect(wrapToWidth('on-demand direct map', 60, mono)).toEqual(['on-demand', 'direct map']);
    expect(wrapToWidth('mmap, no direct map', 200, mono)).toEqual(['mmap, no direct map']);
  });

  it('breaks a word wider than a line after its hyphen, and keeps it whole where it fits', () => {
    expect(wrapToWidth('address-space isolation', 84, mono)).toEqual(['address-space', 'isolation']);
    expect(wrapToWidth('address-space isolation', 60, mono)).toEqual(['address-', 'space', 'isolation']);
  });

  it('cuts a word where it must on a very narrow axis, losing no letter', () => {
    for (const width of [12, 20, 33, 42]) {
      const lines = wrapToWidth('KVM-only CR3, address-space isolation', width, mono);
      for (const line of lines) expect(mono(line)).toBeLessThanOrEqual(Math.max(width, 6));
      expect(letters(lines)).toBe(letters(['KVM-only CR3, address-space isolation']));
    }
  });

  it('gives nothing for nothing, and one line for text that fits', () => {
    expect(wrapToWidth('', 50, mono)).toEqual([]);
    expect(wrapToWidth('  S2 ⚠ ', 50, mono)).toEqual(['S2 ⚠']);
  });
});

describe('powerOfTenLabel', () => {
  it('names the powers of ten on a log axis as the plane does, and nothing between', () => {
    expect([1e-7, 0.01, 1, 10, 1000, 1e6].map(powerOfTenLabel)).toEqual(['1e-7', '0.01', '1', '10', '1000', '1e6']);
    // chart.js's own label for these was "0.0000001" and "10.0000000"; 2 and 50 get none.
    expect(powerOfTenLabel(2)).toBe('');
    expect(powerOfTenLabel(50)).toBe('');
    expect(powerOfTenLabel(0)).toBe('');
  });
});

describe('markerAt', () => {
  it('never gives a series the marker of a flagged point', () => {
    for (let i = 0; i < 30; i++) expect(markerAt(i)).not.toBe(FLAG_MARKER);
  });
});
