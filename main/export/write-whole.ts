// Writing a whole file where a user named it: beside the target first, then renamed over it, so
// a failed write leaves neither half a file nor the partial one. One way for every such write
// (the CLI's --out, the window's save dialog); a bundle, written as it is read, has its own
// (store/bundle-write.ts).
import { rename, rm, writeFile } from 'node:fs/promises';

/** Writes `body` to `path` whole, or throws the file system's error and leaves nothing behind. */
export async function writeWhole(path: string, body: string | Uint8Array): Promise<void> {
  const partial = `${path}.partial`;
  try {
    await writeFile(partial, body);
    await rename(partial, path);
  } catch (err) {
    // The write's own error is the one to report; a partial file that cannot be removed stays.
    await rm(partial, { force: true }).catch(() => {});
    throw err;
  }
}
