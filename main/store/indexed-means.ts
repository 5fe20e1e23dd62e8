// A batch's run_metrics rows (an indexed key's mean for a run) gathered while its runs are
// written, then handed to SQLite in the index's own order (key_id, mean, run_id): neighbouring
// rows land on the same pages. A sweep gathers ~8 a run; as an object each, with a comparator
// sort over them, they were a sixth of what a 1,000-point CLI sweep adds (issue 20): here they
// are numbers in per-key arrays, and the means are ordered by the typed array's own numeric sort.

export class IndexedMeans {
  /** Per key id: the means and their runs' ids, in the order added. */
  readonly #byKey = new Map<number, { means: number[]; runIds: number[] }>();
  #size = 0;

  /** How many rows were added. */
  get size(): number {
    return this.#size;
  }

  /** Adds run `runId`'s mean of key `keyId` (a finite number: run values are checked before they are saved). */
  add(keyId: number, mean: number, runId: number): void {
    let rows = this.#byKey.get(keyId);
    if (rows === undefined) this.#byKey.set(keyId, (rows = { means: [], runIds: [] }));
    rows.means.push(mean);
    rows.runIds.push(runId);
    this.#size++;
  }

  /**
   * Calls `row` for every row in (key_id, mean, run_id) order, as SQLite compares them: -0 and
   * +0 are one mean there, their runs ordered by id.
   */
  inIndexOrder(row: (keyId: number, mean: number, runId: number) => void): void {
    for (const keyId of [...this.#byKey.keys()].sort((a, b) => a - b)) {
      const { means, runIds } = this.#byKey.get(keyId)!;
      // The runs of each distinct mean (Map keys: -0 is +0), then the means in numeric order.
      const runsOf = new Map<number, number | number[]>();
      for (let i = 0; i < means.length; i++) {
        const mean = means[i]!;
        const runs = runsOf.get(mean);
        if (runs === undefined) runsOf.set(mean, runIds[i]!);
        else if (typeof runs === 'number') runsOf.set(mean, [runs, runIds[i]!]);
        else runs.push(runIds[i]!);
      }
      const distinct = Float64Array.from(runsOf.keys()).sort();
      for (const mean of distinct) {
        const runs = runsOf.get(mean)!;
        if (typeof runs === 'number') row(keyId, mean, runs);
        else for (const runId of runs.sort((a, b) => a - b)) row(keyId, mean, runId);
      }
    }
  }
}
