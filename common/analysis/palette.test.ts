import { describe, expect, it } from 'vitest';
import { COST_COMPONENTS, STRATEGY_IDS } from '../core/index.ts';
import { colorAt, strategyColour, heatMixPercent, mixHex } from './palette.ts';

describe('palette', () => {
  it('gives every component of the cost breakdown a colour of its own (they stack in one bar)', () => {
    const colours = COST_COMPONENTS.map((_, i) => colorAt(i));
    expect(new Set(colours).size).toBe(COST_COMPONENTS.length);
    expect(new Set(Array.from({ length: 20 }, (_, i) => colorAt(i))).size).toBe(20);
  });

  it('keeps the first ten series on the strategies’ colours, and each strategy its own', () => {
    STRATEGY_IDS.forEach((id, i) => expect(strategyColour(id)).toBe(colorAt(i)));
    expect(new Set(STRATEGY_IDS.map(strategyColour)).size).toBe(STRATEGY_IDS.length);
  });
});

describe('mixHex', () => {
  it("mixes as CSS color-mix(in srgb) does, so an exported heatmap's shades are the window's", () => {
    expect(mixHex('#e15759', '#ffffff', 50)).toBe('#f0abac');
    expect(mixHex('#e15759', '#1d1f21', 100)).toBe('#e15759');
    expect(mixHex('#e15759', '#1d1f21', 0)).toBe('#1d1f21');
    expect(heatMixPercent(0)).toBe(6);
    expect(heatMixPercent(1)).toBe(76);
  });
});
