// Timing the `gmemlab` command as a user runs it: a new process each time, start-up included.
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';

/** Wall time (ms) of `gmemlab sweep FILE --param PARAM --db DB` in a new process; throws if it fails. */
export function cliWallMs(scenarioFile: string, dbPath: string, param: string): number {
  const bin = new URL('../bin/gmemlab.js', import.meta.url).pathname;
  const start = performance.now();
  const r = spawnSync(process.execPath, [bin, 'sweep', scenarioFile, '--param', param, '--db', dbPath], {
    encoding: 'utf8',
  });
  const ms = performance.now() - start;
  if (r.status !== 0) throw new Error(`gmemlab sweep ${param} failed (${r.status}): ${r.stderr}`);
  return ms;
}
