// The plain-text block for a kvm-list or linux-mm mail: ASCII only, no tabs, no line over 72
// columns, so it survives any mail client and any quoting. In order: what made it (gmemlab
// version and commit, model version), the results at the chosen point as a strategies-as-columns
// table with the core's flags, the Pareto front of the trade-off plane there and whether the
// strategies' ranking holds over the cost table's ranges, an ASCII chart of the exported metric, the capability matrix, the
// cost entries the numbers depend on (with their sources as footnotes), the scenario in words,
// and how to reproduce it: the command, and the scenario (or sweep) between scissors marks,
// which `gmemlab run` / `gmemlab sweep` read back from the mail as it is or quoted in a reply.
import {
  CAPABILITY_USES,
  MODEL_VERSION,
  STRATEGY_IDS,
  STRATEGY_NAMES,
  TOUCHPOINT_IDS,
  TOUCHPOINTS,
  validScenarioAt,
  type CapabilityRow,
  type Scenario,
  type StrategyId,
} from '../../common/core/index.ts';
import type { ExperimentDetail, ExportView, RunDetail } from '../../common/contract/index.ts';
import { formatValue } from '../../common/analysis/format.ts';
import { asciiChart } from './ascii-chart.ts';
import type { BuildInfo } from './build-info.ts';
import { costTableAt, sweptCostKeys } from '../../common/analysis/costTable.ts';
import { costDependencies } from '../../common/analysis/dependence.ts';
import { MAIL_WIDTH, REPRODUCE_MODEL, SCISSORS_CLOSE, SCISSORS_OPEN, scenarioJson } from './scenario-text.ts';
import { chartSeries, flaggedWords } from './series.ts';
import { measuredCosts, resultsBlock, shownMetrics } from './results.ts';
import { contextWords, frontOf } from './plane.ts';
import { sensitivityAt } from './tornado.ts';
import { describePoint, resolveView, type ResolvedView } from './view.ts';
import { hang, toAscii, wrap } from './wrap.ts';
import { unfitToQuote } from '../../common/analysis/trust.ts';

export { MAIL_WIDTH };

export interface TextExportOptions {
  /** The metric charted against the swept parameter (and listed first in the table). */
  metric: string;
  /** The point, chart axis and slice, strategies drawn, and whether to list every metric. */
  view?: ExportView;
  /** The file name the reproduce line tells the reader to save the scenario as. */
  scenarioFile?: string;
  /** The gmemlab that wrote the mail (build-info.ts; fixed in golden tests). */
  build: BuildInfo;
}

export function experimentText(detail: ExperimentDetail, options: TextExportOptions): string {
  const scenarioFile = fitted(options.scenarioFile ?? (detail.sweep === null ? 'scenario.json' : 'sweep.json'));
  const view = resolveView(detail, options.metric, options.view);
  const W = MAIL_WIDTH;
  const lines: string[] = [];
  const para = (text: string): void => {
    lines.push(...wrap(text, W));
  };
  para(`gmemlab experiment ${detail.id}: ${detail.name}`);
  para(
    `${detail.method === 'des' ? 'discrete-event simulation' : 'analytic model'}, ${detail.status === 'done' ? '' : `${detail.status}: `}${detail.runsDone} of ${detail.runsTotal} runs done, created ${detail.createdAt.slice(0, 16).replace('T', ' ')} UTC`,
  );
  // The commit is the exporter's: the runs record the model they were computed with, not a commit.
  para(
    detail.modelVersion === null
      ? `no finished run; exported by gmemlab ${options.build.version} (commit ${options.build.commit})`
      : `computed with model ${detail.modelVersion}; exported by gmemlab ${options.build.version} (commit ${options.build.commit})${detail.modelVersion === MODEL_VERSION ? '' : `, which computes model ${MODEL_VERSION}`}`,
  );
  lines.push(...measuredCosts(detail, W));
  lines.push('');

  const runs = view.runs;
  lines.push(...resultsBlock(detail, view, W), '');
  if (runs.length > 0) lines.push(...frontSection(detail, view), ...sensitivitySection(detail, view));

  const series = chartSeries(detail, view);
  if (series.xPath !== undefined && series.series.some((s) => s.points.length > 1)) {
    const fixed = describePoint(series.fixed);
    para(
      `${view.metric.label} (${view.metric.unit}) against ${series.xPath}${fixed === '' ? '' : `, at ${fixed}`}${view.hidden.length > 0 ? `; ${view.hidden.join(', ')} not drawn` : ''}:`,
    );
    lines.push('');
    const chart = asciiChart(series, {
      width: W,
      height: 16,
      logX: view.logX,
      ...(view.yScale === 'log' ? { logY: true } : view.yScale === 'linear' ? { logY: false } : {}),
    });
    lines.push(...chart.lines, '');
    lines.push('Key (each line is drawn with the digit of its first strategy):');
    for (const k of chart.key)
      lines.push(
        ...hang(
          `  ${k.symbol}  `,
          k.strategies.length === 1 ? k.strategies[0]! : `${k.strategies.join(', ')} (the same at every point)`,
          W,
        ),
      );
    if (chart.meetings.length > 0)
      lines.push(...hang('  *  ', `lines in the same place: ${chart.meetings.join('; ')}`, W));
    // The chart's digits cannot carry the flags: its lines' flagged stretches in words, as an
    // exported image's caption names them.
    const flagged = flaggedWords(series);
    if (flagged !== undefined) lines.push(...wrap(`Flagged by the model along the lines: ${flagged}.`, W));
    lines.push('');
  }

  lines.push('Strategies:');
  const present = STRATEGY_IDS.filter((s) => detail.runs.some((r) => r.strategy === s));
  for (const s of present) lines.push(...hang(`  ${s.padEnd(4)}`, STRATEGY_NAMES[s], W));
  lines.push('');
  lines.push(...capabilityMatrix(runs));
  lines.push(
    ...costSection(
      detail,
      view.point,
      view.metric.key,
      shownMetrics(detail, view).map((m) => m.key),
    ),
  );
  lines.push(...scenarioSummary(detail.scenario, detail));
  lines.push('');
  lines.push(...reproduce(detail, scenarioFile));
  return `${lines.map((l) => l.trimEnd()).join('\n')}\n`;
}

