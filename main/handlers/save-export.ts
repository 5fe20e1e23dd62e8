// Saving an export where the user chooses, in the desktop window: main asks the native save
// dialog (injected, so this runs and is tested in Node without Electron) and writes the file
// whole (write-whole.ts). The path comes only from the dialog, never from the renderer.
import type { ExportedFile } from '../export/index.ts';
import { writeWhole } from '../export/write-whole.ts';

export interface SaveDialog {
  /** The path the user chose for a file suggested as `filename`, or undefined if they cancelled. */
  chooseSavePath(filename: string): Promise<string | undefined>;
}

export interface SaveResult {
  saved: boolean;
  filename: string;
  path?: string;
}

export async function saveExportedFile(file: ExportedFile, dialog: SaveDialog): Promise<SaveResult> {
  const path = await dialog.chooseSavePath(file.filename);
  if (path === undefined || path === '') return { saved: false, filename: file.filename };
  await writeWhole(path, file.body);
  return { saved: true, filename: file.filename, path };
}
