// Finished runs reach the database in batches. Workers can finish analytic runs far faster than
// SQLite commits them one by one, and a worker's messages are drained in one turn of the event
// loop; saving each run as it arrives kept the main thread busy for seconds, and every request
// from the window waited. Here each batch is one transaction, and the event loop gets a turn
// between batches. One run cannot cost another its result (issue 15 item 3): a run with a value
// that is not a finite number is refused before its batch is written, and when a batch of
// several groups fails, each group is saved again on its own, so only the failing group fails.
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import type { ComputedRun, FinishedRun } from '../store/store.ts';
import { visitPacked } from '../store/packed-values.ts';

/** A run that was not saved because its result holds a value that is not a finite number. */
export interface RefusedRun {
  runId: number;
  message: string;
}

interface PendingGroup {
  runs: FinishedRun[];
  saved: () => void;
  failed: (err: unknown) => void;
}

/**
 * Why a run's result cannot be stored, or undefined when it can: every metric's mean and CI must
 * be finite (SQLite would store NaN as NULL and refuse the batch; Infinity would be kept as a
 * number no chart or diff can use).
 */
export function nonFiniteValue(run: ComputedRun): string | undefined {
  let why: string | undefined;
  if (run.packed !== undefined) {
    // Packed (a simulation worker's results, wherever they are saved).
    visitPacked(run.packed.metrics, (key, mean, ci95, n) => (why = notFinite(key, mean, ci95, n)) !== undefined);
    return why;
  }
  const { metrics } = run.result;
  // Plain loops: this runs for every metric of every run of a sweep on the main thread.
  for (const key in metrics) {
    const e = metrics[key]!;
    if ((why = notFinite(key, e.mean, e.ci95, e.n)) !== undefined) return why;
  }
  return undefined;
}

/** Why an estimate cannot be stored (its first field that is not a finite number), or undefined. */
function notFinite(key: string, mean: number, ci95: number, n: number): string | undefined {
  if (Number.isFinite(mean) && Number.isFinite(ci95) && Number.isFinite(n)) return undefined;
  const [field, value] = !Number.isFinite(mean) ? ['mean', mean] : !Number.isFinite(ci95) ? ['ci95', ci95] : ['n', n];
  return `the model gave ${String(value)} for ${key} (${field}), not a finite number: this point is outside what the model can compute; the run's other results were not saved`;
}

/**
 * Runs per transaction, at most: a group (the runs of one write call, e.g. one job's) is never
 * split, and a bigger one goes alone.
 */
export const MAX_BATCH_RUNS = 256;

/**
 * A batch of at least this many runs is written at once; a shorter one waits COALESCE_MS for
 * more. Half a batch, not a whole one: an analytic job's runs nearly fill a batch (runner:
 * MAX_JOB_RUNS), two never fit in one, and waiting for a second that cannot join kept the
 * writer idle 20 ms a batch, ~0.5 s of a 1,000-point sweep (issue 20, CPU profile).
 */
export const FULL_ENOUGH_RUNS = MAX_BATCH_RUNS / 2;

/** How long a batch shorter than FULL_ENOUGH_RUNS waits for more runs before it is written. */
const COALESCE_MS = 20;

export class ResultWriter {
  private readonly save: (runs: FinishedRun[]) => Promise<void>;
  private pending: PendingGroup[] = [];
  private writing = false;

  constructor(save: (runs: FinishedRun[]) => Promise<void>) {
    this.save = save;
  }

  /**
   * Resolves once these runs are committed, with the runs refused because a value is not finite
   * (the others are saved); rejects if this group itself could not be saved.
   */
  async write(runs: FinishedRun[]): Promise<RefusedRun[]> {
    const refused: RefusedRun[] = [];
    const valid = runs.filter((run) => {
      const message = nonFiniteValue(run);
      if (message !== undefined) refused.push({ runId: run.runId, message });
      return message === undefined;
    });
    if (valid.length > 0)
      await new Promise<void>((saved, failed) => {
        this.pending.push({ runs: valid, saved, failed });
        if (!this.writing) void this.drain();
      });
    return refused;
  }

  private pendingRuns(): number {
    let n = 0;
    for (const g of this.pending) n += g.runs.length;
    return n;
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      // A short batch waits a moment for more runs, the first as well as the next ones: a commit
      // costs ~5-10 ms here whatever its size, and without the wait a 14,000-run sweep committed
      // ~46 runs at a time (issue 20).
      if (this.pendingRuns() < FULL_ENOUGH_RUNS) await sleep(COALESCE_MS);
      while (this.pending.length > 0) {
        const batch: PendingGroup[] = [];
        let size = 0;
        while (
          this.pending.length > 0 &&
          (batch.length === 0 || size + this.pending[0]!.runs.length <= MAX_BATCH_RUNS)
        ) {
          const group = this.pending.shift()!;
          batch.push(group);
          size += group.runs.length;
        }
        try {
          await this.save(batch.flatMap((g) => g.runs));
          for (const g of batch) g.saved();
        } catch (err) {
          if (batch.length === 1) batch[0]!.failed(err);
          // The batch is one transaction, rolled back whole: save each group on its own.
          else
            for (const g of batch) {
              try {
                await this.save(g.runs);
                g.saved();
              } catch (groupErr) {
                g.failed(groupErr);
              }
            }
        }
        // The event loop gets a turn between batches (a short one waits, as above).
        if (this.pending.length > 0 && this.pendingRuns() < FULL_ENOUGH_RUNS) await sleep(COALESCE_MS);
        else await nextTurn();
      }
    } finally {
      this.writing = false;
    }
  }
}
