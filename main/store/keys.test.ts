// Values that arrive packed (a write worker's) encode to the very bytes their objects would:
// one column format, whichever form the values came in.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { Estimate } from '../../common/core/index.ts';
import { decodeBreakdown, decodeMetrics, encodePackedValues, encodeRunValues, ResultKeys } from './keys.ts';
import type { PackedValues } from './packed-values.ts';

/** A result_keys table in memory, its dictionary and the insert that adds to it. */
function dictionary() {
  const sqlite = new Database(':memory:');
  sqlite.exec('create table result_keys (id integer primary key, key text not null unique, indexed integer not null)');
  return {
    keys: new ResultKeys(sqlite),
    insert: sqlite.prepare<[string, number]>('insert into result_keys (key, indexed) values (?, ?)'),
  };
}

/** Packs values as runner/wire.ts does: the keys, then their numbers from `at` on, in one array. */
function pack(values: Record<string, Estimate> | Record<string, number>, lead: number[] = []): PackedValues {
  const keys = Object.keys(values);
  const numbers = [...lead];
  let perKey: 1 | 3 = 1;
  for (const key of keys) {
    const v = values[key]!;
    if (typeof v === 'number') numbers.push(v);
    else {
      perKey = 3;
      numbers.push(v.mean, v.ci95, v.n);
    }
  }
  return { keys, values: Float64Array.from(numbers), at: lead.length, perKey };
}

// Every tag of the codec: an integer mean, a float, a CI with its n, -0 and a large integer; an
// indexed key (cost.*) beside others.
const metrics: Record<string, Estimate> = {
  'cost.overheadPct': { mean: 12.5, ci95: 0, n: 1 },
  'latency.mmio.meanUs': { mean: 3.25, ci95: 0.5, n: 8 },
  'footprint.peakPagesMapped': { mean: 4096, ci95: 0, n: 1 },
  'exposure.kvm.fraction': { mean: -0, ci95: 0, n: 1 },
  'footprint.directMapSplits': { mean: 2 ** 40, ci95: 0, n: 1 },
  'cost.slowdownFactor': { mean: 1.0625, ci95: 0, n: 1 },
};
const breakdown: Record<string, number> = { 'mmio.pteUpdate': 1e9, 'mmio.lockWait': 0, 'none.directMapSplit': 7.5 };

describe('encodePackedValues', () => {
  it('encodes packed metrics and a packed breakdown to the bytes their objects encode to, keys added alike', () => {
    const fromObjects = dictionary();
    const addedByObjects: number[] = [];
    const m = encodeRunValues(fromObjects.keys, fromObjects.insert, metrics, addedByObjects);
    const b = encodeRunValues(fromObjects.keys, fromObjects.insert, breakdown, addedByObjects);

    const fromPacked = dictionary();
    const addedByPacked: number[] = [];
    // Numbers of other results before them in the array, as in a job's message.
    const pm = encodePackedValues(fromPacked.keys, fromPacked.insert, pack(metrics, [1, 2, 3]), addedByPacked);
    const pb = encodePackedValues(fromPacked.keys, fromPacked.insert, pack(breakdown, [9]), addedByPacked);

    expect(Buffer.compare(pm.blob, m.blob)).toBe(0);
    expect(Buffer.compare(pb.blob, b.blob)).toBe(0);
    expect(pm.indexed).toEqual(m.indexed);
    expect(pm.indexed).toEqual([1, 12.5, 6, 1.0625]); // the cost.* keys' ids and means
    expect(addedByPacked).toEqual(addedByObjects);
    expect(decodeMetrics(fromPacked.keys, pm.blob)).toEqual(metrics);
    expect(Object.is(decodeMetrics(fromPacked.keys, pm.blob)['exposure.kvm.fraction']!.mean, -0)).toBe(true);
    expect(decodeBreakdown(fromPacked.keys, pb.blob)).toEqual(breakdown);
  });

  it('uses the ids of keys already in the dictionary and adds only new ones', () => {
    const { keys, insert } = dictionary();
    encodeRunValues(keys, insert, { 'cost.overheadPct': metrics['cost.overheadPct']! }, []);
    const added: number[] = [];
    const encoded = encodePackedValues(keys, insert, pack(metrics), added);
    expect(added).toEqual([2, 3, 4, 5, 6]);
    expect(decodeMetrics(keys, encoded.blob)).toEqual(metrics);
  });
});
