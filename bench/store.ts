// Store figures: inserting one finished run, a filtered and sorted history page over 10,000
// runs, and database size per run. The history is made through the Store API as the runner
// makes it, with metrics from the real analytic model on a preset swept over vm.vcpus.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  PRESETS,
  runAnalytic,
  runPlan,
  setParameter,
  validateScenario,
  type LatencyDistribution,
  type RunOutput,
  type Scenario,
} from '../common/core/index.ts';
import { Store } from '../main/store/store.ts';
import { tempDir } from '../main/store/testing.ts';
import { median } from './stats.ts';
import type { BenchSection } from './types.ts';

const TARGET_RUNS = 10_000;
const SWEEP = Array.from({ length: 16 }, (_, i) => i + 1);
const TAGS = ['lkml', 'rfc-v3', 'sapphire-rapids', 'genoa', 'baseline', 'nested'];

function p95(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.95))]!;
}

/** Latency histograms as a DES run carries them (the analytic model has none). */
function histograms(seed: number): Record<string, LatencyDistribution> {
  const out: Record<string, LatencyDistribution> = {};
  for (const [t, touchpoint] of ['mmio', 'pio', 'nestedTdp', 'virtio'].entries()) {
    const bucketUpperUs = Array.from({ length: 24 }, (_, i) => 0.1 * 1.5 ** i);
    out[touchpoint] = {
      bucketUpperUs,
      counts: bucketUpperUs.map((_, i) => Math.round(1000 * Math.exp(-((i - 8 - t) ** 2) / 8) + ((seed + i) % 7))),
    };
  }
  return out;
}

async function timeIt(n: number, body: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < 3; i++) await body(); // warm-up: statement cache, page cache
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await body();
    out.push(performance.now() - t0);
  }
  return out;
}

export default async function storeBench(): Promise<BenchSection> {
  const dir = tempDir('gmemlab-bench-');
  const path = join(dir.dir, 'bench.sqlite');
  const store = await Store.open(path);
  try {
    const base: Scenario = PRESETS[0]!.scenario;
    const plan = runPlan(base);
    const outputs = new Map<number, { scenario: Scenario; output: RunOutput }>();
    for (const v of SWEEP) {
      const checked = validateScenario(setParameter(base, 'vm.vcpus', v));
      if (!checked.ok) throw new Error(`vm.vcpus=${v}: ${checked.issues[0]?.message}`);
      outputs.set(v, { scenario: checked.value, output: runAnalytic(checked.value) });
    }

    const insertMs: number[] = [];
    let runs = 0;
    let n = 0;
    while (runs < TARGET_RUNS) {
      const single = n % 5 === 4;
      const values = single ? [SWEEP[n % SWEEP.length]!] : SWEEP;
      const { experimentId, runIds } = await store.createExperiment({
        name: `${single ? 'single' : 'vcpu sweep'} ${n} ${TAGS[n % TAGS.length]}`,
        kind: single ? 'single' : 'sweep',
        method: plan.method,
        scenario: base,
        sweep: single ? undefined : { parameters: [{ path: 'vm.vcpus', values }] },
        runs: values.flatMap((v) =>
          plan.strategies.map((strategy) => ({
            strategy,
            point: (single ? {} : { 'vm.vcpus': v }) as Record<string, number>,
            seeds: plan.seeds,
          })),
        ),
      });
      let i = 0;
      for (const v of values) {
        const { output } = outputs.get(v)!;
        for (const strategy of plan.strategies) {
          const result = output.strategies.find((r) => r.strategy === strategy)!;
          const runId = runIds[i++]!;
          const t0 = performance.now();
          await store.saveRunResults([
            {
              runId,
              modelVersion: output.modelVersion,
              costTable: output.costTable,
              result: { ...result, distributions: histograms(runId) },
            },
          ]);
          insertMs.push(performance.now() - t0);
        }
      }
      await store.setExperimentStatus(experimentId, 'done');
      if (n % 3 === 0) await store.setTags(experimentId, [TAGS[n % TAGS.length]!, TAGS[(n + 1) % TAGS.length]!]);
      if (n % 4 === 0)
        await store.setNote(
          experimentId,
          `run ${n}: shootdown storms past ${8 + (n % 24)} vCPUs on the reference host`,
        );
      runs += runIds.length;
      n++;
    }

    const metricKey = Object.keys(outputs.get(SWEEP[0]!)!.output.strategies[0]!.metrics)[0]!;
    const strategy = plan.strategies[Math.min(2, plan.strategies.length - 1)]!;
    const experimentsPage = await timeIt(30, () =>
      store.listExperiments({
        offset: 50,
        limit: 50,
        strategies: [strategy],
        parameters: [{ path: 'vm.vcpus', min: 4 }],
        tags: ['lkml'],
        sort: { by: 'name', dir: 'asc' },
      }),
    );
    const runsPage = await timeIt(30, () =>
      store.listRuns({
        offset: 50,
        limit: 50,
        strategies: [strategy],
        parameters: [{ path: 'vm.vcpus', min: 4 }],
        sort: { by: 'metric', key: metricKey, dir: 'desc' },
      }),
    );
    const searchPage = await timeIt(30, () =>
      store.listExperiments({
        offset: 0,
        limit: 50,
        search: 'shootdown storm',
        sort: { by: 'createdAt', dir: 'desc' },
      }),
    );

    store.opened.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    const bytesPerRun = statSync(path).size / runs;
    const insert = median(insertMs);
    return {
      title: 'Experiment store',
      method:
        `${runs} runs (${n} experiments: vCPU sweeps of ${SWEEP.length} points and single runs, ${plan.strategies.length} strategies each) saved one by one ` +
        `through Store.saveRunResults into a WAL SQLite file, with metrics from runAnalytic on preset "${PRESETS[0]!.id}" and four 24-bucket latency histograms per run. ` +
        `History pages are the median of 30 queries (page 2 of 50): experiments filtered by strategy, tag and vm.vcpus >= 4 sorted by name; runs filtered by strategy and vm.vcpus >= 4 sorted by "${metricKey}"; full-text search on names and notes.`,
      rows: [
        {
          name: 'insert one finished run with metrics and distributions (median)',
          value: insert,
          unit: 'ms',
          target: '< 5 ms',
          met: insert < 5,
        },
        { name: 'insert one finished run (p95)', value: p95(insertMs), unit: 'ms', target: '' },
        {
          name: 'history page of 50 experiments, filtered and sorted',
          value: median(experimentsPage),
          unit: 'ms',
          target: '< 20 ms',
          met: median(experimentsPage) < 20,
        },
        {
          name: 'history page of 50 runs of 10,000, filtered, sorted by a metric',
          value: median(runsPage),
          unit: 'ms',
          target: '< 20 ms',
          met: median(runsPage) < 20,
        },
        {
          name: 'full-text search page of 50 experiments',
          value: median(searchPage),
          unit: 'ms',
          target: '< 20 ms',
          met: median(searchPage) < 20,
        },
        { name: 'database size per run', value: bytesPerRun / 1024, unit: 'KiB', target: '' },
      ],
    };
  } finally {
    await store.close();
    dir.cleanup();
  }
}
