// The plain-text block for a kvm-list or linux-mm mail: ASCII only, no tabs, no line over 72
// columns, so it survives any mail client and any quoting. It holds the results table (with the
// delta against S0 and the 95% CI), an ASCII chart of the swept metric, the scenario summary
// and, last, how to reproduce it: the command and the scenario file itself.
import {
  METRIC_CATALOGUE,
  STRATEGY_NAMES,
  TOUCHPOINT_IDS,
  type MetricInfo,
  type ParameterValue,
  type Scenario,
  type StrategyId,
} from '../../common/core/index.ts';
import type { ExperimentDetail, RunDetail } from '../../common/contract/index.ts';
import { sweepValues } from '../../common/analysis/sweepValues.ts';
import { asciiChart } from './ascii-chart.ts';
import { formatDelta, formatValue } from '../../common/analysis/format.ts';
import { chartSeries } from './series.ts';

export const MAIL_WIDTH = 72;

/** The table's metrics, after the exported one: cost first, then what stays exposed. */
const KEY_METRICS = [
  'cost.overheadPct',
  'cost.hostOverheadPct',
  'cost.bystanderIpisPerSec',
  'exposure.kernel.fraction',
  'exposure.kvm.fraction',
  'exposure.vmm.fraction',
];

/** Column headings that fit 30 columns; other metrics use their catalogue label, shortened. */
const SHORT_LABEL: Record<string, string> = {
  'cost.overheadPct': 'vCPU overhead vs S0 (%)',
  'cost.hostOverheadPct': 'host overhead vs S0 (%)',
  'cost.bystanderIpisPerSec': 'IPIs/s per bystander CPU',
  'exposure.kernel.fraction': 'exposed: host kernel (frac.)',
  'exposure.kvm.fraction': 'exposed: KVM context (frac.)',
  'exposure.vmm.fraction': 'exposed: VMM (fraction)',
};

export interface TextExportOptions {
  /** The metric charted against the swept parameter (and listed first in the table). */
  metric: string;
  /** The file name the reproduce line tells the reader to save the scenario as. */
  scenarioFile?: string;
}

export function experimentText(detail: ExperimentDetail, options: TextExportOptions): string {
  const scenarioFile = options.scenarioFile ?? 'scenario.json';
  const info = metricInfo(options.metric);
  const series = chartSeries(detail, info.key);
  const lines: string[] = [];
  lines.push(...wrap(`gmemlab experiment ${detail.id}: ${detail.name}`, MAIL_WIDTH));
  lines.push(
    ...wrap(
      `${detail.method} model ${detail.modelVersion ?? '(no finished run)'}, ${detail.runsDone} of ${detail.runsTotal} runs ${detail.status}, created ${detail.createdAt.slice(0, 16).replace('T', ' ')} UTC`,
      MAIL_WIDTH,
    ),
  );
  lines.push('');

  const table = resultsAt(detail, series.xPath);
  lines.push(...wrap(table.title, MAIL_WIDTH), '');
  lines.push(...metricTables(table.runs, [info.key, ...KEY_METRICS.filter((k) => k !== info.key)].map(metricInfo)));
  lines.push('');

  if (series.xPath !== undefined && series.series.some((s) => s.points.length > 1)) {
    const fixed = Object.entries(series.fixed).map(([p, v]) => `${p} = ${String(v)}`);
    lines.push(
      ...wrap(
        `${info.label} (${info.unit}) against ${series.xPath}${fixed.length > 0 ? `, at ${fixed.join(', ')}` : ''}:`,
        MAIL_WIDTH,
      ),
      '',
    );
    lines.push(...asciiChart(series, { width: MAIL_WIDTH, height: 16 }));
    lines.push('');
  }
  lines.push(...legend(detail));
  lines.push('');
  lines.push(...scenarioSummary(detail.scenario, detail));
  lines.push('');
  lines.push(...reproduce(detail, scenarioFile));
  return `${lines.map((l) => l.trimEnd()).join('\n')}\n`;
}

function metricInfo(key: string): MetricInfo {
  const info = METRIC_CATALOGUE.find((m) => m.key === key);
  if (info === undefined) throw new RangeError(`"${key}" is not a metric (see the metric catalogue)`);
  return info;
}

