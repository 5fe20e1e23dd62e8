// The sensitivity tornado as a file, as the window draws it: for one strategy (the view's, or the
// costliest fit to quote at the point), each cost entry at the low and at the high end of its range, one at a
// time, as bars from the metric's base value (largest swing on top, estimates marked ~), and the
// one-line answer on whether the strategies' ranking holds when every entry varies at once.
// Always computed with the analytic model (common/analysis/sensitivity.ts), whatever method made
// the result; the caption says so for a simulator result. The CSV has one row per entry drawn.
import { validScenarioAt, type StrategyId } from '../../common/core/index.ts';
import type { ExperimentDetail } from '../../common/contract/index.ts';
import type { ChartSpec } from '../../common/analysis/chart-draw.ts';
import { formatValue } from '../../common/analysis/format.ts';
import { flagNames, flagsOf, unfitToQuote } from '../../common/analysis/trust.ts';
import { strategyColour } from '../../common/analysis/palette.ts';
import { sensitivity, tornadoBars, type Sensitivity } from '../../common/analysis/sensitivity.ts';
import type { BuildInfo } from './build-info.ts';
import { drawnAt, madeBy, shortName, type ViewChart } from './chart.ts';
import { csvText } from '../../common/analysis/csv.ts';
import { ExportError, type ResolvedView } from './view.ts';
import { toAscii, wrap } from './wrap.ts';

/** The sensitivity of the view's point, with the analytic model (200 joint draws, as the window). */
export function sensitivityAt(detail: ExperimentDetail, view: ResolvedView): Sensitivity {
  const scenario = validScenarioAt(detail.scenario, view.point);
  if (scenario === undefined)
    throw new ExportError('view.point', 'the scenario at this point no longer validates: no sensitivity to compute');
  return sensitivity(scenario, { metric: view.sensitivity.metric.key });
}

/** A colour halfway to white: the bar for an entry's low end, beside its high end's full colour. */
function tint(hex: string): string {
  const c = Number.parseInt(hex.slice(1), 16);
  const mix = (shift: number): string =>
    Math.round(((c >> shift) & 255) * 0.5 + 127.5)
      .toString(16)
      .padStart(2, '0');
  return `#${mix(16)}${mix(8)}${mix(0)}`;
}

export function tornadoChart(detail: ExperimentDetail, view: ResolvedView, build: BuildInfo): ViewChart {
  const metric = view.sensitivity.metric;
  const analysis = sensitivityAt(detail, view);
  // By default the costliest strategy whose figures can be quoted here (a flagged one's are
  // demand the host cannot serve), else the costliest.
  const byCost = view.runs
    .filter((r) => view.shown.includes(r.strategy))
    .sort((a, b) => (b.metrics[metric.key]?.mean ?? 0) - (a.metrics[metric.key]?.mean ?? 0));
  const costliest = (byCost.find((r) => !unfitToQuote(r)) ?? byCost[0])?.strategy;
  const strategy = (view.sensitivity.strategy ?? costliest ?? view.shown[0]) as StrategyId;
  const drawn = view.runs.find((r) => r.strategy === strategy);
  const flags = drawn === undefined ? [] : flagNames(flagsOf(drawn));
  const { bars, more, base } = tornadoBars(analysis, strategy);
  const colour = strategyColour(strategy);

  const caption = [drawnAt(detail, view.point)];
  caption.push(`Ranking by ${metric.label}: ${analysis.ranking.summary}.`);
  caption.push(
    `Computed with the analytic model${detail.method === 'analytic' ? '' : " (this result comes from the discrete-event simulator: the sensitivity is the formulas' for the same scenario at this point)"}. Each entry alone at the low and the high end of its range, from the base ${formatValue(base)} ${metric.unit}; ~ marks estimates (no published figure; their range is a stated +-).${more > 0 ? ` ${more} more entries move it less.` : ''}${bars.length === 0 ? ` No cost entry's range changes ${strategy}'s ${metric.label} at this point.` : ''} Entries the scenario overrides vary around the override.`,
  );
  if (flags.length > 0)
    caption.push(
      `${strategy} is flagged here (${flags.join(', ')}): read its bars with care${unfitToQuote(drawn) ? '; its figures are not fit to quote as they are' : ''}.`,
    );
  caption.push(madeBy(detail, build));
  const label = (b: (typeof bars)[number]): string =>
    wrap(`${b.class === 'estimate' ? '~ ' : ''}${b.label} (${formatValue(b.low)}-${formatValue(b.high)})`, 40)
      .slice(0, 2)
      .join('\n');
  const spec: ChartSpec = {
    kind: 'bar',
    horizontal: true,
    title: toAscii(`${detail.name}: ${shortName(strategy)}, ${metric.label} as each cost entry varies alone`),
    caption,
    x: { label: 'cost entry (range)', log: false, categories: bars.map(label) },
    y: { label: `${metric.label} (${metric.unit})`, log: false },
    series: [
      {
        label: 'entry at the low end of its range',
        colour: tint(colour),
        points: bars.map((b, i) => ({ x: i, y: b.atLow[strategy] ?? base, from: base })),
      },
      {
        label: 'entry at the high end',
        colour,
        points: bars.map((b, i) => ({ x: i, y: b.atHigh[strategy] ?? base, from: base })),
      },
    ],
    reference: { at: base, label: `base ${formatValue(base)}` },
    theme: view.theme,
    metadata: {
      experiment: detail.id,
      chart: 'sensitivity',
      metric: metric.key,
      strategy,
      point: view.point,
      method: 'analytic',
      runMethod: detail.method,
      base,
      entries: bars.map((b) => b.key),
      ranking: analysis.ranking.summary,
      theme: view.theme,
      modelVersion: detail.modelVersion,
    },
  };
  const rows = bars.map((b) => [
    b.key,
    b.label,
    b.class,
    b.value,
    b.low,
    b.high,
    strategy,
    base,
    b.atLow[strategy] ?? base,
    b.atHigh[strategy] ?? base,
  ]);
  return {
    spec,
    csv: csvText(
      [
        'entry',
        'label',
        'class',
        'value',
        'low',
        'high',
        'strategy',
        // The formulas' figures, whatever method made the result (a simulated base differs).
        `${metric.key} base (formulas)`,
        `${metric.key} at low (formulas)`,
        `${metric.key} at high (formulas)`,
      ],
      rows,
    ),
  };
}
