// Finished runs reach the database in batches. Workers can finish analytic runs far faster than
// SQLite commits them one by one, and a worker's messages are drained in one turn of the event
// loop; saving each run as it arrives kept the main thread busy for seconds, and every request
// from the window waited. Here each batch is one transaction, and the event loop gets a turn
// between batches.
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { FinishedRun } from '../store/store.ts';

interface PendingGroup {
  runs: FinishedRun[];
  saved: () => void;
  failed: (err: unknown) => void;
}

/** Runs per transaction, at most (a group of one scenario's runs is never split). */
const MAX_BATCH_RUNS = 256;

export class ResultWriter {
  private readonly save: (runs: FinishedRun[]) => Promise<void>;
  private pending: PendingGroup[] = [];
  private writing = false;

  constructor(save: (runs: FinishedRun[]) => Promise<void>) {
    this.save = save;
  }

  /** Resolves once these runs are committed; rejects if their batch could not be saved. */
  write(runs: FinishedRun[]): Promise<void> {
    return new Promise((saved, failed) => {
      this.pending.push({ runs, saved, failed });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
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
          for (const g of batch) g.failed(err);
        }
        await nextTurn();
      }
    } finally {
      this.writing = false;
    }
  }
}