/** The strategies on the trade-off plane's Pareto front at the reported point, one line each. */
function frontSection(detail: ExperimentDetail, view: ResolvedView): string[] {
  const { lines: front, off } = frontOf(detail, view);
  if (front.length === 0 && off === undefined) return [];
  const { cost, measure, context } = view.plane;
  const plane = `${cost.label} against ${measure === 'longestWindowUs' ? 'the longest window' : 'exposure'} to ${contextWords(context)}`;
  if (front.length === 0)
    return [
      ...wrap(
        `No Pareto front at this point (${plane}): every strategy${view.hidden.length > 0 ? ` drawn (${view.hidden.join(', ')} left out)` : ''} is flagged as unfit to quote: ${off}.`,
        MAIL_WIDTH,
      ),
      '',
    ];
  const lines = wrap(
    `Pareto front at this point, ${plane} (no other strategy${view.hidden.length > 0 ? ` drawn (${view.hidden.join(', ')} left out)` : ''} is both cheaper and less exposed, of those the model does not flag as unfit to quote; less exposed: "never", then exposure in windows by ${measure === 'longestWindowUs' ? 'its longest window' : 'its share'}, then "always" (some memory always reachable, however little) by its share):`,
    MAIL_WIDTH,
  );
  for (const p of front)
    lines.push(
      ...hang(
        `  ${p.strategy.padEnd(4)}`,
        `${p.cost}; ${measure === 'longestWindowUs' ? 'longest window' : 'exposed'} ${p.exposure}${p.flags.length > 0 ? `; ! flagged: ${p.flags.join(', ')}` : ''}`,
        MAIL_WIDTH,
      ),
    );
  if (off !== undefined) lines.push(...wrap(`Never on the front, flagged as unfit to quote: ${off}.`, MAIL_WIDTH));
  lines.push('');
  return lines;
}

/** The sensitivity's one-line answer: does the ranking hold when every cost entry varies over its range? */
function sensitivitySection(detail: ExperimentDetail, view: ResolvedView): string[] {
  const scenario = validScenarioAt(detail.scenario, view.point);
  // A point whose scenario no longer validates (an older model's) has no sensitivity to give.
  if (scenario === undefined) return [];
  const { ranking } = sensitivityAt(detail, view);
  // A strategy flagged as unfit to quote here is ranked too, but its place says little.
  const unfit = view.runs.filter((r) => unfitToQuote(r)).map((r) => r.strategy);
  return [
    ...wrap(
      `Sensitivity (analytic model${detail.method === 'analytic' ? '' : ', for this simulator result'}): ranked by ${view.sensitivity.metric.label}, ${ranking.summary}.${unfit.length > 0 ? ` ${unfit.join(', ')} ${unfit.length === 1 ? 'is' : 'are'} flagged as unfit to quote here: ${unfit.length === 1 ? 'its place' : 'their places'} in the ranking mean${unfit.length === 1 ? 's' : ''} little.` : ''}`,
      MAIL_WIDTH,
    ),
    '',
  ];
}

