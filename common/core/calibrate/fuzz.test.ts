// Calibration on foreign, garbage and mangled input: it either makes a profile whose every figure
// is finite and accounted for, or throws CalibrationError naming the file. Never anything else.
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { calibrate, CalibrationError, histogramStats, parseHistograms } from './index.ts';

const dir = new URL('./fixtures/', import.meta.url);
const fixtures = readdirSync(dir)
  .filter((n) => n.endsWith('.txt'))
  .map((name) => ({ name, text: readFileSync(new URL(name, dir), 'utf8') }));
const at = '2026-11-26T00:00:00Z';

function outcome(name: string, text: string): 'profile' | 'refused' {
  try {
    const p = calibrate([{ name, text }], { name: 'fuzz', createdAt: at, ghz: 2.5, cpus: 16 });
    for (const c of p.costs) {
      expect(Number.isFinite(c.value)).toBe(true);
      expect(c.value).toBeGreaterThanOrEqual(0);
      expect(c.low).toBeLessThanOrEqual(c.high);
    }
    for (const u of p.unused) expect(u.reason.length).toBeGreaterThan(0);
    expect(JSON.parse(JSON.stringify(p))).toEqual(p);
    return 'profile';
  } catch (err) {
    if (!(err instanceof CalibrationError)) throw err;
    expect(err.message.startsWith(`${name}: `) || err.message === 'no files given').toBe(true);
    return 'refused';
  }
}

describe('calibration on foreign input', () => {
  it('refuses arbitrary text, naming the file', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2000 }), (text) => {
        outcome('random.txt', text);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses other tools’ text: JSON, a scenario, a kernel log, a CSV', () => {
    const foreign = [
      JSON.stringify({ format: 'gmemlab/scenario@1', name: 'x' }),
      '[    0.000000] Linux version 6.12.0 (gcc) #1 SMP PREEMPT_DYNAMIC\n[    0.000000] Command line: ro quiet',
      'key,mean,ci95\ncost.overheadPct,1.5,0\n',
      'PASS vmexit_cpuid\nPASS vmexit_ipi\nSKIP cmpxchg8b (i386 only)',
    ];
    for (const text of foreign) expect(outcome('foreign.txt', text)).toBe('refused');
  });

  it('survives every real fixture with lines dropped, duplicated, truncated or garbled', () => {
    const mangle = fc.record({
      fixture: fc.constantFrom(...fixtures),
      ops: fc.array(
        fc.record({
          kind: fc.constantFrom('drop', 'dup', 'truncate', 'garble', 'insert'),
          at: fc.nat(),
          junk: fc.string({ maxLength: 40 }),
        }),
        { maxLength: 6 },
      ),
    });
    fc.assert(
      fc.property(mangle, ({ fixture, ops }) => {
        const lines = fixture.text.split('\n');
        for (const op of ops) {
          const i = lines.length === 0 ? 0 : op.at % lines.length;
          if (op.kind === 'drop') lines.splice(i, 1);
          else if (op.kind === 'dup') lines.splice(i, 0, lines[i] ?? '');
          else if (op.kind === 'truncate') lines[i] = (lines[i] ?? '').slice(0, op.at % 20);
          else if (op.kind === 'garble') lines[i] = `${(lines[i] ?? '').slice(0, 10)}${op.junk}`;
          else lines.splice(i, 0, op.junk);
        }
        outcome(fixture.name, lines.join('\n'));
      }),
      { numRuns: 400 },
    );
  });

  it('reads any bpftrace power-of-2 histogram it is given with every count kept', () => {
    const counts = fc.array(fc.nat({ max: 1_000_000 }), { minLength: 1, maxLength: 30 });
    fc.assert(
      fc.property(counts, fc.nat({ max: 20 }), (cs, start) => {
        const fmt = (v: number): string => {
          for (const [s, f] of [
            ['G', 1024 ** 3],
            ['M', 1024 ** 2],
            ['K', 1024],
          ] as const)
            if (v >= f && v % f === 0) return `${v / f}${s}`;
          return String(v);
        };
        const rows = cs.map((c, i) => {
          const lo = 2 ** (start + i);
          return `[${fmt(lo)}, ${fmt(lo * 2)})`.padEnd(20) + ` ${c} |${'@'.repeat(Math.min(52, c))}|`;
        });
        const text = `@ns[set_direct_map_invalid_noflush, 0]:\n${rows.join('\n')}\n`;
        const [h] = parseHistograms('gen.txt', text);
        expect(h!.buckets.map((b) => b.count)).toEqual(cs);
        expect(h!.buckets[0]!.lo).toBe(2 ** start);
        const total = cs.reduce((a, b) => a + b, 0);
        if (total > 0) {
          const s = histogramStats(h!);
          expect(s.meanNs).toBeGreaterThanOrEqual(2 ** start);
          expect(s.meanNs).toBeLessThanOrEqual(2 ** (start + cs.length));
        }
      }),
      { numRuns: 200 },
    );
  });
});
