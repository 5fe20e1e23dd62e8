// gmemlab sweep, list, show, diff and import-perf as a user runs them (real child processes on
// temporary databases), and a sweep split in shards merging by import into the unsharded result.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRESETS, runPlan, setParameter, validateScenario } from '../../../common/core/index.ts';
import { estimateDependencies } from '../../../common/analysis/dependence.ts';
import { formatValue } from '../../../common/analysis/format.ts';
import { WINDOWS_KEY } from '../../../common/analysis/trust.ts';
import type { ExperimentDetail } from '../../../common/contract/index.ts';
import { Store } from '../../store/store.ts';
import { tempDir } from '../../store/testing.ts';

const cli = fileURLToPath(new URL('../gmemlab.ts', import.meta.url));
const gmemlab = (...args: string[]) =>
  spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 120_000, maxBuffer: 256 * 1024 * 1024 });
const json = <T>(r: { stdout: string; stderr: string; status: number | null }): T => {
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as T;
};

let dir: ReturnType<typeof tempDir>;
let scenarioFile: string;
const at = (name: string): string => join(dir.dir, name);
beforeAll(() => {
  dir = tempDir('gmemlab-cli-history-');
  scenarioFile = at('scenario.json');
  writeFileSync(scenarioFile, JSON.stringify(PRESETS.find((p) => p.id === 'mmio-heavy-legacy')!.scenario));
});
afterAll(() => dir.cleanup());

/** Metrics by strategy and point: what "the same experiment" means, whatever the run ids. */
const byRun = (d: ExperimentDetail): Record<string, unknown> =>
  Object.fromEntries(
    d.runs.map((r) => [
      `${r.strategy} ${JSON.stringify(Object.entries(r.point).sort())}`,
      { status: r.status, metrics: r.metrics },
    ]),
  );

