import fc from 'fast-check';
import { expect, it } from 'vitest';
import { CodecError, decodeValues, EncodedBlobs, encodeValues, valueOf, type EncodedValue } from './codec.ts';

const decode = (blob: Uint8Array): EncodedValue[] => {
  const out: EncodedValue[] = [];
  decodeValues(blob, (keyId, mean, ci95, n) => out.push({ keyId, mean, ci95, n }));
  return out;
};

it('gives back every value exactly, in the order written', () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(
        fc.record({
          keyId: fc.nat({ max: 2 ** 40 }),
          mean: fc.oneof(fc.double({ noNaN: true }), fc.integer(), fc.constantFrom(0, -0, 2 ** 31, -(2 ** 31))),
          ci95: fc.oneof(fc.constant(0), fc.double({ min: 0, noNaN: true })),
          n: fc.oneof(fc.constant(1), fc.nat({ max: 2 ** 40 })),
        }),
        { selector: (v) => v.keyId, maxLength: 60 },
      ),
      (values) => {
        const back = decode(encodeValues(values));
        expect(back).toHaveLength(values.length);
        for (const [i, v] of values.entries()) {
          expect(back[i]!.keyId).toBe(v.keyId);
          expect(Object.is(back[i]!.mean, v.mean)).toBe(true);
          expect(back[i]!.ci95).toBe(v.ci95);
          expect(back[i]!.n).toBe(v.n);
        }
      },
    ),
  );
});

it('takes about ten bytes an analytic value, and finds one value by key', () => {
  const values = Array.from({ length: 26 }, (_, i) => ({ keyId: i + 1, mean: i * 1234.5678, ci95: 0, n: 1 }));
  const blob = encodeValues(values);
  expect(blob.length).toBeLessThanOrEqual(1 + 26 * 9);
  expect(valueOf(blob, 3)).toBe(2 * 1234.5678);
  expect(valueOf(blob, 99)).toBeNull();
  expect(valueOf(null, 3)).toBeNull();
  // Small integers (counts, zeros) take two or three bytes.
  expect(encodeValues([{ keyId: 1, mean: 16416, ci95: 0, n: 1 }]).length).toBe(5);
});

it('refuses what it did not write', () => {
  expect(() => decode(Uint8Array.of(2, 0))).toThrow(CodecError);
  expect(() => decode(Uint8Array.of(1, 4 * 7))).toThrow(/end inside a number/);
  expect(() => decode(Uint8Array.of(1, 4 * 7 + 3))).toThrow(/unknown value tag/);
  expect(() => encodeValues([{ keyId: -1, mean: 0, ci95: 0, n: 1 }])).toThrow(CodecError);
});

it('decodes blobs laid one after another by their ranges, each as it decodes alone, and none past its end', () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.uniqueArray(
          fc.record({
            keyId: fc.nat({ max: 2 ** 20 }),
            mean: fc.oneof(fc.double({ noNaN: true }), fc.integer()),
            ci95: fc.oneof(fc.constant(0), fc.double({ min: 0, noNaN: true })),
            n: fc.oneof(fc.constant(1), fc.nat({ max: 2 ** 20 })),
          }),
          { selector: (v) => v.keyId, maxLength: 8 },
        ),
        { maxLength: 6 },
      ),
      (runs) => {
        const blobs = runs.map((values) => encodeValues(values));
        const blobsAt = new EncodedBlobs(Buffer.concat(blobs));
        let from = 0;
        for (const blob of blobs) {
          const out: EncodedValue[] = [];
          blobsAt.decode(from, from + blob.length, (keyId, mean, ci95, n) => out.push({ keyId, mean, ci95, n }));
          expect(out).toEqual(decode(blob));
          from += blob.length;
        }
      },
    ),
  );
  // A range that ends inside a value is refused even where more bytes follow it.
  const two = new EncodedBlobs(
    Buffer.concat([encodeValues([{ keyId: 1, mean: 0.5, ci95: 0, n: 1 }]), Buffer.from([1])]),
  );
  expect(() => two.decode(0, 5, () => undefined)).toThrow(/end inside a number/);
  expect(() => two.decode(0, 99, () => undefined)).toThrow(/end inside a number/);
  // An empty range is a blob without values.
  two.decode(3, 3, () => expect.unreachable());
});
