// A colleague's bundle is untrusted: take a real exported bundle (from a real run in one App) and
// import mutated copies into another App through dispatch. Every outcome must be an import or a
// client error naming the field; a refused bundle writes nothing; nothing is ever 'internal'.
import fc from 'fast-check';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../app.ts';
import { PRESETS } from '../../common/core/index.ts';
import { dispatch } from './index.ts';

let dir: string;
let source: App;
let target: App;
let bundle: unknown;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gmemlab-bundle-fuzz-'));
  source = await createApp({ dbPath: join(dir, 'source.sqlite'), poolSize: 1 });
  target = await createApp({ dbPath: join(dir, 'target.sqlite'), poolSize: 1 });
  const started = await dispatch(source.handlers, 'startExperiment', {
    name: 'fuzz source',
    scenario: PRESETS[0]!.scenario,
  });
  if (!started.ok) throw new Error(started.error.message);
  const { experimentId } = started.value as { experimentId: number };
  await source.runner.whenDone(experimentId);
  const exported = await dispatch(source.handlers, 'exportBundle', { experimentIds: [experimentId] });
  if (!exported.ok) throw new Error(exported.error.message);
  bundle = JSON.parse((exported.value as { text: string }).text);
});

afterAll(async () => {
  await source?.close();
  await target?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Every path to a value inside a JSON tree (containers included). */
function paths(node: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [prefix];
  if (Array.isArray(node)) node.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (node !== null && typeof node === 'object')
    for (const [k, v] of Object.entries(node)) out.push(...paths(v, [...prefix, k]));
  return out;
}

/** A copy of `tree` with the value at `path` replaced (or removed when `value` is undefined). */
function mutate(tree: unknown, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(tree) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (value === undefined) {
    if (Array.isArray(node)) node.splice(Number(last), 1);
    else delete node[last];
  } else {
    Object.defineProperty(node, last, { value, enumerable: true, writable: true, configurable: true });
  }
  return copy;
}

async function experimentCount(): Promise<number> {
  const page = await dispatch(target.handlers, 'listExperiments', {});
  if (!page.ok) throw new Error(page.error.message);
  return (page.value as { total: number }).total;
}

async function deleteAll(): Promise<void> {
  const page = await dispatch(target.handlers, 'listExperiments', { limit: 500 });
  for (const item of page.ok ? (page.value as { items: { id: number }[] }).items : [])
    await dispatch(target.handlers, 'deleteExperiment', { experimentId: item.id });
}

describe('importBundle with hostile bundles', () => {
  it('imports the real bundle once, and skips it the second time', async () => {
    const first = await dispatch(target.handlers, 'importBundle', { bundle });
    expect(first).toMatchObject({ ok: true, value: { experimentsImported: 1 } });
    const again = await dispatch(target.handlers, 'importBundle', { bundle });
    expect(again).toMatchObject({ ok: true, value: { experimentsImported: 0, experimentsSkipped: 1 } });
    await deleteAll();
    expect(await experimentCount()).toBe(0);
  });

  it('answers every mutated bundle with an import or invalid_input, and writes nothing when refused', async () => {
    const all = paths(bundle);
    const replacement = fc.oneof(
      fc.constant(undefined),
      fc.jsonValue({ maxDepth: 2 }),
      fc.constantFrom(
        -1,
        1e308,
        '',
        'x'.repeat(300),
        '__proto__',
        "'; DROP TABLE runs; --",
        [],
        {},
        null,
        true,
        Number.MAX_SAFE_INTEGER + 2,
      ),
      fc.constantFrom(JSON.parse('{"__proto__":{"polluted":true}}') as unknown, {
        constructor: { prototype: { polluted: true } },
      }),
    );
    const outcomes = { imported: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: all.length - 1 }), replacement, async (at, value) => {
        const before = await experimentCount();
        const hostile = mutate(bundle, all[at]!, value);
        const envelope = await dispatch(target.handlers, 'importBundle', { bundle: hostile });
        if (envelope.ok) {
          // Whatever was accepted is a well-formed import; clean up so later cases start equal.
          const summary = envelope.value as { experimentsImported: number };
          expect(await experimentCount()).toBe(before + summary.experimentsImported);
          await deleteAll();
          outcomes.imported++;
        } else {
          expect(
            envelope.error.code,
            `${all[at]!.join('.')} = ${JSON.stringify(value)?.slice(0, 80)}: ${envelope.error.message}`,
          ).toBe('invalid_input');
          expect(envelope.error.message).not.toMatch(/\n\s+at /);
          expect(await experimentCount()).toBe(before);
          outcomes.refused++;
        }
        expect(Object.prototype).not.toHaveProperty('polluted');
      }),
      { numRuns: 150 },
    );
    expect(outcomes.refused).toBeGreaterThan(0); // the fuzz did reach the validation
  });

  it('accepts a harmless edit and refuses a harmful one at the same place', async () => {
    const renamed = mutate(bundle, ['experiments', 0, 'name'], 'renamed by a colleague');
    expect(await dispatch(target.handlers, 'importBundle', { bundle: renamed })).toMatchObject({
      ok: true,
      value: { experimentsImported: 1 },
    });
    await deleteAll();
    const blank = await dispatch(target.handlers, 'importBundle', {
      bundle: mutate(bundle, ['experiments', 0, 'name'], ''),
    });
    expect(blank).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', issues: [{ path: 'bundle.experiments.0.name' }] },
    });
    expect(await experimentCount()).toBe(0);
  });

  it('refuses input that is not a bundle at all', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 3 }), async (value) => {
        const envelope = await dispatch(target.handlers, 'importBundle', { bundle: value });
        expect(envelope).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
      }),
      { numRuns: 100 },
    );
    expect(await experimentCount()).toBe(0);
  });
});
