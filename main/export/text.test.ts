// The plain-text export: golden files for a single run, a 1-D and a 2-D sweep, analytic and
// discrete-event; the mail rules (ASCII, no tabs, 72 columns) on awkward inputs; the point the
// mail reports; and the scenario or sweep read back from the mail.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  COST_KEYS,
  MODEL_VERSION,
  PRESETS,
  runPlan,
  runScenario,
  setParameter,
  validateScenario,
  type Scenario,
} from '../../common/core/index.ts';
import { formatValue } from '../../common/analysis/format.ts';
import { estimateDependencies } from '../../common/analysis/dependence.ts';
import type { ExperimentDetail } from '../../common/contract/index.ts';
import type { SweepDefinition } from '../../common/core/index.ts';
import { Store } from '../store/store.ts';
import { presetScenario, recordExperiment, tempDir } from '../store/testing.ts';
import type { BuildInfo } from './build-info.ts';
import { readScenarioText } from './scenario-text.ts';
import { experimentText } from './text.ts';

const GOLDEN = join(import.meta.dirname, 'golden');
/** Fixed, so the golden files do not change with every commit. */
const BUILD: BuildInfo = { version: '0.1.0', commit: '0123456789ab' };
let dir: ReturnType<typeof tempDir>;
let store: Store;

beforeAll(async () => {
  dir = tempDir('gmemlab-export-');
  store = await Store.open(join(dir.dir, 'gmemlab.sqlite'));
});
afterAll(async () => {
  await store.close();
  dir.cleanup();
});

const preset = (id: string): Scenario => PRESETS.find((p) => p.id === id)!.scenario;

/** Fixed id and dates: the golden files must not change from one run to the next. */
async function detailOf(experimentId: number): Promise<ExperimentDetail> {
  const detail = (await store.getExperiment(experimentId))!;
  return { ...detail, id: 42, createdAt: '2026-11-25T09:30:00.000Z' };
}

/**
 * Records an experiment as the runner does, over any sweep, with results from the core's own
 * runScenario (analytic or discrete-event, as the scenario says).
 */
async function record(name: string, scenario: Scenario, sweep?: SweepDefinition): Promise<ExperimentDetail> {
  const points: Record<string, number | string | boolean>[] = [{}];
  for (const p of sweep?.parameters ?? [])
    points.splice(0, points.length, ...points.flatMap((pt) => p.values.map((v) => ({ ...pt, [p.path]: v }))));
  const plan = runPlan(scenario);
  const { experimentId, runIds } = await store.createExperiment({
    name,
    kind: sweep === undefined ? 'single' : 'sweep',
    method: plan.method,
    scenario,
    sweep,
    runs: points.flatMap((point) => plan.strategies.map((strategy) => ({ strategy, point, seeds: plan.seeds }))),
  });
  await store.setExperimentStatus(experimentId, 'running');
  let i = 0;
  for (const point of points) {
    let s = scenario;
    for (const [path, value] of Object.entries(point)) s = setParameter(s, path, value);
    const checked = validateScenario(s);
    if (!checked.ok) throw new Error(JSON.stringify(checked.issues));
    const output = runScenario(checked.value);
    await store.saveRunResults(
      plan.strategies.map((strategy) => ({
        runId: runIds[i++]!,
        modelVersion: output.modelVersion,
        costTable: output.costTable,
        result: output.strategies.find((r) => r.strategy === strategy)!,
      })),
    );
  }
  await store.setExperimentStatus(experimentId, 'done');
  return detailOf(experimentId);
}

function expectMailSafe(text: string): void {
  for (const [i, line] of text.split('\n').entries()) {
    expect(line.length, `line ${i + 1} is ${line.length} columns: ${line}`).toBeLessThanOrEqual(72);
    expect(line, `line ${i + 1} has a tab or a character outside printable ASCII`).toMatch(/^[\x20-\x7e]*$/);
    expect(line, `line ${i + 1} ends in a space`).toBe(line.trimEnd());
  }
}

