// The recent scenario files of the Electron window's File menu: most recent first, no
// duplicates, at most RECENT_MAX, kept in a small JSON file in userData. A missing or damaged
// file is an empty list (it holds nothing that cannot be rebuilt).
import { readFileSync, writeFileSync, renameSync } from 'node:fs';

export const RECENT_MAX = 10;

/** `path` first, the rest after it without it, cut to `max`. */
export function addRecent(list: readonly string[], path: string, max = RECENT_MAX): string[] {
  return [path, ...list.filter((p) => p !== path)].slice(0, max);
}

export function loadRecent(file: string): string[] {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return Array.isArray(parsed)
      ? parsed.filter((p): p is string => typeof p === 'string' && p !== '').slice(0, RECENT_MAX)
      : [];
  } catch {
    return [];
  }
}

/** Written to a temporary file and renamed, so a crash never leaves half a list. */
export function saveRecent(file: string, list: readonly string[]): void {
  const temporary = `${file}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(list, null, 1)}\n`);
  renameSync(temporary, file);
}
