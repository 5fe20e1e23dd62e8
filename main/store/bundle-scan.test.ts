// The bundle scanner against JSON.parse: for any bundle-shaped JSON text cut into chunks at any
// places it finds the same items as walking JSON.parse's value, and it never accepts text that
// JSON.parse refuses; its limits name the item.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_BUNDLE_ITEM_BYTES, MAX_JSON_DEPTH } from '../../common/contract/bundle.ts';
import { BundleScanError, BundleScanner, type BundleEvent } from './bundle-scan.ts';
import { valueEvents } from './bundle-read.ts';

/** Scans `text` fed in pieces cut at `cuts` (fractions of its length). */
function scan(text: string, cuts: number[] = []): BundleEvent[] {
  const events: BundleEvent[] = [];
  const scanner = new BundleScanner((e) => events.push(e));
  const bytes = Buffer.from(text);
  const at = [...new Set(cuts.map((c) => Math.floor(c * bytes.length)))].sort((a, b) => a - b);
  let from = 0;
  for (const to of [...at, bytes.length]) {
    scanner.write(bytes.subarray(from, to));
    from = to;
  }
  scanner.end();
  return events;
}

// Keys that are not array indices: Object.entries puts those first, the file does not.
const key = fc.string({ maxLength: 8 }).filter((k) => !/^\d+$/.test(k));
const value = fc.jsonValue({ maxDepth: 3 });
const object = fc.dictionary(key, value, { maxKeys: 4 });
const experiment = fc.oneof(
  { weight: 4, arbitrary: fc.record({ head: object, runs: fc.oneof(fc.array(value, { maxLength: 4 }), value) }) },
  { weight: 1, arbitrary: value.map((v) => ({ notObject: v })) },
);
const bundleLike = fc
  .record({
    top: object,
    scenarios: fc.oneof(fc.array(value, { maxLength: 4 }), value),
    costTables: fc.array(value, { maxLength: 3 }),
    experiments: fc.array(experiment, { maxLength: 3 }),
  })
  .map(({ top, scenarios, costTables, experiments }) => {
    const out: Record<string, unknown> = { ...top, scenarios, costTables };
    out['experiments'] = experiments.map((e) =>
      'notObject' in e
        ? e.notObject
        : { ...Object.fromEntries(Object.entries(e.head).filter(([k]) => k !== 'runs')), runs: e.runs },
    );
    return out;
  });

describe('BundleScanner', () => {
  it('finds the same items as JSON.parse, however the text is cut and indented', () => {
    fc.assert(
      fc.property(
        bundleLike,
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 6 }),
        fc.constantFrom(0, 2, '\t'),
        (bundle, cuts, indent) => {
          const text = JSON.stringify(bundle, null, indent);
          expect(scan(text, cuts)).toEqual([...valueEvents(JSON.parse(text))]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses every text JSON.parse refuses (bytes changed, cut short)', () => {
    fc.assert(
      fc.property(
        bundleLike,
        fc.nat(),
        fc.constantFrom('{', '}', '[', ']', ',', ':', '"', '\\', 'x', ' ', '1', ''),
        (bundle, position, replacement) => {
          const text = JSON.stringify(bundle, null, 1);
          const at = position % text.length;
          const changed = text.slice(0, at) + replacement + text.slice(at + 1);
          let valid = true;
          try {
            JSON.parse(changed);
          } catch {
            valid = false;
          }
          if (valid) return; // still JSON: nothing to refuse
          expect(() => scan(changed)).toThrow(BundleScanError);
        },
      ),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(bundleLike, fc.nat(), (bundle, position) => {
        const text = JSON.stringify(bundle);
        expect(() => scan(text.slice(0, position % text.length))).toThrow(BundleScanError);
      }),
      { numRuns: 200 },
    );
  });

  it('names the item that is too big or too deep, and a key given twice', () => {
    const big = `{"experiments":[{"runs":[{},{"x":"${'a'.repeat(MAX_BUNDLE_ITEM_BYTES)}"}]}]}`;
    expect(() => scan(big, [0.1, 0.5])).toThrow(
      expect.objectContaining({ path: 'experiments.0.runs.1', message: expect.stringMatching(/larger than 32 MiB/) }),
    );
    const deep = `{"scenarios":[${'['.repeat(MAX_JSON_DEPTH + 3)}${']'.repeat(MAX_JSON_DEPTH + 3)}]}`;
    expect(() => scan(deep)).toThrow(
      expect.objectContaining({ path: 'scenarios.0', message: expect.stringMatching(/nested deeper than 64 levels/) }),
    );
    // 50,000 levels: refused at level 67, never parsed.
    expect(() => scan(`{"format":${'['.repeat(50_000)}`)).toThrow(/nested deeper/);
    expect(() => scan('{"scenarios":[],"scenarios":[]}')).toThrow(
      expect.objectContaining({ path: 'scenarios', message: expect.stringMatching(/the key appears twice/) }),
    );
    expect(() => scan('{} {}')).toThrow(/unexpected text after the bundle/);
    expect(() => scan('')).toThrow(/ends before the bundle does/);
  });

  it('keeps multi-byte characters whole across chunks', () => {
    const text = JSON.stringify({ scenarios: [{ name: 'é€𝄞'.repeat(50) }], experiments: [] });
    for (let cut = 1; cut < Buffer.byteLength(text); cut += 7)
      expect(scan(text, [cut / Buffer.byteLength(text)])).toEqual([...valueEvents(JSON.parse(text))]);
  });
});