/** The runs of one point: a single run's, or a sweep's last point (the end of the chart). */
function resultsAt(detail: ExperimentDetail, xPath: string | undefined): { title: string; runs: RunDetail[] } {
  const done = detail.runs.filter((r) => r.status === 'done');
  const paths = [...new Set(detail.runs.flatMap((r) => Object.keys(r.point)))];
  if (paths.length === 0) return { title: 'Results (mean, 95% CI over seeds, delta against S0):', runs: done };
  // The point with the largest x among finished runs; other parameters at their first value.
  let best: RunDetail | undefined;
  for (const r of done)
    if (best === undefined || (xPath !== undefined && Number(r.point[xPath]) > Number(best.point[xPath]))) best = r;
  if (best === undefined) return { title: 'Results: no run of this experiment has finished.', runs: [] };
  const at = best.point;
  const where = paths.map((p) => `${p} = ${String(at[p])}`).join(', ');
  return {
    title: `Results at ${where} (mean, 95% CI over seeds, delta against S0):`,
    runs: done.filter((r) => paths.every((p) => r.point[p] === at[p])),
  };
}

/** Two metrics per table: each as mean, CI and delta against S0, within 72 columns. */
function metricTables(runs: RunDetail[], metrics: MetricInfo[]): string[] {
  if (runs.length === 0) return [];
  const s0 = runs.find((r) => r.strategy === 'S0');
  const lines: string[] = [];
  const present = metrics.filter((m) => runs.some((r) => r.metrics[m.key] !== undefined));
  const seeded = runs.some((r) => Object.values(r.metrics).some((e) => e.n > 1));
  for (let i = 0; i < present.length; i += 2) {
    const pair = present.slice(i, i + 2);
    // Per metric: mean (10), CI (9), delta (10) and their spaces, 32; the strategy column is 6.
    const head1 = [
      '      ',
      ...pair.map((m) => ` ${fit(SHORT_LABEL[m.key] ?? `${m.label} (${m.unit})`, 31).padEnd(31)}`),
    ].join('');
    const head2 = [
      '      ',
      ...pair.map(() => ` ${'mean'.padStart(10)} ${'+-95%CI'.padStart(9)} ${'vs S0'.padStart(10)}`),
    ].join('');
    lines.push(head1, head2);
    for (const run of runs) {
      const cells = pair.map((m) => {
        const e = run.metrics[m.key];
        if (e === undefined) return ` ${'-'.padStart(10)} ${''.padStart(9)} ${''.padStart(10)}`;
        const base = s0?.metrics[m.key];
        const delta = base === undefined || run.strategy === 'S0' ? '-' : formatDelta(difference(e.mean, base.mean));
        return ` ${fit(formatValue(e.mean), 10).padStart(10)} ${fit(e.n > 1 ? formatValue(e.ci95) : '-', 9).padStart(9)} ${fit(delta, 10).padStart(10)}`;
      });
      lines.push(`${run.strategy.padEnd(6)}${cells.join('')}`);
    }
    lines.push('');
  }
  lines.push(
    ...wrap(
      seeded
        ? 'CI: half-width of the 95% confidence interval over the seeds.'
        : 'No CI: the analytic model is exact for its inputs (one evaluation, no seeds).',
      MAIL_WIDTH,
    ),
  );
  return lines;
}

/** a - b, with float noise (1 - 0.9999999999) shown as the 0 it is. */
function difference(a: number, b: number): number {
  const d = a - b;
  return Math.abs(d) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b)) ? 0 : d;
}

/** Chart symbols and strategy names: S0 is drawn as 0, S1 as 1, and so on. */
function legend(detail: ExperimentDetail): string[] {
  const strategies = [...new Set(detail.runs.map((r) => r.strategy))];
  const lines = ['Strategies (the chart draws each as its digit; # where they overlap):'];
  for (const s of strategies) lines.push(...hang(`  ${s}  `, STRATEGY_NAMES[s as StrategyId]));
  return lines;
}

const onOff = (b: boolean): string => (b ? 'on' : 'off');

