// "Where the cycles go" as a file: per strategy shown, its extra cycles on the whole host stacked
// by cost component or by touchpoint (common/analysis/breakdown.ts, as the window stacks them),
// each stack summing to the strategy's total; as shares of each total when the view asks or the
// totals span two decades; the cost over each stack (the slowdown factor past 100% overhead);
// flagged strategies marked. A run without a stored breakdown gets the formulas' breakdown of the
// same scenario at its point, and the caption says so for a simulator result. The CSV has one
// row per segment drawn.
import { runAnalytic, STRATEGY_IDS, validScenarioAt, type StrategyId } from '../../common/core/index.ts';
import type { ExperimentDetail, RunDetail } from '../../common/contract/index.ts';
import type { ChartSpec } from '../../common/analysis/chart-draw.ts';
import {
  breakdownGroups,
  breakdownRow,
  costTick,
  groupLabel,
  sharesByDefault,
  type BreakdownRow,
} from '../../common/analysis/breakdown.ts';
import { formatValue } from '../../common/analysis/format.ts';
import { colorAt } from '../../common/analysis/palette.ts';
import { flagNames, flagsOf } from '../../common/analysis/trust.ts';
import type { BuildInfo } from './build-info.ts';
import { drawnAt, madeBy, shortName, type ViewChart } from './chart.ts';
import { csvText } from '../../common/analysis/csv.ts';
import { ExportError, type ResolvedView } from './view.ts';
import { toAscii, wrap } from './wrap.ts';

/** The breakdown the store kept with the run (runs saved before it kept one have none). */
const stored = (r: RunDetail): Record<string, number> | undefined => r.breakdown;

/** The breakdown rows of the strategies shown at the view's point, and whether the formulas made them. */
export function breakdownAt(
  detail: ExperimentDetail,
  view: ResolvedView,
): { rows: BreakdownRow[]; fromFormulas: boolean } {
  const runs = view.runs
    .filter((r) => view.shown.includes(r.strategy))
    .sort((a, b) => STRATEGY_IDS.indexOf(a.strategy) - STRATEGY_IDS.indexOf(b.strategy));
  const needsFormulas = runs.some((r) => stored(r) === undefined);
  let computed: ReturnType<typeof runAnalytic> | undefined;
  if (needsFormulas && runs.length > 0) {
    const scenario = validScenarioAt(detail.scenario, view.point);
    if (scenario === undefined)
      throw new ExportError('view.point', 'the scenario at this point no longer validates: no breakdown to draw');
    computed = runAnalytic(scenario);
  }
  const rows = runs.map((r) => {
    const core = computed?.strategies.find((c) => c.strategy === r.strategy);
    return breakdownRow(r.strategy, stored(r) ?? core?.breakdown ?? {}, view.breakdown.by, {
      flags: flagsOf(r).length > 0 ? flagsOf(r) : (core?.flags ?? []),
      overheadPct: r.metrics['cost.overheadPct']?.mean,
      hostOverheadPct: r.metrics['cost.hostOverheadPct']?.mean,
      slowdown: r.metrics['cost.slowdownFactor']?.mean,
    });
  });
  return { rows, fromFormulas: needsFormulas && detail.method !== 'analytic' };
}

export function cyclesChart(detail: ExperimentDetail, view: ResolvedView, build: BuildInfo): ViewChart {
  const { by } = view.breakdown;
  const { rows, fromFormulas } = breakdownAt(detail, view);
  const share = view.breakdown.share ?? sharesByDefault(rows);
  const groups = breakdownGroups(rows, by);
  const valueOf = (r: BreakdownRow, g: string): number =>
    share ? (r.total > 0 ? ((r.parts[g] ?? 0) / r.total) * 100 : 0) : (r.parts[g] ?? 0);

  const caption = [drawnAt(detail, view.point)];
  caption.push(
    `Each stack sums to the strategy's extra cycles per second on the whole host${share ? ', drawn as shares of that total' : ''}: ${rows.map((r) => `${r.strategy} ${formatValue(r.total)}`).join(', ')}. Over each stack: its share of all host cycles (host), then a vCPU's overhead, or past 100% the guest's slowdown factor.`,
  );
  const flagged = rows.filter((r) => r.careful.length > 0);
  if (flagged.length > 0)
    caption.push(`! ${flagged.map((r) => `${r.strategy}: ${flagNames(r.careful).join(', ')}`).join('; ')}.`);
  if (fromFormulas)
    caption.push(
      "This result comes from the discrete-event simulator, which stored no breakdown: the bars are the analytic model's breakdown of the same scenario at this point.",
    );
  if (view.hidden.length > 0) caption.push(`Not drawn: ${view.hidden.join(', ')}.`);
  caption.push(madeBy(detail, build));

  const spec: ChartSpec = {
    kind: 'bar',
    stacked: true,
    title: toAscii(`${detail.name}: where the extra cycles go, by ${by}`),
    caption,
    x: {
      label: 'strategy',
      log: false,
      categories: rows.map((r) =>
        [
          `${r.strategy}${r.careful.length > 0 ? ' !' : ''}`,
          ...wrap(shortLabel(r.strategy as StrategyId), 14).slice(0, 2),
        ].join('\n'),
      ),
    },
    y: {
      label: share ? "share of the strategy's extra cycles (%)" : 'extra cycles/s, whole host',
      log: false,
      ...(share ? { min: 0, max: 100 } : {}),
    },
    series: groups.map((g, i) => ({
      label: groupLabel(g),
      colour: colorAt(i),
      points: rows.map((r, j) => ({ x: j, y: valueOf(r, g) })).filter((p) => p.y > 0),
    })),
    barNotes: rows.map((r) => costTick(r).join('\n')),
    theme: view.theme,
    metadata: {
      experiment: detail.id,
      chart: 'cycles',
      by,
      share,
      point: view.point,
      strategies: rows.map((r) => r.strategy),
      hidden: view.hidden,
      totals: Object.fromEntries(rows.map((r) => [r.strategy, r.total])),
      fromFormulas,
      theme: view.theme,
      modelVersion: detail.modelVersion,
    },
  };
  const csvRows = rows.flatMap((r) =>
    groups
      .filter((g) => (r.parts[g] ?? 0) > 0)
      .map((g) => [r.strategy, g, r.parts[g]!, r.total > 0 ? r.parts[g]! / r.total : 0, r.total]),
  );
  return {
    spec,
    csv: csvText(['strategy', by, 'cycles/s', 'share of total', 'total cycles/s'], csvRows),
  };
}

/** The strategy's name without its id or parenthesis, for a label under a bar. */
function shortLabel(s: StrategyId): string {
  return shortName(s).replace(/^S[0-9]+ /, '');
}
