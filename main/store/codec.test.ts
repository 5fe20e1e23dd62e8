import fc from 'fast-check';
import { expect, it } from 'vitest';
import { CodecError, decodeValues, encodeValues, valueOf, type EncodedValue } from './codec.ts';

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
