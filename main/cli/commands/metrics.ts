// gmemlab metrics
import { METRIC_CATALOGUE } from '../../../common/core/index.ts';
import { nearestMatches } from '../../../common/analysis/suggest.ts';
import { hang } from '../../export/wrap.ts';
import { out, printJson, UsageError, type Command } from '../shared.ts';

export const metricsCommand: Command = {
  name: 'metrics',
  summary: 'the metric catalogue: every key --metric takes, with its unit and meaning',
  usage:
    'gmemlab metrics [WORD] [--json]\n  WORD: only the metrics whose key, label or meaning contains it (case ignored)',
  options: {},
  async run({ positionals, json }) {
    if (positionals.length > 1) throw new UsageError('metrics takes at most one WORD to filter by');
    const word = positionals[0]?.toLowerCase();
    const shown = METRIC_CATALOGUE.filter(
      (m) => word === undefined || `${m.key} ${m.label} ${m.description}`.toLowerCase().includes(word),
    );
    if (shown.length === 0) {
      const near = nearestMatches(
        word!,
        METRIC_CATALOGUE.map((m) => m.key),
      );
      throw new UsageError(
        `no metric mentions "${positionals[0]}"${near.length > 0 ? `; did you mean ${near.join(', ')}?` : ''}`,
      );
    }
    if (json) {
      printJson(shown);
      return 0;
    }
    const width = Math.max(72, process.stdout.columns ?? 100);
    const lines: string[] = [];
    let group = '';
    for (const m of shown) {
      if (m.group !== group) {
        group = m.group;
        lines.push('', `${group}:`);
      }
      lines.push(`  ${m.key}  (${m.unit}${m.onlyFrom === 'des' ? ', discrete-event runs only' : ''})`);
      lines.push(...hang('      ', `${m.label}: ${m.description}`, width));
    }
    out(lines.slice(1).join('\n'));
    return 0;
  },
};
