// The plain-text export: golden files for a sweep and a single run, the mail rules (ASCII, no
// tabs, 72 columns) on awkward inputs, and the scenario read back from the text as pasted.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COST_KEYS, PRESETS, runPlan, runScenario, validateScenario, type Scenario } from '../../common/core/index.ts';
import { formatValue } from '../../common/analysis/format.ts';
import type { ExperimentDetail } from '../../common/contract/index.ts';
import { Store } from '../store/store.ts';
import { presetScenario, recordExperiment, tempDir } from '../store/testing.ts';
import { experimentText, scenarioJson, sweepArgument, unfoldScenarioText } from './text.ts';

const GOLDEN = join(import.meta.dirname, 'golden');
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

/** Fixed id and dates: the golden files must not change from one run to the next. */
async function detailOf(name: string, options: { scenario?: Scenario; vcpus?: number[] }): Promise<ExperimentDetail> {
  const { experimentId } = await recordExperiment(store, { name, ...options });
  const detail = (await store.getExperiment(experimentId))!;
  return { ...detail, id: 42, createdAt: '2026-11-25T09:30:00.000Z' };
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

describe('experimentText', () => {
  it('writes a sweep as the golden file: table at the last point, chart, legend, summary, reproduce', async () => {
    const detail = await detailOf('MMIO-heavy guest: vCPU sweep', {
      scenario: PRESETS.find((p) => p.id === 'mmio-heavy-legacy')!.scenario,
      vcpus: [1, 2, 4, 8, 16, 32, 64, 128, 256],
    });
    const text = experimentText(detail, { metric: 'cost.overheadPct' });
    expectMailSafe(text);
    golden('sweep.txt', text);
    expect(text).toContain('Results at vm.vcpus = 256');
    expect(text).toMatch(/^S2 +[0-9.e+-]+ +- +\+[0-9.e+-]+/m);
    expect(text).toContain('vm.vcpus (log scale)');
    expect(text).toContain('gmemlab sweep scenario.json --param');
    expect(text).toContain('vm.vcpus=log:1:256:9');
  });

  it('writes a single run as the golden file, with no chart', async () => {
    const detail = await detailOf('Quiet VM', { scenario: presetScenario(0) });
    const text = experimentText(detail, { metric: 'cost.hostOverheadPct', scenarioFile: 'quiet.json' });
    expectMailSafe(text);
    golden('single.txt', text);
    expect(text).not.toContain('(log scale)');
    expect(text).toContain('  gmemlab run quiet.json');
    // The exported metric leads the table.
    expect(text.indexOf('host overhead vs S0')).toBeLessThan(text.indexOf('vCPU overhead vs S0'));
  });

  it('keeps to ASCII and 72 columns whatever the names, notes, descriptions and sweep values hold', async () => {
    let scenario = presetScenario(1);
    scenario = {
      ...scenario,
      name: 'Gäste\tmit µ-Latenz → 10 µs “quoted” ' + 'x'.repeat(120),
      description: `Ünïcödé ${'long description '.repeat(20)} C:\\path\\`,
    };
    scenario = { ...scenario, host: { ...scenario.host, costs: { [COST_KEYS[0]!]: 1234 } } };
    const detail = await detailOf(
      '名前 with a very long name that goes on and on past any sensible width for a subject line',
      {
        scenario,
        vcpus: [
          3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97, 101, 103, 107,
          109, 113,
        ],
      },
    );
    const text = experimentText(detail, { metric: 'latency.mmio.meanUs' });
    expectMailSafe(text);
    // Values that are no range are written out in full, folded for the shell.
    expect(text).toContain('vm.vcpus=3,5,7,11');
    expect(text).toContain(`defaults except ${COST_KEYS[0]} = 1234`);
    // The scenario in the text is the scenario, exactly.
    expect(JSON.parse(unfoldScenarioText(text))).toEqual(detail.scenario);
  });

  it('shows the 95% CI of a discrete-event run over its seeds', async () => {
    const scenario: Scenario = {
      ...presetScenario(0),
      simulation: { method: 'des', durationSec: 0.02, seeds: [1, 2, 3] },
    };
    const plan = runPlan(scenario);
    const { experimentId, runIds } = await store.createExperiment({
      name: 'des',
      kind: 'single',
      method: 'des',
      scenario,
      runs: plan.strategies.map((strategy) => ({ strategy, point: {}, seeds: plan.seeds })),
    });
    const output = runScenario(scenario);
    await store.saveRunResults(
      plan.strategies.map((strategy, i) => ({
        runId: runIds[i]!,
        modelVersion: output.modelVersion,
        costTable: output.costTable,
        result: output.strategies.find((r) => r.strategy === strategy)!,
      })),
    );
    const detail = (await store.getExperiment(experimentId))!;
    const text = experimentText(detail, { metric: 'cost.overheadPct' });
    expectMailSafe(text);
    const s2 = detail.runs.find((r) => r.strategy === 'S2')!.metrics['cost.overheadPct']!;
    expect(s2.n).toBe(3);
    expect(text).toMatch(
      new RegExp(
        `^S2 +${formatValue(s2.mean).replace(/[.+]/g, '\\$&')} +${formatValue(s2.ci95).replace(/[.+]/g, '\\$&')} `,
        'm',
      ),
    );
    expect(text).toContain('CI: half-width of the 95% confidence interval over the seeds.');
    expect(text).toContain('discrete-event simulation, 0.02 s simulated, Poisson arrivals,');
    expect(text).toContain('seeds 1, 2, 3');
  });

  it('refuses a metric that does not exist, naming it', async () => {
    const detail = await detailOf('one', {});
    expect(() => experimentText(detail, { metric: 'cost.nope' })).toThrow(/"cost.nope" is not a metric/);
  });
});

describe('scenario JSON in the text', () => {
  it('reads back equal to the scenario, from the file as written and from a pasted mail', () => {
    for (const preset of PRESETS) {
      const lines = scenarioJson(preset.scenario);
      expect(lines.every((l) => l.length <= 72)).toBe(true);
      const written = lines.join('\n');
      expect(JSON.parse(unfoldScenarioText(written))).toEqual(preset.scenario);
      const mail = `Hi all,\n\nnumbers below.\n-----8<----- s.json\n${written}\n----->8-----\n-- \nsignature\n`;
      const parsed = validateScenario(JSON.parse(unfoldScenarioText(mail)));
      expect(parsed.ok && parsed.value).toEqual(preset.scenario);
    }
  });
});

describe('sweepArgument', () => {
  it('gives lin: and log: for exact ranges and the list otherwise', () => {
    expect(sweepArgument([1, 2, 3, 4, 5])).toBe('lin:1:5:5');
    expect(sweepArgument([1, 10, 100, 1000])).toBe('log:1:1000:4');
    expect(sweepArgument([0.5, 0.75, 1])).toBe('lin:0.5:1:3');
    expect(sweepArgument([1, 2, 5])).toBe('1,2,5');
    expect(sweepArgument(['kvm_run', 'vcpu_load'])).toBe('kvm_run,vcpu_load');
    expect(sweepArgument([true, false])).toBe('true,false');
  });
});
