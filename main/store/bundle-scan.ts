// Reads a bundle file as a stream of its items (issue 15 item 1): a bundle of 200 MB must be
// imported, and a hostile one refused, without holding the file or its parsed form whole. The
// bundle's containers (the top-level object, its scenarios, costTables and experiments arrays,
// each experiment object and its runs array) are walked byte by byte; every other value (a
// scenario, a cost table, a run, an experiment's field) is an item, cut out of the bytes and
// handed to JSON.parse on its own, after its size and nesting are checked. Memory is the chunk
// plus the largest item; JSON syntax outside items is checked here, inside items by JSON.parse.
//
// Why not an npm streaming parser: stream-json says it is not meant for untrusted input, and
// @streamparser/json builds every value token by token in JavaScript (6.2 s to tokenise a 180 MB
// bundle here, against 3.0 s for JSON.parse of the whole file) and cannot bound one item's bytes.
import { MAX_BUNDLE_ITEM_BYTES, MAX_JSON_DEPTH } from '../../common/contract/bundle.ts';

/** What the scanner finds, in file order. Values are as JSON.parse made them (untrusted). */
export type BundleEvent =
  /** A top-level key and its value; `scenarios`, `costTables` and `experiments` as [] when they are arrays, before their items. */
  | { kind: 'top'; key: string; value: unknown }
  /** The whole bundle, when it is not an object. */
  | { kind: 'notObject'; value: unknown }
  | { kind: 'scenario'; index: number; value: unknown }
  | { kind: 'costTable'; index: number; value: unknown }
  /** An element of `experiments` that is not an object. */
  | { kind: 'experiment'; index: number; value: unknown }
  /** A field of an experiment object; `runs` as [] when it is an array, before its runs. */
  | { kind: 'experimentField'; index: number; key: string; value: unknown }
  | { kind: 'run'; experiment: number; index: number; value: unknown }
  | { kind: 'experimentEnd'; index: number };

/** The text is not JSON, or a part of it passes a limit; `path` is the bundle path it was found at. */
export class BundleScanError extends Error {
  override name = 'BundleScanError';
  readonly path: string;
  constructor(path: string, message: string) {
    super(message);
    this.path = path;
  }
}

type Role = 'root' | 'scenarios' | 'costTables' | 'experiments' | 'experiment' | 'runs';

interface Frame {
  role: Role;
  path: string;
  /** Experiment index (for 'experiment' and 'runs'). */
  experiment: number;
  isObject: boolean;
  /** What comes next: for objects key → colon → value → comma; for arrays value → comma. */
  state: 'first' | 'key' | 'colon' | 'value' | 'comma';
  key: string;
  keys: Set<string>;
  count: number;
}

/** A value being cut out: where it started, how far it has been scanned, and where it goes. */
interface Item {
  start: number;
  scanned: number;
  depth: number;
  inString: boolean;
  escaped: boolean;
  /** Scalars (numbers, true, false, null) end at a delimiter, not a bracket or a quote. */
  scalar: boolean;
  path: string;
  done: (value: unknown) => void;
}

const WS = new Uint8Array(256);
for (const c of [0x20, 0x09, 0x0a, 0x0d]) WS[c] = 1;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;

/** Items nest this deep at most: the item itself, a record of a run, and MAX_JSON_DEPTH inside it. */
const MAX_ITEM_DEPTH = MAX_JSON_DEPTH + 2;

const childPath = (path: string, key: string | number): string => (path === '' ? String(key) : `${path}.${key}`);

/**
 * Splits a bundle's bytes, fed in chunks of any size, into BundleEvents. Throws BundleScanError
 * on text that is not JSON, an item over MAX_BUNDLE_ITEM_BYTES or nested over MAX_ITEM_DEPTH, or a
 * key given twice in one of the bundle's containers.
 */
export class BundleScanner {
  #buf: Buffer = Buffer.alloc(0);
  /** File offset of #buf[0]. */
  #base = 0;
  #pos = 0;
  readonly #stack: Frame[] = [];
  #item: Item | undefined;
  #started = false;
  #finished = false;
  readonly #emit: (event: BundleEvent) => void;

