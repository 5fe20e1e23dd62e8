import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PRESETS, scenarioSchema } from '../core/index.ts';
import {
  childrenOf,
  defaultValueOf,
  describeSchema,
  getPath,
  labelFromKey,
  setPath,
  sweepableParameters,
} from './schemaFields.ts';

const schema = z
  .object({
    format: z.literal('x@1'),
    host: z
      .object({
        cpus: z.number().int().min(1).max(64),
        ghz: z.number().positive().max(10).meta({ unit: 'GHz', title: 'Clock' }),
        pcid: z.boolean(),
      })
      .strict(),
    mode: z.enum(['pinned', 'shared']).default('pinned'),
    touchpoints: z.record(z.string(), z.object({ rate: z.number().min(0).describe('Event rate [1/s]') })),
    seeds: z.array(z.number().int()).optional(),
    kind: z.union([z.literal('a'), z.literal('b')]),
    odd: z.tuple([z.number()]),
  })
  .strict();

describe('describeSchema', () => {
  it('walks groups, bounds, units, enums, literals, records and arrays', () => {
    const root = describeSchema(schema);
    expect(root.kind).toBe('group');
    const byKey = Object.fromEntries(root.children!.map((c) => [c.key, c]));
    expect(byKey['format']).toMatchObject({ kind: 'literal', literal: 'x@1' });
    const host = byKey['host']!.children!;
    expect(host[0]).toMatchObject({ path: 'host.cpus', kind: 'number', integer: true, min: 1, max: 64, label: 'cpus' });
    expect(host[1]).toMatchObject({
      path: 'host.ghz',
      label: 'Clock',
      unit: 'GHz',
      min: 0,
      minExclusive: true,
      max: 10,
    });
    expect(host[2]).toMatchObject({ kind: 'boolean' });
    expect(byKey['mode']).toMatchObject({
      kind: 'enum',
      options: ['pinned', 'shared'],
      optional: true,
      defaultValue: 'pinned',
    });
    expect(byKey['kind']).toMatchObject({ kind: 'enum', options: ['a', 'b'] });
    expect(byKey['seeds']).toMatchObject({ kind: 'array', optional: true });
    expect(byKey['odd']!.kind).toBe('json');
    const tps = childrenOf(byKey['touchpoints']!, { mmio: { rate: 5 }, pio: { rate: 1 } });
    expect(tps.map((t) => t.path)).toEqual(['touchpoints.mmio', 'touchpoints.pio']);
    expect(tps[0]!.children![0]).toMatchObject({ path: 'touchpoints.mmio.rate', label: 'Event rate', unit: '1/s' });
  });

  it('lists sweepable leaves of a value', () => {
    const value = {
      format: 'x@1',
      host: { cpus: 4, ghz: 2, pcid: true },
      mode: 'pinned',
      touchpoints: { mmio: { rate: 5 } },
      kind: 'a',
      odd: [1],
    };
    expect(sweepableParameters(schema, value).map((p) => p.path)).toEqual([
      'host.cpus',
      'host.ghz',
      'host.pcid',
      'mode',
      'touchpoints.mmio.rate',
      'kind',
    ]);
  });

  it('finds vm.vcpus in the core scenario schema, whatever else it holds', () => {
    const params = sweepableParameters(scenarioSchema, PRESETS[0]!.scenario);
    expect(params.find((p) => p.path === 'vm.vcpus')).toMatchObject({ kind: 'number', integer: true });
  });
});

describe('defaultValueOf', () => {
  it('builds a value the schema accepts for a new entry', () => {
    const entry = z.object({
      rate: z.number().positive(),
      pages: z.number().int().min(1),
      write: z.boolean(),
      ctx: z.enum(['kvm', 'vmm']),
      note: z.string().optional(),
      b: z.number().default(7),
    });
    const v = defaultValueOf(entry);
    expect(v).toEqual({ rate: 1, pages: 1, write: false, ctx: 'kvm', b: 7 });
    expect(entry.safeParse(v).success).toBe(true);
    const rec = describeSchema(z.record(z.enum(['mmio', 'pio']), entry));
    expect(rec.keyOptions).toEqual(['mmio', 'pio']);
  });
});

describe('paths', () => {
  it('gets and sets dotted paths without touching the original', () => {
    const v = { a: { b: [1, { c: 2 }] } };
    expect(getPath(v, 'a.b.1.c')).toBe(2);
    const w = setPath(v, 'a.b.1.c', 3);
    expect(getPath(w, 'a.b.1.c')).toBe(3);
    expect(getPath(v, 'a.b.1.c')).toBe(2);
    expect(getPath(setPath({}, 'x.y', 1), 'x.y')).toBe(1);
    expect(setPath(setPath({}, 'list.0', 'S0'), 'list.1', 'S1')).toEqual({ list: ['S0', 'S1'] });
    expect(labelFromKey('mmioPerSecPerVcpu')).toBe('mmio per sec per vcpu');
  });

  it('leaves retired fields (read so older files load, unused by the model) out of every form', () => {
    const tp = describeSchema(scenarioSchema)
      .children!.find((c) => c.key === 'workload')!
      .children!.find((c) => c.key === 'touchpoints')!
      .children!.find((c) => c.key === 'mmio')!;
    expect(tp.children!.map((c) => c.key)).toEqual(['ratePerSec', 'pagesPerEvent', 'bytesPerEvent']);
    const own = describeSchema(z.object({ a: z.number(), old: z.boolean().optional().meta({ retired: true }) }));
    expect(own.children!.map((c) => c.key)).toEqual(['a']);
  });
});
