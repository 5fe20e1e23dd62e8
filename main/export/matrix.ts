// The presets × strategies matrix (issue 17, item 6) as files, written from the same cells the
// Matrix view shows (common/analysis/matrix.ts: matrixCellWords): an SVG or PNG image of the table
// (one ChartSpec, kind 'grid', laid out and drawn by chart-draw like every other export), its CSV
// (matrixCsv, as the window's), and a fixed-width table for a mail (ASCII, 72 columns) with the
// mail's marks: ~ before a figure that rests on an estimate-class cost entry, ! after one the
// core flagged, each listed under the table in the words of common/analysis/trust.ts.
import { STRATEGY_IDS, type MetricInfo, type StrategyId } from '../../common/core/index.ts';
import type { ExportTheme, MatrixExportRequest } from '../../common/contract/index.ts';
import { INK, type ChartSpec } from '../../common/analysis/chart-draw.ts';
import { ESTIMATE_MARK_KEY, estimatesNotJudged } from '../../common/analysis/dependence.ts';
import {
  matrixCellWords,
  matrixCsv,
  matrixMetrics,
  type Matrix,
  type MatrixCell,
  type MatrixRow,
} from '../../common/analysis/matrix.ts';
import { ciShown, shownEstimate, slowdownFactorOf } from '../../common/analysis/format.ts';
import { pointLabel } from '../../common/analysis/points.ts';
import { strategyColour } from '../../common/analysis/palette.ts';
import { stateKeyOf } from '../../common/analysis/heatmap.ts';
import {
  collectFlags,
  flagName,
  flagNames,
  isExposedShare,
  isStateMetric,
  partlyAlways,
  stateWord,
} from '../../common/analysis/trust.ts';
import type { BuildInfo } from './build-info.ts';
import { shortName, type ViewChart } from './chart.ts';
import { MAIL_WIDTH } from './scenario-text.ts';
import { compactValue } from './table.ts';
import { ExportError, metricInfo } from './view.ts';
import { hang, toAscii, wrap } from './wrap.ts';

/** The Matrix view's defaults: vCPU overhead over exposure to the host kernel at large. */
export const DEFAULT_MATRIX_COST = 'cost.overheadPct';
export const DEFAULT_MATRIX_EXPOSURE = 'exposure.kernel.fraction';

/** What a matrix export shows, checked: the two figures of each cell, the theme, the PNG's scale. */
export interface MatrixView {
  cost: MetricInfo;
  exposure: MetricInfo;
  theme: ExportTheme;
  scale: number;
}

/** The request's figures and drawing, or an ExportError naming the field (`cost`, `exposure`). */
export function resolveMatrixView(request: Omit<MatrixExportRequest, 'format' | 'experiments'>): MatrixView {
  const cost = metricInfo(request.cost ?? DEFAULT_MATRIX_COST, 'cost');
  if (!cost.key.startsWith('cost.'))
    throw new ExportError('cost', `"${cost.key}" is not a cost metric (the matrix's cost is one of cost.*)`);
  const exposure = metricInfo(request.exposure ?? DEFAULT_MATRIX_EXPOSURE, 'exposure');
  if (!exposure.key.startsWith('exposure.') || isStateMetric(exposure.key))
    throw new ExportError(
      'exposure',
      `"${exposure.key}" is not an exposure figure (one of exposure.*, not a .state: the cells say "never" and "always" themselves)`,
    );
  return { cost, exposure, theme: request.theme ?? 'light', scale: request.scale ?? 2 };
}

/** The metrics the matrix must be computed with for this view (getMatrix's `metrics`). */
export const matrixViewMetrics = (view: MatrixView): string[] => matrixMetrics(view.cost.key, view.exposure.key);

/** Where the rows came from, in a few words, for the title and the mail. */
function rowsWord(matrix: Matrix): string {
  return matrix.rows.every((r) => r.kind === 'preset') ? 'every preset' : `${matrix.rows.length} experiments`;
}

/** A row's name and what it is: "Quiet cloud VM (preset, formulas)", "swept #3 at vm.vcpus=64 (simulator)". */
function rowHeading(r: MatrixRow): string[] {
  if (r.kind === 'preset') return [r.label, `preset ${r.id}, formulas`];
  const at = pointLabel(r.point);
  return [
    `${r.label} (#${r.experimentId})`,
    `${at === '' ? '' : `${at}, `}${r.method === 'des' ? 'simulator, 95% CI' : 'formulas'}${r.modelVersion === null ? '' : `, model ${r.modelVersion}`}${estimatesNotJudged(r.modelVersion) === undefined ? '' : " (~ not judged: another model than today's)"}`,
  ];
}