function scenarioSummary(s: Scenario, detail: ExperimentDetail): string[] {
  const lines = [...wrap(`Scenario "${s.name}" (revision ${detail.scenarioId.slice(0, 12)})`, MAIL_WIDTH)];
  const field = (label: string, text: string): void => {
    lines.push(...hang(`  ${label.padEnd(6)}`, text));
  };
  const h = s.host;
  field(
    'host',
    `${h.cpus} CPUs at ${h.ghz} GHz; PCID ${onOff(h.pcid)}; SMAP ${onOff(h.smap)}${h.smap ? ` (stops speculation: ${h.smapStopsSpeculation ? 'yes' : 'no'})` : ''}; LASS ${onOff(h.lass)}; direct map in ${h.directMapPageSize} pages; ${h.irqPerSecPerCpu} IRQ/s and ${h.nmiPerSecPerCpu} NMI/s per CPU`,
  );
  const v = s.vm;
  field(
    'VM',
    `${v.vcpus} vCPUs, ${v.memoryGiB} GiB in ${v.backingPageSize} pages; vCPUs ${v.placement}; nested ${onOff(v.nested)}; dirty logging ${onOff(v.dirtyLogging)}; post-copy ${onOff(v.postCopy)}; ${v.userspaceExitsPerSecPerVcpu} exits/s to the VMM and ${v.schedInsPerSecPerVcpu} sched-ins/s per vCPU; ${v.inKvmRunFraction} of the time in KVM_RUN`,
  );
  const active = TOUCHPOINT_IDS.filter((id) => s.workload.touchpoints[id].ratePerSec > 0).map((id) => {
    const t = s.workload.touchpoints[id];
    return `${id} ${t.ratePerSec}/s x ${t.pagesPerEvent} pages, ${t.bytesPerEvent} B ${t.write ? 'write' : 'read'}`;
  });
  field(
    'load',
    active.length === 0
      ? 'no touchpoint has a rate above 0'
      : `${active.join('; ')} (rates per vCPU for KVM's touchpoints, per VM for the VMM's)`,
  );
  const overridden = Object.entries(s.host.costs).filter(([, value]) => value !== undefined);
  field(
    'costs',
    overridden.length === 0
      ? `the model's sourced defaults (model ${detail.modelVersion ?? '?'})`
      : `defaults except ${overridden.map(([k, value]) => `${k} = ${String(value)}`).join(', ')}`,
  );
  if (detail.sweep !== null)
    for (const p of detail.sweep.parameters) field('sweep', `${p.path} over ${describeValues(p.values)}`);
  const sim = s.simulation;
  field(
    'run',
    sim.method === 'des'
      ? `discrete-event simulation, ${sim.durationSec} s simulated, ${sim.arrivals === 'fixed' ? 'fixed-interval' : 'Poisson'} arrivals, seeds ${sim.seeds.join(', ')}`
      : 'analytic model',
  );
  return lines;
}

function describeValues(values: ParameterValue[]): string {
  if (values.length <= 8) return values.map(String).join(', ');
  return `${values.length} values from ${String(values[0])} to ${String(values[values.length - 1])}`;
}

/** The command that reruns the experiment, and the scenario it needs. */
function reproduce(detail: ExperimentDetail, file: string): string[] {
  const command =
    detail.sweep === null
      ? `gmemlab run ${file}`
      : `gmemlab sweep ${file} ${detail.sweep.parameters.map((p) => `--param ${p.path}=${sweepArgument(p.values)}`).join(' ')}`;
  const lines = [
    ...wrap(
      `To reproduce (model ${detail.modelVersion ?? '?'}): save the scenario between the marks below as ${file}, then run:`,
      MAIL_WIDTH,
    ),
    ...foldShell(`  ${command}`),
    '',
    ...wrap('Lines ending in a backslash continue on the next line; gmemlab reads the file as it is.', MAIL_WIDTH),
    `-----8<----- ${file}`,
    ...scenarioJson(detail.scenario),
    '----->8-----',
  ];
  return lines;
}

/**
 * A sweep's values as the CLI takes them: lin:/log: when the range expands (as sweepValues
 * expands it for the window and the CLI) to exactly these values, else the list.
 */
export function sweepArgument(values: ParameterValue[]): string {
  const nums = values.filter((v): v is number => typeof v === 'number');
  if (nums.length === values.length && nums.length >= 3) {
    const range = { from: nums[0]!, to: nums[nums.length - 1]!, count: nums.length };
    for (const kind of ['linear', 'log'] as const) {
      const expanded = sweepValues({ kind, ...range }, { kind: 'number', integer: false });
      if (expanded.ok && expanded.values.length === nums.length && expanded.values.every((v, i) => v === nums[i])) {
        return `${kind === 'linear' ? 'lin' : 'log'}:${range.from}:${range.to}:${range.count}`;
      }
    }
  }
  return values.map(String).join(',');
}

/**
 * A shell command folded with backslash-newline, which the shell removes: broken at a space
 * (continued with an indent) or, inside a long value list, after a comma (continued flush).
 */
