// Where the e2e run writes: what its tests save, and the README's images made from them.
import { join } from 'node:path';

/** Screenshots and exported files the tests save (git-ignored). */
export const artifacts = join(import.meta.dirname, 'artifacts');
/** The images README.md shows (readme-screenshots.ts refreshes them from `artifacts`). */
export const screenshotsDir = join(import.meta.dirname, '..', 'docs', 'screenshots');
