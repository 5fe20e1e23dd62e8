// S2's count-closed batches: worked by hand, Wald's identity, and a Monte Carlo of the same rule.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { batchShape, type PageSource } from './batches.ts';
import { Prng } from './des/prng.ts';

describe('batchShape', () => {
  it('one page per event: B events, the k-th page waits B - k gaps, one flush per B events', () => {
    const shape = batchShape([{ ratePerSec: 1000, pagesPerEvent: 1 }], 8, 33);
    expect(shape).toEqual({
      eventsPerBatch: 8,
      eventsToFirstPage: 1,
      pagesPerBatch: 8,
      waitingPageGaps: 28,
      closes: [1 / 8],
      closesOverCeiling: [0],
    });
  });

  it('1.5 pages per event, B = 2: worked by hand', () => {
    // First event: 2 pages (chance 1/2) closes it; 1 page waits for a second, which closes it
    // with 1 or 2 more. Events per batch 1 + 1/2, pages at the flush 1 + 1/4 x 2 + 1/4 x 3 + ... = 2.25.
    const shape = batchShape([{ ratePerSec: 10, pagesPerEvent: 1.5 }], 2, 2);
    expect(shape.eventsPerBatch).toBeCloseTo(1.5, 15);
    expect(shape.pagesPerBatch).toBeCloseTo(2.25, 15);
    expect(shape.waitingPageGaps).toBeCloseTo(0.5, 15);
    expect(shape.closes[0]).toBeCloseTo(2 / 3, 15);
    // Over the ceiling of 2 pages: only 1 + 2 = 3 (chance 1/4 per batch).
    expect(shape.closesOverCeiling[0]).toBeCloseTo(0.25 / 1.5, 15);
  });

  it('keeps Wald: pages per batch = mean pages x events per batch, and one close per batch', () => {
    const source = fc.record({
      ratePerSec: fc.double({ min: 1, max: 1e5, noNaN: true }),
      pagesPerEvent: fc.oneof(fc.constant(0), fc.double({ min: 0.05, max: 40, noNaN: true })),
    });
    fc.assert(
      fc.property(
        fc.array(source, { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 1, max: 300 }),
        (sources, batch) => {
          const shape = batchShape(sources, batch, 33);
          const events = sources.reduce((n, s) => n + (s.pagesPerEvent > 0 ? s.ratePerSec : 0), 0);
          if (events === 0) {
            expect(shape.eventsPerBatch).toBe(0);
            return;
          }
          const meanPages = sources.reduce((n, s) => n + s.ratePerSec * s.pagesPerEvent, 0) / events;
          expect(shape.pagesPerBatch).toBeCloseTo(meanPages * shape.eventsPerBatch, 6);
          expect(shape.pagesPerBatch).toBeGreaterThanOrEqual(batch - 1e-9);
          const closesPerBatch =
            sources.reduce((n, s, i) => n + (s.pagesPerEvent > 0 ? (s.ratePerSec / events) * shape.closes[i]! : 0), 0) *
            shape.eventsPerBatch;
          expect(closesPerBatch).toBeCloseTo(1, 9);
        },
      ),
      { numRuns: 200, seed: 11 },
    );
  });

  it('agrees with batches drawn one event at a time under the same rule', () => {
    const sources: PageSource[] = [
      { ratePerSec: 20000, pagesPerEvent: 1.2 },
      { ratePerSec: 5000, pagesPerEvent: 1.7 },
      { ratePerSec: 500, pagesPerEvent: 3 },
      { ratePerSec: 3000, pagesPerEvent: 0.4 }, // 0 pages 3 times in 5
    ];
    const batch = 6;
    const shape = batchShape(sources, batch, 7);
    const total = 28500;
    const rng = new Prng(9, 9);
    const batches = 200_000;
    let events = 0;
    let toFirstPage = 0;
    let waiting = 0;
    let pages = 0;
    let over = 0;
    for (let b = 0; b < batches; b++) {
      let gathered = 0;
      while (gathered < batch) {
        waiting += gathered;
        events++;
        if (gathered === 0) toFirstPage++;
        const u = rng.nextUnit() * total;
        const p = u <= 20000 ? 1.2 : u <= 25000 ? 1.7 : u <= 25500 ? 3 : 0.4;
        gathered += Math.floor(p) + (rng.nextUnit() <= p - Math.floor(p) ? 1 : 0);
      }
      pages += gathered;
      if (gathered > 7) over++;
    }
    // 200,000 batches: each mean within 1% (its standard error is a few tenths of a percent).
    expect(events / batches).toBeCloseTo(shape.eventsPerBatch, 1);
    // Page-less events before the first page (0.4 pages: none 3 times in 5, from 3,000 of 28,500 events/s).
    expect(shape.eventsToFirstPage).toBeCloseTo(1 / (1 - (3000 / 28500) * 0.6), 12);
    expect(Math.abs(toFirstPage / batches / shape.eventsToFirstPage - 1)).toBeLessThan(0.01);
    expect(Math.abs(waiting / batches / shape.waitingPageGaps - 1)).toBeLessThan(0.01);
    expect(Math.abs(pages / batches / shape.pagesPerBatch - 1)).toBeLessThan(0.01);
    const overPerBatch =
      sources.reduce((n, s, i) => n + (s.ratePerSec / total) * shape.closesOverCeiling[i]!, 0) * shape.eventsPerBatch;
    expect(Math.abs(over / batches - overPerBatch)).toBeLessThan(0.01);
  });

  it('gives an empty shape for sources of no pages', () => {
    expect(batchShape([{ ratePerSec: 100, pagesPerEvent: 0 }], 4, 33)).toMatchObject({
      eventsPerBatch: 0,
      eventsToFirstPage: 0,
      closes: [0],
    });
  });
});
