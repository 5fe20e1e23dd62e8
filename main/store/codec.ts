// The compact encoding of a run's metrics and cost breakdown (runs.metrics, runs.breakdown since
// migration 0005). Fifty metric rows per run, each indexed twice, made the database grow by
// ~3.5 KiB per analytic run and made saving slower than computing; one blob per run, keyed by
// small integers from the result_keys dictionary, takes ~10 bytes a value.
//
// Format (version 1; every version ever written must stay readable: migrations and old files
// depend on it):
//   byte 0: 1 (the format version)
//   then per entry: varint (keyId << 2 | tag), then by tag
//     0: float64 mean                       (ci95 0, n 1: every analytic value)
//     1: zigzag varint mean (a safe integer below 2^31 in magnitude; ci95 0, n 1)
//     2: float64 mean, float64 ci95, varint n
// Float64 values are little-endian. A key id appears at most once.

export const CODEC_VERSION = 1;

/** One value: what a metric Estimate holds; a breakdown term is { mean, ci95: 0, n: 1 }. */
export interface EncodedValue {
  keyId: number;
  mean: number;
  ci95: number;
  n: number;
}

export class CodecError extends Error {
  override name = 'CodecError';
}

const SMALL_INT = 2 ** 31;

class Writer {
  private buf = new Uint8Array(256);
  private view = new DataView(this.buf.buffer);
  length = 0;

  private ensure(extra: number): void {
    if (this.length + extra <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + extra));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.length++] = b;
  }

  varint(v: number): void {
    // Non-negative integers up to 2^53; 7 bits a byte, low bits first.
    this.ensure(8);
    while (v >= 0x80) {
      this.buf[this.length++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.length++] = v;
  }

  float64(v: number): void {
    this.ensure(8);
    this.view.setFloat64(this.length, v, true);
    this.length += 8;
  }

  bytes(): Buffer {
    // allocUnsafe takes small buffers from Node's pool; Buffer.from(view) took ~1.5x as long (issue 20).
    const out = Buffer.allocUnsafe(this.length);
    out.set(this.buf.subarray(0, this.length));
    return out;
  }
}

/**
 * Encodes one blob at a time into a buffer it keeps between blobs: a sweep encodes two blobs per
 * run, and a new buffer, its growth and an object per value were a third of saving a run.
 */
export class ValueEncoder {
  private readonly w = new Writer();

  /** Starts a new blob (what `add` wrote before is dropped). */
  start(): void {
    this.w.length = 0;
    this.w.byte(CODEC_VERSION);
  }

  /** Adds one value (key ids need not be sorted; each must be a non-negative integer). */
  add(keyId: number, mean: number, ci95: number, n: number): void {
    const w = this.w;
    if (!Number.isInteger(keyId) || keyId < 0) throw new CodecError(`key id ${keyId} is not a non-negative integer`);
    if (ci95 !== 0 || n !== 1) {
      w.varint(keyId * 4 + 2);
      w.float64(mean);
      w.float64(ci95);
      w.varint(n);
    } else if (Number.isInteger(mean) && Math.abs(mean) < SMALL_INT && !Object.is(mean, -0)) {
      w.varint(keyId * 4 + 1);
      w.varint(mean >= 0 ? mean * 2 : -mean * 2 - 1);
    } else {
      w.varint(keyId * 4);
      w.float64(mean);
    }
  }

  /** The blob written since `start`, as a copy of its own. */
  finish(): Buffer {
    return this.w.bytes();
  }
}

/** Encodes values (key ids need not be sorted; each must be a non-negative integer). */
export function encodeValues(values: Iterable<EncodedValue>): Buffer {
  const e = new ValueEncoder();
  e.start();
  for (const { keyId, mean, ci95, n } of values) e.add(keyId, mean, ci95, n);
  return e.finish();
}

/** Calls `visit` for every value in an encoded blob, in the order written. */
export function decodeValues(
  blob: Uint8Array,
  visit: (keyId: number, mean: number, ci95: number, n: number) => void,
): void {
  new EncodedBlobs(blob).decode(0, blob.length, visit);
}

/**
 * Encoded blobs that lie one after another in one byte array (an experiment's runs read a slice
 * at a time, runs.ts readRunBatches), decoded by their ranges without a view or a copy per blob.
 */
export class EncodedBlobs {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  /** Where decode() reads next. */
  #at = 0;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Calls `visit` for every value of the blob at bytes from..to-1, in the order written. */
  decode(from: number, to: number, visit: (keyId: number, mean: number, ci95: number, n: number) => void): void {
    if (to <= from) return;
    if (to > this.#bytes.length) throw new CodecError('encoded values end inside a number');
    if (this.#bytes[from] !== CODEC_VERSION) throw new CodecError(`unknown encoding version ${this.#bytes[from]}`);
    // A method and a field rather than a closure per blob: a 70,000-run experiment decodes 140,000.
    this.#at = from + 1;
    while (this.#at < to) {
      const head = this.#varint(to);
      const keyId = Math.floor(head / 4);
      const tag = head % 4;
      if (tag === 1) {
        const z = this.#varint(to);
        visit(keyId, z % 2 === 0 ? z / 2 : -(z + 1) / 2, 0, 1);
      } else if (tag === 0) visit(keyId, this.#float64(to), 0, 1);
      else if (tag === 2) {
        const mean = this.#float64(to);
        const ci95 = this.#float64(to);
        visit(keyId, mean, ci95, this.#varint(to));
      } else throw new CodecError(`unknown value tag ${tag}`);
    }
  }

  /** The unsigned varint at #at, read up to `to`. */
  #varint(to: number): number {
    let v = 0;
    for (let scale = 1; ; scale *= 0x80) {
      if (this.#at >= to) throw new CodecError('encoded values end inside a number');
      const b = this.#bytes[this.#at++]!;
      v += (b & 0x7f) * scale;
      if (b < 0x80) return v;
    }
  }

  /** The little-endian float64 at #at, read up to `to`. */
  #float64(to: number): number {
    if (this.#at + 8 > to) throw new CodecError('encoded values end inside a number');
    const v = this.#view.getFloat64(this.#at, true);
    this.#at += 8;
    return v;
  }
}

/** The mean stored under `keyId`, or null when the blob has none (the SQL function gmemlab_value). */
export function valueOf(blob: Uint8Array | null, keyId: number): number | null {
  if (blob === null) return null;
  let found: number | null = null;
  decodeValues(blob, (id, mean) => {
    if (id === keyId) found = mean;
  });
  return found;
}
