// Plain-text layout for mail: word wrap, hanging indents, and ASCII for whatever users typed.

/** Word-wraps to width. A word longer than a line is cut. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of toAscii(text).split(/ +/)) {
    const candidate = line === '' ? word : `${line} ${word}`;
    if (candidate.length <= width) {
      line = candidate;
      continue;
    }
    if (line !== '') lines.push(line);
    let rest = word;
    while (rest.length > width) {
      lines.push(rest.slice(0, width));
      rest = rest.slice(width);
    }
    line = rest;
  }
  if (line !== '' || lines.length === 0) lines.push(line);
  return lines;
}

/** `label` then the text wrapped beside it; continuation lines indented to the label's width. */
export function hang(label: string, text: string, width: number): string[] {
  const pad = ' '.repeat(label.length);
  return wrap(text, width - label.length).map((line, i) => `${i === 0 ? label : pad}${line}`);
}

/** Shortens text to width with a trailing '~'. */
export function fit(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}~`;
}

const ASCII_FOR: Record<string, string> = {
  '\u2192': '->',
  '\u203a': ':', // the › between a parameter's group and its name ("VM: vCPUs"; ">" read as an inequality)
  '\u00d7': 'x',
  '\u2013': '-',
  '\u2014': '--',
  '\u2018': "'",
  '\u2019': "'",
  '\u201c': '"',
  '\u201d': '"',
  '\u00b1': '+-',
  '\u2264': '<=',
  '\u2265': '>=',
  '\u00b5': 'u',
  '\u03bc': 'u',
  '\t': ' ',
};

/** Letters with no decomposition to an ASCII letter, written as a mail in ASCII would. */
const LETTERS_FOR: Record<string, string> = {
  '\u00df': 'ss', // ß
  '\u00e6': 'ae',
  '\u00c6': 'AE',
  '\u0153': 'oe',
  '\u0152': 'OE',
  '\u00f8': 'o',
  '\u00d8': 'O',
  '\u0142': 'l',
  '\u0141': 'L',
  '\u0111': 'd',
  '\u0110': 'D',
  '\u00fe': 'th',
  '\u00de': 'Th',
  '\u00f0': 'd',
  '\u00d0': 'D',
  '\u0131': 'i',
};

/**
 * Names and notes come from users: anything outside printable ASCII becomes ASCII (accented
 * letters lose their accents: "Gäste" -> "Gaste") or, where there is none (CJK, emoji), '?'.
 */
export function toAscii(text: string): string {
  // Accents typed as marks of their own (decomposed text, as macOS file names keep it) go first.
  return text
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ \u203a /g, ': ') // "VM › vCPUs" as "VM: vCPUs"
    .replace(/[^\x20-\x7e]/gu, (c) => ASCII_FOR[c] ?? LETTERS_FOR[c] ?? decomposed(c) ?? '?');
}

/** The character's compatibility decomposition without combining marks, if that is printable ASCII. */
function decomposed(c: string): string | undefined {
  // ½ decomposes to 1, U+2044 FRACTION SLASH, 2.
  const plain = c
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/\u2044/g, '/');
  return plain.trim() !== '' && /^[\x20-\x7e]+$/.test(plain) ? plain : undefined;
}
