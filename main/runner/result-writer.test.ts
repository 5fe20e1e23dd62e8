// ResultWriter batching: whole groups per transaction, a turn of the event loop (or a short wait
// for more runs) between batches, and a failed batch failing only its own groups.
import { describe, expect, it } from 'vitest';
import type { FinishedRun } from '../store/store.ts';
import { FULL_ENOUGH_RUNS, nonFiniteValue, ResultWriter } from './result-writer.ts';

const runs = (ids: number[]): FinishedRun[] =>
  ids.map((runId) => ({ runId, result: { metrics: { 'a.b': { mean: 1, ci95: 0, n: 1 } } } }) as unknown as FinishedRun);

describe('ResultWriter', () => {
  it('writes what arrives while a batch is being saved as the next batch, after a turn of the event loop', async () => {
    const order: string[] = [];
    const writer = new ResultWriter(async (batch) => {
      order.push(batch.length === 256 ? 'full' : batch.map((r) => r.runId).join(','));
      // Stands for a request that arrived meanwhile: it must be served before the next batch.
      if (order.length === 1) setImmediate(() => order.push('request'));
    });
    const full = runs(Array.from({ length: 256 }, (_, i) => 1000 + i));
    await Promise.all([writer.write(full), writer.write(runs([3])), writer.write(runs([4, 5, 6]))]);
    // A full batch is written at once; the two groups that came while it was saved go together.
    expect(order).toEqual(['full', 'request', '3,4,5,6']);
  });

  it('lets a short batch wait a moment, so runs that arrive meanwhile share its commit', async () => {
    const batches: string[] = [];
    const writer = new ResultWriter(async (batch) => {
      batches.push(batch.map((r) => r.runId).join(','));
    });
    const first = writer.write(runs([1]));
    await new Promise((r) => setTimeout(r, 1));
    const second = writer.write(runs([2])); // arrives during the short batch's wait
    await Promise.all([first, second]);
    expect(batches).toEqual(['1,2']);
  });

  it('writes a batch at least half full at once, without waiting for a group that could not join it', async () => {
    const sizes: number[] = [];
    const writer = new ResultWriter(async (batch) => {
      sizes.push(batch.length);
    });
    const group = (n: number, from: number): number[] => Array.from({ length: n }, (_, i) => from + i);
    // An analytic job's 252 runs (36 points x 7 strategies): written before write() even returns.
    const job = writer.write(runs(group(FULL_ENOUGH_RUNS + 124, 0)));
    expect(sizes).toEqual([FULL_ENOUGH_RUNS + 124]);
    // A short one waits for company.
    await job;
    const short = writer.write(runs(group(FULL_ENOUGH_RUNS - 1, 1000)));
    expect(sizes).toHaveLength(1);
    await short;
    expect(sizes).toEqual([FULL_ENOUGH_RUNS + 124, FULL_ENOUGH_RUNS - 1]);
  });

  it('never splits a group, and keeps a batch to 256 runs where groups allow', async () => {
    const sizes: number[] = [];
    const writer = new ResultWriter(async (batch) => {
      sizes.push(batch.length);
    });
    const group = (n: number, from: number): number[] => Array.from({ length: n }, (_, i) => from + i);
    await Promise.all([
      writer.write(runs(group(200, 0))),
      writer.write(runs(group(100, 200))),
      writer.write(runs(group(300, 300))),
    ]);
    expect(sizes).toEqual([200, 100, 300]);
  });

  it('rejects the groups of a batch that failed and still saves the next ones', async () => {
    let calls = 0;
    const writer = new ResultWriter(async () => {
      calls++;
      if (calls === 1) throw new Error('disk full');
    });
    const first = writer.write(runs(Array.from({ length: 256 }, (_, i) => 1000 + i))); // a full batch of its own
    const second = writer.write(runs([2]));
    await expect(first).rejects.toThrow('disk full');
    await expect(second).resolves.toEqual([]);
    expect(calls).toBe(2);
  });

  it('saves each group of a failed batch on its own, so one bad run costs no other its result', async () => {
    const saved: number[] = [];
    const writer = new ResultWriter(async (batch) => {
      // Stands for SQLite refusing one row: the whole transaction fails.
      if (batch.some((r) => r.runId === 3)) throw new Error('constraint failed');
      saved.push(...batch.map((r) => r.runId));
    });
    const first = writer.write(runs([1]));
    const results = await Promise.allSettled([
      first,
      writer.write(runs([2])),
      writer.write(runs([3])),
      writer.write(runs([4, 5])),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(saved.sort()).toEqual([1, 2, 4, 5]);
  });

  it('refuses a run with a non-finite metric before writing, and writes the rest of its group', async () => {
    const saved: number[] = [];
    const writer = new ResultWriter(async (batch) => {
      saved.push(...batch.map((r) => r.runId));
    });
    const group = runs([1, 2, 3]);
    group[1]!.result.metrics['a.b']!.mean = Number.NaN;
    group[2]!.result.metrics['a.b']!.ci95 = Number.POSITIVE_INFINITY;
    const refused = await writer.write(group);
    expect(saved).toEqual([1]);
    expect(refused.map((r) => r.runId)).toEqual([2, 3]);
    expect(refused[0]!.message).toMatch(/NaN for a\.b \(mean\), not a finite number/);
    expect(refused[1]!.message).toMatch(/Infinity for a\.b \(ci95\)/);
  });
});

describe('nonFiniteValue', () => {
  /** A run whose metrics came packed (the write worker's): the numbers of two metrics after another result's. */
  const packedRun = (numbers: number[]): FinishedRun =>
    ({
      runId: 1,
      result: { metrics: {} },
      packed: {
        metrics: { keys: ['a.b', 'c.d'], values: Float64Array.from([5, 5, 5, ...numbers]), at: 3, perKey: 3 },
        breakdown: undefined,
      },
    }) as unknown as FinishedRun;
  const objectRun = (numbers: number[]): FinishedRun =>
    ({
      runId: 1,
      result: {
        metrics: {
          'a.b': { mean: numbers[0], ci95: numbers[1], n: numbers[2] },
          'c.d': { mean: numbers[3], ci95: numbers[4], n: numbers[5] },
        },
      },
    }) as unknown as FinishedRun;

  it('names the same metric, field and value whether the run came packed or as objects', () => {
    const cases = [
      [1, 0, 1, 2, 0, 1],
      [Number.NaN, 0, 1, 2, 0, 1],
      [1, 0, 1, 2, Number.POSITIVE_INFINITY, 1],
      [1, 0, 1, 2, 0, Number.NaN],
      [1, Number.NEGATIVE_INFINITY, Number.NaN, 2, 0, 1],
    ];
    const messages = cases.map((c) => nonFiniteValue(packedRun(c)));
    expect(messages).toEqual(cases.map((c) => nonFiniteValue(objectRun(c))));
    expect(messages[0]).toBeUndefined();
    expect(messages[1]).toMatch(/gave NaN for a\.b \(mean\)/);
    expect(messages[2]).toMatch(/gave Infinity for c\.d \(ci95\)/);
    expect(messages[3]).toMatch(/gave NaN for c\.d \(n\)/);
    expect(messages[4]).toMatch(/gave -Infinity for a\.b \(ci95\)/);
  });
});
