// IndexedMeans hands its rows over in run_metrics' own order, the order SQLite's index keeps.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { IndexedMeans } from './indexed-means.ts';

type Row = [keyId: number, mean: number, runId: number];

function rowsOf(means: IndexedMeans): Row[] {
  const rows: Row[] = [];
  means.inIndexOrder((keyId, mean, runId) => rows.push([keyId, mean, runId]));
  return rows;
}

/** The same rows as SQLite orders them in a table keyed like run_metrics (in memory). */
function sqliteOrder(rows: Row[]): Row[] {
  const db = new Database(':memory:');
  db.exec(
    'create table m (key_id integer not null, mean real not null, run_id integer not null, primary key (key_id, mean, run_id)) without rowid',
  );
  const insert = db.prepare('insert into m values (?, ?, ?)');
  for (const r of rows) insert.run(...r);
  const back = db.prepare('select key_id, mean, run_id from m').raw().all() as Row[];
  db.close();
  return back;
}

describe('IndexedMeans', () => {
  it('orders rows by key, mean and run as the index does, ties and signed zeros included', () => {
    const means = new IndexedMeans();
    // Added out of order on purpose: keys interleaved, runs not ascending (a window's batch
    // finishes in job order), equal means, -0 and +0, negative and huge values.
    const added: Row[] = [
      [3, 2.5, 40],
      [1, 7, 12],
      [3, -1e300, 9],
      [1, 7, 3],
      [2, 0, 8],
      [2, -0, 5],
      [1, -4.25, 30],
      [3, 2.5, 11],
      [2, 0, 2],
      [1, 1e-310, 1],
      [1, 7, 20],
    ];
    for (const [k, m, r] of added) means.add(k, m, r);
    expect(means.size).toBe(added.length);
    const rows = rowsOf(means);
    expect(rows).toEqual(sqliteOrder(added));
    expect(rows.map((r) => r[0])).toEqual([1, 1, 1, 1, 1, 2, 2, 2, 3, 3, 3]);
    // Equal means keep their runs in id order.
    expect(rows.filter((r) => r[0] === 1 && r[1] === 7).map((r) => r[2])).toEqual([3, 12, 20]);
  });

  it('matches SQLite on a sweep-sized batch of random means with repeats', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 100;
    const means = new IndexedMeans();
    const added: Row[] = [];
    for (let runId = 5000; runId > 0; runId--)
      for (let keyId = 1; keyId <= 8; keyId++) {
        // Every fifth mean repeats a small set of values, as a flat metric across a sweep does.
        const mean = runId % 5 === 0 ? Math.floor(random() / 25) : random();
        added.push([keyId, mean, runId]);
        means.add(keyId, mean, runId);
      }
    expect(rowsOf(means)).toEqual(sqliteOrder(added));
  });

  it('hands over nothing when empty', () => {
    expect(rowsOf(new IndexedMeans())).toEqual([]);
  });
});
