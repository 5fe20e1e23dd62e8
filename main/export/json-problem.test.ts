// The scanner against JSON.parse: the same texts valid, and for the mistakes people make, where
// they are as an editor counts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonProblem } from './json-problem.ts';

const parses = (text: string): boolean => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

describe('jsonProblem', () => {
  it('says nothing of valid JSON, and finds a problem wherever JSON.parse does', () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        expect(jsonProblem(text)).toBeUndefined();
      }),
    );
    // Valid JSON with a character knocked out, doubled or swapped in: the two agree on validity.
    const damaged = fc
      .tuple(
        fc.json(),
        fc.nat(),
        fc.constantFrom('', ',', ':', '"', '{', '}', '[', ']', 'x', '\\', '\n', '\u0001', '0'),
      )
      .map(([text, at, put]) => {
        const i = text.length === 0 ? 0 : at % text.length;
        return text.slice(0, i) + put + text.slice(i + 1);
      });
    fc.assert(
      fc.property(damaged, (text) => {
        expect(jsonProblem(text) === undefined).toBe(parses(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('names the place, line and column from 1, and what was expected there', () => {
    expect(jsonProblem('{\n  "cpus": x\n}')).toBe(
      "found 'x' at line 2, column 11 where a value (a number, a string in double quotes, true, false, null, { or [) goes",
    );
    expect(jsonProblem('{"a": 1,, "b": 2}')).toBe(
      "found ',' at line 1, column 9 where a field name in double quotes goes",
    );
    expect(jsonProblem('{"a": 1 "b": 2}')).toBe(`found '"' at line 1, column 9 where , or } goes`);
    expect(jsonProblem('[1, 2]]')).toBe("found ']' at line 1, column 7 where the end of the text goes");
    expect(jsonProblem('{"a": NaN}')).toMatch(/^found 'N' at line 1, column 7 where a value/);
    expect(jsonProblem('{"a": tru}')).toMatch(/^found 't' at line 1, column 7 where a value/);
    expect(jsonProblem('{"a": "x\\qy"}')).toMatch(/^found 'q' at line 1, column 10 where an escape/);
  });

  it('says the text ends too early, at its last character, whatever spaces follow', () => {
    expect(jsonProblem('{\n  "host": {"cpus": \n\n  \n')).toBe(
      'its last character, at line 2, column 18, ends it before the JSON is complete: a value (a number, a string in double quotes, true, false, null, { or [) is missing',
    );
    expect(jsonProblem('{"a": "unterminated')).toMatch(
      /^its last character, at line 1, column 19, ends it .*closing " of a string/,
    );
    expect(jsonProblem('   ')).toBe('it holds no JSON value');
  });

  it('counts CRLF lines as lines, and names invisible characters instead of printing them', () => {
    const crlf = '{\r\n  "a": 1,\r\n  "b": \u0001\r\n}';
    const problem = jsonProblem(crlf)!;
    expect(problem).toBe(
      'found the control character U+0001 at line 3, column 8 where a value (a number, a string in double quotes, true, false, null, { or [) goes',
    );
    expect([...problem].every((c) => c >= ' ')).toBe(true);
    expect(jsonProblem('{"a": "line\nbreak"}')).toMatch(
      /^found a line break at line 1, column 12 where the string to go on/,
    );
  });

  it("takes only JSON's whitespace for whitespace, names invisible characters, and counts characters, not UTF-16 units", () => {
    expect(jsonProblem('{"a": 1}\u00a0')).toBe(
      'found the invisible character U+00A0 at line 1, column 9 where the end of the text goes',
    );
    expect(jsonProblem('{"a": 1}\u2028')).toMatch(/^found the invisible character U\+2028 at line 1, column 9 /);
    expect(jsonProblem('{"a": 1}\ufeff')).toMatch(/^found the invisible character U\+FEFF /);
    expect(jsonProblem('{"a": \u0085}')).toMatch(/^found the control character U\+0085 at line 1, column 7 /);
    // An emoji is one column; the mistake after it is where an editor's cursor would say.
    expect(jsonProblem('{"😀": x}')).toMatch(/^found 'x' at line 1, column 7 /);
    expect(jsonProblem('["😀"')).toBe(
      'its last character, at line 1, column 4, ends it before the JSON is complete: , or ] is missing',
    );
  });

  it('names the block it counts lines in, and survives a hostile depth', () => {
    expect(jsonProblem('{"a": x}', 'the scenario between the marks')).toContain(
      'at line 1 of the scenario between the marks, column 7',
    );
    expect(jsonProblem('['.repeat(200_000))).toMatch(/^its last character, at line 1, column 200000, ends it/);
  });
});
