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

/** Names and notes come from users: anything outside printable ASCII becomes ASCII or '?'. */
export function toAscii(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, (c) => ASCII_FOR[c] ?? '?');
}