  constructor(emit: (event: BundleEvent) => void) {
    this.#emit = emit;
  }

  /** Scans `chunk`; events for every item it completes are emitted before this returns. */
  write(chunk: Buffer): void {
    const keep = this.#item === undefined ? this.#pos : this.#item.start - this.#base;
    this.#base += keep;
    this.#buf = keep >= this.#buf.length ? chunk : Buffer.concat([this.#buf.subarray(keep), chunk]);
    this.#pos -= keep;
    if (this.#item !== undefined) this.#item.scanned -= keep;
    this.#run(false);
  }

  /** The input is over: throws if the bundle is not complete. */
  end(): void {
    this.#run(true);
    if (!this.#finished) throw this.#error(this.#stack.at(-1)?.path ?? '', 'the file ends before the bundle does');
  }

  #error(path: string, message: string): BundleScanError {
    return new BundleScanError(path, `${message} (at byte ${this.#base + this.#pos})`);
  }

  #run(final: boolean): void {
    const buf = this.#buf;
    for (;;) {
      if (this.#item !== undefined) {
        if (!this.#scanItem(final)) return;
        continue;
      }
      while (this.#pos < buf.length && WS[buf[this.#pos]!] === 1) this.#pos++;
      if (this.#pos >= buf.length) return;
      const c = buf[this.#pos]!;
      const frame = this.#stack.at(-1);
      if (frame === undefined) {
        if (this.#started) throw this.#error('', 'unexpected text after the bundle');
        this.#started = true;
        this.#value('root', '', 0, (value) => this.#emit({ kind: 'notObject', value }));
        continue;
      }
      if (frame.state === 'comma') {
        if (c === COMMA) {
          this.#pos++;
          frame.state = frame.isObject ? 'key' : 'value';
        } else if (c === (frame.isObject ? CLOSE_OBJECT : CLOSE_ARRAY)) this.#close(frame);
        else throw this.#error(frame.path, `expected "," or "${frame.isObject ? '}' : ']'}"`);
        continue;
      }
      if (frame.state === 'first' && c === (frame.isObject ? CLOSE_OBJECT : CLOSE_ARRAY)) {
        this.#close(frame);
        continue;
      }
      if (frame.isObject && (frame.state === 'first' || frame.state === 'key')) {
        if (c !== QUOTE) throw this.#error(frame.path, 'expected a key in double quotes');
        this.#startItem(frame.path, false, (key) => {
          frame.key = key as string;
          if (frame.keys.has(frame.key)) throw this.#error(childPath(frame.path, frame.key), 'the key appears twice');
          frame.keys.add(frame.key);
          frame.state = 'colon';
        });
        continue;
      }
      if (frame.state === 'colon') {
        if (c !== COLON) throw this.#error(childPath(frame.path, frame.key), 'expected ":"');
        this.#pos++;
        frame.state = 'value';
        continue;
      }
      // A value in an object (after its colon) or an array.
      frame.state = 'comma';
      if (frame.isObject) this.#objectValue(frame);
      else this.#arrayValue(frame);
    }
  }

  #objectValue(frame: Frame): void {
    const key = frame.key;
    const path = childPath(frame.path, key);
    if (frame.role === 'root') {
      const role = key === 'scenarios' || key === 'costTables' || key === 'experiments' ? key : undefined;
      if (role !== undefined) this.#value(role, path, 0, (value) => this.#emit({ kind: 'top', key, value }));
      else this.#startItem(path, true, (value) => this.#emit({ kind: 'top', key, value }));
    } else {
      const index = frame.experiment;
      const done = (value: unknown): void => this.#emit({ kind: 'experimentField', index, key, value });
      if (key === 'runs') this.#value('runs', path, index, done);
      else this.#startItem(path, true, done);
    }
  }

  #arrayValue(frame: Frame): void {
    const index = frame.count++;
    const path = childPath(frame.path, index);
    if (frame.role === 'experiments') {
      this.#value('experiment', path, index, (value) => this.#emit({ kind: 'experiment', index, value }));
      return;
    }
    const experiment = frame.experiment;
    this.#startItem(path, true, (value) => {
      if (frame.role === 'runs') this.#emit({ kind: 'run', experiment, index, value });
      else if (frame.role === 'scenarios') this.#emit({ kind: 'scenario', index, value });
      else this.#emit({ kind: 'costTable', index, value });
    });
  }

  /** A value where a container of `role` belongs: walked if it is one, else cut out whole and given to `other`. */
  #value(role: Role, path: string, experiment: number, other: (value: unknown) => void): void {
    const isObject = role === 'root' || role === 'experiment';
    if (this.#buf[this.#pos] === (isObject ? OPEN_OBJECT : OPEN_ARRAY)) {
      this.#pos++;
      this.#stack.push({ role, path, experiment, isObject, state: 'first', key: '', keys: new Set(), count: 0 });
      // An array walked item by item is announced as [], so that an empty one is seen too.
      if (role === 'runs') this.#emit({ kind: 'experimentField', index: experiment, key: 'runs', value: [] });
      else if (!isObject) this.#emit({ kind: 'top', key: role, value: [] });
    } else this.#startItem(path, true, other);
  }

  #close(frame: Frame): void {
    this.#pos++;
    this.#stack.pop();
    if (frame.role === 'experiment') this.#emit({ kind: 'experimentEnd', index: frame.experiment });
    if (this.#stack.length === 0) this.#finished = true;
  }

  #startItem(path: string, value: boolean, done: (value: unknown) => void): void {
    const c = this.#buf[this.#pos]!;
    if (!value && c !== QUOTE) throw this.#error(path, 'expected a key in double quotes');
    const scalar = c !== OPEN_OBJECT && c !== OPEN_ARRAY && c !== QUOTE;
    if (scalar && (c === CLOSE_ARRAY || c === CLOSE_OBJECT || c === COMMA || c === COLON))
      throw this.#error(path, 'expected a value');
    this.#item = {
      start: this.#base + this.#pos,
      scanned: this.#pos,
      depth: 0,
      inString: false,
      escaped: false,
      scalar,
      path,
      done,
    };
  }

  /** Scans the current item on; returns false when it needs more bytes, true once it is emitted. */
  #scanItem(final: boolean): boolean {
    const item = this.#item!;
    const buf = this.#buf;
    let i = item.scanned;
    let end = -1;
    if (item.scalar) {
      while (i < buf.length) {
        const c = buf[i]!;
        if (c === COMMA || c === CLOSE_ARRAY || c === CLOSE_OBJECT || WS[c] === 1) break;
        i++;
      }
      if (i < buf.length || final) end = i;
    } else {
      let { depth, inString, escaped } = item;
      while (i < buf.length) {
        const c = buf[i++]!;
        if (inString) {
          if (escaped) escaped = false;
          else if (c === BACKSLASH) escaped = true;
          else if (c === QUOTE) {
            inString = false;
            if (depth === 0) break;
          }
        } else if (c === QUOTE) inString = true;
        else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
          if (++depth > MAX_ITEM_DEPTH) {
            this.#pos = i;
            throw this.#error(item.path, `is nested deeper than ${MAX_JSON_DEPTH} levels`);
          }
        } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
          if (--depth === 0) break;
        }
      }
      Object.assign(item, { depth, inString, escaped });
      const closed = !inString && depth === 0 && i > item.start - this.#base + 1;
      if (closed) end = i;
    }
    const size = (end === -1 ? i : end) - (item.start - this.#base);
    if (size > MAX_BUNDLE_ITEM_BYTES)
      throw this.#error(
        item.path,
        `is larger than ${MAX_BUNDLE_ITEM_BYTES / 2 ** 20} MiB (a value this big cannot be in a valid bundle)`,
      );
    if (end === -1) {
      item.scanned = i;
      if (final) {
        this.#pos = i;
        throw this.#error(item.path, 'the file ends inside a value');
      }
      return false;
    }
    const text = buf.toString('utf8', item.start - this.#base, end);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      this.#pos = item.start - this.#base;
      throw this.#error(item.path, `is not valid JSON: ${(err as Error).message}`);
    }
    this.#pos = end;
    this.#item = undefined;
    item.done(value);
    return true;
  }
}
