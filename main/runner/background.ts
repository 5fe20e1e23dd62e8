// Heavy work in the background: the simulation workers and the write worker run at a lower
// scheduling priority than the threads that answer the user (the main thread, the read workers),
// so on a machine with fewer cores than busy threads a request of the window is answered at
// once instead of waiting for its share of a core behind a sweep's computing and saving (issue
// 20: no request waits over 100 ms). Nothing is slower on an otherwise idle machine: the
// background threads get every cycle the others leave.
import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/** How much nicer background threads are than the thread that starts them (nice 0 is normal, 19 the lowest priority). */
export const BACKGROUND_NICE = 10;

/**
 * Lowers the calling thread's priority by BACKGROUND_NICE (to at most 19), where the system allows it per thread
 * (Linux, through /proc/thread-self); elsewhere it does nothing, since setting it there would
 * lower the whole process, the window's thread included. Returns whether it did.
 */
export function runInBackground(): boolean {
  if (process.platform !== 'linux') return false;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').at(-1));
    if (!Number.isInteger(tid) || tid <= 0) return false;
    setPriority(tid, Math.min(19, getPriority(tid) + BACKGROUND_NICE));
    return true;
  } catch {
    return false; // no /proc, or not allowed: the thread keeps its priority
  }
}