/** The model versions the rows were computed with, for a caption. */
const modelsOf = (matrix: Matrix): string =>
  [...new Set(matrix.rows.map((r) => r.modelVersion ?? '?'))].join(', ') || '?';

/** The cell in a few ASCII words for the image: "~12.5%" / "never", and its flags. */
function imageLines(c: MatrixCell, view: MatrixView): string[] {
  const w = matrixCellWords(c, view.cost.key, view.exposure.key);
  const lines = [
    `${w.costEstimates.length > 0 ? '~' : ''}${toAscii(w.cost)}`,
    `${w.exposureEstimates.length > 0 ? '~' : ''}${toAscii(w.exposure)}`,
  ];
  if (c.flags.length > 0) lines.push(`! ${flagNames(c.flags).join(', ')}`);
  return lines;
}

/** The matrix as an image (a 'grid' ChartSpec) and as CSV. */
export function matrixChart(matrix: Matrix, view: MatrixView, build: BuildInfo): ViewChart {
  const plain: { x: number; y: number; label: string }[] = [];
  const flagged: typeof plain = [];
  matrix.rows.forEach((r, y) =>
    matrix.strategies.forEach((s, x) => {
      const c = r.cells[s];
      if (c === undefined) return;
      (c.flags.length > 0 ? flagged : plain).push({ x, y, label: imageLines(c, view).join('\n') });
    }),
  );
  const caption = [
    `Each cell: ${view.cost.label} (${view.cost.unit}), under it ${view.exposure.label} (${view.exposure.unit}); "never" and "always" are the exposure's state${isExposedShare(view.exposure.key) ? ', with the fraction always reachable in brackets' : ', not a figure'}.${view.cost.key === 'cost.overheadPct' ? ' Past 100% overhead: how many times slower the guest runs.' : ''}`,
    '~ the figure rests on a cost entry classed as an estimate (no published figure; judged with the formulas, also for simulator rows). ! flagged by the model: read with care.',
    `${matrix.rows.some((r) => r.kind === 'preset') ? 'Presets computed with the analytic model; ' : ''}${matrix.rows.some((r) => r.method === 'des') ? 'simulator rows give their 95% CI over the seeds; ' : ''}model ${modelsOf(matrix)}; gmemlab ${build.version} (commit ${build.commit}).`,
  ];
  const spec: ChartSpec = {
    kind: 'grid',
    title: toAscii(`Strategies across scenarios (${rowsWord(matrix)}): ${view.cost.label}, and ${view.exposure.label}`),
    caption,
    x: {
      label: 'strategy',
      log: false,
      categories: matrix.strategies.map((s) => {
        const name = shortName(s).slice(s.length + 1);
        return name === '' ? s : `${s}\n${name}`;
      }),
      colours: matrix.strategies.map(strategyColour),
    },
    y: { label: 'scenario', log: false, categories: matrix.rows.map((r) => rowHeading(r).map(toAscii).join('\n')) },
    series: [
      { label: 'figures', colour: INK, points: plain },
      { label: '! flagged by the model', colour: '#e15759', points: flagged },
    ],
    theme: view.theme,
    metadata: {
      chart: 'matrix',
      cost: view.cost.key,
      exposure: view.exposure.key,
      rows: matrix.rows.map((r) => ({ id: r.id, label: r.label, point: r.point, method: r.method })),
      strategies: matrix.strategies,
      theme: view.theme,
      modelVersions: [...new Set(matrix.rows.map((r) => r.modelVersion))],
    },
  };
  return { spec, csv: matrixCsv(matrix, view.cost.key, view.exposure.key) };
}

/** A figure in at most `width` columns for the mail's table: the state word, the slowdown "N.Nx", or the number. */
function mailFigure(c: MatrixCell, key: string, view: MatrixView, width: number): string {
  const stateKey = key === view.exposure.key ? stateKeyOf(key) : undefined;
  const state = stateKey === undefined ? undefined : c.metrics[stateKey]?.mean;
  if (state === 0 || state === 2) return stateWord(state, 'short');
  const e = c.metrics[key];
  if (e === undefined) return '-';
  const factor =
    key === 'cost.overheadPct' ? slowdownFactorOf(e.mean, c.metrics['cost.slowdownFactor']?.mean) : undefined;
  if (factor !== undefined) return `${compactValue(factor, width - 1)}x`;
  return compactValue(e.mean, width);
}

/**
 * Under a row's "always" cells, the fraction of guest memory x time each leaves always reachable,
 * "(0.14)", where they differ from all of it (S0's 1, S1's user mapping, S2's pfn-cache pages);
 * undefined when no cell of the row needs it. Only for a fraction: a window's length has none.
 */
