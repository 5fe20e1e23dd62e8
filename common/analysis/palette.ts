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

/** The i-th series' colour, for series that are not strategies (runs, experiments). */
export const colorAt = (i: number): string => PALETTE[i % PALETTE.length]!;

export const strategyColour = (id: StrategyId): string => PALETTE[STRATEGY_IDS.indexOf(id)]!;
