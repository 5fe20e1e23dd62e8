import { describe, expect, it } from 'vitest';
import { COST_COMPONENTS, STRATEGY_IDS } from '../core/index.ts';
import { colorAt, strategyColour } from './palette.ts';

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
