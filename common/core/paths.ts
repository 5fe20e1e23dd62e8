// Dotted paths into a scenario (vm.vcpus, host.costs.ipiUs) and metric keys
// (exposure.host.state): the one pattern, and the one guard against paths that reach
// Object.prototype instead of data. Sweeps, setParameter, the history's filters and its SQL use these.
import { z } from 'zod';

/** Segments of letters, digits and _, joined by dots; the first starts with a letter or _. */
export const DOTTED_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$/;

/** A path segment that would reach Object.prototype (or a function on it), not scenario data. */
export function isPrototypeKey(segment: string): boolean {
  return segment in Object.prototype || segment === 'prototype';
}

/** Why `path` is not a usable dotted path, or undefined when it is. */
export function dottedPathProblem(path: string): string | undefined {
  if (!DOTTED_PATH.test(path)) return 'must be a dotted path like vm.vcpus';
  if (path.split('.').some(isPrototypeKey))
    return 'must name scenario fields, not __proto__, constructor or other built-in keys';
  return undefined;
}

/** A dotted path as a call's input. */
export const dottedPathSchema = z
  .string()
  .max(200)
  .superRefine((path, ctx) => {
    const problem = dottedPathProblem(path);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  });
