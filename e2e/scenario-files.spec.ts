// Scenarios from outside the form: a mail pasted into the window, a scenario file saved and
// opened again, a perf kvm stat report dropped on the window; and "run again with changes".
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PRESETS, setParameter, validateScenario } from '../common/core/index.ts';
import { scenarioJson } from '../main/export/scenario-text.ts';
import { open, seed, workspace } from './support.ts';

test('paste a mail, save the scenario and open the file again, drop a perf report, run again from a result', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1024, height: 700 });
  const ws = workspace(page);
  try {
    await seed(ws.dbPath, [{ name: 'older result', vcpus: [2] }]);
    await open(page, ws);
    await expect(page.getByTestId('scenario-origin')).toContainText('result #1');

    // A mail as gmemlab exports it, with the scenario between scissors marks.
    const mailed = setParameter(setParameter(PRESETS[1]!.scenario, 'name', 'from the list'), 'vm.vcpus', 12);
    const mail = `Hi all,\n\nthe numbers:\n\n-----8<----- s.json\n${scenarioJson(mailed).join('\n')}\n----->8-----\n-- \nme\n`;
    await page.getByTestId('scenario-paste-toggle').click();
    await page.getByTestId('scenario-paste').fill(mail);
    await page.getByTestId('scenario-paste-button').click();
    await expect(page.getByTestId('scenario-origin')).toContainText('from pasted text');
    await expect(page.getByTestId('field-vm.vcpus')).toHaveValue('12');
    await expect(page.getByTestId('field-name')).toHaveValue('from the list');

    // A sweep's mail, quoted in a reply: the scenario goes to the form and its sweep to the launcher.
    const sweepMail = `-----8<----- sweep\n${scenarioJson(mailed, { parameters: [{ path: 'vm.vcpus', values: [4, 8, 16] }] }).join('\n')}\n----->8-----\n`;
    const reply = `On Mon, a wrote:\n${sweepMail
      .split('\n')
      .map((l) => `> ${l}`)
      .join('\n')}\nThanks.\n`;
    await page.getByTestId('scenario-paste-toggle').click();
    await page.getByTestId('scenario-paste').fill(reply);
    await page.getByTestId('scenario-paste-button').click();
    await expect(page.getByTestId('sweep-path-0')).toHaveValue('vm.vcpus');
    await expect(page.getByTestId('sweep-values-0')).toHaveValue('4, 8, 16');
    await expect(page.getByTestId('field-name')).toHaveValue('from the list');

    // Something that is no scenario: the error says so, the form keeps what it had.
    await page.getByTestId('scenario-paste-toggle').click();
    await page.getByTestId('scenario-paste').fill('just words');
    await page.getByTestId('scenario-paste-button').click();
    await expect(page.getByRole('alert').filter({ hasText: 'holds no scenario' }).first()).toBeVisible();
    await expect(page.getByTestId('field-vm.vcpus')).toHaveValue('12');

    // Save: the file is the scenario, valid as it is.
    const download = page.waitForEvent('download');
    await page.getByTestId('scenario-save').click();
    const file = await (await download).path();
    const saved = validateScenario(JSON.parse(readFileSync(file, 'utf8')));
    expect(saved.ok && saved.value.vm.vcpus).toBe(12);
    // Open it again (after an edit): the form holds the file's scenario, marked as from that file.
    await page.getByTestId('field-vm.vcpus').fill('3');
    await page.getByTestId('scenario-file').setInputFiles(file);
    await expect(page.getByTestId('field-vm.vcpus')).toHaveValue('12');
    await expect(page.getByTestId('restore-edits')).toBeVisible();

    // A perf kvm stat report dropped on the window lands in the perf import.
    const report = readFileSync(
      join(import.meta.dirname, '..', 'common', 'core', 'fixtures', 'perf-x86-2021-10-20.txt'),
      'utf8',
    );
    const dataTransfer = await page.evaluateHandle((text) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], 'report.txt', { type: 'text/plain' }));
      return dt;
    }, report);
    await page.dispatchEvent('body', 'drop', { dataTransfer });
    await expect(page.getByTestId('perf-import')).toHaveAttribute('open', '');
    await expect(page.getByTestId('perf-text')).toHaveValue(/EPT_VIOLATION/);

    // Run again with changes: the result's scenario is back in the form.
    await page.getByTestId('run-again').click();
    await expect(page.getByTestId('scenario-origin')).toContainText('result #1');
    await expect(page.getByTestId('field-vm.vcpus')).toHaveValue('2');
    // The one refused request is the text that held no scenario (main answers 400 invalid_input).
    expect(ws.errors).toEqual(['Failed to load resource: the server responded with a status of 400 (Bad Request)']);
  } finally {
    await ws.close();
  }
});
