// getExperiment's answer over HTTP without writing its value columns as JSON numbers (issue 20).
// A 70,000-run sweep's RunTable holds ~70 Float64Array columns (38 MB of doubles); as JSON
// numbers they took the web host ~2 s to write and the page as long to read. A client that sends
// `Accept: COLUMNS_MEDIA_TYPE` gets the envelope as one binary body instead:
//
//   bytes 0-3   "GMC1"
//   bytes 4-7   the JSON text's length in bytes (uint32, little-endian)
//   then        the envelope as JSON (UTF-8), each value column of its RunTable
//               (runTable.metrics[key].mean / ci95 / n, runTable.breakdown[key]) replaced by the
//               column's index in the block below
//   then        zero bytes up to a multiple of 8
//   then        the columns one after another, each runTable.id.length float64s, little-endian
//               (NaN: no value)
//
// The page reads the block as Float64Array views, without a copy. Other clients (curl, tests)
// keep getting plain JSON (columnsAsJson). Electron's IPC clones the Float64Arrays as they are.
//
// Plain TypeScript: shared by the web host and the renderer.
import type { Envelope } from './index.ts';
import type { ExperimentData, MetricColumn, RunTable, ValueColumn } from './run-table.ts';

/** The media type of the binary body, asked for in Accept and named in Content-Type. */
export const COLUMNS_MEDIA_TYPE = 'application/vnd.gmemlab.columns';

const MAGIC = [0x47, 0x4d, 0x43, 0x31]; // "GMC1"
const HEADER_BYTES = 8;

/** A body that is not what encodeColumnsBody writes: says where it went wrong. */
export class ColumnsBodyError extends Error {
  override name = 'ColumnsBodyError';
}

/** Whether float64s are stored little-endian here (the format's order; typed arrays use the machine's). */
const LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;

function hasRunTable(value: unknown): value is ExperimentData {
  return typeof value === 'object' && value !== null && 'runTable' in value;
}

/** The RunTable's value columns in a fixed order, each with a function that puts something in its place. */
function columnSlots(t: RunTable): { column: ValueColumn; put: (v: unknown) => void }[] {
  const slots: { column: ValueColumn; put: (v: unknown) => void }[] = [];
  for (const c of Object.values(t.metrics)) {
    const m = c as Record<keyof MetricColumn, unknown>;
    for (const part of ['mean', 'ci95', 'n'] as const)
      if (m[part] !== undefined) slots.push({ column: m[part] as ValueColumn, put: (v) => (m[part] = v) });
  }
  const breakdown = t.breakdown as Record<string, unknown>;
  for (const key of Object.keys(breakdown))
    slots.push({ column: breakdown[key] as ValueColumn, put: (v) => (breakdown[key] = v) });
  return slots;
}

/**
 * The envelope as a COLUMNS_MEDIA_TYPE body, or undefined when it carries no RunTable (then it
 * goes as JSON). The envelope is not changed.
 */
export function encodeColumnsBody(envelope: Envelope<unknown>): Uint8Array | undefined {
  if (!envelope.ok || !hasRunTable(envelope.value)) return undefined;
  const table = envelope.value.runTable;
  const rows = table.id.length;
  // A copy of the table's column holders only: the run arrays are shared, not copied.
  const wireTable: RunTable = {
    ...table,
    metrics: Object.fromEntries(Object.entries(table.metrics).map(([k, c]) => [k, { ...c }])),
    breakdown: { ...table.breakdown },
  };
  const slots = columnSlots(wireTable);
  const columns = slots.map((s) => s.column);
  slots.forEach((s, i) => s.put(i));
  const text = new TextEncoder().encode(
    JSON.stringify({ ...envelope, value: { ...envelope.value, runTable: wireTable } }),
  );
  const start = Math.ceil((HEADER_BYTES + text.length) / 8) * 8;
  const body = new Uint8Array(start + slots.length * rows * 8);
  body.set(MAGIC, 0);
  new DataView(body.buffer).setUint32(4, text.length, true);
  body.set(text, HEADER_BYTES);
  const values = new Float64Array(body.buffer, start, slots.length * rows);
  columns.forEach((column, i) => {
    if (column.length !== rows) throw new RangeError(`a value column has ${column.length} entries for ${rows} runs`);
    if (column instanceof Float64Array) values.set(column, i * rows);
    else for (let r = 0; r < rows; r++) values[i * rows + r] = column[r] ?? Number.NaN;
  });
  if (!LITTLE_ENDIAN) swapFloat64(new Uint8Array(body.buffer, start));
  return body;
}

/** Reverses the bytes of each float64 in place (for a big-endian machine). */
function swapFloat64(bytes: Uint8Array): void {
  for (let at = 0; at + 8 <= bytes.length; at += 8) bytes.subarray(at, at + 8).reverse();
}

/**
 * The envelope a COLUMNS_MEDIA_TYPE body holds, its value columns as Float64Array views over
 * `body` (not copied). Throws ColumnsBodyError saying what is wrong with a body that is not one.
 */
export function decodeColumnsBody(body: ArrayBuffer): Envelope<unknown> {
  const bytes = new Uint8Array(body);
  if (bytes.length < HEADER_BYTES || MAGIC.some((b, i) => bytes[i] !== b))
    throw new ColumnsBodyError('the body does not start with the columns format\'s mark "GMC1"');
  const length = new DataView(body).getUint32(4, true);
  if (HEADER_BYTES + length > bytes.length)
    throw new ColumnsBodyError(`the JSON part says ${length} bytes but the body has ${bytes.length - HEADER_BYTES}`);
  let envelope: Envelope<unknown>;
  try {
    envelope = JSON.parse(
      new TextDecoder().decode(bytes.subarray(HEADER_BYTES, HEADER_BYTES + length)),
    ) as Envelope<unknown>;
  } catch {
    throw new ColumnsBodyError('the JSON part is not valid JSON');
  }
  if (typeof envelope !== 'object' || envelope === null || !envelope.ok || !hasRunTable(envelope.value))
    throw new ColumnsBodyError('the JSON part is not an answer that holds a run table');
  const table = envelope.value.runTable;
  if (typeof table !== 'object' || table === null || !Array.isArray(table.id))
    throw new ColumnsBodyError('runTable.id is not an array');
  if (
    typeof table.metrics !== 'object' ||
    table.metrics === null ||
    typeof table.breakdown !== 'object' ||
    table.breakdown === null
  )
    throw new ColumnsBodyError('runTable.metrics or runTable.breakdown is not an object');
  const rows = table.id.length;
  const start = Math.ceil((HEADER_BYTES + length) / 8) * 8;
  const slots = columnSlots(table);
  const expected = start + slots.length * rows * 8;
  if (bytes.length !== expected)
    throw new ColumnsBodyError(
      `the body has ${bytes.length} bytes; ${slots.length} columns of ${rows} runs after the JSON make ${expected}`,
    );
  if (!LITTLE_ENDIAN) swapFloat64(new Uint8Array(body, start));
  const seen = new Set<number>();
  for (const { column, put } of slots) {
    const i = column as unknown;
    if (typeof i !== 'number' || !Number.isInteger(i) || i < 0 || i >= slots.length || seen.has(i))
      throw new ColumnsBodyError(
        `a value column's place holds ${JSON.stringify(i)}, not a column number below ${slots.length} used once`,
      );
    seen.add(i);
    put(new Float64Array(body, start + i * rows * 8, rows));
  }
  return envelope;
}
