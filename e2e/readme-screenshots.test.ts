import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { screenshotsDir } from './paths.ts';
import { readmeScreenshots, refreshScreenshots } from './readme-screenshots.ts';

describe("the README's screenshots", () => {
  it('are the images in docs/screenshots, each shown once, none left over', () => {
    const shown = readmeScreenshots();
    expect(shown.length).toBeGreaterThan(10);
    expect(new Set(shown).size).toBe(shown.length);
    const files = readdirSync(screenshotsDir)
      .filter((f) => f.endsWith('.png'))
      .map((f) => f.slice(0, -'.png'.length));
    expect([...files].sort()).toEqual([...shown].sort());
  });

  it('reads the names from image links only', () => {
    const readme =
      '![a](docs/screenshots/one.png) see docs/screenshots/two.png, [a link](docs/screenshots/four.png) ![b](docs/screenshots/three-3.png)';
    expect(readmeScreenshots(readme)).toEqual(['one', 'three-3']);
  });

  describe('refreshed from a run', () => {
    const dirs: string[] = [];
    afterEach(() => {
      for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    });

    it('only by what the run saved: an older artifact or a missing one keeps the image as it was', () => {
      const from = mkdtempSync(join(tmpdir(), 'gmemlab-shots-'));
      const to = mkdtempSync(join(tmpdir(), 'gmemlab-readme-'));
      dirs.push(from, to);
      const since = Date.now() - 60_000;
      writeFileSync(join(from, 'fresh.png'), 'new');
      writeFileSync(join(from, 'stale.png'), 'old run');
      utimesSync(join(from, 'stale.png'), new Date(since - 3_600_000), new Date(since - 3_600_000));
      for (const name of ['fresh', 'stale', 'missing']) writeFileSync(join(to, `${name}.png`), 'previous');

      expect(refreshScreenshots(['fresh', 'stale', 'missing'], since, from, to)).toEqual({
        copied: ['fresh'],
        kept: ['stale', 'missing'],
      });
      expect(readFileSync(join(to, 'fresh.png'), 'utf8')).toBe('new');
      expect(readFileSync(join(to, 'stale.png'), 'utf8')).toBe('previous');
      expect(readFileSync(join(to, 'missing.png'), 'utf8')).toBe('previous');
    });
  });
});
