// Chart colours, one place for the window and the exported images: each strategy keeps its
// colour everywhere, so a PNG in a mail reads like the window it came from.
import { STRATEGY_IDS, type StrategyId } from '../core/index.ts';

/** Distinguishable in light and dark themes, and on paper (Tableau 10). */
export const PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
];

/**
 * Ten more for series past the first ten (Tableau 20's light tones): the cost breakdown has 13
 * components, and two sharing a colour could not be told apart in one stack.
 */
const LIGHT = [
  '#a0cbe8',
  '#ffbe7d',
  '#ff9d9a',
  '#86bcb6',
  '#8cd17d',
  '#f1ce63',
  '#d4a6c8',
  '#fabfd2',
  '#d7b5a6',
  '#79706e',
];

/** The i-th series' colour, for series that are not strategies (runs, experiments, components): 20 apart. */
export const colorAt = (i: number): string => {
  const k = i % (PALETTE.length + LIGHT.length);
  return k < PALETTE.length ? PALETTE[k]! : LIGHT[k - PALETTE.length]!;
};

export const strategyColour = (id: StrategyId): string => PALETTE[STRATEGY_IDS.indexOf(id)]!;

/** A heatmap's hue: a cell is this colour over the background, the more the higher its figure. */
export const HEAT_COLOUR = '#e15759';

/**
 * How much of HEAT_COLOUR a heatmap cell takes (%), from its share of the range (0 lowest, 1
 * highest): the window mixes it over its panel with CSS color-mix, an exported image with mixHex.
 */
export const heatMixPercent = (share: number): number => Math.round(6 + share * 70);

/** `percent` % of colour `a` over colour `b` (#rrggbb), as CSS color-mix(in srgb, a p%, b) gives. */
export function mixHex(a: string, b: string, percent: number): string {
  const channel = (hex: string, i: number): number => parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16);
  const t = percent / 100;
  return `#${[0, 1, 2]
    .map((i) =>
      Math.round(channel(a, i) * t + channel(b, i) * (1 - t))
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')}`;
}
