// gmemlab list
import { toAscii } from '../../export/wrap.ts';
import { call, out, printJson, UsageError, withApp, type Command } from '../shared.ts';

/** Each query field and the option that sets it, to name the option in an error. */
const OPTION_OF: Record<string, string> = {
  search: '--search',
  name: '--name',
  tags: '--tag',
  statuses: '--status',
  strategies: '--strategy',
  createdFrom: '--from',
  createdTo: '--to',
  limit: '--limit',
  offset: '--offset',
  sort: '--sort',
};

/** The query fields that narrow the history (the others page and sort it). */
const FILTERS = ['search', 'name', 'tags', 'statuses', 'strategies', 'createdFrom', 'createdTo'] as const;

const integer = (option: string, text: unknown): number | undefined => {
  if (text === undefined) return undefined;
  if (typeof text !== 'string' || !/^\d{1,9}$/.test(text))
    throw new UsageError(`${option}: "${String(text)}" is not a whole number`);
  return Number(text);
};

export const listCommand: Command = {
  name: 'list',
  summary: 'list the experiments in the history, newest first (search, filter, sort)',
  usage:
    'gmemlab list [--search WORDS] [--name TEXT] [--tag TAG]... [--status STATUS]... [--strategy S0..S6]... [--from DATE] [--to DATE] ' +
    '[--sort createdAt|finishedAt|name|status|runsTotal] [--asc] [--limit N] [--offset N] [--db PATH] [--json]',
  options: {
    search: { type: 'string' },
    name: { type: 'string' },
    tag: { type: 'string', multiple: true },
    status: { type: 'string', multiple: true },
    strategy: { type: 'string', multiple: true },
    from: { type: 'string' },
    to: { type: 'string' },
    sort: { type: 'string', default: 'createdAt' },
    asc: { type: 'boolean', default: false },
    limit: { type: 'string' },
    offset: { type: 'string' },
  },
  async run({ positionals, values, json }) {
    if (positionals.length > 0)
      throw new UsageError(`list takes no arguments, got "${positionals.join(' ')}" (search with --search)`);
    const raw = {
      search: values['search'],
      name: values['name'],
      tags: values['tag'],
      statuses: values['status'],
      strategies: values['strategy'],
      createdFrom: values['from'],
      createdTo: values['to'],
      limit: integer('--limit', values['limit']),
      offset: integer('--offset', values['offset']),
      sort: { by: values['sort'], dir: values['asc'] === true ? 'asc' : 'desc' },
    };
    const query = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined));
    // The window's own call and checks, with the option named.
    return withApp(
      values,
      async (app) => {
        const page = await call(app, 'listExperiments', query, OPTION_OF);
        if (json) {
          printJson(page);
          return 0;
        }
        const filtered = FILTERS.some((f) => query[f] !== undefined);
        if (page.total === 0) {
          out(
            filtered
              ? 'no experiments match these filters (`gmemlab list` without them lists the whole history)'
              : 'no experiments: the history is empty (run one with `gmemlab run` or `gmemlab sweep`)',
          );
          return 0;
        }
        const offset = raw.offset ?? 0;
        if (page.items.length === 0) {
          out(`no experiments from --offset ${offset}: ${page.total} match, the last at --offset ${page.total - 1}`);
          return 0;
        }
        const rows = page.items.map((e) => [
          String(e.id),
          e.status,
          `${e.runsDone}/${e.runsTotal}`,
          e.createdAt.slice(0, 16).replace('T', ' '),
          toAscii(e.name),
          // What a sweep varies, by path (the --param syntax) and count: two sweeps told apart.
          e.swept.length === 0 ? '-' : e.swept.map((p) => `${p.path}(${p.count})`).join(' x '),
          e.tags.join(','),
        ]);
        const head = ['ID', 'STATUS', 'RUNS', 'CREATED (UTC)', 'NAME', 'SWEPT', 'TAGS'];
        const width = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
        const line = (r: string[]): string =>
          r
            .map((cell, c) => (c === 0 ? cell.padStart(width[c]!) : c === r.length - 1 ? cell : cell.padEnd(width[c]!)))
            .join('  ')
            .trimEnd();
        const shown = `${offset + 1}-${offset + page.items.length} of ${page.total}`;
        out(
          [
            line(head),
            ...rows.map(line),
            '',
            `${shown}${page.total > offset + page.items.length ? ' (more with --offset)' : ''}`,
          ].join('\n'),
        );
        return 0;
      },
      { readOnly: true },
    );
  },
};