function golden(name: string, text: string): void {
  const file = join(GOLDEN, name);
  // UPDATE_GOLDEN=1 rewrites the files after an intended change; review the diff before committing.
  if (process.env['UPDATE_GOLDEN'] === '1' || !existsSync(file)) writeFileSync(file, text);
  expect(text).toBe(readFileSync(file, 'utf8'));
}

/** The cells of a strategies-as-columns row (one per strategy of `detail`), by its label's start. */
function tableRow(text: string, labelStart: string, detail: ExperimentDetail): string[] {
  const strategies = new Set(detail.runs.map((r) => r.strategy)).size;
  const line = text.split('\n').find((l) => l.startsWith(labelStart))!;
  return line.trim().split(/ +/).slice(-strategies);
}

describe('experimentText', () => {
  it('writes an analytic 1-D sweep at the point asked for: table, chart, capability, costs, reproduce', async () => {
    const detail = await record('MMIO-heavy guest: vCPU sweep', preset('mmio-heavy-legacy'), {
      parameters: [{ path: 'vm.vcpus', values: [1, 2, 4, 8, 16, 32, 64, 128, 256] }],
    });
    const text = experimentText(detail, {
      metric: 'cost.overheadPct',
      view: { point: { 'vm.vcpus': 64 } },
      build: BUILD,
    });
    expectMailSafe(text);
    golden('sweep-1d-analytic.txt', text);
    expect(text).toContain(`computed with model ${MODEL_VERSION}; exported by gmemlab 0.1.0 (commit`);
    // An experiment of an older model says which model it was computed with, and that this
    // gmemlab (its commit, the exporter's) computes another; so does the line to reproduce it.
    const old = experimentText({ ...detail, modelVersion: '2.6.0' }, { metric: 'cost.overheadPct', build: BUILD });
    expect(old.replace(/\n/g, ' ')).toContain(
      `computed with model 2.6.0; exported by gmemlab 0.1.0 (commit 0123456789ab), which computes model ${MODEL_VERSION}`,
    );
    expect(old.replace(/\n/g, ' ')).toContain(`To reproduce (model 2.6.0; gmemlab today computes ${MODEL_VERSION},`);
    expect(readScenarioText(old, 'old.txt').mailModel).toBe('2.6.0');
    // Its figures are not judged against today's cost table: no "~" marks, no key for them.
    expect(old).not.toContain('~ rests on');
    // ...and the mail says so, where the key would be.
    expect(old.replace(/\s+/g, ' ')).toContain("~ not judged: these runs are model 2.6.0's");
    expect(text).toContain('~ rests on');
    expect(readScenarioText(text, 'new.txt').mailModel).toBe(MODEL_VERSION);
    expect(text).toContain('Results at vm.vcpus = 64 (point 7 of 9):');
    // The table's S2 cell is S2's value at 64 vCPUs, not at the sweep's last point.
    const s2 = detail.runs.find((r) => r.strategy === 'S2' && r.point['vm.vcpus'] === 64)!;
    // Marked "~": it rests on estimate-class cost entries, each named in the footnote with S2.
    expect(tableRow(text, 'vCPU overhead', detail)[2]).toBe(`~${formatValue(s2.metrics['cost.overheadPct']!.mean)}`);
    const at64 = setParameter(preset('mmio-heavy-legacy'), 'vm.vcpus', 64);
    const behind = estimateDependencies(at64, ['cost.overheadPct'])['S2']!['cost.overheadPct']!;
    expect(behind.length).toBeGreaterThan(0);
    const footnote = text.slice(text.indexOf('~ rests on a cost entry')).replace(/\s+/g, ' ');
    for (const key of behind) expect(footnote).toMatch(new RegExp(`${key}: [^:]*vCPU overhead vs S0 \\([^)]*S2`));
    // S0 adds nothing whatever the costs: its 0 is not marked.
    expect(tableRow(text, 'vCPU overhead', detail)[0]).toBe('0');
    // Analytic: no CI rows, and no "vs S0" for a share that is already against S0.
    expect(text).not.toMatch(/^ {2}\+-95% CI/m);
    expect(text).not.toMatch(/^vCPU overhead[^\n]*\n[^\n]*\n {2}vs S0/);
    expect(text).toContain('vm.vcpus (log scale: x and y)');
    expect(text).toContain('Key (each line is drawn with the digit of its first strategy):');
    expect(text).toContain('Capability: needs gup()');
    // What the numbers assume that mainline does not have: S2's VMM reads guest memory through
    // read()/write() on guest_memfd, which do not exist upstream.
    const s2Capability = text.slice(text.indexOf('\nS2    '), text.indexOf('\nS3    '));
    expect(s2Capability).toContain('not upstream: on-demand restore in KVM');
    expect(s2Capability.replace(/\s+/g, ' ')).toMatch(/such work for [^;]*vmmAccess/);
    expect(s2Capability).toContain('users not served: directIo, vhostNet, vhostUser');
    // Each cost entry with its value, range and class, and its source as a footnote.
    expect(text).toMatch(
      /^ {2}[A-Za-z]+: [0-9.]+ [a-z/]+ \([0-9.e-]+-[0-9.e-]+\), (primary|secondary|estimate) \[\d+\]$/m,
    );
    expect(text).toMatch(/^ {2}\[1\] /m);
    expect(text).toMatch(/^ {2}gmemlab sweep sweep\.json$/m);
  });

  it('writes a single analytic run with no chart and no chart key', async () => {
    const detail = await record('Quiet VM', presetScenario(0));
    const text = experimentText(detail, { metric: 'cost.hostOverheadPct', scenarioFile: 'quiet.json', build: BUILD });
    expectMailSafe(text);
    golden('single-analytic.txt', text);
    expect(text).not.toContain('log scale');
    expect(text).not.toContain('Key (each line');
    expect(text).toMatch(/^Results:$/m);
    expect(text).toMatch(/^ {2}gmemlab run quiet\.json$/m);
    // The exported metric leads the table.
    expect(text.indexOf('host overhead')).toBeLessThan(text.indexOf('vCPU overhead'));
  });

  it('names the host profile whose measured costs the run used, and the cost entries say it is their source', async () => {
    const base = presetScenario(0);
    const profile = { id: 'ab'.repeat(32), name: 'lab host 7' };
    const measured = validateScenario({
      ...base,
      host: { ...base.host, profile, costs: { ...base.host.costs, vmExitRoundTrip: 1234 } },
    });
    if (!measured.ok) throw new Error(JSON.stringify(measured.issues));
    const text = experimentText(await record('Calibrated', measured.value), {
      metric: 'cost.overheadPct',
      build: BUILD,
    });
    expectMailSafe(text);
    expect(text).toContain('measured costs: host profile "lab host 7" (abababababab)');
    expect(text.replace(/\s+/g, ' ')).toContain('host profile "lab host 7" (abababababab), measured on the host');
    const plain = experimentText(await record('Default costs', base), { metric: 'cost.overheadPct', build: BUILD });
    expect(plain).not.toContain('measured costs');
  });

  it("lists a swept cost entry with the value at the point shown, not the sweep's first point's", async () => {
    const detail = await record('Receivers', preset('mmio-heavy-legacy'), {
      parameters: [{ path: 'host.costs.ipiReceiveWork', values: [1000, 2000, 3000] }],
    });
    const at = (value: number) =>
      experimentText(detail, {
        metric: 'cost.overheadPct',
        build: BUILD,
        view: { point: { 'host.costs.ipiReceiveWork': value } },
      });
    expect(at(3000)).toMatch(/^ {2}ipiReceiveWork: 3000 cycles \(\d+-3000\), swept$/m);
    // The "~" list says so too: the value is the point's, classed with the estimates.
    expect(at(3000)).toMatch(/^ {2}ipiReceiveWork \(swept: set by this point\): /m);
    // 1000 is the default: its source is still cited.
    expect(at(1000)).toMatch(/^ {2}ipiReceiveWork: 1000 cycles \(\d+-\d+\), swept \[\d+\]$/m);
    // A run of another model: the table at the point is not known, and the mail says whose it is.
    const older = { ...detail, modelVersion: '2.8.0' };
    for (const run of older.runs) run.modelVersion = '2.8.0';
    const text = experimentText(older, {
      metric: 'cost.overheadPct',
      build: BUILD,
      view: { point: { 'host.costs.ipiReceiveWork': 3000 } },
    }).replace(/\s+/g, ' ');
    expect(text).toContain(`Judged with model ${MODEL_VERSION}'s formulas; the runs are model 2.8.0's.`);
    expect(text).toContain("The values are the sweep's first point's");
    expect(text).toContain('ipiReceiveWork: 1000 cycles');
  });

  it('writes a 2-D sweep at the chosen point, charting its slice', async () => {
    const detail = await record('vCPUs x placement', preset('mmio-heavy-legacy'), {
      parameters: [
        { path: 'vm.vcpus', values: [1, 4, 16, 64] },
        { path: 'vm.placement', values: ['pinned', 'shared'] },
      ],
    });
    const text = experimentText(detail, {
      metric: 'cost.bystanderIpisPerSec',
      view: { point: { 'vm.vcpus': 16, 'vm.placement': 'shared' }, strategies: ['S0', 'S2', 'S3'] },
      build: BUILD,
    });
    expectMailSafe(text);
    golden('sweep-2d-analytic.txt', text);
    expect(text).toContain('Results at vm.vcpus = 16, vm.placement = shared (point');
    expect(text.replace(/\n/g, ' ')).toContain('against vm.vcpus, at vm.placement = shared; S1, S4, S5, S6 not drawn:');
    expect(text).toMatch(/^ {2}gmemlab sweep sweep\.json$/m);
  });

  it('writes a discrete-event run with CI rows and latency percentiles', async () => {
    const scenario: Scenario = {
      ...presetScenario(0),
      simulation: { method: 'des', durationSec: 0.02, seeds: [1, 2, 3] },
    };
    const detail = await record('Quiet VM, simulated', scenario);
    const text = experimentText(detail, { metric: 'cost.overheadPct', build: BUILD });
    expectMailSafe(text);
    golden('single-des.txt', text);
    expect(text).toMatch(/^ {2}\+-95% CI /m);
    expect(text).toContain('+-95% CI: half-width of the 95% confidence interval over 3 seeds.');
    expect(text).toMatch(/^p99 latency, /m);
    const flat = text.replace(/\s+/g, ' ');
    expect(flat).toContain('discrete-event simulation, 0.02 s simulated, Poisson arrivals,');
    // kvmclock's one update a second: no event in 0.02 s, so no latency (not the formulas' mean).
    expect(detail.runs.every((r) => r.metrics['latency.pfnCache.meanUs'] === undefined)).toBe(true);
    expect(flat).toContain(
      'No latency for pfn-cache users (kvmclock, Xen shared info / vcpu_info): none of their events came in the simulated time',
    );
    // The summary names what decides the figures beyond the load: the host's invalidation and
    // KPTI, the exit mix, each strategy's options.
    expect(flat).toContain('shootdowns by IPI; 0 vCPUs of other VMs; PCID on; KPTI off');
    expect(flat).toMatch(/ exits an MMIO exit reads .*; fast MMIO \(nothing read\) [\d.]+ of MMIO exits;/);
    expect(flat).toMatch(
      / strategies S0; S1 \(flush on zap on\); S2 \(batches of \d+ pages?; flush immediate, range eachPage;/,
    );
    // Other set-ups, said as they are: the summary reads the scenario, not the runs.
    const summaryOf = (change: (s: Scenario) => Scenario): string =>
      experimentText({ ...detail, scenario: change(detail.scenario) }, { metric: 'cost.overheadPct', build: BUILD })
        .replace(/\s+/g, ' ')
        .replace(/^.* Scenario "/, 'Scenario "');
    const arm = summaryOf((s) => ({
      ...s,
      host: { ...s.host, vendor: 'arm64', tlbInvalidation: 'broadcast', kpti: false, lass: false },
      workload: { ...s.workload, exitMix: { ...s.workload.exitMix, instructionDecode: 'vendor' } },
      strategies: {
        ...s.strategies,
        S1: { ...s.strategies.S1, flushOnZap: false },
        S2: { ...s.strategies.S2, batchPages: 16, flushAfterUs: 50, flush: 'deferred' },
        vmmAccess: 'selective-mmap',
        selectiveMmapFraction: 0.1,
      },
    }));
    expect(arm).toContain('arm64, ');
    expect(arm).toContain('shootdowns by broadcast invalidation');
    expect(arm).toContain('an MMIO exit reads its operand pages only (arm64: nothing more to decode)');
    expect(arm).toContain('S1 (flush on zap off, but the zap flushes by itself on arm64)');
    // A deferred flush has no range; a batch of more than one page may close on its timer.
    expect(arm).toContain('S2 (batches of 16 pages or 50 us; flush deferred; pfn-cache pages kept restored)');
    expect(arm).toContain('under S2-S5 the VMM reaches guest memory by a selective mmap of 0.1 of it');
    const off = { enabled: false };
    const intel = summaryOf((s) => ({
      ...s,
      host: { ...s.host, kpti: true },
      workload: {
        ...s.workload,
        exitMix: { ...s.workload.exitMix, instructionDecode: 'vendor', guestPagingLevels: 5 },
      },
      strategies: {
        ...s.strategies,
        S2: { ...s.strategies.S2, ...off },
        S3: { ...s.strategies.S3, ...off },
        S4: { ...s.strategies.S4, ...off },
        S5: off,
      },
    }));
    expect(intel).toContain('KPTI on;');
    expect(intel).toContain('the instruction page and a 5-level guest page-table walk (Intel decode)');
    // Without S2-S5 the VMM keeps its mapping: nothing to say of its access.
    expect(intel).not.toContain('the VMM reaches guest memory');
  });

  it('writes a discrete-event sweep', async () => {
    const scenario: Scenario = {
      ...preset('mmio-heavy-legacy'),
      simulation: { method: 'des', durationSec: 0.005, seeds: [1, 2] },
    };
    const detail = await record('MMIO, simulated sweep', scenario, {
      parameters: [{ path: 'vm.vcpus', values: [1, 4, 16] }],
    });
    const text = experimentText(detail, {
      metric: 'latency.mmio.p99Us',
      view: { point: { 'vm.vcpus': 4 } },
      build: BUILD,
    });
    expectMailSafe(text);
    golden('sweep-1d-des.txt', text);
    expect(text).toContain('Results at vm.vcpus = 4 (point 2 of 3):');
    expect(text).toMatch(/^p99 latency, MMIO/m);
  });

  it('keeps to ASCII and 72 columns whatever the names, descriptions and sweep values hold', async () => {
    let scenario = presetScenario(1);
    scenario = {
      ...scenario,
      name: 'Gäste\tmit µ-Latenz → 10 µs “quoted” ' + 'x'.repeat(120),
      description: `Ünïcödé ${'long description '.repeat(20)} C:\\path\\`,
    };
    scenario = { ...scenario, host: { ...scenario.host, costs: { [COST_KEYS[0]!]: 1234 } } };
    const { experimentId } = await recordExperiment(store, {
      name: '名前 with a very long name that goes on and on past any sensible width for a subject line',
      scenario,
      vcpus: [3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97, 101, 103],
    });
    const detail = await detailOf(experimentId);
    // The longest scenario file name the export gives (index.ts: a 40-character slug of the name).
    const scenarioFile = `gmemlab-1234567-${'x'.repeat(40)}.sweep.json`;
    const text = experimentText(detail, {
      metric: 'latency.mmio.meanUs',
      view: { all: true },
      build: BUILD,
      scenarioFile,
    });
    expectMailSafe(text);
    // Cut to fit, the same name in every line that names it.
    const named = [...text.matchAll(/gmemlab-1234567-x+\.sweep\.json/g)].map((m) => m[0]);
    expect(named.length).toBe(3);
    expect(new Set(named).size).toBe(1);
    expect(text).toContain(`defaults except ${COST_KEYS[0]} = 1234`);
    // The sweep in the text is the sweep, exactly.
    const back = readScenarioText(text, 'mail');
    expect(back.scenario).toEqual(detail.scenario);
    expect(back.sweep).toEqual(detail.sweep);
  });

  it('writes runs saved before model 2.1.0, whose capability rows have no uses and no list of what is not upstream', async () => {
    const detail = await record('Older runs', preset('quiet-cloud-vm'));
    const older = {
      ...detail,
      runs: detail.runs.map((r) => {
        const { uses: _uses, reliesOnNotUpstream: _relies, ...rest } = r.capability!;
        return { ...r, capability: rest as typeof r.capability };
      }),
    };
    const text = experimentText(older, { metric: 'cost.overheadPct', build: BUILD });
    expect(text).toContain('Capability: needs gup()');
    expect(text).not.toContain('not upstream:');
    expect(text).not.toContain('users not served:');
    expectMailSafe(text);
  });

  it('says how many runs finished when some failed, and that none did when all failed', async () => {
    const scenario = preset('quiet-cloud-vm');
    const plan = runPlan(scenario);
    const sweep = { parameters: [{ path: 'vm.vcpus', values: [2, 4] }] };
    const recordFailing = async (failing: number): Promise<ExperimentDetail> => {
      const points = [{ 'vm.vcpus': 2 }, { 'vm.vcpus': 4 }];
      const { experimentId, runIds } = await store.createExperiment({
        name: `failing ${failing}`,
        kind: 'sweep',
        method: plan.method,
        scenario,
        sweep,
        runs: points.flatMap((point) => plan.strategies.map((strategy) => ({ strategy, point, seeds: plan.seeds }))),
      });
      await store.setExperimentStatus(experimentId, 'running');
      const output = runScenario(setParameter(scenario, 'vm.vcpus', 2));
      const done = runIds.length - failing;
      await store.saveRunResults(
        runIds.slice(0, done).map((runId, i) => ({
          runId,
          modelVersion: output.modelVersion,
          costTable: output.costTable,
          result: output.strategies.find((r) => r.strategy === plan.strategies[i % plan.strategies.length])!,
        })),
      );
      await store.setRunsStatus(runIds.slice(done), 'failed', 'the model returned no result for this strategy');
      await store.setExperimentStatus(experimentId, 'failed');
      return detailOf(experimentId);
    };
    const total = 2 * plan.strategies.length;
    const some = experimentText(await recordFailing(1), { metric: 'cost.overheadPct', build: BUILD });
    expect(some.split('\n')[1]).toContain(`analytic model, failed: ${total - 1} of ${total} runs done, created`);
    const all = experimentText(await recordFailing(total), { metric: 'cost.overheadPct', build: BUILD });
    expect(all.split('\n')[1]).toContain(`analytic model, failed: 0 of ${total} runs done, created`);
    expect(all).toContain('Results: no run of this experiment has finished.');
    expectMailSafe(all);
  });

  it('refuses a metric, a point or a strategy the experiment does not have, naming the nearest', async () => {
    const detail = await record('one', presetScenario(0), { parameters: [{ path: 'vm.vcpus', values: [1, 2] }] });
    expect(() => experimentText(detail, { metric: 'cost.overheadpct', build: BUILD })).toThrow(
      /"cost.overheadpct" is not a metric; did you mean cost.overheadPct/,
    );
    expect(() =>
      experimentText(detail, { metric: 'cost.overheadPct', view: { point: { 'vm.vcpu': 1 } }, build: BUILD }),
    ).toThrow(/view.point: "vm.vcpu" is not swept in this experiment; did you mean vm.vcpus\?/);
    expect(() =>
      experimentText(detail, { metric: 'cost.overheadPct', view: { strategies: ['S9'] }, build: BUILD }),
    ).toThrow(/view.strategies: "S9" is not a strategy of this experiment/);
  });
});
