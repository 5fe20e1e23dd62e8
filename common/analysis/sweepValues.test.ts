import { describe, expect, it } from 'vitest';
import { parseSweepSpec, sweepNote, sweepValues, type SweepSpec } from './sweepValues.ts';

const num = { kind: 'number', integer: false } as const;
const int = { kind: 'number', integer: true } as const;

describe('sweepValues', () => {
  it('parses lists by the parameter type', () => {
    expect(sweepValues({ kind: 'list', text: '1, 2 4;4' }, int)).toEqual({ ok: true, values: [1, 2, 4], asked: 4 });
    expect(sweepValues({ kind: 'list', text: 'true false' }, { kind: 'boolean' })).toEqual({
      ok: true,
      values: [true, false],
      asked: 2,
    });
    expect(sweepValues({ kind: 'list', text: '4K 2M' }, { kind: 'enum', options: ['4K', '2M', '1G'] })).toEqual({
      ok: true,
      values: ['4K', '2M'],
      asked: 2,
    });
    expect(sweepValues({ kind: 'list', text: 'x' }, num)).toEqual({ ok: false, message: '"x" is not a number' });
    // Decimal only: Number() would read these as 16, 3 and 8.
    for (const text of ['0x10', '0b11', '0o10'])
      expect(sweepValues({ kind: 'list', text }, num)).toEqual({ ok: false, message: `"${text}" is not a number` });
    expect(sweepValues({ kind: 'list', text: '-1.5e3, .5, +2' }, num)).toEqual({
      ok: true,
      values: [-1500, 0.5, 2],
      asked: 3,
    });
    expect(parseSweepSpec('lin:0x1:10:3')).toEqual({ error: '"lin:0x1:10:3": FROM, TO and COUNT must be numbers' });
    // A value lost between two separators is refused, named by its place; a separator at the end is not.
    expect(sweepValues({ kind: 'list', text: '1,,2' }, num)).toEqual({
      ok: false,
      message: 'value 2 of "1,,2" is empty: a value is missing between two separators, or one separator is extra',
    });
    expect(sweepValues({ kind: 'list', text: ',1' }, num)).toMatchObject({
      ok: false,
      message: /^value 1 of ",1" is empty/,
    });
    expect(sweepValues({ kind: 'list', text: '1; ;2' }, num).ok).toBe(false);
    expect(sweepValues({ kind: 'list', text: ' 1, 2, ' }, num)).toEqual({ ok: true, values: [1, 2], asked: 2 });
    expect(sweepValues({ kind: 'list', text: ' , ' }, num)).toMatchObject({ ok: false });
    expect(sweepValues({ kind: 'list', text: '' }, num)).toEqual({ ok: false, message: 'give at least one value' });
    // A range typed without its kind is told how to write one.
    expect(sweepValues({ kind: 'list', text: '1:4' }, num)).toEqual({
      ok: false,
      message:
        '"1:4" is not a number (a range: lin:FROM:TO:COUNT or log:FROM:TO:COUNT on the command line, the kind lin or log in the window)',
    });
    expect(sweepValues({ kind: 'list', text: '3G' }, { kind: 'enum', options: ['4K'] }).ok).toBe(false);
  });

  it('makes linear and log ranges, rounding integers', () => {
    expect(sweepValues({ kind: 'linear', from: 0, to: 1, count: 5 }, num)).toEqual({
      ok: true,
      values: [0, 0.25, 0.5, 0.75, 1],
      asked: 5,
    });
    expect(sweepValues({ kind: 'log', from: 1, to: 1000, count: 4 }, num)).toEqual({
      ok: true,
      values: [1, 10, 100, 1000],
      asked: 4,
    });
    expect(sweepValues({ kind: 'log', from: 1, to: 4, count: 5 }, int)).toEqual({
      ok: true,
      values: [1, 1.41, 2, 2.83, 4].map(Math.round).filter((v, i, a) => a.indexOf(v) === i),
      asked: 5,
    });
    expect(sweepValues({ kind: 'log', from: 0, to: 10, count: 3 }, num).ok).toBe(false);
    expect(sweepValues({ kind: 'linear', from: 0, to: 1, count: 0 }, num).ok).toBe(false);
    expect(sweepValues({ kind: 'linear', from: 0, to: 1, count: 2 }, { kind: 'boolean' }).ok).toBe(false);
  });
});

describe('sweepNote', () => {
  it('says when values asked fell together, and nothing when every one is there', () => {
    const note = (spec: SweepSpec, integer = true) =>
      sweepNote(spec, { kind: 'number', integer }, sweepValues(spec, { kind: 'number', integer }));
    expect(note({ kind: 'log', from: 1, to: 256, count: 40 })).toMatch(
      /^40 values asked, \d+ distinct once rounded to whole numbers$/,
    );
    expect(note({ kind: 'list', text: '1, 2, 2, 4' })).toBe('4 values given, 3 distinct');
    expect(note({ kind: 'log', from: 1, to: 64, count: 7 })).toBeUndefined();
    expect(note({ kind: 'log', from: 1, to: 256, count: 40 }, false)).toBeUndefined();
    // A real-valued range from a value to itself: the same value, not a rounding.
    expect(note({ kind: 'linear', from: 5, to: 5, count: 3 }, false)).toBe('3 values asked, 1 distinct');
  });
});
