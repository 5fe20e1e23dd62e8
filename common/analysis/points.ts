// A sweep point (parameter path -> value) as a key and as text: shared by the runner, the CLI
// and the window, so the same point is grouped and written the same way everywhere.
import type { Point } from '../core/index.ts';

export type { Point };

/** A key equal for equal points, whatever order their paths were written in. */
export function pointKey(point: Point): string {
  return JSON.stringify(Object.entries(point).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** `path=value` for each parameter, joined by `separator`; '' for the point of a single run. */
export function pointLabel(point: Point, separator = ', '): string {
  return Object.entries(point)
    .map(([path, value]) => `${path}=${String(value)}`)
    .join(separator);
}
