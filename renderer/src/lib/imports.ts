// Texts that arrive from outside the form (a dropped file, Open…, a pasted mail, a recent
// scenario in the Electron menu) go to the right importer: perf reports to the perf import (it
// needs the recording's duration from the user), scenarios and mails to main, which reads them
// (with the sweep a sweep's mail carries).
import { classifyImport } from '../../../common/analysis/importText.ts';
import { api } from './api.ts';
import { app, describeError, loadDraft, setSidePanel } from './state.svelte.ts';

/** Imports `text`; returns the error shown, or '' when it was taken. */
export async function importDroppedText(text: string, name: string): Promise<string> {
  app.view = 'results';
  setSidePanel(true);
  if (classifyImport(text) === 'perf-report') {
    app.perfText = text;
    return '';
  }
  try {
    // A sweep's mail carries its sweep: it goes to the launcher with the scenario.
    const { scenario, sweep } = await api.readScenarioText({ text });
    loadDraft(scenario, { kind: 'file', name }, sweep);
    app.error = '';
    return '';
  } catch (err) {
    const message = `${name}: ${describeError(err)}`;
    app.error = message;
    return message;
  }
}
