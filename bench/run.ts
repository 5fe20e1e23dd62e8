// `npm run bench`: runs every bench module in order and writes its report into BENCHMARKS.md,
// between the two markers below; the history kept by hand around them stays as it is.
// A bench module measures; it never asserts. Targets are reported as met / not met.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import type { Bench, BenchSection } from './types.ts';

// Add new bench modules here (static imports: one list, in report order).
const benches: [string, () => Promise<{ default: Bench }>][] = [
  ['analytic', () => import('./analytic.ts')],
  ['des', () => import('./des.ts')],
  ['store', () => import('./store.ts')],
  ['scale', () => import('./scale.ts')],
];

const only = process.argv.slice(2);
const startLoad = loadavg()[0]!;
const sections: BenchSection[] = [];
for (const [name, load] of benches) {
  if (only.length > 0 && !only.includes(name)) continue;
  process.stderr.write(`bench: ${name} ...\n`);
  const bench = (await load()).default;
  sections.push(await bench());
}

const cpu = cpus()[0]?.model ?? 'unknown CPU';
const lines = [
  `Made by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)} at ${commit()}: ${cpus().length} x ${cpu}, ` +
    `${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; load average ${startLoad.toFixed(2)} when it started.`,
  'On a shared virtual machine the CPU share drifts: compare figures from runs made close together.',
  '',
];
for (const s of sections) {
  lines.push(`## ${s.title}`, '', s.method, '', '| measure | value | target | met |', '| --- | ---: | --- | --- |');
  for (const r of s.rows) {
    const value = Number.isInteger(r.value) ? String(r.value) : r.value.toPrecision(4);
    lines.push(
      `| ${r.name} | ${value} ${r.unit} | ${r.target || '-'} | ${r.met === undefined ? '-' : r.met ? 'yes' : 'NO'} |`,
    );
  }
  lines.push('');
}
if (only.length === 0) writeReport(new URL('../BENCHMARKS.md', import.meta.url), lines.join('\n'));
process.stdout.write(lines.join('\n') + '\n');

/**
 * Puts the report between BEGIN and END in the file (first, after its title, when it has no
 * markers yet), keeping the rest of it: the history of each target, with the figures before
 * each change, is written by hand and must survive a new run.
 */
function writeReport(file: URL, report: string): void {
  const BEGIN = '<!-- npm run bench writes from here -->';
  const END = '<!-- npm run bench writes up to here -->';
  const block = `${BEGIN}\n${report}\n${END}`;
  const old = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const begin = old.indexOf(BEGIN);
  const end = old.indexOf(END);
  let text: string;
  if (begin >= 0 && end > begin) text = old.slice(0, begin) + block + old.slice(end + END.length);
  else {
    const title = /^# .*\n/.exec(old)?.[0] ?? '';
    text = `${title}\n${block}\n\n${old.slice(title.length).trimStart()}`;
  }
  writeFileSync(file, text);
}

/** The commit measured, and whether files were changed from it: what a figure can be traced back to. */
function commit(): string {
  try {
    const git = (...args: string[]) =>
      execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const head = git('rev-parse', '--short', 'HEAD').trim();
    return git('status', '--porcelain', '--untracked-files=no').trim() === ''
      ? `commit ${head}`
      : `commit ${head} with local changes`;
  } catch {
    return 'a tree outside git';
  }
}