function alwaysLine(cells: (MatrixCell | undefined)[], view: MatrixView, width: number): string[] | undefined {
  if (!isExposedShare(view.exposure.key)) return undefined;
  const context = view.exposure.key.slice(0, -'.fraction'.length);
  if (!cells.some((c) => c !== undefined && partlyAlways(c.metrics, context))) return undefined;
  const fractionOf = (c: MatrixCell | undefined): number | undefined =>
    c !== undefined && isAlways(c, view) ? c.metrics[view.exposure.key]?.mean : undefined;
  return cells.map((c) => {
    const f = fractionOf(c);
    if (f === undefined) return '';
    const marked = matrixCellWords(c!, view.cost.key, view.exposure.key).exposureEstimates.length > 0;
    return `${marked ? '~' : ''}(${compactValue(f, width - 2 - (marked ? 1 : 0))})`;
  });
}

/** Whether the cell's exposure is in the state "always". */
function isAlways(c: MatrixCell, view: MatrixView): boolean {
  const stateKey = stateKeyOf(view.exposure.key);
  return stateKey !== undefined && c.metrics[stateKey]?.mean === 2;
}

/** The mail's CI under a figure (the slowdown factor's under "2.2x"): "+-0.3" where the simulator's seeds disagree, else ''. */
function mailCi(c: MatrixCell, key: string, width: number): string {
  const { estimate: e } = shownEstimate(c.metrics, key);
  return e === undefined || e.n <= 1 || !ciShown(e) ? '' : `+-${compactValue(e.ci95, width - 2)}`;
}

/**
 * The matrix for a mail: ASCII, at most MAIL_WIDTH columns. A heading, what a cell holds, the
 * table (a column per strategy, a row per scenario: its cost, then its exposure, each with a
 * "+-" CI line where the simulator's seeds disagree), the flags and the estimates it marks, what
 * each row is, and the command that writes it again.
 */
