// The columns body (columns-wire.ts) on its own: a round trip keeps every value bit for bit
// (NaN for "no value", -0, columns that came as JSON arrays), and a body that is not one is
// refused with a ColumnsBodyError saying what is wrong. main/store/run-table.test.ts sends a real
// database's experiment through it.
import { describe, expect, it } from 'vitest';
import { ColumnsBodyError, decodeColumnsBody, encodeColumnsBody } from './columns-wire.ts';
import type { Envelope } from './index.ts';
import type { ExperimentData, RunTable } from './run-table.ts';

function table(): RunTable {
  return {
    id: [11, 12, 13],
    strategy: ['S0', 'S1', 'S2'],
    status: ['done', 'done', 'queued'],
    startedAt: ['a', 'b', null],
    finishedAt: ['c', 'd', null],
    modelVersion: ['2.2.0', '2.2.0', null],
    error: [null, null, null],
    point: [0, 0, 0],
    points: [{ 'vm.vcpus': 4 }],
    seeds: [0, 0, 0],
    seedLists: [[1]],
    params: [0, 0, 0],
    paramSets: [{}],
    capability: [-1, -1, -1],
    capabilities: [],
    flags: [-1, -1, -1],
    flagSets: [],
    metrics: {
      'cost.overheadPct': { mean: new Float64Array([1.5, -0, Number.NaN]) },
      'lat.p99': {
        mean: new Float64Array([2, 3, Number.NaN]),
        ci95: new Float64Array([0.5, 0, 0]),
        n: new Float64Array([8, 1, 1]),
      },
      'from.json': { mean: [7, null, 9] },
    },
    hasBreakdown: [true, false, false],
    breakdown: { 'cpu.tlb': new Float64Array([1e300, Number.NaN, Number.NaN]) },
    distributions: [],
    series: [],
  } as RunTable;
}

function envelope(t: RunTable = table()): Envelope<ExperimentData> {
  return { ok: true, value: { id: 1, name: 'x', runTable: t } as unknown as ExperimentData };
}

const bytesOf = (v: number): string => Array.from(new Uint8Array(new Float64Array([v]).buffer)).join(',');

describe('the columns body', () => {
  it('round-trips an answer: columns as Float64Arrays equal bit for bit, everything else as JSON gives it', () => {
    const sent = envelope();
    const before = JSON.stringify(sent, (_k, v: unknown) => (v instanceof Float64Array ? Array.from(v) : v));
    const body = encodeColumnsBody(sent)!;
    // The answer sent is not changed by encoding it.
    expect(JSON.stringify(sent, (_k, v: unknown) => (v instanceof Float64Array ? Array.from(v) : v))).toBe(before);
    const got = decodeColumnsBody(body.slice().buffer) as Envelope<ExperimentData>;
    if (!got.ok) throw new Error('not ok');
    const { runTable, ...rest } = got.value;
    const { runTable: sentTable, ...sentRest } = (sent as { value: ExperimentData }).value;
    expect(rest).toEqual(sentRest);
    expect({ ...runTable, metrics: {}, breakdown: {} }).toEqual({ ...sentTable, metrics: {}, breakdown: {} });
    for (const [key, c] of Object.entries(sentTable.metrics))
      for (const part of ['mean', 'ci95', 'n'] as const) {
        const want = c[part];
        const have = runTable.metrics[key]![part];
        if (want === undefined) expect(have).toBeUndefined();
        else {
          expect(have).toBeInstanceOf(Float64Array);
          expect(Array.from(have!, (v) => bytesOf(v ?? Number.NaN))).toEqual(
            Array.from(want, (v) => bytesOf(v ?? Number.NaN)),
          );
        }
      }
    expect(Array.from(runTable.breakdown['cpu.tlb']!)).toEqual([1e300, Number.NaN, Number.NaN]);
  });

  it('leaves answers without a run table, and errors, to JSON', () => {
    expect(encodeColumnsBody({ ok: true, value: { items: [] } })).toBeUndefined();
    expect(
      encodeColumnsBody({ ok: false, error: { code: 'not_found', message: 'experiment 9 does not exist' } }),
    ).toBeUndefined();
  });

  it('refuses a column whose length is not the number of runs', () => {
    const t = table();
    t.metrics['cost.overheadPct']!.mean = new Float64Array(2);
    expect(() => encodeColumnsBody(envelope(t))).toThrow(/a value column has 2 entries for 3 runs/);
  });

  describe('refuses a body that is not one, saying what is wrong', () => {
    const good = (): Uint8Array => encodeColumnsBody(envelope())!.slice();
    const refused = (bytes: Uint8Array): string => {
      try {
        decodeColumnsBody(bytes.buffer as ArrayBuffer);
      } catch (err) {
        expect(err).toBeInstanceOf(ColumnsBodyError);
        return (err as Error).message;
      }
      throw new Error('accepted');
    };
    /** A body with `json` as its JSON part and `columns` float64s after it. */
    const made = (json: string, columns: number): Uint8Array => {
      const text = new TextEncoder().encode(json);
      const start = Math.ceil((8 + text.length) / 8) * 8;
      const out = new Uint8Array(start + columns * 8);
      out.set([0x47, 0x4d, 0x43, 0x31]);
      new DataView(out.buffer).setUint32(4, text.length, true);
      out.set(text, 8);
      return out;
    };
    const tableJson = (mean: unknown): string =>
      JSON.stringify({
        ok: true,
        value: { runTable: { ...table(), id: [1], metrics: { k: { mean } }, breakdown: {} } },
      });

    it('without its mark, or shorter than its header', () => {
      expect(refused(new TextEncoder().encode('{"ok":true}'))).toMatch(
        /does not start with the columns format's mark "GMC1"/,
      );
      expect(refused(new Uint8Array([0x47, 0x4d]))).toMatch(/mark/);
    });
    it('cut short, or with bytes added', () => {
      const body = good();
      expect(refused(body.subarray(0, 20).slice())).toMatch(/the JSON part says \d+ bytes but the body has 12/);
      expect(refused(body.subarray(0, body.length - 8).slice())).toMatch(/columns of 3 runs after the JSON make/);
      const longer = new Uint8Array(body.length + 8);
      longer.set(body);
      expect(refused(longer)).toMatch(/the body has \d+ bytes; 6 columns of 3 runs/);
    });
    it('whose JSON part does not parse, or holds no run table', () => {
      expect(refused(made('{"ok":tru', 0))).toMatch(/the JSON part is not valid JSON/);
      expect(refused(made('{"ok":true,"value":{"items":[]}}', 0))).toMatch(/not an answer that holds a run table/);
      expect(refused(made('{"ok":true,"value":{"runTable":{"id":5}}}', 0))).toMatch(/runTable.id is not an array/);
      expect(refused(made('{"ok":true,"value":{"runTable":{"id":[],"metrics":null}}}', 0))).toMatch(
        /runTable.metrics or runTable.breakdown is not an object/,
      );
    });
    it('whose column places do not name a column each', () => {
      expect(refused(made(tableJson(1), 1))).toMatch(/holds 1, not a column number below 1 used once/);
      expect(refused(made(tableJson('0'), 1))).toMatch(/holds "0"/);
      expect(refused(made(tableJson([1.5]), 1))).toMatch(/holds \[1.5\]/);
      expect(decodeColumnsBody(made(tableJson(0), 1).buffer as ArrayBuffer)).toMatchObject({ ok: true });
    });
  });
});
