// Background threads (simulation and write workers) run at a lower priority than the thread that
// answers requests; only the calling thread changes. Real threads, priorities read from /proc.
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { BACKGROUND_NICE } from './background.ts';

/** A thread's nice value (Linux: field 19 of /proc/PID/task/TID/stat). */
function niceOf(tid: number): number {
  const fields = readFileSync(`/proc/${process.pid}/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(fields[16]);
}

describe.runIf(process.platform === 'linux')('runInBackground', () => {
  it('lowers the priority of the worker thread that calls it, and of no other thread', async () => {
    const before = niceOf(process.pid);
    const worker = new Worker(new URL('./background.fixture.ts', import.meta.url));
    try {
      const { lowered, tid } = await new Promise<{ lowered: boolean; tid: number }>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      });
      expect(lowered).toBe(true);
      expect(tid).not.toBe(process.pid);
      expect(niceOf(tid)).toBe(Math.min(19, before + BACKGROUND_NICE));
      expect(niceOf(process.pid)).toBe(before);
    } finally {
      await worker.terminate();
    }
  });
});