// Each test starts many CLI processes: on a loaded machine they take minutes, not seconds.
describe('sweep, list, show, diff', { timeout: 240_000 }, () => {
  it('sweeps a log range, lists it, shows it as a table, and diffs it against a changed sweep', () => {
    const db = at('history.sqlite');
    const first = json<ExperimentDetail>(
      gmemlab(
        'sweep',
        scenarioFile,
        '--param',
        'vm.vcpus=log:1:64:7',
        '--name',
        'vcpus, PCID on',
        '--db',
        db,
        '--json',
      ),
    );
    expect(first.status).toBe('done');
    expect(first.sweep).toEqual({ parameters: [{ path: 'vm.vcpus', values: [1, 2, 4, 8, 16, 32, 64] }] });
    expect(first.runs).toHaveLength(7 * 7);
    // Not on a terminal: no progress bar, nothing on stderr.
    const noPcid = at('no-pcid.json');
    writeFileSync(noPcid, JSON.stringify({ ...first.scenario, host: { ...first.scenario.host, pcid: false } }));
    const quiet = gmemlab('sweep', noPcid, '--param', 'vm.vcpus=log:1:64:7', '--name', 'vcpus, PCID off', '--db', db);
    expect(quiet.stderr).toBe('');
    expect(quiet.status).toBe(0);
    expect(quiet.stdout).toContain('experiment 2: vcpus, PCID off: done, 49 of 49 runs done');

    const list = gmemlab('list', '--db', db, '--sort', 'name', '--asc');
    expect(list.status).toBe(0);
    expect(
      list.stdout
        .split('\n')
        .filter((l) => /^\s*\d+\s+done/.test(l))
        .map((l) => l.trim().split(/\s+/)[0]),
    ).toEqual(['2', '1']);
    // Each row says what its sweep varies (both: seven vCPU counts).
    expect(list.stdout.match(/ vm\.vcpus\(7\)/g)).toHaveLength(2);
    expect(list.stdout).toMatch(/ SWEPT /);
    expect(json<{ total: number }>(gmemlab('list', '--db', db, '--search', 'off', '--json')).total).toBe(1);

    const show = gmemlab('show', '1', '--db', db, '--metric', 'cost.bystanderIpisPerSec');
    expect(show.status).toBe(0);
    expect(show.stdout).toContain('shootdown IPIs per bystander CPU (IPIs/s) per point and strategy');
    expect(show.stdout).toMatch(/^vm\.vcpus=64 +0 /m);
    // The default metric, vCPU overhead: past 100% the slowdown factor (Nx), and ! on each run the
    // model flagged, the flags counted under the table.
    const overview = gmemlab('show', '1', '--db', db);
    const rows = overview.stdout.split('\n').filter((l) => l.startsWith('vm.vcpus='));
    expect(rows).toHaveLength(7);
    const strategies = [...new Set(first.runs.map((r) => r.strategy))];
    let slowed = 0;
    for (const row of rows) {
      const [label, ...cells] = row.trim().split(/\s+/);
      const vcpus = Number(label!.split('=')[1]);
      strategies.forEach((s, i) => {
        const run = first.runs.find((r) => r.strategy === s && r.point['vm.vcpus'] === vcpus)!;
        const flagged = (run.flags ?? []).length > 0;
        expect(cells[i]!.endsWith('!'), `${s} at ${vcpus}`).toBe(flagged);
        // "~" where the figure shown rests on an estimate-class cost entry, judged with the formulas
        // (past 100% overhead the figure shown is the slowdown factor).
        const at = setParameter(first.scenario, 'vm.vcpus', vcpus);
        const shownKey = run.metrics['cost.overheadPct']!.mean >= 100 ? 'cost.slowdownFactor' : 'cost.overheadPct';
        const estimated = (estimateDependencies(at, [shownKey])[s]?.[shownKey] ?? []).length > 0;
        expect(cells[i]!.startsWith('~'), `${s} at ${vcpus}`).toBe(estimated);
        if (run.metrics['cost.overheadPct']!.mean >= 100) {
          slowed++;
          expect(cells[i]).toBe(
            `${estimated ? '~' : ''}${formatValue(run.metrics['cost.slowdownFactor']!.mean)}x${flagged ? '!' : ''}`,
          );
        }
      });
    }
    expect(slowed).toBeGreaterThan(0);
    const overloaded = first.runs.filter((r) => r.strategy === 'S2' && r.flags?.some((f) => f.code === 'overloaded'));
    expect(overloaded.length).toBeGreaterThan(0);
    expect(overview.stdout).toContain('! flagged by the model');
    expect(overview.stdout).toContain(`  overloaded: S2 at ${overloaded.length} of 7 points`);
    // A simulator-only figure asked of an analytic sweep: said so, not a grid of "-".
    const p99 = gmemlab('show', '1', '--db', db, '--metric', 'latency.mmio.p99Us');
    expect(p99.status).toBe(2);
    expect(p99.stderr).toContain('latency.mmio.p99Us comes from the discrete-event simulator only');
    // A state metric as its words.
    const states = gmemlab('show', '1', '--db', db, '--metric', 'exposure.kernel.state');
    expect(states.stdout).toMatch(/^vm\.vcpus=1 +always +always /m);
    // The short word "windows" (S3, S4) is keyed under the table.
    expect(states.stdout).toMatch(/^vm\.vcpus=1 .* windows /m);
    expect(states.stdout).toContain(`\n${WINDOWS_KEY}.\n`);
    const noWindows = gmemlab('show', '1', '--db', db, '--metric', 'exposure.vmm.state');
    expect(noWindows.stdout).not.toMatch(/ windows/);
    expect(noWindows.stdout).not.toContain(WINDOWS_KEY);

    const diff = gmemlab('diff', '1', '2', '--db', db);
    expect(diff.status).toBe(0);
    expect(diff.stdout).toContain('host.pcid: true -> false');
    const pairs = json<{ a: { strategy: string }; metrics: { abs: number | null }[] }[]>(
      gmemlab('diff', '1', '2', '--db', db, '--json'),
    );
    expect(pairs).toHaveLength(49);
  });

  // On the two sweeps the test above saved (tests in a file run in order).
  it(
    "shows the mail's table at a point, summarises a diff (everything with --all), lists the metrics",
    { timeout: 240_000 },
    () => {
      const db = at('history.sqlite');
      // Every headline metric at one point: the strategies-as-columns table the mail uses.
      const table = gmemlab('show', '1', '--db', db, '--at', 'vm.vcpus=64');
      expect(table.stderr).toBe('');
      expect(table.stdout).toContain('Results at vm.vcpus = 64 (point');
      expect(table.stdout).toMatch(/^ {10,}S0!? +S1!? +S2!?( +S\d!?)+$/m);
      expect(table.stdout.split('\n').every((l) => l.length <= 72)).toBe(true);

      // A summary by default: the changed parameter once, the metrics beyond the CI; --all every pair.
      const diff = gmemlab('diff', '1', '2', '--db', db);
      expect(diff.status).toBe(0);
      expect(diff.stdout).toContain('experiment 1 vs experiment 2: 49 runs paired');
      expect(diff.stdout.match(/host\.pcid: true -> false/g)).toHaveLength(1);
      expect(diff.stdout).toMatch(/^metrics that moved, beyond the 95% CI where seeds give one/m);
      const everything = gmemlab('diff', '1', '2', '--db', db, '--all');
      expect(everything.stdout.match(/host\.pcid: true -> false/g)).toHaveLength(49);
      // The preset's touchpoints without events: their latencies are left out, and named.
      const idle = /not shown: the latency of (.*) \(no events in either run\)/;
      expect(diff.stdout.match(idle)?.[1]).toBe(everything.stdout.match(idle)?.[1]);
      expect(diff.stdout.match(idle)?.[1]).toContain('post-copy / demand-paging fault');
      expect(everything.stdout).not.toContain('latency.postCopy.meanUs');
      expect(everything.stdout).toContain('latency.mmio.meanUs');
      // Two strategies at one point (runs 1 and 4: S0 and S3): an exposure state moves in words.
      const runs = gmemlab('diff', '1', '4', '--runs', '--all', '--db', db);
      expect(runs.stdout).toContain('exposure.kernel.state: always -> transient windows');
      expect(runs.stdout).not.toMatch(/\.state: \d/);

      const metrics = gmemlab('metrics', 'bystander');
      expect(metrics.status).toBe(0);
      expect(metrics.stdout).toMatch(/^ {2}cost\.bystanderIpisPerSec {2}\(IPIs\/s\)$/m);
      expect(metrics.stdout).not.toContain('cost.overheadPct');

      const typo = gmemlab('show', '1', '--metric', 'COST.overheadpct', '--db', db);
      expect(typo.status).toBe(2);
      expect(typo.stderr).toContain('--metric: "COST.overheadpct" is not a metric; did you mean cost.overheadPct');
      const none = gmemlab('metrics', 'zzzzqq');
      expect(none.status).toBe(2);
      expect(none.stderr).toContain('no metric mentions "zzzzqq"');
    },
  );

  it("judges a long sweep's '~' marks at 200 points spread over it, and says so", () => {
    const db = at('long.sqlite');
    const sweep = json<ExperimentDetail>(
      gmemlab('sweep', scenarioFile, '--param', 'vm.vcpus=lin:1:250:250', '--db', db, '--json'),
    );
    const shown = gmemlab('show', String(sweep.id), '--db', db);
    expect(shown.status).toBe(0);
    expect(shown.stdout).toContain(
      'judged with the formulas at 200 of the 250 points, each other point as the nearest',
    );
    // The first and last points are judged: their marks are the formulas' judgement there.
    const strategies = [...new Set(sweep.runs.map((r) => r.strategy))];
    for (const vcpus of [1, 250]) {
      const row = shown.stdout.split('\n').find((l) => l.startsWith(`vm.vcpus=${vcpus} `))!;
      const cells = row.trim().split(/\s+/).slice(1);
      const behind = estimateDependencies(setParameter(sweep.scenario, 'vm.vcpus', vcpus), ['cost.overheadPct']);
      strategies.forEach((s, i) =>
        expect(cells[i]!.startsWith('~'), `${s} at ${vcpus}`).toBe((behind[s]?.['cost.overheadPct'] ?? []).length > 0),
      );
    }
  });

  it('says on stderr when whole-number values of a range fell together, and runs the distinct ones', () => {
    const db = at('rounded.sqlite');
    const r = gmemlab('sweep', scenarioFile, '--param', 'vm.vcpus=log:1:8:10', '--db', db);
    expect(r.status).toBe(0);
    const note = /--param vm\.vcpus: 10 values asked, (\d+) distinct once rounded to whole numbers/.exec(r.stderr);
    expect(note).not.toBeNull();
    const points = Number(note![1]);
    expect(points).toBeLessThan(10);
    // Every strategy at each distinct point, and no more.
    const done = /(\d+) of (\d+) runs done/.exec(r.stdout)!;
    expect(done[1]).toBe(done[2]);
    expect(Number(done[2])).toBe(
      points * runPlan(PRESETS.find((p) => p.id === 'mmio-heavy-legacy')!.scenario).strategies.length,
    );
  });

  it("diff's largest move of a metric is the pair that moved it most in its unit, not the largest ratio", () => {
    const db = at('largest.sqlite');
    const file = at('largest.json');
    const scenario = PRESETS.find((p) => p.id === 'mmio-heavy-legacy')!.scenario;
    writeFileSync(file, JSON.stringify(scenario));
    expect(gmemlab('run', file, '--db', db).status).toBe(0);
    const simulated = { ...scenario, simulation: { method: 'des', durationSec: 0.02, seeds: [1] } };
    writeFileSync(file, JSON.stringify(simulated));
    expect(gmemlab('run', file, '--db', db).status).toBe(0);
    const pairs = json<
      {
        a: { strategy: string };
        metrics: { key: string; abs: number | null; pct: number | null; beyondCi: boolean }[];
      }[]
    >(gmemlab('diff', '1', '2', '--db', db, '--json'));
    const moves = pairs.flatMap((p) =>
      p.metrics
        .filter((m) => m.key === 'cost.overheadPct' && m.beyondCi && m.abs !== null && m.pct !== null)
        .map((m) => ({ strategy: p.a.strategy, abs: Math.abs(m.abs!), pct: Math.abs(m.pct!) })),
    );
    const by = (size: (m: (typeof moves)[number]) => number) => moves.reduce((x, y) => (size(y) > size(x) ? y : x));
    // The two rules pick different pairs here (a tiny figure going to 0 is -100%).
    expect(by((m) => m.abs).strategy).not.toBe(by((m) => m.pct).strategy);
    const summary = gmemlab('diff', '1', '2', '--db', db).stdout;
    const line = summary.split('\n').find((l) => l.startsWith('  cost.overheadPct: '));
    expect(line).toContain(`; ${by((m) => m.abs).strategy}: `);
    // kvmclock's one update a second (and hypercalls at 20/s): none in 0.02 s simulated, so only
    // the formulas' run gives their latency, and the summary says so (percentiles, the
    // simulator's only, are not listed).
    expect(summary).toMatch(/^ {2}only run a gives: .*latency\.pfnCache\.meanUs/m);
    expect(summary).not.toMatch(/^ {2}only run b gives: .*p99Us/m);
  });

  it("diff counts a changed host setting once: the runs' recorded strategy parameters apart", () => {
    const db = at('kpti.sqlite');
    const scenario = PRESETS.find((p) => p.id === 'mmio-heavy-legacy')!.scenario;
    const on = at('kpti-on.json');
    writeFileSync(on, JSON.stringify({ ...scenario, host: { ...scenario.host, kpti: true } }));
    expect(gmemlab('run', scenarioFile, '--db', db).status).toBe(0);
    expect(gmemlab('run', on, '--db', db).status).toBe(0);
    const diff = gmemlab('diff', '1', '2', '--db', db);
    expect(diff.stdout.match(/^ {2}scenario\.host\.kpti: false -> true$/gm)).toHaveLength(1);
    expect(diff.stdout).not.toMatch(/^ {2}params\./m);
    expect(diff.stdout).toContain("and in the runs' recorded strategy parameters (derived from those): params.kpti");
  });

  it('pairs a single run with the runs of a sweep at its point (the preset runs 8 vCPUs)', () => {
    const db = at('single-vs-sweep.sqlite');
    const strategies = runPlan(PRESETS.find((p) => p.id === 'mmio-heavy-legacy')!.scenario).strategies.length;
    expect(gmemlab('run', scenarioFile, '--db', db).status).toBe(0);
    expect(gmemlab('sweep', scenarioFile, '--param', 'vm.vcpus=4,8', '--db', db).status).toBe(0);
    const diff = gmemlab('diff', '1', '2', '--db', db);
    expect(diff.stderr).toBe('');
    expect(diff.stdout).toContain(`experiment 1 vs experiment 2: ${strategies} runs paired`);
    // The same settings at that point: no parameter and no metric moved.
    expect(diff.stdout).toMatch(/^parameters: the same$/m);
    expect(diff.stdout).toMatch(/^metrics: none moved \(beyond its 95% CI where seeds give one\)$/m);
  });

  it('refuses bad input with exit 2, naming the option and the problem', async () => {
    const db = at('bad.sqlite');
    await (await Store.open(db)).close(); // an empty history: show and diff look in it
    const cases: [string[], string][] = [
      [['sweep', scenarioFile, '--db', db], 'sweep needs at least one --param PATH=VALUES'],
      [
        ['sweep', scenarioFile, '--param', 'vm.vcpu=1,2', '--db', db],
        '--param: "vm.vcpu" is not a parameter of this scenario; did you mean vm.vcpus',
      ],
      [
        ['sweep', scenarioFile, '--param', 'vm.vcpus=log:0:8:4', '--db', db],
        '--param vm.vcpus: a log range needs from and to above 0',
      ],
      [
        ['sweep', scenarioFile, '--param', 'strategies.S3.enabled=true,false', '--db', db],
        '--param: strategies.S3.enabled decides which runs an experiment has',
      ],
      [
        ['sweep', scenarioFile, '--param', 'vm.vcpus=1,2', '--shard', '4/3', '--db', db],
        '--shard: I must be from 1 to N (3)',
      ],
      [
        ['sweep', scenarioFile, '--param', 'vm.vcpus=1,2', '--param', 'vm.vcpus=4', '--db', db],
        '--param: vm.vcpus is given twice',
      ],
      // A value the scenario refuses names the option, not the request's inner path.
      [['sweep', scenarioFile, '--param', 'vm.vcpus=0,2', '--db', db], '--param: vm.vcpus = 0: vm.vcpus must be >= 1'],
      [['list', '--status', 'finished', '--db', db], '--status: '],
      [['list', '--sort', 'foo', '--db', db], '--sort: must be one of "createdAt", "finishedAt", "name"'],
      [['list', '--limit', 'ten', '--db', db], '--limit: "ten" is not a whole number'],
      [['list', '--from', '2026-02-30', '--db', db], '--from: is not a day of the calendar'],
      [['list', '--to', '2026-11-27T24:00', '--db', db], '--to: is not a day of the calendar'],
      [['show', '7', '--db', db], 'experiment 7 does not exist'],
      [['show', '1', '--metric', 'nope', '--db', db], '--metric: "nope" is not a metric'],
      [['diff', '1', '--db', db], 'diff needs two experiment IDs, got 1'],
    ];
    for (const [args, message] of cases) {
      const r = gmemlab(...args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toContain(message);
    }
    // A refused sweep leaves nothing behind.
    expect(json<{ total: number }>(gmemlab('list', '--db', db, '--json')).total).toBe(0);
  });

  it('says whether there is no database, the history is empty, the filters match nothing, or the offset is past the last', async () => {
    const db = at('empty-pages.sqlite');
    const said = (...args: string[]): string => {
      const r = gmemlab('list', ...args, '--db', db);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      return r.stdout.trim();
    };
    // No database at a --db given: a read-only command says so, and makes none.
    const missing = gmemlab('list', '--db', db);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain(`there is no database at ${db}`);
    expect(existsSync(db)).toBe(false);
    // An empty path is refused as such (an unset variable), not as a missing file.
    const empty = gmemlab('list', '--db', '');
    expect(empty.status).toBe(2);
    expect(empty.stderr).toContain('the database path is empty (is the variable given to --db unset?)');
    await (await Store.open(db)).close(); // an empty history
    expect(said()).toBe('no experiments: the history is empty (run one with `gmemlab run` or `gmemlab sweep`)');
    expect(gmemlab('sweep', scenarioFile, '--param', 'vm.vcpus=1,2', '--db', db).status).toBe(0);
    expect(said('--tag', 'nosuch')).toBe(
      'no experiments match these filters (`gmemlab list` without them lists the whole history)',
    );
    expect(said('--offset', '5')).toBe('no experiments from --offset 5: 1 match, the last at --offset 0');
    expect(said()).toMatch(/\n\n1-1 of 1$/);
  });
});

describe('sweep --shard', () => {
  it('three shards, exported and imported in any order, merge into the unsharded experiment', () => {
    const params = ['--param', 'vm.vcpus=1,2,3,4,5,6,7', '--param', 'host.pcid=true,false'];
    const whole = json<ExperimentDetail>(
      gmemlab('sweep', scenarioFile, ...params, '--db', at('whole.sqlite'), '--json'),
    );
    const sizes: number[] = [];
    for (const i of [1, 2, 3]) {
      const db = at(`shard${i}.sqlite`);
      const part = json<ExperimentDetail>(
        gmemlab('sweep', scenarioFile, ...params, '--shard', `${i}/3`, '--db', db, '--json'),
      );
      expect(part.shards).toEqual({ count: 3, indices: [i] });
      sizes.push(part.runs.length);
      expect(gmemlab('export-bundle', String(part.id), '--out', at(`shard${i}.json`), '--db', db).status).toBe(0);
    }
    expect(sizes.reduce((a, b) => a + b)).toBe(whole.runs.length);
    const merged = at('merged.sqlite');
    for (const i of [2, 3, 1, 3]) expect(gmemlab('import', at(`shard${i}.json`), '--db', merged).status).toBe(0);
    const list = json<{ total: number; items: { id: number; name: string }[] }>(
      gmemlab('list', '--db', merged, '--json'),
    );
    expect(list.total).toBe(1);
    const result = json<ExperimentDetail>(gmemlab('show', String(list.items[0]!.id), '--db', merged, '--json'));
    expect(result.name).toBe(whole.name);
    expect(result.shards).toEqual({ count: 3, indices: [1, 2, 3] });
    expect(result.status).toBe('done');
    expect(result.scenario).toEqual(whole.scenario);
    expect(result.sweep).toEqual(whole.sweep);
    expect(byRun(result)).toEqual(byRun(whole));
  });
});

describe('import-perf', () => {
  // A real arm64 report: MMIO data aborts (DABT_LOW) and hypercalls (HVC64) read guest memory.
  const report = fileURLToPath(new URL('../../../common/core/fixtures/perf-arm64-2020-09.txt', import.meta.url));

  it('writes a valid scenario with the report rates and says what it mapped', () => {
    copyFileSync(report, at('report.txt'));
    const out = at('from-perf.json');
    const r = gmemlab('import-perf', at('report.txt'), '--duration', '10', '--out', out);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('put into preset quiet-cloud-vm');
    expect(r.stdout).toMatch(/mapped:\n {2}DABT_LOW\s+-> mmio/);
    expect(r.stdout).toMatch(/not mapped.*\n(.*\n)* {2}WFx /);
    const scenario = validateScenario(JSON.parse(readFileSync(out, 'utf8')));
    expect(scenario.ok).toBe(true);
    const summary = json<{ mapped: { touchpoint: string; ratePerSecPerVcpu: number }[] }>(
      gmemlab(
        'import-perf',
        at('report.txt'),
        '--total-rate',
        '50000',
        '--preset',
        'virtio-network',
        '--out',
        out,
        '--json',
      ),
    );
    expect(summary.mapped.some((m) => m.touchpoint === 'mmio' && m.ratePerSecPerVcpu > 0)).toBe(true);
  });

  it('asks for a duration or a total rate, and refuses text that is no report', () => {
    const none = gmemlab('import-perf', report, '--out', at('x.json'));
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('--duration SECONDS');
    expect(none.stderr).toContain('--total-rate');
    writeFileSync(at('notes.txt'), 'just some notes\n');
    const notes = gmemlab('import-perf', at('notes.txt'), '--duration', '5', '--out', at('y.json'));
    expect(notes.status).toBe(2);
    expect(notes.stderr).toContain('notes.txt:');
    const negative = gmemlab('import-perf', report, '--duration=-3', '--out', at('z.json'));
    expect(negative.status).toBe(2);
    expect(negative.stderr).toContain('--duration: "-3" is not a positive number');
  });
});
