// Where a text stops being JSON, and what was expected there, as an editor counts (line and
// column from 1). JSON.parse gives a position for some mistakes and none for others (an
// unexpected word, NaN, a truncated literal) and quotes the text in its message, control
// characters included: a CRLF file's '\r' then overwrote the terminal line. This scanner follows
// the JSON grammar (RFC 8259) without recursion, so a hostile nesting depth cannot exhaust the stack.

type Expected = 'value' | 'key' | 'colon' | 'after';

/** What the scanner found: where (an offset into the text), and what it expected there. */
interface JsonStop {
  offset: number;
  /** Words for what should have come at `offset`. */
  expected: string;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const WHITESPACE = /[ \t\n\r]*/y;

/** Where `text` stops being JSON; undefined for valid JSON. */
function jsonStop(text: string): JsonStop | undefined {
  let i = 0;
  const open: string[] = []; // '{' or '[' for each open object or array
  let state: Expected = 'value';
  const skipSpace = (): void => {
    WHITESPACE.lastIndex = i;
    WHITESPACE.exec(text);
    i = WHITESPACE.lastIndex;
  };
  /** Past the string at i (its opening quote), or where it goes wrong. */
  const string = (): JsonStop | undefined => {
    for (i++; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return undefined;
      }
      if (c < 0x20) return { offset: i, expected: 'the string to go on (a control character must be escaped in JSON)' };
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 5;
        else if (e !== undefined && '"\\/bfnrt'.includes(e)) i++;
        else return { offset: i + 1, expected: 'an escape: \\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX' };
      }
    }
    return { offset: i, expected: 'the closing " of a string' };
  };
  for (;;) {
    skipSpace();
    const c = text[i];
    if (state === 'value') {
      if (c === '{' || c === '[') {
        open.push(c);
        i++;
        skipSpace();
        if (text[i] === (c === '{' ? '}' : ']')) {
          open.pop();
          i++;
          state = 'after';
        } else state = c === '{' ? 'key' : 'value';
        continue;
      }
      if (c === '"') {
        const bad = string();
        if (bad !== undefined) return bad;
        state = 'after';
        continue;
      }
      const word = ['true', 'false', 'null'].find((w) => text.startsWith(w, i));
      if (word !== undefined) {
        i += word.length;
        state = 'after';
        continue;
      }
      NUMBER.lastIndex = i;
      if (NUMBER.exec(text) !== null && NUMBER.lastIndex > i) {
        i = NUMBER.lastIndex;
        state = 'after';
        continue;
      }
      return { offset: i, expected: 'a value (a number, a string in double quotes, true, false, null, { or [)' };
    }
    if (state === 'key') {
      if (c !== '"') return { offset: i, expected: 'a field name in double quotes' };
      const bad = string();
      if (bad !== undefined) return bad;
      state = 'colon';
      continue;
    }
    if (state === 'colon') {
      if (c !== ':') return { offset: i, expected: ': after the field name' };
      i++;
      state = 'value';
      continue;
    }
    // After a value: the end, or what the open object or array allows.
    const top = open.at(-1);
    if (top === undefined) return i >= text.length ? undefined : { offset: i, expected: 'the end of the text' };
    const close = top === '{' ? '}' : ']';
    if (c === ',') {
      i++;
      state = top === '{' ? 'key' : 'value';
    } else if (c === close) {
      open.pop();
      i++;
    } else return { offset: i, expected: `, or ${close}` };
  }
}

/** Characters a message must name, not print: controls (C0, C1), spaces other than ' ', format characters. */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Zs}]/u;

/** A character as a reader can see it in a message: 'x', or the name of an invisible one. */
function shown(c: string | undefined): string {
  if (c === undefined) return 'the end of the text';
  if (c === '\n' || c === '\r') return 'a line break';
  if (c === '\t') return 'a tab';
  if (c === ' ') return 'a space';
  const code = c.codePointAt(0)!;
  const name = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  if (/\p{Cc}/u.test(c)) return `the control character ${name}`;
  return INVISIBLE.test(c) ? `the invisible character ${name}` : `'${c}'`;
}

/** JSON's own whitespace (RFC 8259): space, tab, line feed, carriage return; not NBSP or U+2028. */
const ONLY_JSON_SPACE = /^[ \t\n\r]*$/;

/**
 * Why `text` is not JSON, and where, for an error message: "found 'x' at line 2, column 9 where
 * a value ... goes", or that its last character ends it too early. `origin` names what the lines
 * count in ("the scenario between the marks" for a mail's block). Undefined if it is JSON.
 */
export function jsonProblem(text: string, origin = ''): string | undefined {
  const stop = jsonStop(text);
  if (stop === undefined) return undefined;
  // Columns count characters (code points: an emoji is one, a tab is one).
  const at = (offset: number): string => {
    const before = text.slice(0, offset).split(/\r\n|\r|\n/);
    return `line ${before.length}${origin === '' ? '' : ` of ${origin}`}, column ${[...before.at(-1)!].length + 1}`;
  };
  // Nothing but JSON's whitespace after the stop: the text ended before its JSON did.
  if (ONLY_JSON_SPACE.test(text.slice(stop.offset))) {
    let last = text.replace(/[ \t\n\r]+$/, '').length - 1;
    if (last > 0 && /[\uDC00-\uDFFF]/.test(text[last]!)) last--; // the start of a two-unit character
    return last < 0
      ? 'it holds no JSON value'
      : `its last character, at ${at(last)}, ends it before the JSON is complete: ${stop.expected} is missing`;
  }
  const found = stop.offset < text.length ? String.fromCodePoint(text.codePointAt(stop.offset)!) : undefined;
  return `found ${shown(found)} at ${at(stop.offset)} where ${stop.expected} goes`;
}
