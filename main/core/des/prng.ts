// A seeded PRNG (sfc32, Chris Doty-Humphrey's small fast counter): the same seed gives the same
// stream on every machine, since it uses only 32-bit integer arithmetic.
export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** `stream` separates independent streams drawn from one seed (one per thread and touchpoint). */
  constructor(seed: number, stream = 0) {
    this.a = 0x9e3779b9 ^ seed;
    this.b = 0x243f6a88 ^ Math.imul(stream + 1, 0x85ebca6b);
    this.c = 0xb7e15162 ^ Math.imul(seed, 0xc2b2ae35);
    this.d = 1;
    for (let i = 0; i < 15; i++) this.nextUint32();
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform integer in [0, n), for n up to 2^21 (so the product is exact in a double). */
  nextBelow(n: number): number {
    return Math.floor((this.nextUint32() * n) / 4294967296);
  }

  /** Uniform in (0, 1]: never 0, so -log(u) is finite. */
  nextUnit(): number {
    return (this.nextUint32() + 1) / 4294967296;
  }

  /** Exponentially distributed with the given mean (Poisson inter-arrival times). */
  nextExponential(mean: number): number {
    return -Math.log(this.nextUnit()) * mean;
  }
}
