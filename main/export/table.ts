// The results table of the mail and of `gmemlab run` / `gmemlab show`: one column per strategy,
// one row per metric (its label wrapped in the first column), within 72 columns. A second row
// gives the 95% CI where the run has seeds that disagree, a third the change against S0 where
// S0 has a value to compare with; neither appears when it would say nothing. Strategies the core
// flagged carry a '!' in the heading, and the flags are listed under the table, in the window's
// words (common/analysis/trust.ts).
import { METRIC_CATALOGUE, STRATEGY_IDS, type MetricInfo } from '../../common/core/index.ts';
import type { RunDetail } from '../../common/contract/index.ts';
import { ciShown, formatValue, RELATIVE_TOLERANCE } from '../../common/analysis/format.ts';
import { flagName, flagsOf, isStateMetric, partlyAlways, stateWord, type Flag } from '../../common/analysis/trust.ts';
import { hang, wrap } from './wrap.ts';

/** A number in at most `width` columns: exponents short (1e6, 2.4e-5), fewer digits before a cut. */
export function compactValue(value: number, width: number): string {
  const short = (text: string): string =>
    text.replace(/^(-?[0-9.]+)e\+?(-?[0-9]+)$/, (_, m: string, e: string) => `${Number(m)}e${e}`);
  const full = short(formatValue(value));
  if (full.length <= width) return full;
  const abs = Math.abs(value);
  for (let digits = 3; digits >= 1; digits--) {
    const text =
      // Exponents where formatValue writes them (below 1e-3), so a cell reads as the prose does
      // ("0.00685" beside "0.006852%", not 6.85e-3), and from 1e5 up, where digits would not fit.
      abs >= 1e5 || abs < 1e-3 ? short(value.toExponential(digits - 1)) : String(Number(value.toPrecision(digits)));
    if (text.length <= width) return text;
  }
  // Too narrow for digits below 1e-2: an exponent still fits where a cut would say nothing (7e-3).
  if (abs < 1e-2 && abs > 0)
    for (let digits = 2; digits >= 1; digits--) {
      const text = short(value.toExponential(digits - 1));
      if (text.length <= width) return text;
    }
  return `${full.slice(0, width - 1)}~`;
}

function cell(key: string, value: number, width: number): string {
  if (isStateMetric(key)) {
    const word = stateWord(value, 'short');
    return word.length <= width ? word : compactValue(value, width);
  }
  return compactValue(value, width);
}

/**
 * The headline metrics, in catalogue order after `first`: cost shares and rates (not raw
 * cycles), how each context reaches guest memory (the state words where the core gives them,
 * else the fraction) and the longest window, and latency means and p99s of the touchpoints that
 * ran (`activeTouchpoints`, when given). `all` gives every metric the runs carry.
 */
export function tableMetrics(
  runs: RunDetail[],
  first: string | undefined,
  all: boolean,
  activeTouchpoints?: ReadonlySet<string>,
): MetricInfo[] {
  const present = new Set(runs.flatMap((r) => Object.keys(r.metrics)));
  const nonzero = (key: string): boolean => runs.some((r) => (r.metrics[key]?.mean ?? 0) !== 0);
  const known = METRIC_CATALOGUE.filter((m) => present.has(m.key));
  const unknown = [...present]
    .filter((k) => !known.some((m) => m.key === k))
    .sort()
    .map((key): MetricInfo => ({ key, label: key, unit: '', group: 'cost', lowerIsBetter: true, description: '' }));
  const headline = (m: MetricInfo): boolean => {
    const [group, ctx, leaf] = m.key.split('.');
    switch (m.group) {
      case 'cost':
        return m.unit !== 'cycles/s';
      case 'exposure':
        if (leaf === 'state') return true;
        // The fraction beside the state word where "always" covers different shares: S0's whole
        // memory, S1's user mapping on some CPUs, S2's pfn-cache pages must not read alike.
        if (leaf === 'fraction')
          return !present.has(`${group}.${ctx}.state`) || runs.some((r) => partlyAlways(r.metrics, `${group}.${ctx}`));
        return leaf === 'longestWindowUs' && nonzero(m.key);
      case 'latency':
        return (
          (leaf === 'meanUs' || leaf === 'p99Us') &&
          nonzero(m.key) &&
          (activeTouchpoints === undefined || activeTouchpoints.has(ctx!))
        );
      default:
        return false;
    }
  };
  const chosen = all ? [...known, ...unknown] : known.filter(headline);
  const lead = [...known, ...unknown].find((m) => m.key === first);
  return lead === undefined ? chosen : [lead, ...chosen.filter((m) => m.key !== lead.key)];
}

export interface TableOptions {
  width: number;
  /**
   * The estimate-class cost entries each strategy's figures rest on (matrix.ts:
   * estimateDependencies): such a figure is marked "~", as the matrix marks it.
   */
  estimates?: Partial<Record<string, Record<string, string[]>>>;
}

