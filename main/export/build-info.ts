// Which gmemlab made an export: the package version and the git commit it was built from, so a
// reader of a mail can check out the same code. The commit comes from GMEMLAB_COMMIT when the
// build sets it, else from git in the source tree (with "-dirty" when tracked files differ);
// "unknown commit" when neither is available (an installed copy without .git).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface BuildInfo {
  version: string;
  commit: string;
}

let cached: BuildInfo | undefined;

/** The package root: two folders up from here in the source tree (main/export) and in out/main. */
const root = join(import.meta.dirname, '..', '..');

function gitCommit(): string | undefined {
  if (!existsSync(join(root, '.git'))) return undefined;
  try {
    const git = (...args: string[]): string =>
      execFileSync('git', args, {
        cwd: root,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
        timeout: 5000,
      }).trim();
    const commit = git('rev-parse', '--short=12', 'HEAD');
    const dirty = git('status', '--porcelain', '--untracked-files=no') !== '';
    return `${commit}${dirty ? '-dirty' : ''}`;
  } catch {
    return undefined;
  }
}

export function buildInfo(): BuildInfo {
  if (cached !== undefined) return cached;
  let version = 'unknown';
  try {
    version = String((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: unknown }).version);
  } catch {
    // An unusual layout: the version stays "unknown" rather than failing the export.
  }
  const commit = process.env['GMEMLAB_COMMIT'] || gitCommit() || 'unknown commit';
  cached = { version, commit };
  return cached;
}
