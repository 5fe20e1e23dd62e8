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

  /**
   * A mean count as a whole one: its floor, plus one with the chance of its fraction (1.2 is 1
   * four times in five, 2 once). One draw whatever the mean, so the draws after it do not depend
   * on whether a mean was whole.
   */
  nextWhole(mean: number): number {
    const low = Math.floor(mean);
    return low + (this.nextUnit() <= mean - low ? 1 : 0);
  }

  /** Exponentially distributed with the given mean (Poisson inter-arrival times), by the ziggurat. */
  nextExponential(mean: number): number {
    for (;;) {
      // One 32-bit draw: the low 8 bits pick a layer, the high 24 the point along it.
      const u = this.nextUint32();
      const layer = u & 255;
      const along = u >>> 8;
      if (along < KEEP[layer]!) return along * WIDTH[layer]! * mean; // inside the layer's rectangle: 98.9% of draws
      if (layer === 0) return (ZIGGURAT_R - Math.log(this.nextUnit())) * mean; // the tail beyond R
      const x = along * WIDTH[layer]!;
      if (HEIGHT[layer]! + this.nextUnit() * (HEIGHT[layer - 1]! - HEIGHT[layer]!) < Math.exp(-x)) return x * mean;
    }
  }
}

// Marsaglia and Tsang's ziggurat for the exponential ("The Ziggurat Method for Generating Random
// Variables", J. Stat. Software 5(8), 2000): 256 layers of equal area under exp(-x), so most
// draws need one random integer and one multiply instead of a logarithm (half the time per draw).
// R is where the last layer's tail begins, V each layer's area; the tables depend on nothing but
// Math.exp and Math.log, which V8 computes the same way on every machine.
const ZIGGURAT_R = 7.697117470131487;
const ZIGGURAT_V = 3.949659822581572e-3;
/** Per layer: 2^24 x the share of the layer inside the rectangle below it; the x per unit of `along`; exp(-x) at its edge. */
const KEEP = new Uint32Array(256);
const WIDTH = new Float64Array(256);
const HEIGHT = new Float64Array(256);
{
  const scale = 2 ** 24;
  const q = ZIGGURAT_V / Math.exp(-ZIGGURAT_R);
  let edge = ZIGGURAT_R;
  let previous = edge;
  KEEP[0] = Math.floor((edge / q) * scale);
  WIDTH[0] = q / scale;
  WIDTH[255] = edge / scale;
  HEIGHT[0] = 1;
  HEIGHT[255] = Math.exp(-edge);
  for (let i = 254; i >= 1; i--) {
    edge = -Math.log(ZIGGURAT_V / edge + Math.exp(-edge));
    KEEP[i + 1] = Math.floor((edge / previous) * scale);
    previous = edge;
    HEIGHT[i] = Math.exp(-edge);
    WIDTH[i] = edge / scale;
  }
}
