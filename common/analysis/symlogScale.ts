// chart.js's scale for the symmetric log axis (symlog.ts): a linear scale whose values are placed
// by symlog(), with ticks at zero and at decades. Configured as `{ type: 'symlog',
// linearThreshold: c }` (c from symlogConstant of the data; 1 when unset).
import { LinearScale, type Tick } from 'chart.js';
import { symlog, symlogInverse, symlogTickLabel, symlogTicks } from './symlog.ts';

export class SymlogScale extends LinearScale {
  static override id = 'symlog';
  static override defaults = { ticks: { callback: (v: number | string) => symlogTickLabel(Number(v)) } };
  private tStart = 0;
  private tRange = 1;

  private get c(): number {
    const c = (this.options as unknown as { linearThreshold?: unknown }).linearThreshold;
    return typeof c === 'number' && c > 0 ? c : 1;
  }

  override buildTicks(): Tick[] {
    const min = Math.min(this.min, 0);
    const max = Math.max(this.max, 0);
    const ticks = symlogTicks(min, max, this.c);
    this.min = ticks[0]!;
    this.max = ticks[ticks.length - 1]!;
    if (this.min === this.max) this.max = this.c;
    return (this.min === this.max ? [0] : ticks).map((value) => ({ value }));
  }

  override configure(): void {
    super.configure();
    this.tStart = symlog(this.min, this.c);
    this.tRange = symlog(this.max, this.c) - this.tStart || 1;
  }

  override getPixelForValue(value: number): number {
    if (value === null || value === undefined || Number.isNaN(value)) return Number.NaN;
    return this.getPixelForDecimal((symlog(value, this.c) - this.tStart) / this.tRange);
  }

  override getValueForPixel(pixel: number): number {
    return symlogInverse(this.tStart + this.getDecimalForPixel(pixel) * this.tRange, this.c);
  }
}

declare module 'chart.js' {
  interface CartesianScaleTypeRegistry {
    symlog: { options: import('chart.js').LinearScaleOptions & { linearThreshold?: number } };
  }
}