function foldShell(command: string): string[] {
  const lines: string[] = [];
  let rest = command;
  while (rest.length > MAIL_WIDTH) {
    const space = rest.lastIndexOf(' ', MAIL_WIDTH - 2);
    if (space > 4) {
      lines.push(`${rest.slice(0, space)} \\`);
      rest = `    ${rest.slice(space + 1)}`;
      continue;
    }
    const comma = rest.lastIndexOf(',', MAIL_WIDTH - 2);
    const cut = comma > 4 ? comma + 1 : MAIL_WIDTH - 1;
    lines.push(`${rest.slice(0, cut)}\\`);
    rest = rest.slice(cut);
  }
  lines.push(rest);
  return lines;
}

/**
 * The scenario as JSON, laid out to stay readable within 72 columns: an object or array goes on
 * one line when it fits. A line that still does not fit (a long string) is cut and continued
 * after a trailing backslash; readScenarioText joins such lines back.
 */
export function scenarioJson(scenario: Scenario): string[] {
  const out: string[] = [];
  layout(scenario, '', '', '', out);
  return out.flatMap(foldLine);
}

/** JSON with every non-ASCII character escaped (\\uXXXX): the same value, ASCII only. */
const asciiJson = (value: unknown): string =>
  JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

function layout(value: unknown, indent: string, prefix: string, suffix: string, out: string[]): void {
  const inline = asciiJson(value);
  if (
    indent.length + prefix.length + inline.length + suffix.length <= MAIL_WIDTH ||
    value === null ||
    typeof value !== 'object'
  ) {
    out.push(`${indent}${prefix}${inline}${suffix}`);
    return;
  }
  const entries: [string, unknown][] = Array.isArray(value)
    ? value.map((v) => ['', v])
    : Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  out.push(`${indent}${prefix}${Array.isArray(value) ? '[' : '{'}`);
  entries.forEach(([key, v], i) =>
    layout(v, `${indent}  `, Array.isArray(value) ? '' : `${asciiJson(key)}: `, i < entries.length - 1 ? ',' : '', out),
  );
  out.push(`${indent}${Array.isArray(value) ? ']' : '}'}${suffix}`);
}

function foldLine(line: string): string[] {
  const parts: string[] = [];
  let rest = line;
  while (rest.length > MAIL_WIDTH) {
    parts.push(`${rest.slice(0, MAIL_WIDTH - 1)}\\`);
    rest = rest.slice(MAIL_WIDTH - 1);
  }
  parts.push(rest);
  return parts;
}

/**
 * Reads scenario JSON as written by scenarioJson, or as pasted back from a mail: the text between
 * the scissors marks if they are there, folded lines joined. Plain JSON passes through unchanged
 * (a line of valid JSON never ends in a backslash outside a string).
 */
export function unfoldScenarioText(text: string): string {
  const marked = /^-----8<-----.*$([\s\S]*?)^----->8-----$/m.exec(text);
  const body = marked === null ? text : marked[1]!;
  return body.replace(/\\\r?\n/g, '');
}

/** Shortens a cell to width with a trailing '~' (the full value is in the CSV and JSON exports). */
function fit(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}~`;
}

/** Word-wraps to width. A word longer than a line is cut. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of toAscii(text).split(/ +/)) {
    const candidate = line === '' ? word : `${line} ${word}`;
    if (candidate.length <= width) {
      line = candidate;
      continue;
    }
    if (line !== '') lines.push(line);
    let rest = word;
    while (rest.length > width) {
      lines.push(rest.slice(0, width));
      rest = rest.slice(width);
    }
    line = rest;
  }
  if (line !== '' || lines.length === 0) lines.push(line);
  return lines;
}

/** `label` then the text wrapped beside it; continuation lines indented to the label's width. */
function hang(label: string, text: string): string[] {
  const pad = ' '.repeat(label.length);
  return wrap(text, MAIL_WIDTH - label.length).map((line, i) => `${i === 0 ? label : pad}${line}`);
}

const ASCII_FOR: Record<string, string> = {
  '\u2192': '->',
  '\u00d7': 'x',
  '\u2013': '-',
  '\u2014': '--',
  '\u2018': "'",
  '\u2019': "'",
  '\u201c': '"',
  '\u201d': '"',
  '\u00b1': '+-',
  '\u2264': '<=',
  '\u2265': '>=',
  '\u00b5': 'u',
  '\u03bc': 'u',
  '\t': ' ',
};

/** Names and notes come from users: anything outside printable ASCII becomes ASCII or '?'. */
export function toAscii(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, (c) => ASCII_FOR[c] ?? '?');
}