/** The table's lines; [] when there are no runs. Strategies in the core's order. */
export function strategyTable(runs: RunDetail[], metrics: MetricInfo[], options: TableOptions): string[] {
  if (runs.length === 0) return [];
  const order = (s: string): number => {
    const i = (STRATEGY_IDS as readonly string[]).indexOf(s);
    return i < 0 ? STRATEGY_IDS.length : i;
  };
  const sorted = [...runs].sort((a, b) => order(a.strategy) - order(b.strategy));
  // Columns of 7 to 9 characters and a space; the label column takes the rest (at least 14).
  const maxColumns = Math.max(1, Math.floor((options.width - 14) / 8));
  const lines: string[] = [];
  for (let i = 0; i < sorted.length; i += maxColumns) {
    if (i > 0) lines.push('');
    lines.push(...block(sorted.slice(i, i + maxColumns), metrics, options, sorted));
  }
  return lines;
}

function block(runs: RunDetail[], metrics: MetricInfo[], options: TableOptions, all: RunDetail[]): string[] {
  const { width, estimates } = options;
  const cw = Math.min(9, Math.floor((width - 14) / runs.length) - 1);
  const labelWidth = width - runs.length * (cw + 1);
  const s0 = all.find((r) => r.strategy === 'S0');
  const row = (label: string, cells: string[]): string =>
    `${label.padEnd(labelWidth)}${cells.map((c) => ` ${c.padStart(cw)}`).join('')}`.trimEnd();
  const lines = [
    row(
      '',
      runs.map((r) => `${r.strategy}${flagsOf(r).length > 0 ? '!' : ''}`),
    ),
  ];
  for (const m of metrics) {
    const label = wrap(`${m.label}${m.unit === '' || isStateMetric(m.key) ? '' : ` (${m.unit})`}`, labelWidth - 1);
    const values = runs.map((r) => {
      const e = r.metrics[m.key];
      if (e === undefined) return '-';
      const estimated = (estimates?.[r.strategy]?.[m.key]?.length ?? 0) > 0;
      return estimated ? `~${cell(m.key, e.mean, cw - 1)}` : cell(m.key, e.mean, cw);
    });
    lines.push(row(label[0]!, values));
    const extra: [string, string[]][] = [];
    // The CI only where seeds were run and disagree (beyond float rounding); an exact (analytic)
    // figure has none.
    if (
      runs.some((r) => {
        const e = r.metrics[m.key];
        return e !== undefined && e.n > 1 && ciShown(e);
      })
    )
      extra.push([
        '  +-95% CI',
        runs.map((r) => {
          const e = r.metrics[m.key];
          if (e === undefined || e.n <= 1) return '-';
          // Seeds that agree to float rounding have no interval worth a digit.
          return compactValue(ciShown(e) ? e.ci95 : 0, cw);
        }),
      ]);
    // The change against S0 only where S0 has a non-zero value of a cost or latency: a share
    // already "vs S0", or S0 at 0, would only repeat the mean. A latency's change is the time
    // added: S0's latency is only what the model charges (the exit, the copy), not a device's
    // whole handling, and a share of it read as +79312%.
    const base = s0?.metrics[m.key]?.mean;
    if (base !== undefined && base !== 0 && (m.group === 'latency' || (m.group === 'cost' && m.unit !== '%')))
      extra.push([
        m.group === 'latency' ? '  vs S0 (us)' : '  vs S0',
        runs.map((r) => {
          const e = r.metrics[m.key];
          if (e === undefined || r.strategy === 'S0') return '-';
          if (m.group === 'latency') {
            const added = e.mean - base;
            return Math.abs(added) <= RELATIVE_TOLERANCE * Math.max(Math.abs(e.mean), Math.abs(base))
              ? '0'
              : `${added > 0 ? '+' : ''}${compactValue(added, cw - 1)}`;
          }
          const pct = (100 * (e.mean - base)) / Math.abs(base);
          return Math.abs(pct) < 0.05 ? '0%' : `${pct > 0 ? '+' : ''}${compactValue(pct, cw - 2)}%`;
        }),
      ]);
    for (const text of label.slice(1)) lines.push(text);
    for (const [extraLabel, cells] of extra) lines.push(row(extraLabel, cells));
  }
  return lines;
}

/** Flags under the table: once for flags every strategy shares, then per strategy. */
export function flagLines(runs: RunDetail[], width: number): string[] {
  const flagged = runs.filter((r) => flagsOf(r).length > 0);
  if (flagged.length === 0) return [];
  const key = (f: Flag): string => `${f.code}\u0000${f.message}`;
  const everywhere = flagsOf(flagged[0]!).filter(
    (f) => runs.length > 1 && runs.every((r) => flagsOf(r).some((g) => key(g) === key(f))),
  );
  const lines = [...wrap('! Flagged by the model (read these numbers with care):', width)];
  for (const f of everywhere) lines.push(...hang(`  all ${flagName(f.code)}: `, f.message, width));
  for (const r of flagged)
    for (const f of flagsOf(r).filter((g) => !everywhere.some((e) => key(e) === key(g))))
      lines.push(...hang(`  ${r.strategy} ${flagName(f.code)}: `, f.message, width));
  return lines;
}