/** Which strategy needs what, and the touchpoints it cannot serve (with the reason). */
function capabilityMatrix(runs: RunDetail[]): string[] {
  const rows = runs.filter((r) => r.capability !== null);
  if (rows.length === 0) return [];
  const yes = (b: boolean): string => (b ? 'yes' : '-');
  const lines = [
    ...wrap(
      "Capability: needs gup(); needs a kernel VA carve-out; needs other architectures' buy-in; needs LASS for its full promise; KVM touchpoints it cannot serve; below, what it relies on that is not in mainline Linux, the host users of guest memory (not touchpoints) it serves only through such work, and those it does not serve at all (how, for each: `gmemlab show ID --json`, runs[].capability.uses).",
      MAIL_WIDTH,
    ),
    '',
    '      gup   carve-out  other arch  LASS  touchpoints lost',
  ];
  for (const r of rows) {
    const c = r.capability!;
    const head = `${r.strategy.padEnd(6)}${yes(c.needsGup).padEnd(6)}${yes(c.needsKernelVaCarveOut).padEnd(11)}${yes(c.needsOtherArchBuyIn).padEnd(12)}${yes(c.needsLassForFullPromise).padEnd(6)}`;
    const cannot = c.cannotServe.map((x) => `${x.touchpoint} (${x.reason})`).join('; ') || '-';
    lines.push(...hang(head, cannot, MAIL_WIDTH));
    // What its numbers assume exists but is not in mainline: the strategy's own work, and the
    // host users it serves only through such work (e.g. the VMM's read()/write() on guest_memfd).
    // Runs of models before 2.1.0 recorded neither: their rows are shown as they were saved.
    const saved = c as Partial<CapabilityRow>;
    const usesThat = (status: 'notUpstream' | 'cannot'): string =>
      CAPABILITY_USES.filter((u) => saved.uses?.[u]?.status === status).join(', ');
    const pending = [
      ...(saved.reliesOnNotUpstream ?? []),
      ...(usesThat('notUpstream') === '' ? [] : [`such work for ${usesThat('notUpstream')}`]),
    ];
    if (pending.length > 0) lines.push(...hang('      not upstream: ', pending.join('; '), MAIL_WIDTH));
    if (usesThat('cannot') !== '') lines.push(...hang('      users not served: ', usesThat('cannot'), MAIL_WIDTH));
  }
  lines.push('');
  return lines;
}

/** The cost entries the numbers depend on, with value, range and class; sources as footnotes. */
function costSection(
  detail: ExperimentDetail,
  point: Record<string, number | string | boolean>,
  metric: string,
  shown: string[],
): string[] {
  // A sweep of a cost entry has another table at each point: this point's (costTable.ts).
  const { table, firstPointOnly } = costTableAt(detail, point);
  const scenario = validScenarioAt(detail.scenario, point);
  if (table === null || scenario === undefined) return [];
  const deps = costDependencies(scenario, table, metric, shown);
  if (deps.length === 0) return [];
  const judged =
    detail.modelVersion === MODEL_VERSION
      ? ''
      : ` Judged with model ${MODEL_VERSION}'s formulas; the runs are model ${detail.modelVersion ?? '(unknown)'}'s.`;
  const firstPoint = firstPointOnly
    ? " The values are the sweep's first point's: it sets cost entries point by point, and for runs of another model the table at this point is not known."
    : '';
  // Entries the point sets, where the table is the point's own.
  const swept = firstPointOnly ? new Set<string>() : sweptCostKeys(point);
  const lines = wrap(
    `Costs these numbers depend on (raised by 10%, each moves a number in the table by more than 0.1%), largest effect on ${metric} first; override any in the scenario's host.costs. Classes: primary (measured and published by whoever measured it), secondary (reported by someone else), estimate (no published figure; only primary counts as sourced)${swept.size > 0 ? '; swept: set by this point' : ''}.${judged}${firstPoint}`,
    MAIL_WIDTH,
  );
  lines.push('');
  const notes: string[] = [];
  for (const { entry: e } of deps) {
    const range = e.low !== e.value || e.high !== e.value ? ` (${formatValue(e.low)}-${formatValue(e.high)})` : '';
    // A value the scenario or the point set is the user's own figure, whatever class the default had.
    const cls = swept.has(e.key) ? 'swept' : e.source === 'scenario override' ? 'override' : e.class;
    let ref = '';
    if (e.source !== 'estimate' && e.source !== 'scenario override') {
      let n = notes.indexOf(e.source);
      if (n < 0) n = notes.push(e.source) - 1;
      ref = ` [${n + 1}]`;
    }
    lines.push(...hang(`  ${e.key}: `, `${formatValue(e.value)} ${e.unit}${range}, ${cls}${ref}`, MAIL_WIDTH));
  }
  lines.push('');
  notes.forEach((source, i) => lines.push(...hang(`  [${i + 1}] `, source, MAIL_WIDTH)));
  if (notes.length > 0) lines.push('');
  return lines;
}

