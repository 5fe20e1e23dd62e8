// The trade-off plane as a file, drawn as the window draws it (common/analysis/tradeoff.ts places
// every point): a cost metric (log) against one attacker context's exposure (log), "no extra
// cost", "never" and "always" on shaded lanes beside the log scales, one marker per strategy at
// the point shown with the Pareto front ringed and joined, and in a sweep each strategy's path
// through that point labelled by the swept value. A figure the model flagged is ringed with "!"
// (unfit to quote) or "?" (asks for care), or banded along its path (chart-draw.ts); one unfit to
// quote is never on the front (tradeoff.ts); the caption names both. The CSV has one row per
// marker drawn, with its flags.
import { STRATEGY_IDS, type StrategyId } from '../../common/core/index.ts';
import type { ExperimentDetail } from '../../common/contract/index.ts';
import { INK, type ChartAxisSpec, type ChartSpec } from '../../common/analysis/chart-draw.ts';
import { formatValue } from '../../common/analysis/format.ts';
import { strategyColour } from '../../common/analysis/palette.ts';
import {
  flagsHereWords,
  frontOrder,
  offFrontWords,
  oneSpotWords,
  planeExposureWords,
  planeOfRuns,
  planeTick,
  planeTicks,
  type PlaneAxis,
} from '../../common/analysis/tradeoff.ts';
import { stateWord } from '../../common/analysis/trust.ts';
import type { BuildInfo } from './build-info.ts';
import { drawnAt, madeBy, shortName, type ViewChart } from './chart.ts';
import { csvText } from '../../common/analysis/csv.ts';
import { metricInfo, type ResolvedView } from './view.ts';
import { toAscii } from './wrap.ts';

/** The plane of the view: the strategies shown, at its point, along its x parameter. */
export function planeOf(detail: ExperimentDetail, view: ResolvedView): ReturnType<typeof planeOfRuns> {
  return planeOfRuns(
    detail.runs.filter((r) => r.status === 'done'),
    {
      point: view.point,
      xPath: view.xPath,
      hidden: view.hidden,
      cost: view.plane.cost.key,
      exposure: view.plane.exposure,
      state: view.plane.state,
    },
  );
}

/** A plane axis as chart-draw draws it: the lanes' and the decades' positions, named. */
function axis(
  a: PlaneAxis,
  label: string,
  words: { low: string; high?: string },
  lanes: [string, string?],
): ChartAxisSpec {
  return {
    label,
    log: false,
    min: a.lowLane - 0.5,
    max: a.highLane !== undefined ? a.highLane + 0.5 : a.to + 0.3,
    ticks: planeTicks(a).map((at) => ({ at, label: planeTick(a, at, words) })),
    lanes: [
      { from: a.lowLane - 0.5, to: a.lowLane + 0.5, label: lanes[0] },
      ...(a.highLane !== undefined && lanes[1] !== undefined
        ? [{ from: a.highLane - 0.5, to: a.highLane + 0.5, label: lanes[1] }]
        : []),
    ],
  };
}

/** What a context is called on the axis: "the host kernel at large", or the catalogue's words. */
export function contextWords(context: string): string {
  if (context === 'kernel') return 'the host kernel at large';
  try {
    return metricInfo(`exposure.${context}.fraction`).label.replace(/^exposed to /, '');
  } catch {
    return context;
  }
}

