// writeWhole on a real temporary folder: a file written whole, and a failed write leaving
// nothing beside its target, its own error reported even when the partial file cannot be removed.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeWhole } from './write-whole.ts';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'gmemlab-write-whole-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('writeWhole', () => {
  it('writes the file whole, over an older one, and leaves no partial file', async () => {
    const path = join(dir, 'out.txt');
    await writeWhole(path, 'first');
    await writeWhole(path, Buffer.from('second'));
    expect(readFileSync(path, 'utf8')).toBe('second');
    expect(existsSync(`${path}.partial`)).toBe(false);
  });

  it('throws the write error and leaves nothing beside a target it cannot replace (a folder)', async () => {
    const folder = join(dir, 'a-folder');
    mkdirSync(folder);
    await expect(writeWhole(folder, 'text')).rejects.toThrow(/EISDIR/);
    expect(existsSync(`${folder}.partial`)).toBe(false);
  });

  it('reports the write error, not the clean-up one, when the partial name is taken by a folder', async () => {
    const path = join(dir, 'out.txt');
    mkdirSync(join(dir, 'out.txt.partial', 'inside'), { recursive: true });
    await expect(writeWhole(path, 'text')).rejects.toThrow(/EISDIR/);
    expect(existsSync(path)).toBe(false);
  });
});
