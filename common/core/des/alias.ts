// Walker's alias method (Vose's construction): draws one of n outcomes in proportion to fixed
// weights in constant time, one random integer per draw, whatever n is. The simulator
// uses it to mark each event of its merged arrival stream with a thread and touchpoint.
import type { Prng } from './prng.ts';

export class AliasTable {
  readonly size: number;
  /** Chance that a draw landing in column i keeps i rather than taking alias[i]. */
  private readonly keep: Float64Array;
  private readonly alias: Int32Array;

  /** `weights` must be finite, non-negative and not all zero. */
  constructor(weights: ArrayLike<number>) {
    const n = weights.length;
    if (n > 2 ** 21) throw new RangeError(`${n} outcomes: a table holds at most 2^21`);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const w = weights[i]!;
      if (!(w >= 0 && Number.isFinite(w)))
        throw new RangeError(`weight ${i} is ${w}: weights must be finite and non-negative`);
      total += w;
    }
    if (!(total > 0)) throw new RangeError('weights are all zero: there is nothing to draw');
    this.size = n;
    this.keep = new Float64Array(n);
    this.alias = Int32Array.from({ length: n }, (_, i) => i);
    // Scaled so the mean column holds exactly 1; columns under 1 are topped up from one over 1.
    const scaled = Float64Array.from({ length: n }, (_, i) => (weights[i]! * n) / total);
    const small: number[] = [];
    const large: number[] = [];
    for (let i = 0; i < n; i++) (scaled[i]! < 1 ? small : large).push(i);
    while (small.length > 0 && large.length > 0) {
      const s = small.pop()!;
      const l = large.pop()!;
      this.keep[s] = scaled[s]!;
      this.alias[s] = l;
      scaled[l] = scaled[l]! + scaled[s]! - 1;
      (scaled[l]! < 1 ? small : large).push(l);
    }
    // What is left holds 1 up to rounding: it always keeps its own outcome.
    for (const i of [...small, ...large]) this.keep[i] = 1;
  }

  /**
   * One outcome, 0..size-1, from one 32-bit draw: u x size picks the column by its whole part,
   * and its fraction (uniform, to 32 - log2(size) bits) is the coin. Tables of up to 2^21
   * outcomes keep the product exact.
   */
  draw(rng: Prng): number {
    const x = (rng.nextUint32() * this.size) / 4294967296;
    const column = Math.floor(x);
    return x - column < this.keep[column]! ? column : this.alias[column]!;
  }
}
