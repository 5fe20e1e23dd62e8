// A quick before/after for issue 20's write side, the first two parts of bench/scale.ts without
// the million-run copy: the CLI's one-point and 1,000-point sweeps (process start included), and
// a 10,000-point sweep saved in the app (read and write workers, as the window's) while the
// window's history requests are made every 50 ms, timed exactly as bench/scale.ts times them.
//
//   npx node bench/save-sweep.ts [cli] [app] [points]
//
// Prints JSON; the load average at the start and the end says how far to trust it.
import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { PRESETS } from '../common/core/index.ts';
import { cliWallMs } from './cli.ts';
import { createApp } from '../main/app.ts';
import { call, pollHistoryDuring } from './app-timing.ts';
import { median } from './stats.ts';
import { tempDir } from '../main/store/testing.ts';

const args = process.argv.slice(2);
const parts = args.filter((a) => a === 'cli' || a === 'app');
const points = Number(args.find((a) => /^\d+$/.test(a)) ?? 10_000);
const base = PRESETS.find((p) => p.id === 'mmio-heavy-legacy')!.scenario;

/** CPU time of this process's main thread so far (Linux: /proc), in ms; the load inflates it far less than wall time. */
function mainThreadCpuMs(): number {
  const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, at 100 ticks a second
}

const out: Record<string, unknown> = { load: [loadavg()[0]] };
const dir = tempDir('gmemlab-bench-save-');
try {
  if (parts.length === 0 || parts.includes('cli')) {
    const scenarioFile = join(dir.dir, 's.json');
    writeFileSync(scenarioFile, JSON.stringify(base));
    const one: number[] = [];
    const thousand: number[] = [];
    // Alternated, so a change in the machine's load falls on both alike.
    for (let i = 0; i < 3; i++) {
      one.push(cliWallMs(scenarioFile, join(dir.dir, `one${i}.sqlite`), 'vm.vcpus=8'));
      if (i < 2) thousand.push(cliWallMs(scenarioFile, join(dir.dir, `k${i}.sqlite`), 'vm.vcpus=lin:1:1000:1000'));
    }
    out['cliOnePointMs'] = one.map(Math.round);
    out['cliThousandMs'] = thousand.map(Math.round);
    out['cliAdds'] = +((median(thousand) - median(one)) / median(one)).toFixed(2);
  }
  if (parts.length === 0 || parts.includes('app')) {
    const app = await createApp({ dbPath: join(dir.dir, 'h.sqlite'), readWorker: true, writeWorker: true });
    try {
      const loop = monitorEventLoopDelay({ resolution: 10 });
      loop.enable();
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      const main0 = mainThreadCpuMs();
      const { experimentId } = await call<{ experimentId: number }>(app, 'startExperiment', {
        scenario: base,
        sweep: {
          parameters: [
            {
              path: 'workload.touchpoints.mmio.ratePerSec',
              values: Array.from({ length: points }, (_, i) => 10 + i * 10),
            },
          ],
        },
      });
      const { longest, waits, slowest } = await pollHistoryDuring(app, app.runner.whenDone(experimentId));
      out['sweepMs'] = Math.round(performance.now() - t0);
      const cpu = process.cpuUsage(cpu0);
      out['sweepProcessCpuMs'] = Math.round((cpu.user + cpu.system) / 1000);
      out['sweepMainThreadCpuMs'] = Math.round(mainThreadCpuMs() - main0);
      loop.disable();
      out['requests'] = waits.length;
      out['longestWaitMs'] = Math.round(longest);
      out['slowestPartsMs'] = Object.fromEntries(Object.entries(slowest).map(([k, v]) => [k, Math.round(v)]));
      out['longestLoopStallMs'] = Math.round(loop.max / 1e6);
      const detail = await call<{ runsDone: number; runsTotal: number }>(app, 'getExperiment', { experimentId });
      out['runs'] = `${detail.runsDone} of ${detail.runsTotal}`;
    } finally {
      await app.close();
    }
  }
} finally {
  dir.cleanup();
}
out['load'] = [...(out['load'] as number[]), loadavg()[0]];
console.log(JSON.stringify(out));