export function planeChart(detail: ExperimentDetail, view: ResolvedView, build: BuildInfo): ViewChart {
  const { plane, drawn, front, sweeping, oneSpot } = planeOf(detail, view);
  const { cost, measure, exposure, context } = view.plane;
  const exposureUnit = measure === 'longestWindowUs' ? 'longest window (us)' : 'exposed fraction';
  const order = (s: string): number => STRATEGY_IDS.indexOf(s as StrategyId);
  const strategies = [...new Set(drawn.map((p) => p.strategy))].sort((a, b) => order(a) - order(b));
  const numeric = (v: string | undefined): number => Number(v ?? 0);
  const frontPoints = drawn.filter((p) => p.here && p.onFront).sort(frontOrder);
  const offFront = offFrontWords(drawn);
  const flaggedHere = flagsHereWords(drawn, 'all');
  const at = sweeping ? `${view.xPath} = ${String(view.point[view.xPath!])}` : 'this point';

  const caption: string[] = [];
  const fixed = Object.fromEntries(Object.entries(view.point).filter(([path]) => !sweeping || path !== view.xPath));
  caption.push(drawnAt(detail, fixed));
  caption.push(
    `Lower left is better. Shaded lanes are places, not values on the log scales: no extra cost (left), never exposed (bottom)${plane.y.highLane !== undefined ? ', always exposed (top; higher in it for more of memory always reachable)' : ''}. ${frontPoints.length > 0 ? `Ringed and joined by the dashed line: the Pareto front at ${at} (no other strategy shown is both cheaper and less exposed, of those the model does not flag as unfit to quote).` : `No Pareto front at ${at}: every strategy shown there is flagged as unfit to quote${drawn.some((p) => p.here) ? '' : ' or has no run'}.`}${sweeping ? ` Each strategy's path follows ${view.xPath}, labelled by its value.` : ''}`,
  );
  // Strategies flagged only away from the point shown, along their paths.
  const flaggedHereSet = new Set(drawn.filter((p) => p.here && p.flags.length > 0).map((p) => p.strategy));
  const elsewhere = [
    ...new Set(drawn.filter((p) => p.flags.length > 0 && !flaggedHereSet.has(p.strategy)).map((p) => p.strategy)),
  ].sort((a, b) => order(a) - order(b));
  if (flaggedHere !== undefined || elsewhere.length > 0)
    caption.push(
      `Flagged by the model (ringed with "!" where unfit to quote: infeasible, saturated, overloaded; with "?" where asking for care${sweeping ? '; banded along a path' : ''}): ${[
        ...(flaggedHere === undefined ? [] : [`at ${at}, ${flaggedHere}`]),
        ...(elsewhere.length === 0
          ? []
          : [`${flaggedHere === undefined ? '' : 'elsewhere '}on the paths of ${elsewhere.join(', ')}`]),
      ].join(
        '; ',
      )} (the CSV names each point's flags).${offFront === undefined || frontPoints.length === 0 ? '' : ` Never on the front, flagged as unfit to quote at ${at}: ${offFront}.`}`,
    );
  const together = oneSpotWords(oneSpot);
  if (together !== undefined) caption.push(`Close together at ${at}, one marker may cover another: ${together}.`);
  const missing = drawn.filter((p) => !Number.isFinite(p.cost)).map((p) => p.strategy);
  if (missing.length > 0) caption.push(`No ${cost.key} for ${[...new Set(missing)].join(', ')}: not drawn.`);
  if (view.hidden.length > 0) caption.push(`Not drawn: ${view.hidden.join(', ')}.`);
  caption.push(madeBy(detail, build));

  const spec: ChartSpec = {
    kind: 'scatter',
    title: toAscii(`${detail.name}: ${cost.label} against exposure to ${contextWords(context)}`),
    caption,
    x: axis(plane.x, `${cost.label} (${cost.unit}, log scale)`, { low: 'none' }, ['no extra cost']),
    y: axis(plane.y, `${exposureUnit} (log scale)`, { low: 'never', high: 'always' }, [
      'never exposed',
      'always exposed',
    ]),
    series: [
      ...strategies.map((s) => ({
        label: shortName(s as StrategyId),
        colour: strategyColour(s as StrategyId),
        join: sweeping,
        points: drawn
          .filter((p) => p.strategy === s && Number.isFinite(p.x))
          .sort((a, b) => numeric(a.value) - numeric(b.value) || String(a.value).localeCompare(String(b.value)))
          .map((p) => ({
            x: p.x,
            y: p.y,
            ...(p.value !== undefined ? { label: p.value } : {}),
            ...(p.here ? { large: true } : {}),
            ...(p.here && p.onFront ? { ring: true } : {}),
            ...(p.marked ? { flag: p.severe === true ? ('unfit' as const) : ('care' as const) } : {}),
          })),
      })),
      // No legend entry for a front there is not (every strategy flagged, or no run at the point).
      ...(frontPoints.length === 0
        ? []
        : [
            {
              label: 'Pareto front (ringed)',
              colour: INK,
              dashed: true,
              points: frontPoints.map((p) => ({ x: p.x, y: p.y })),
            },
          ]),
    ],
    theme: view.theme,
    metadata: {
      experiment: detail.id,
      chart: 'tradeoff',
      cost: cost.key,
      exposure,
      context,
      measure,
      x: sweeping ? (view.xPath ?? null) : null,
      point: view.point,
      logX: true,
      logY: true,
      strategies,
      hidden: view.hidden,
      front: frontPoints.map((p) => p.strategy),
      theme: view.theme,
      modelVersion: detail.modelVersion,
    },
  };

  const path = sweeping ? view.xPath! : undefined;
  const header = [
    'strategy',
    ...(path === undefined ? [] : [path]),
    cost.key,
    exposure,
    view.plane.state,
    'cost lane',
    'exposure lane',
    'at point',
    'pareto front',
    'flags',
  ];
  const rows = drawn
    .filter((p) => Number.isFinite(p.x))
    .sort((a, b) => order(a.strategy) - order(b.strategy) || numeric(a.value) - numeric(b.value))
    .map((p) => [
      p.strategy,
      ...(path === undefined ? [] : [p.value ?? '']),
      p.cost,
      p.exposure,
      p.state === undefined ? '' : stateWord(p.state),
      p.costLane === 'none' ? 'no extra cost' : 'log',
      p.exposureLane === 'log' ? 'log' : p.exposureLane,
      p.here,
      p.here && front.has(p.id),
      p.flags.join('; '),
    ]);
  return { spec, csv: csvText(header, rows) };
}

/**
 * The Pareto front at the view's point for the mail: one line per member, and the strategies a
 * flag as unfit to quote keeps off it, in words (offFrontWords; undefined for none).
 */
export function frontOf(
  detail: ExperimentDetail,
  view: ResolvedView,
): { lines: { strategy: string; cost: string; exposure: string; flags: string[] }[]; off: string | undefined } {
  const { drawn } = planeOf(detail, view);
  const unit = view.plane.cost.unit;
  const lines = drawn
    .filter((p) => p.here && p.onFront)
    .sort(frontOrder)
    .map((p) => ({
      strategy: p.strategy,
      cost: p.costLane === 'none' ? 'no extra cost' : `${formatValue(p.cost)}${unit === '%' ? '%' : ` ${unit}`}`,
      exposure: planeExposureWords(p, view.plane.measure),
      // A front member can carry a flag that asks for care (never one that makes it unfit).
      flags: p.flags,
    }));
  return { lines, off: offFrontWords(drawn) };
}
