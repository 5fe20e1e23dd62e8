// A touchpoint's latency samples summarised in linear time: p50 and p99 by selection instead of
// a full sort, the histogram by computing each sample's bucket. At 10^5 samples per seed and
// touchpoint the sort was a fifth of a simulation's time; the figures are the same.

/** Histogram bucket upper bounds in microseconds: 8 per decade from 0.01 us to 10 s. */
export const BUCKET_UPPER_US: number[] = Array.from({ length: 8 * 9 + 1 }, (_, i) => 0.01 * 10 ** (i / 8));
const LAST = BUCKET_UPPER_US.length - 1;

export interface LatencySummary {
  p50: number;
  p99: number;
  max: number;
  mean: number;
  count: number;
  /** Samples per bucket: bucket b holds v <= BUCKET_UPPER_US[b] and above the bucket before (the last takes the rest). */
  buckets: number[];
}

// Buckets are found from a sample's bits rather than its log (the log was 4-6% of a simulation):
// the high word of a double, shifted right by 17, is its exponent and top 3 mantissa bits, so it
// cuts every binade into 8 ranges; each spans a ratio of at most 9/8, under the 10^(1/8) between
// bucket edges, so a range meets at most one edge. A table gives the bucket of each range's
// lowest value, and one step up finishes.
const word = new Float64Array(1);
const words = new Uint32Array(word.buffer);
const HIGH = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1 ? 1 : 0; // the high word's index
const rangeOf = (v: number): number => {
  word[0] = v;
  return words[HIGH]! >>> 17;
};
const FIRST_RANGE = rangeOf(BUCKET_UPPER_US[0]!);
const RANGE_START = Uint8Array.from({ length: rangeOf(BUCKET_UPPER_US[LAST - 1]!) - FIRST_RANGE + 1 }, (_, i) => {
  words[HIGH] = (FIRST_RANGE + i) << 17;
  words[1 - HIGH] = 0;
  const lowest = word[0]!;
  let b = 0;
  while (b < LAST && lowest > BUCKET_UPPER_US[b]!) b++;
  return b;
});

/** The bucket of one sample. */
export function bucketOf(v: number): number {
  if (!(v > BUCKET_UPPER_US[0]!)) return 0;
  if (v > BUCKET_UPPER_US[LAST - 1]!) return LAST;
  let b = RANGE_START[rangeOf(v) - FIRST_RANGE]!;
  while (v > BUCKET_UPPER_US[b]!) b++;
  return b;
}

/** Summarises `values` (their order is changed). Quantile q is the sorted value at floor(q n). */
export function summarise(values: Float64Array): LatencySummary {
  const n = values.length;
  const buckets = new Array<number>(BUCKET_UPPER_US.length).fill(0);
  if (n === 0) return { p50: 0, p99: 0, max: 0, mean: 0, count: 0, buckets };
  let sum = 0;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    sum += v;
    if (v > max) max = v;
    const b = bucketOf(v);
    buckets[b] = buckets[b]! + 1;
  }
  const rank = (q: number): number => Math.min(n - 1, Math.floor(q * n));
  // p99's rank is above p50's: select it within the upper part left by the first selection.
  const p50 = select(values, rank(0.5), 0, n - 1);
  const p99 = select(values, rank(0.99), rank(0.5), n - 1);
  return { p50, p99, max, mean: sum / n, count: n, buckets };
}

/**
 * The k-th smallest of values[lo..hi] (Hoare's selection, median-of-three pivot); afterwards
 * everything before k is <= it and everything after is >= it.
 */
function select(a: Float64Array, k: number, lo: number, hi: number): number {
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    // Median of three as the pivot: no worst case on sorted or reversed input.
    if (a[mid]! < a[lo]!) swap(a, mid, lo);
    if (a[hi]! < a[lo]!) swap(a, hi, lo);
    if (a[hi]! < a[mid]!) swap(a, hi, mid);
    const pivot = a[mid]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k]!;
  }
  return a[k]!;
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}