const onOff = (b: boolean): string => (b ? 'on' : 'off');

function scenarioSummary(s: Scenario, detail: ExperimentDetail): string[] {
  const lines = [...wrap(`Scenario "${s.name}" (revision ${detail.scenarioId.slice(0, 12)})`, MAIL_WIDTH)];
  const field = (label: string, text: string): void => {
    lines.push(...hang(`  ${label.padEnd(11)}`, text, MAIL_WIDTH));
  };
  const h = s.host;
  field(
    'host',
    `${h.cpus} CPUs at ${h.ghz} GHz, ${h.vendor}, ${h.memoryGiB} GiB; shootdowns by ${h.tlbInvalidation === 'broadcast' ? 'broadcast invalidation' : 'IPI'}; ${h.otherVmVcpus} vCPUs of other VMs; PCID ${onOff(h.pcid)}; KPTI ${onOff(h.kpti)}${h.kpti ? '' : ` (Meltdown-affected: ${h.meltdownAffected ? 'yes' : 'no'})`}; SMAP ${onOff(h.smap)}${h.smap ? ` (stops speculation: ${h.smapStopsSpeculation ? 'yes' : 'no'})` : ''}; LASS ${onOff(h.lass)}; direct map in ${h.directMapPageSize} pages; ${h.irqPerSecPerCpu} IRQ/s and ${h.nmiPerSecPerCpu} NMI/s per CPU`,
  );
  const v = s.vm;
  field(
    'VM',
    `${v.vcpus} vCPUs, ${v.memoryGiB} GiB in ${v.backingPageSize} pages; vCPUs ${v.placement}; nested ${onOff(v.nested)}; dirty logging ${onOff(v.dirtyLogging)}; post-copy ${onOff(v.postCopy)}; ${v.userspaceExitsPerSecPerVcpu} exits/s to the VMM and ${v.schedInsPerSecPerVcpu} sched-ins/s per vCPU; ${v.inKvmRunFraction} of the time in KVM_RUN`,
  );
  // Each rate with what it is per (touchpoints.ts: ratePer): populate is KVM's but per VM.
  const active = TOUCHPOINT_IDS.filter((id) => (s.workload.touchpoints[id]?.ratePerSec ?? 0) > 0).map((id) => {
    const t = s.workload.touchpoints[id]!;
    return `${id} ${t.ratePerSec}/s per ${TOUCHPOINTS[id].ratePer === 'vcpu' ? 'vCPU' : 'VM'} x ${t.pagesPerEvent} pages, ${t.bytesPerEvent} B`;
  });
  field('load', active.length === 0 ? 'no touchpoint has a rate above 0' : active.join('; '));
  // The figures above are at one point of a sweep: the values this summary gives for the swept
  // parameters are the scenario's own, which each point replaces.
  for (const p of detail.sweep?.parameters ?? [])
    field(
      'swept',
      `${p.path}: ${p.values.length} values, ${p.values.slice(0, 6).map(String).join(', ')}${p.values.length > 6 ? `, ... ${String(p.values.at(-1))}` : ''} (each point sets it; the value above is the scenario's own)`,
    );
  const mix = s.workload.exitMix;
  // What KVM's decode adds: on Intel the instruction page and the guest's page-table walk to it;
  // AMD's decode assists and arm64's syndrome leave nothing to read (docs/model.md).
  const decode =
    mix.instructionDecode === 'given'
      ? 'mmio.pagesPerEvent pages, as given'
      : h.vendor === 'intel'
        ? `its operand pages, the instruction page and a ${mix.guestPagingLevels}-level guest page-table walk (Intel decode)`
        : `its operand pages only (${h.vendor}: nothing more to decode)`;
  field(
    'exits',
    `an MMIO exit reads ${decode}; fast MMIO (nothing read) ${mix.fastMmioShare} of MMIO exits; string PIO ${mix.pioStringShare} of PIO exits`,
  );
  field('strategies', strategyOptions(s, detail.sweep?.parameters.map((p) => p.path) ?? []));
  const overridden = Object.entries(s.host.costs).filter(([, value]) => value !== undefined);
  field(
    'costs',
    overridden.length === 0
      ? `the model's defaults (model ${detail.modelVersion ?? '?'})`
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

/**
 * The strategies the scenario runs, each with the options that decide its figures, for the
 * summary: a reader of the mail sees what S2 flushed and how without the JSON below it.
 */
function strategyOptions(s: Scenario, swept: string[]): string {
  const st = s.strategies;
  const parts: string[] = [];
  const on = (id: StrategyId): boolean => st[id].enabled;
  if (on('S0')) parts.push('S0');
  if (on('S1'))
    parts.push(
      `S1 (flush on zap ${onOff(st.S1.flushOnZap)}${!st.S1.flushOnZap && s.host.vendor === 'arm64' ? ', but the zap flushes by itself on arm64' : ''}${st.S1.gup ? ', gup() allowed' : ''})`,
    );
  if (on('S2')) {
    // The range counts only for immediate flushes; shown too when the sweep varies the policy.
    const range = st.S2.flush === 'immediate' || swept.includes('strategies.S2.flush');
    const timer = st.S2.batchPages > 1 && st.S2.flushAfterUs > 0;
    parts.push(
      `S2 (batches of ${st.S2.batchPages} page${st.S2.batchPages === 1 ? '' : 's'}${timer ? ` or ${st.S2.flushAfterUs} us` : ''}; flush ${st.S2.flush}${range ? `, range ${st.S2.flushRange}` : ''}; pfn-cache pages ${st.S2.keepPfnCacheRestored ? 'kept restored' : 'not served'})`,
    );
  }
  if (on('S3')) parts.push(`S3 (remote flush ${st.S3.remoteFlush})`);
  if (on('S4')) parts.push('S4');
  if (on('S5')) parts.push('S5');
  if (on('S6')) parts.push('S6');
  const shared = [`huge-folio removal ${onOff(st.hugeFolioRemoval)} (not upstream)`];
  // The VMM keeps its mapping under S0, S1 and S6; under S2-S5 it has none.
  if ((['S2', 'S3', 'S4', 'S5'] as const).some(on))
    shared.push(
      `under S2-S5 the VMM reaches guest memory by ${st.vmmAccess === 'syscall' ? 'read()/write() on guest_memfd (not upstream)' : `a selective mmap of ${st.selectiveMmapFraction} of it`}`,
    );
  return `${parts.length === 0 ? 'none enabled' : parts.join('; ')}; ${shared.join('; ')}`;
}

function describeValues(values: (number | string | boolean)[]): string {
  if (values.length <= 8) return values.map(String).join(', ');
  return `${values.length} values from ${String(values[0])} to ${String(values[values.length - 1])}`;
}

/** The longer of the two lines that name the scenario file as they are, unwrapped. */
const FILE_LINE = '  gmemlab sweep ';

/** The scenario file's name, cut where needed so that the lines naming it fit the mail's width. */
function fitted(file: string): string {
  const most = MAIL_WIDTH - Math.max(FILE_LINE.length, SCISSORS_OPEN.length + 1);
  if (file.length <= most) return file;
  const ext = /(\.(scenario|sweep))?\.json$/.exec(file)?.[0] ?? '';
  return file.slice(0, most - ext.length).replace(/-+$/, '') + ext;
}

/** The command that reruns the experiment, and the scenario (or sweep) it needs. */
function reproduce(detail: ExperimentDetail, file: string): string[] {
  const command = detail.sweep === null ? `gmemlab run ${file}` : `gmemlab sweep ${file}`;
  return [
    ...wrap(
      `${REPRODUCE_MODEL}${detail.modelVersion ?? '?'}${detail.modelVersion === null || detail.modelVersion === MODEL_VERSION ? '' : `; gmemlab today computes ${MODEL_VERSION}, whose figures may differ`}): save the ${detail.sweep === null ? 'scenario' : 'sweep (the scenario and the parameters it is swept over)'} between the marks below as ${file}, then run:`,
      MAIL_WIDTH,
    ),
    `  ${command}`,
    '',
    ...wrap(
      'gmemlab also reads it from this whole mail, saved as it is or quoted in a reply. Lines ending in a backslash continue on the next line.',
      MAIL_WIDTH,
    ),
    `${SCISSORS_OPEN} ${file}`,
    ...scenarioJson(detail.scenario, detail.sweep),
    SCISSORS_CLOSE,
  ];
}

export { toAscii };
// Its old place: callers that import it from text.ts keep working.
export { unfoldScenarioText } from './scenario-text.ts';
