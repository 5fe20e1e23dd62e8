import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every level, so equal content always gives equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

export function contentHash(value: unknown): string {
  return textHash(canonicalJson(value));
}

/** SHA-256 of a text, in hex: the key of a row stored once per distinct text. */
export function textHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
