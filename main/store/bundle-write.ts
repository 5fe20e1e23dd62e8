// A bundle as the text of its file, written piece by piece: the same text as
// JSON.stringify(bundle, null, 2), without ever holding it whole. A 10,000-point sweep of 70,000
// runs is about 600 MB of it, past the longest string V8 makes (`gmemlab export-bundle` failed
// with "Invalid string length"), and a string that long would need the memory twice over.
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import type { Bundle } from '../../common/contract/bundle.ts';
import { GmemlabError } from '../../common/core/index.ts';

/** `value` as JSON.stringify(value, null, 2) makes it, for a place `depth` levels deep. */
const nested = (value: unknown, depth: number): string =>
  JSON.stringify(value, null, 2).replaceAll('\n', `\n${'  '.repeat(depth)}`);

/** The members of `object` (its text without the closing brace), so more can follow. */
const openMembers = (object: object, depth: number): string => nested(object, depth).slice(0, -(2 * depth + 2));

/** The bundle's text in pieces of at most one run (or one experiment's head) each. */
export function* bundleText(bundle: Bundle): Generator<string> {
  const { experiments, ...head } = bundle;
  yield `${openMembers(head, 0)},\n  "experiments": [`;
  for (const [i, experiment] of experiments.entries()) {
    const { runs, ...rest } = experiment;
    yield `${i === 0 ? '' : ','}\n    ${openMembers(rest, 2)},\n      "runs": [`;
    for (const [j, run] of runs.entries()) yield `${j === 0 ? '' : ','}\n        ${nested(run, 4)}`;
    yield runs.length === 0 ? ']\n    }' : '\n      ]\n    }';
  }
  yield experiments.length === 0 ? ']\n}\n' : '\n  ]\n}\n';
}

/**
 * Writes the bundle to `path`, through `path.partial` renamed at the end, so a failed write never
 * leaves half a bundle. Errors of the file say which file and why (invalid_input: the user can fix them).
 */
export function writeBundleFile(bundle: Bundle, path: string): void {
  const partial = `${path}.partial`;
  try {
    const fd = openSync(partial, 'w');
    try {
      let pending = '';
      for (const piece of bundleText(bundle)) {
        pending += piece;
        if (pending.length >= 1 << 20) {
          writeSync(fd, pending);
          pending = '';
        }
      }
      writeSync(fd, pending);
    } finally {
      closeSync(fd);
    }
    renameSync(partial, path);
  } catch (err) {
    rmSync(partial, { force: true });
    throw new GmemlabError('invalid_input', `cannot write ${path}: ${(err as Error).message}`, [
      { path: 'out', message: (err as Error).message },
    ]);
  }
}
