import { describe, expect, it } from 'vitest';
import { METRIC_CATALOGUE } from './metrics.ts';

describe('the metric catalogue', () => {
  it('keeps each group together, so tables in its order head each group once', () => {
    const groups = METRIC_CATALOGUE.map((m) => m.group).filter((g, i, all) => i === 0 || g !== all[i - 1]);
    expect(groups).toEqual(['cost', 'exposure', 'footprint', 'latency']);
  });

  it('has each key once', () => {
    expect(new Set(METRIC_CATALOGUE.map((m) => m.key)).size).toBe(METRIC_CATALOGUE.length);
  });
});
