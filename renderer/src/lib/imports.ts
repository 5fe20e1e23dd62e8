// Texts that arrive from outside the form (a dropped file, Open…, a pasted mail, a recent
// scenario in the Electron menu) go to the right importer: perf reports to the perf import (it
// needs the recording's duration from the user), scenarios and mails to main, which reads them
// (with the sweep a sweep's mail carries).
import { classifyImport } from '../../../common/analysis/importText.ts';
import { api } from './api.ts';
import { Latest } from './latest.ts';
import { app, describeError, loadDraft, setSidePanel } from './state.svelte.ts';

// Of two scenarios or mails dropped one after the other, the form ends with the second, whichever
// answer comes last (a perf report goes to its own dialog and cancels neither).
const imports = new Latest();

/** Imports `text`; returns the error shown, or '' when it was taken (or overtaken by a later import). */
export async function importDroppedText(text: string, name: string): Promise<string> {
  app.view = 'results';
  setSidePanel(true);
  if (classifyImport(text) === 'perf-report') {
    app.perfText = text;
    return '';
  }
  const isNewest = imports.ask();
  try {
    // A sweep's mail carries its sweep: it goes to the launcher with the scenario.
    const { scenario, sweep } = await api.readScenarioText({ text });
    if (!isNewest()) return '';
    loadDraft(scenario, { kind: 'file', name }, sweep);
    app.error = '';
    return '';
  } catch (err) {
    if (!isNewest()) return '';
    const message = `${name}: ${describeError(err)}`;
    app.error = message;
    return message;
  }
}
