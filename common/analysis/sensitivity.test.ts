// Sensitivity to the cost table and the Pareto front, on the core's own presets.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PRESETS, setParameter, type Scenario } from '../core/index.ts';
import { paretoFront, rankingOf, sensitivity } from './sensitivity.ts';

const preset = (id: string): Scenario => PRESETS.find((p) => p.id === id)!.scenario;

describe('sensitivity', () => {
  it('varies each ranged cost entry alone: STAC and CLAC move S5 only where it pays them, and by the worked amount', () => {
    // The quiet preset's kvmclock updates (1/s per vCPU) are S5's only STAC/CLAC pairs.
    const s = setParameter(preset('quiet-cloud-vm'), 'workload.touchpoints.pfnCache.ratePerSec', 1000);
    const result = sensitivity(s, { samples: 20 });
    const stac = result.bars.find((b) => b.key === 'stac')!;
    expect(stac.low).toBe(1);
    expect(stac.high).toBe(30);
    expect(stac.atHigh.S5! - stac.atLow.S5!).toBeCloseTo(1000 * (30 - 1), 6); // one STAC per update
    expect(stac.atHigh.S0).toBe(0);
    expect(stac.atHigh.S1).toBe(stac.atLow.S1); // S1 pays no STAC beyond today's
    // Largest swing first.
    for (let i = 1; i < result.bars.length; i++)
      expect(result.bars[i - 1]!.swing).toBeGreaterThanOrEqual(result.bars[i]!.swing);
    expect(result.bars[0]!.swing).toBeGreaterThan(0);
  });

  it('says whether the ranking holds when every entry varies at once, the same way for the same seed', () => {
    const s = preset('mmio-heavy-legacy');
    const a = sensitivity(s, { samples: 50, seed: 7 });
    const b = sensitivity(s, { samples: 50, seed: 7 });
    expect(a.ranking).toEqual(b.ranking);
    expect(a.ranking.base[0]).toContain('S0'); // the baseline costs nothing
    expect(a.ranking.summary).toMatch(/^the ranking S0 .* (holds in all 50|changes in \d+% of 50)/);
    expect(a.ranking.changedShare).toBeGreaterThanOrEqual(0);
    expect(a.ranking.changedShare).toBeLessThanOrEqual(1);
  });

  it('keeps an override inside the range it varies over', () => {
    const s = setParameter(preset('quiet-cloud-vm'), 'host.costs.stac', 100);
    const stac = sensitivity(s, { samples: 1 }).bars.find((b) => b.key === 'stac')!;
    expect(stac.value).toBe(100);
    expect(stac.high).toBe(100);
  });
});

describe('rankingOf and paretoFront', () => {
  it('groups ties and orders the rest', () => {
    expect(rankingOf({ S0: 0, S1: 0, S2: 5, S3: 1 })).toEqual([['S0', 'S1'], ['S3'], ['S2']]);
  });

  it('keeps exactly the points no other beats on both axes', () => {
    const points = [
      { id: 'a', cost: 0, exposure: 1 },
      { id: 'b', cost: 1, exposure: 0.5 },
      { id: 'c', cost: 2, exposure: 0.6 }, // beaten by b
      { id: 'd', cost: 3, exposure: 0 },
    ];
    expect([...paretoFront(points)].sort()).toEqual(['a', 'b', 'd']);
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            // Few distinct values as often as not, so ties on either axis are common; NaN and
            // infinities (a metric a run lacks, a saturated one) compare as the definition does.
            cost: fc.oneof(fc.double({ min: 0, max: 10 }), fc.constantFrom(0, -0, 1, 2, Infinity, NaN)),
            exposure: fc.oneof(fc.double({ min: 0, max: 1 }), fc.constantFrom(0, 0.5, 1, Infinity, NaN)),
          }),
          { minLength: 1, maxLength: 40 },
        ),
        (raw) => {
          // Some ids shared: an id is on the front when any of its points is.
          const pts = raw.map((p, i) => ({ id: String(i % 30), ...p }));
          const front = paretoFront(pts);
          // Nothing on the front is beaten; everything off it is.
          const beaten = (p: (typeof pts)[number]): boolean =>
            pts.some(
              (q) => q.cost <= p.cost && q.exposure <= p.exposure && (q.cost < p.cost || q.exposure < p.exposure),
            );
          return pts.every((p) => front.has(p.id) === pts.some((q) => q.id === p.id && !beaten(q)));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
