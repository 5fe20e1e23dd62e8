// gmemlab import-perf
import { readFileSync } from 'node:fs';
import {
  parsePerfKvmStat,
  PERF_IMPORT_BASE_PRESET,
  PRESETS,
  scenarioFromPerfReport,
  type Scenario,
  validateScenario,
} from '../../../common/core/index.ts';
import { aboutFile, out, printJson, readScenarioFile, UsageError, writeOut, type Command } from '../shared.ts';

const positive = (name: string, text: unknown): number => {
  const n = Number(text);
  if (typeof text !== 'string' || text.trim() === '' || !Number.isFinite(n) || n <= 0)
    throw new UsageError(`--${name}: "${String(text)}" is not a positive number`);
  return n;
};

export const importPerfCommand: Command = {
  name: 'import-perf',
  summary: 'make a scenario from `perf kvm stat report` text (its exit rates into a base scenario)',
  usage:
    'gmemlab import-perf REPORT.txt (--duration SECONDS | --total-rate EXITS_PER_SEC) --out SCENARIO.json [--base SCENARIO.json | --preset NAME] [--json]',
  options: {
    duration: { type: 'string' },
    'total-rate': { type: 'string' },
    out: { type: 'string' },
    base: { type: 'string' },
    preset: { type: 'string' },
  },
  async run({ positionals, values, json }) {
    if (positionals.length !== 1)
      throw new UsageError('import-perf needs one REPORT.txt (the output of `perf kvm stat report`)');
    const file = positionals[0]!;
    // perf counts exits; a rate needs the recording's length, or the total exit rate.
    if ((values['duration'] === undefined) === (values['total-rate'] === undefined)) {
      throw new UsageError(
        'import-perf needs how long the recording ran (--duration SECONDS, as in `perf kvm stat record -a sleep SECONDS`) or the total exit rate (--total-rate EXITS_PER_SEC), one of the two',
      );
    }
    const target = values['out'];
    if (typeof target !== 'string' || target === '') throw new UsageError('import-perf needs --out SCENARIO.json');
    if (values['base'] !== undefined && values['preset'] !== undefined)
      throw new UsageError('give --base or --preset, not both');
    const basis =
      values['duration'] !== undefined
        ? { durationSec: positive('duration', values['duration']) }
        : { totalExitsPerSec: positive('total-rate', values['total-rate']) };

    let base: Scenario;
    let baseName: string;
    if (typeof values['base'] === 'string') {
      base = readScenarioFile(values['base']).scenario;
      baseName = values['base'];
    } else {
      const id = typeof values['preset'] === 'string' ? values['preset'] : PERF_IMPORT_BASE_PRESET;
      const preset = PRESETS.find((p) => p.id === id);
      if (preset === undefined)
        throw new UsageError(`--preset: no preset named "${id}"; known: ${PRESETS.map((p) => p.id).join(', ')}`);
      base = preset.scenario;
      baseName = `preset ${id}`;
    }
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new UsageError(`cannot read ${file}: ${(err as Error).message}`);
    }
    const result = aboutFile(file, () => scenarioFromPerfReport(parsePerfKvmStat(text), basis, base));
    // The report decides rates, name and description: a scenario gmemlab would refuse is not written.
    const checked = validateScenario(result.scenario);
    if (!checked.ok)
      throw new UsageError(
        `${file}: the scenario made from this report is not valid, so ${target} was not written:\n${checked.issues.map((i) => `  ${i.path || '(root)'}: ${i.message}`).join('\n')}`,
      );
    await writeOut(target, `${JSON.stringify(result.scenario, null, 2)}\n`);
    if (json) {
      printJson({ out: target, base: baseName, ...result });
      return 0;
    }
    const rate = (r: number): string => (r >= 100 ? r.toFixed(0) : r.toPrecision(3));
    const lines = [`wrote ${target}: rates per vCPU from ${file} put into ${baseName}`];
    if (result.cut) lines.push('note: the report looks cut short (its shares add up to under 99%)');
    lines.push('', 'mapped:');
    for (const m of result.mapped)
      lines.push(
        `  ${m.exit.padEnd(20)} -> ${m.touchpoint.padEnd(10)} ${rate(m.ratePerSecPerVcpu).padStart(10)}/s per vCPU  (${m.reason})`,
      );
    if (result.mapped.length === 0) lines.push('  (none: the report has no exit that reads guest memory)');
    lines.push('', 'not mapped (costs an exit, no guest-memory access):');
    for (const m of result.unmapped)
      lines.push(
        `  ${m.exit.padEnd(20)}    ${''.padEnd(10)} ${rate(m.ratePerSecPerVcpu).padStart(10)}/s per vCPU  (${m.reason})`,
      );
    lines.push('', 'assumed (the report cannot say):');
    for (const a of result.assumed) lines.push(`  ${a}`);
    out(lines.join('\n'));
    return 0;
  },
};
