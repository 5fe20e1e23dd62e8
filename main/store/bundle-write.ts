// A bundle as the text of its file, written piece by piece as its parts are read from the store
// (bundle-export.ts): the same text as JSON.stringify(bundle, null, 2), without ever holding the
// bundle or its text whole. A 10,000-point sweep of 70,000 runs is about 600 MB of it, past the
// longest string V8 makes (`gmemlab export-bundle` failed with "Invalid string length").
import { open, rename, rm } from 'node:fs/promises';
import { GmemlabError } from '../../common/core/index.ts';
import type { BundlePart, BundleSummary } from './bundle-export.ts';

/** `value` as JSON.stringify(value, null, 2) makes it, for a place `depth` levels deep. */
const nested = (value: unknown, depth: number): string =>
  JSON.stringify(value, null, 2).replaceAll('\n', `\n${'  '.repeat(depth)}`);

/** The members of `object` (its text without the closing brace), so more can follow. */
const openMembers = (object: object, depth: number): string => nested(object, depth).slice(0, -(2 * depth + 2));

/**
 * The bundle's text in pieces of at most one page of runs (or one experiment's head) each, as
 * `parts` come; `onHead` gets what the bundle holds once its head is read.
 */
export async function* bundleText(
  parts: AsyncIterable<BundlePart>,
  onHead: (summary: BundleSummary) => void = () => {},
): AsyncGenerator<string> {
  let experiments = 0;
  let runs = 0; // of the current experiment
  const closeExperiment = (): string => (runs === 0 ? ']\n    }' : '\n      ]\n    }');
  for await (const part of parts) {
    if (part.kind === 'head') {
      onHead(part.summary);
      yield `${openMembers(part.head, 0)},\n  "experiments": [`;
    } else if (part.kind === 'experiment') {
      const before = experiments === 0 ? '' : `${closeExperiment()},`;
      yield `${before}\n    ${openMembers(part.experiment, 2)},\n      "runs": [`;
      experiments++;
      runs = 0;
    } else {
      let text = '';
      for (const run of part.runs) text += `${runs++ === 0 ? '' : ','}\n        ${nested(run, 4)}`;
      yield text;
    }
  }
  yield experiments === 0 ? ']\n}\n' : `${closeExperiment()}\n  ]\n}\n`;
}

/**
 * Writes the bundle to `path` as its parts are read, through `path.partial` renamed at the end,
 * so a failed write never leaves half a bundle; says what it holds. Errors of the file say which
 * file and why (invalid_input: the user can fix them); the store's errors pass as they are.
 */
export async function writeBundleFile(parts: AsyncIterable<BundlePart>, path: string): Promise<BundleSummary> {
  const partial = `${path}.partial`;
  let summary: BundleSummary | undefined;
  const fileError = (err: unknown): GmemlabError =>
    new GmemlabError('invalid_input', `cannot write ${path}: ${(err as Error).message}`, [
      { path: 'out', message: (err as Error).message },
    ]);
  let file;
  try {
    file = await open(partial, 'w');
  } catch (err) {
    throw fileError(err);
  }
  let written = false;
  try {
    let pending = '';
    for await (const piece of bundleText(parts, (s) => (summary = s))) {
      pending += piece;
      if (pending.length >= 1 << 20) {
        await file.write(pending).catch((err: unknown) => Promise.reject(fileError(err)));
        pending = '';
      }
    }
    await file.write(pending).catch((err: unknown) => Promise.reject(fileError(err)));
    await file.close();
    await rename(partial, path).catch((err: unknown) => Promise.reject(fileError(err)));
    written = true;
  } finally {
    if (!written) {
      await file.close().catch(() => {});
      await rm(partial, { force: true });
    }
  }
  return summary!;
}

/**
 * The bundle's text whole, for a caller that must return it as one value (the contract's
 * exportBundle): refused with `too_large` as soon as it passes `maxBytes` of UTF-8 (reading stops
 * there), with `tooLarge`'s message (which names the way that has no limit: a bundle file).
 */
export async function bundleTextUpTo(
  parts: AsyncIterable<BundlePart>,
  maxBytes: number,
  tooLarge: (summary: BundleSummary) => string,
): Promise<{ text: string; summary: BundleSummary }> {
  let summary: BundleSummary | undefined;
  const pieces: string[] = [];
  let bytes = 0;
  for await (const piece of bundleText(parts, (s) => (summary = s))) {
    bytes += Buffer.byteLength(piece);
    if (bytes > maxBytes) throw new GmemlabError('too_large', tooLarge(summary!));
    pieces.push(piece);
  }
  return { text: pieces.join(''), summary: summary! };
}
