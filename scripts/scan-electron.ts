// Runs Electronegativity on main/ and preload/ and fails on any finding that is not a justified
// false positive in security/electronegativity-allow.json (referenced from SECURITY.md).
// Electronegativity exits 0 whatever it finds, so the gate is this script reading its SARIF.
//
//   npm run scan            (node scripts/scan-electron.ts)
//
// Needs the devDependency "@doyensec/electronegativity": "1.10.3". Works offline: its release
// check fails with a message and the scan goes on.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ALLOWLIST_FILE = join('security', 'electronegativity-allow.json');
/** What is scanned: the shipped main-process and preload code, not the tests beside it. */
export const SCANNED_DIRS = ['main', 'preload'];

export interface Finding {
  rule: string;
  /** Path relative to the repository root, '' for a global (whole-app) finding. */
  file: string;
  line: number;
  message: string;
}

export interface AllowEntry {
  rule: string;
  file: string;
  why: string;
}

/** Findings out of Electronegativity's SARIF, with paths relative to the scanned root. */
export function parseSarif(text: string): Finding[] {
  const sarif = JSON.parse(text) as { runs?: { results?: unknown[] }[] };
  if (!Array.isArray(sarif.runs)) throw new Error('not a SARIF log: no "runs" array');
  const findings: Finding[] = [];
  for (const run of sarif.runs) {
    for (const raw of run.results ?? []) {
      const result = raw as {
        ruleId?: string;
        message?: { text?: string };
        locations?: { physicalLocation?: { artifactLocation?: { uri?: string }; region?: { startLine?: number } } }[];
      };
      const location = result.locations?.[0]?.physicalLocation;
      const uri = location?.artifactLocation?.uri ?? '';
      // Global checks report "file:///" (no file); file findings are relative with -r.
      const file = uri === 'file:///' || uri === '' ? '' : uri.replace(/^file:\/\//, '').replace(/^\.?\//, '');
      findings.push({
        rule: result.ruleId ?? '(no rule id)',
        file,
        line: location?.region?.startLine ?? 0,
        message: result.message?.text ?? '',
      });
    }
  }
  return findings;
}

/** Checks the allowlist's shape: every entry names a rule, a file ('' for global) and why. */
export function parseAllowlist(text: string): AllowEntry[] {
  const entries = JSON.parse(text) as unknown;
  if (!Array.isArray(entries)) throw new Error(`${ALLOWLIST_FILE}: must be an array of { rule, file, why }`);
  return entries.map((entry, i) => {
    const e = entry as Partial<AllowEntry>;
    if (typeof e.rule !== 'string' || e.rule === '')
      throw new Error(`${ALLOWLIST_FILE}[${i}].rule: must be an Electronegativity rule id`);
    if (typeof e.file !== 'string')
      throw new Error(
        `${ALLOWLIST_FILE}[${i}].file: must be a path relative to the repository ('' for a global check)`,
      );
    if (typeof e.why !== 'string' || e.why.trim().length < 20)
      throw new Error(`${ALLOWLIST_FILE}[${i}].why: must justify the false positive`);
    return { rule: e.rule, file: e.file, why: e.why };
  });
}

/** Splits findings into those a justified entry covers and those that fail the scan. */
export function judge(
  findings: Finding[],
  allow: AllowEntry[],
): { allowed: Finding[]; failing: Finding[]; unused: AllowEntry[] } {
  const covers = (a: AllowEntry, f: Finding): boolean => a.rule === f.rule && a.file === f.file;
  return {
    allowed: findings.filter((f) => allow.some((a) => covers(a, f))),
    failing: findings.filter((f) => !allow.some((a) => covers(a, f))),
    unused: allow.filter((a) => !findings.some((f) => covers(a, f))),
  };
}

const describe = (f: Finding): string =>
  `${f.rule} ${f.file === '' ? '(whole app)' : `${f.file}:${f.line}`}: ${f.message}`;

function electronVersion(require: NodeJS.Require, root: string): string {
  try {
    return (require('electron/package.json') as { version: string }).version;
  } catch {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      devDependencies?: Record<string, string>;
    };
    return (pkg.devDependencies?.['electron'] ?? '').replace(/^[^\d]*/, '');
  }
}

function main(): number {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const require = createRequire(join(root, 'package.json'));
  let bin: string;
  try {
    const pkgPath = require.resolve('@doyensec/electronegativity/package.json');
    const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { bin: Record<string, string> };
    bin = join(dirname(pkgPath), pkg.bin['electronegativity']!);
  } catch {
    console.error(
      'scan-electron: @doyensec/electronegativity is not installed.\n' +
        'Add "@doyensec/electronegativity": "1.10.3" to devDependencies and run npm install; the scan cannot pass without it.',
    );
    return 1;
  }
  const allow = parseAllowlist(readFileSync(join(root, ALLOWLIST_FILE), 'utf8'));
  if (!readFileSync(join(root, 'SECURITY.md'), 'utf8').includes(ALLOWLIST_FILE.replaceAll('\\', '/'))) {
    console.error(
      `scan-electron: SECURITY.md must reference ${ALLOWLIST_FILE}, where every allowed finding is justified`,
    );
    return 1;
  }

  // Scan one copy of main/ and preload/ together, so that whole-app checks (navigation limits,
  // permission handler, CSP) see both, and without the tests (their fixtures are hostile on purpose).
  const work = mkdtempSync(join(tmpdir(), 'gmemlab-scan-'));
  try {
    for (const dir of SCANNED_DIRS)
      cpSync(join(root, dir), join(work, 'src', dir), { recursive: true, filter: (p) => !p.endsWith('.test.ts') });
    const sarifPath = join(work, 'electronegativity.sarif');
    const version = electronVersion(require, root);
    const run = spawnSync(
      process.execPath,
      [bin, '-i', join(work, 'src'), '-o', sarifPath, '-r', '-v', 'false', '-e', version],
      {
        encoding: 'utf8',
        timeout: 600_000,
      },
    );
    if (run.error !== undefined || run.status !== 0 || !existsSync(sarifPath)) {
      console.error(
        `scan-electron: electronegativity did not produce a report (exit ${run.status}): ${run.error?.message ?? ''}\n${run.stderr}`,
      );
      return 1;
    }
    const { allowed, failing, unused } = judge(parseSarif(readFileSync(sarifPath, 'utf8')), allow);
    console.log(
      `scan-electron: Electron ${version}, scanned ${SCANNED_DIRS.join('/, ')}/: ${allowed.length + failing.length} findings, ${allowed.length} justified in ${ALLOWLIST_FILE}`,
    );
    for (const f of allowed) console.log(`  allowed  ${describe(f)}`);
    for (const a of unused)
      console.log(
        `  note: allowlist entry ${a.rule} ${a.file || '(whole app)'} matched nothing; remove it if the code changed`,
      );
    if (failing.length > 0) {
      console.error(`scan-electron: ${failing.length} finding(s) not justified in ${ALLOWLIST_FILE}:`);
      for (const f of failing) console.error(`  FAIL     ${describe(f)}`);
      return 1;
    }
    return 0;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = main();
