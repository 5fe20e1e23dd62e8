// The linear-time latency summary gives exactly what sorting gives.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BUCKET_UPPER_US, bucketOf, summarise } from './summary.ts';

/** The reference: sort, read the ranks, walk the buckets. */
function bySorting(values: number[]) {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  const q = (f: number): number => sorted[Math.min(n - 1, Math.floor(f * n))]!;
  const buckets = new Array<number>(BUCKET_UPPER_US.length).fill(0);
  let b = 0;
  for (const v of sorted) {
    while (b < BUCKET_UPPER_US.length - 1 && v > BUCKET_UPPER_US[b]!) b++;
    buckets[b]!++;
  }
  return { p50: q(0.5), p99: q(0.99), max: sorted[n - 1]!, count: n, buckets };
}

describe('summarise', () => {
  it('matches sorting on any samples: repeats, bucket edges, sorted and reversed input', () => {
    const sample = fc.oneof(
      fc.double({ min: 0, max: 2e7, noNaN: true }),
      fc.constantFrom(...BUCKET_UPPER_US),
      fc.constantFrom(0, 1, 1.351, 1e7, 3e7),
    );
    fc.assert(
      fc.property(
        fc.array(sample, { minLength: 1, maxLength: 3000 }),
        fc.constantFrom('as is', 'sorted', 'reversed'),
        (values, order) => {
          const input = order === 'as is' ? values : [...values].sort((a, b) => (order === 'sorted' ? a - b : b - a));
          const got = summarise(Float64Array.from(input));
          const { p50, p99, max, count, buckets } = bySorting(values);
          expect({ p50: got.p50, p99: got.p99, max: got.max, count: got.count, buckets: got.buckets }).toEqual({
            p50,
            p99,
            max,
            count,
            buckets,
          });
          expect(got.mean).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 6);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('files a value exactly on a bucket edge in that bucket, the next double up in the next, and the rest in the last', () => {
    const bits = new BigInt64Array(1);
    const value = new Float64Array(bits.buffer);
    const step = (v: number, by: bigint): number => {
      value[0] = v;
      bits[0]! += by;
      return value[0]!;
    };
    const last = BUCKET_UPPER_US.length - 1;
    BUCKET_UPPER_US.forEach((edge, b) => {
      expect(bucketOf(edge)).toBe(b);
      expect(bucketOf(step(edge, -1n)), `just under edge ${b}`).toBe(b);
      expect(bucketOf(step(edge, 1n)), `just over edge ${b}`).toBe(Math.min(b + 1, last));
    });
    expect(bucketOf(1e12)).toBe(BUCKET_UPPER_US.length - 1);
    expect(bucketOf(0)).toBe(0);
  });

  it('gives zeros for no samples', () => {
    expect(summarise(new Float64Array(0))).toMatchObject({ p50: 0, p99: 0, max: 0, mean: 0, count: 0 });
  });
});