export function matrixText(matrix: Matrix, view: MatrixView, build: BuildInfo, command: string): string {
  const W = MAIL_WIDTH;
  const lines: string[] = [];
  const para = (text: string): void => {
    lines.push(...wrap(text, W));
  };
  para(`gmemlab: strategies across scenarios (${rowsWord(matrix)})`);
  para(`made with gmemlab ${build.version} (commit ${build.commit}), model ${modelsOf(matrix)}`);
  lines.push('');
  const costUnit = view.cost.unit === '%' ? '%' : view.cost.unit;
  para(
    `Each row: ${view.cost.label} (${costUnit})${view.cost.key === 'cost.overheadPct' ? ', or Nx past 100%: the guest runs N times slower' : ''}; under it ${view.exposure.label} (${view.exposure.unit}${stateKeyOf(view.exposure.key) === undefined ? '' : `; "never" and "always" are its state${isExposedShare(view.exposure.key) ? ', with, on rows where some "always" is less than all of it, the fraction always reachable in brackets under each "always"' : ''}`}). ~ rests on a cost entry classed as an estimate, ! flagged by the model: both listed below.`,
  );
  lines.push('');

  // Columns of 7 and a space; the label column takes the rest (at least 16).
  const cw = 7;
  const perBlock = Math.max(1, Math.floor((W - 16) / (cw + 1)));
  for (let first = 0; first < matrix.strategies.length; first += perBlock) {
    const strategies = matrix.strategies.slice(first, first + perBlock);
    const labelWidth = W - strategies.length * (cw + 1);
    const row = (label: string, cells: string[]): string =>
      `${label.padEnd(labelWidth)}${cells.map((c) => ` ${c.padStart(cw)}`).join('')}`.trimEnd();
    if (first > 0) lines.push('');
    lines.push(row('', strategies));
    for (const r of matrix.rows) {
      const label = wrap(r.kind === 'preset' ? r.label : `#${r.experimentId} ${r.label}`, labelWidth - 1);
      const cell = (s: StrategyId, text: (c: MatrixCell) => string): string => {
        const c = r.cells[s];
        return c === undefined ? '-' : text(c);
      };
      const figureLine = (key: string, estimates: 'costEstimates' | 'exposureEstimates', flag: boolean): string[] =>
        strategies.map((s) =>
          cell(s, (c) => {
            // An "always" cell's estimates mark its fraction, on the line under it (alwaysLine).
            const marked =
              matrixCellWords(c, view.cost.key, view.exposure.key)[estimates].length > 0 &&
              !(estimates === 'exposureEstimates' && isAlways(c, view));
            const bang = flag && c.flags.length > 0;
            const room = cw - (marked ? 1 : 0) - (bang ? 1 : 0);
            return `${marked ? '~' : ''}${mailFigure(c, key, view, room)}${bang ? '!' : ''}`;
          }),
        );
      const ciLine = (key: string): string[] | undefined => {
        const cis = strategies.map((s) => cell(s, (c) => mailCi(c, key, cw)));
        return cis.some((c) => c !== '' && c !== '-') ? cis : undefined;
      };
      const body: string[][] = [figureLine(view.cost.key, 'costEstimates', true)];
      const costCi = ciLine(view.cost.key);
      if (costCi !== undefined) body.push(costCi);
      body.push(figureLine(view.exposure.key, 'exposureEstimates', false));
      const exposureCi = ciLine(view.exposure.key);
      if (exposureCi !== undefined) body.push(exposureCi);
      const always = alwaysLine(
        strategies.map((s) => r.cells[s]),
        view,
        cw,
      );
      if (always !== undefined) body.push(always);
      const height = Math.max(label.length, body.length);
      for (let i = 0; i < height; i++) lines.push(row(label[i] ?? '', body[i] ?? []));
    }
  }
  lines.push('');

  // The flags, per row, each once with the strategies that carry it, in the window's words.
  const flaggedRows = matrix.rows
    .map((r) => ({
      r,
      flags: collectFlags(matrix.strategies.map((s) => ({ strategy: s, flags: r.cells[s]?.flags ?? [] }))),
    }))
    .filter(({ flags }) => flags.length > 0);
  if (flaggedRows.length > 0) {
    para('! Flagged by the model (read these numbers with care):');
    for (const { r, flags } of flaggedRows) {
      lines.push(...hang('  ', `${r.kind === 'preset' ? '' : `#${r.experimentId} `}${r.label}:`, W));
      for (const f of flags)
        wrap(`${f.strategies.join(', ')} ${flagName(f.code)}: ${f.message}`, W - 6).forEach((line, i) =>
          lines.push(`${i === 0 ? '    ' : '      '}${line}`),
        );
    }
    lines.push('');
  }

  // The estimates, per entry: which strategies' cost and exposure rest on it.
  const byEntry = new Map<string, { cost: Set<string>; exposure: Set<string> }>();
  for (const r of matrix.rows)
    for (const s of matrix.strategies) {
      const c = r.cells[s];
      if (c === undefined) continue;
      const w = matrixCellWords(c, view.cost.key, view.exposure.key);
      for (const [list, which] of [
        [w.costEstimates, 'cost'],
        [w.exposureEstimates, 'exposure'],
      ] as const)
        for (const key of list) {
          const seen = byEntry.get(key) ?? { cost: new Set<string>(), exposure: new Set<string>() };
          seen[which].add(s);
          byEntry.set(key, seen);
        }
    }
  if (byEntry.size > 0) {
    para(`${ESTIMATE_MARK_KEY}:`);
    const order = (s: string): number => STRATEGY_IDS.indexOf(s as StrategyId);
    const list = (set: Set<string>): string => [...set].sort((a, b) => order(a) - order(b)).join(', ');
    for (const [key, { cost, exposure }] of [...byEntry].sort(([a], [b]) => a.localeCompare(b)))
      lines.push(
        ...hang(
          `  ${key}: `,
          [cost.size > 0 ? `cost of ${list(cost)}` : '', exposure.size > 0 ? `exposure of ${list(exposure)}` : '']
            .filter((t) => t !== '')
            .join('; '),
          W,
        ),
      );
    lines.push('');
  }

  para('Rows:');
  for (const r of matrix.rows) {
    const [name, what] = rowHeading(r);
    lines.push(...hang(`  ${r.kind === 'preset' ? '' : `#${r.experimentId} `}`, `${name}: ${what}`, W));
  }
  lines.push('');
  para('Strategies:');
  for (const s of matrix.strategies) lines.push(...hang(`  ${s.padEnd(4)}`, shortName(s).slice(s.length + 1), W));
  lines.push('');
  para(`Written by: ${command}`);
  return `${lines.map((l) => toAscii(l).trimEnd()).join('\n')}\n`;
}

/** The CLI command that writes this export again. */
export function matrixCommand(request: MatrixExportRequest): string {
  const ids = request.experiments?.map((e) => e.experimentId).join(' ') ?? '';
  const atPoint = request.experiments?.some((e) => e.point !== undefined) ?? false;
  const context = /^exposure\.([^.]+)\.([^.]+)$/.exec(request.exposure ?? DEFAULT_MATRIX_EXPOSURE);
  return [
    'gmemlab export',
    ids,
    '--chart matrix',
    `--format ${request.format}`,
    request.cost !== undefined && request.cost !== DEFAULT_MATRIX_COST ? `--cost ${request.cost}` : '',
    context !== null && context[1] !== 'kernel' ? `--context ${context[1]}` : '',
    context !== null && context[2] !== 'fraction' ? `--measure ${context[2]}` : '',
    atPoint ? '(rows at the points picked in the window)' : '',
  ]
    .filter((t) => t !== '')
    .join(' ');
}
