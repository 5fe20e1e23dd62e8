// CSV text as every export writes it (main/export's charts and views, the window's matrix
// download): fields quoted where they need it, one line per row, a final newline. Browser-safe.

const field = (v: string | number): string => {
  const text = String(v);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** A CSV text: the header, then one line per row, fields quoted where they need it. */
export function csvText(header: string[], rows: (string | number | boolean)[][]): string {
  return (
    [header, ...rows].map((r) => r.map((v) => field(typeof v === 'boolean' ? String(v) : v)).join(',')).join('\n') +
    '\n'
  );
}
