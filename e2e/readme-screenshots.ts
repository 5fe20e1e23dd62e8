// The README's screenshots come from the e2e run: tests save what they show as e2e/artifacts/NAME.png,
// and at the end of the run every image README.md shows as docs/screenshots/NAME.png is replaced by
// the one this run saved. README.md is the one list; a test only names its screenshot. An image a
// run did not make again (only some specs ran, or its test failed before taking it) keeps the
// previous one: a test takes its screenshot after the checks of what it shows.
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { artifacts, screenshotsDir } from './paths.ts';

/** The names (without .png) of the images README.md shows from docs/screenshots, in order. */
export function readmeScreenshots(
  readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8'),
): string[] {
  return [...readme.matchAll(/!\[[^\]]*\]\(docs\/screenshots\/([A-Za-z0-9-]+)\.png\)/g)].map((m) => m[1]!);
}

/**
 * Copies the README's images this run saved (written at or after `since`, ms since the epoch)
 * from `from` to `to`; returns the names it copied and those it left as they were.
 */
export function refreshScreenshots(
  names: string[],
  since: number,
  from = artifacts,
  to = screenshotsDir,
): { copied: string[]; kept: string[] } {
  const copied: string[] = [];
  const kept: string[] = [];
  mkdirSync(to, { recursive: true });
  for (const name of names) {
    const made = join(from, `${name}.png`);
    if (existsSync(made) && statSync(made).mtimeMs >= since) {
      copyFileSync(made, join(to, `${name}.png`));
      copied.push(name);
    } else kept.push(name);
  }
  return { copied, kept };
}

/** Playwright's global set-up: notes when the run started; its teardown refreshes the README's images. */
export default function setUp(): () => void {
  // Whole seconds: some file systems keep modification times no finer.
  const started = Math.floor(Date.now() / 1000) * 1000;
  return () => {
    const { copied, kept } = refreshScreenshots(readmeScreenshots(), started);
    console.log(`README screenshots: ${copied.length} refreshed by this run`);
    if (kept.length > 0) console.log(`README screenshots not made by this run, kept as they were: ${kept.join(', ')}`);
  };
}
