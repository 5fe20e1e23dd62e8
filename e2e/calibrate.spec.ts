// Calibration in the window: tool outputs chosen, dropped and pasted, the profile's mapped and
// unused figures as the user sees them, and a saved profile applied to the scenario's form.
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { artifacts } from './paths.ts';
import { holdAnswer, open, workspace } from './support.ts';

const fixtures = join(import.meta.dirname, '..', 'common', 'core', 'calibrate', 'fixtures');
const fixture = (name: string) => readFileSync(join(fixtures, name), 'utf8');

/** Opens the calibration panel and adds `text` to it as a pasted tool output. */
async function pasteIntoCalibration(page: Page, text: string): Promise<void> {
  await page.getByTestId('calibrate').locator('summary').click();
  await page.getByTestId('calibrate-paste').fill(text);
  await page.getByTestId('calibrate-add-paste').click();
}

test('calibrate: choose, drop and paste tool outputs, see what was mapped, apply the profile to the scenario', async ({
  page,
}) => {
  const ws = workspace(page);
  try {
    await open(page, ws);
    await expect(page.getByTestId('scenario-form')).toBeVisible();
    const panel = page.getByTestId('calibrate');
    await panel.locator('summary').click();

    // Two files chosen, one dropped, one pasted.
    await page
      .getByTestId('calibrate-files')
      .setInputFiles([
        join(fixtures, 'kit-vmexit.constructed.txt'),
        join(fixtures, 'kit-directmap-8cpus.constructed.txt'),
      ]);
    const dropped = fixture('kit-directmap-32cpus.constructed.txt');
    await page.getByTestId('calibrate-drop').evaluate((el, text) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], 'directmap-32cpus.txt', { type: 'text/plain' }));
      el.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, dropped);
    await page.getByTestId('calibrate-paste').fill(fixture('perf-x86-2021-10-20.txt'));
    await page.getByTestId('calibrate-add-paste').click();
    await expect(page.getByTestId('calibrate-file-list').locator('li')).toHaveCount(4);
    await expect(page.getByTestId('calibrate-file-list')).toContainText('directmap-32cpus.txt');

    await page.getByTestId('calibrate-name').fill('lab box');
    await page.getByTestId('calibrate-button').click();
    const mapped = page.getByTestId('calibrate-mapped');
    await expect(mapped).toBeVisible();
    const keys = await mapped
      .locator('tbody tr[data-key]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-key')));
    expect(keys).toEqual(['vmExitRoundTrip', 'pteUpdate', 'shootdownBase', 'shootdownPerTarget']);
    await expect(mapped.locator('tr[data-key=vmExitRoundTrip] td').nth(1)).toHaveText('1027');
    await expect(page.getByTestId('calibrate-curve')).toContainText('8 CPUs');
    await expect(page.getByTestId('calibrate-curve')).toContainText('32 CPUs');
    const unused = page.getByTestId('calibrate-unused');
    await expect(unused).toContainText('vmexit ipi');
    // Model 2 has no entry for the return to userspace: the figure is listed, with why.
    await expect(unused).toContainText('vmexit inl_from_qemu - inl_from_kernel');
    await expect(unused).toContainText('not a host TLB shootdown');
    await expect(unused).toContainText('perf kvm stat MSR_WRITE avg');
    await panel.screenshot({ path: join(artifacts, 'calibrate.png') });

    // Apply: the form's cost fields hold the measured values and the profile is named.
    await expect(page.getByTestId('calibrate-profiles').locator('li')).toHaveCount(1);
    await page.getByTestId('calibrate-apply').click();
    await expect(page.getByTestId('calibrate-applied')).toContainText('lab box');
    await expect(page.getByTestId('field-host.costs.vmExitRoundTrip')).toHaveValue('1027');
    await expect(page.getByTestId('field-host.profile.name')).toHaveValue('lab box');
    await expect(page.getByTestId('scenario-status')).toContainText('valid');

    // A foreign file is refused, naming it; nothing new is saved.
    await page.getByTestId('calibrate-paste').fill('[    0.000000] Linux version 6.12.0');
    await page.getByTestId('calibrate-add-paste').click();
    await page.getByTestId('calibrate-button').click();
    await expect(page.getByTestId('calibrate-error')).toContainText(
      'pasted-5.txt: not an output gmemlab can calibrate from',
    );
    await expect(page.getByTestId('calibrate-profiles').locator('li')).toHaveCount(1);
    // A run with the measured costs beside a default run: Diff names the changed cost entries.
    await page.getByTestId('run-button').click();
    await expect(page.getByTestId('result-title')).toContainText('done');
    // Back to the preset's default costs: choosing the preset already shown changes nothing, so
    // pass through another one.
    await page.getByTestId('preset-select').selectOption({ index: 1 });
    await page.getByTestId('preset-select').selectOption({ index: 0 });
    await page.getByTestId('field-host.ghz').fill('2.6');
    await page.getByTestId('run-button').click();
    await expect(page.getByTestId('result-title')).toContainText('#2');
    await expect(page.getByTestId('result-title')).toContainText('done');
    const s2Run = (experimentId: number) =>
      page.evaluate(async (id) => {
        const r = await fetch('/api/call/getExperiment', {
          method: 'POST',
          // The page's own credential (sessionStorage, sent as a header like the renderer does).
          headers: {
            'Content-Type': 'application/json',
            Authorization: `Bearer ${sessionStorage.getItem('gmemlab.token') ?? ''}`,
          },
          body: JSON.stringify({ experimentId: id }),
        });
        // The runs come as columns (common/contract/run-table.ts).
        const body = (await r.json()) as { value: { runTable: { id: number[]; strategy: string[] } } };
        const runs = body.value.runTable;
        return runs.id[runs.strategy.indexOf('S2')]!;
      }, experimentId);
    await page.getByTestId('tab-diff').click();
    await page.getByTestId('diff-kind').selectOption('runs');
    await page.getByTestId('diff-a').fill(String(await s2Run(2)));
    await page.getByTestId('diff-b').fill(String(await s2Run(1)));
    const costs = page.getByTestId('diff-costs');
    await expect(costs).toBeVisible();
    expect(await costs.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-key')))).toEqual(
      keys,
    );
    await expect(costs.locator('tr[data-key=vmExitRoundTrip] td').nth(1)).toHaveText('1350');
    await expect(costs.locator('tr[data-key=vmExitRoundTrip] td').nth(2)).toHaveText('1027');
    await expect(page.getByTestId('diff-parameters')).toContainText('host.profile.name');

    expect(ws.errors.filter((e) => !/400|invalid_input/.test(e))).toEqual([]);
  } finally {
    await ws.close();
  }
});

test("calibrate: a cover letter's before/after vmexit table is read as the run of the column asked for", async ({
  page,
}) => {
  const ws = workspace(page);
  try {
    await open(page, ws);
    await pasteIntoCalibration(page, fixture('vmexit-nested-before-after-2019-05.txt'));
    // Without a column: refused, saying which columns there are and where to choose.
    await page.getByTestId('calibrate-button').click();
    await expect(page.getByTestId('calibrate-error')).toContainText('comparison table');
    await expect(page.getByTestId('calibrate-error')).toContainText('(in the window: Column)');
    await page.getByTestId('calibrate-column').fill('after');
    await page.getByTestId('calibrate-button').click();
    const mapped = page.getByTestId('calibrate-mapped');
    await expect(mapped.locator('tr[data-key=vmExitRoundTrip] td').nth(1)).toHaveText('13142');
    await expect(page.getByTestId('calibrate-unused')).toContainText('vmexit vmcall (column after)');
    expect(ws.errors.filter((e) => !/400|invalid_input/.test(e))).toEqual([]);
  } finally {
    await ws.close();
  }
});

test('calibrate: an Apply answered after the form changed applies nothing and says so; applied again, it keeps the edit', async ({
  page,
}) => {
  const ws = workspace(page);
  try {
    await open(page, ws);
    await pasteIntoCalibration(page, fixture('kit-vmexit.constructed.txt'));
    await page.getByTestId('calibrate-name').fill('lab box');
    await page.getByTestId('calibrate-button').click();
    await expect(page.getByTestId('calibrate-profiles').locator('li')).toHaveCount(1);
    const ghz = page.getByTestId('field-host.ghz');
    const exitCost = page.getByTestId('field-host.costs.vmExitRoundTrip');
    const defaultExit = await exitCost.inputValue();
    expect(defaultExit).not.toBe('1027');

    // The answer is held back while the user edits the form: it must not undo the edit.
    const held = await holdAnswer(page, 'applyHostProfile');
    await page.getByTestId('calibrate-apply').click();
    await expect.poll(() => held.requests()).toBe(1);
    await ghz.fill('2.6');
    await held.deliverLate();
    await expect(page.getByTestId('calibrate-error')).toContainText('changed while "lab box" was being applied');
    await expect(page.getByTestId('calibrate-applied')).toHaveCount(0);
    await expect(ghz).toHaveValue('2.6');
    await expect(exitCost).toHaveValue(defaultExit);

    // Applied again, on the edited form: the measured cost, and the edit kept.
    await page.getByTestId('calibrate-apply').click();
    await expect(page.getByTestId('calibrate-applied')).toContainText('lab box');
    await expect(page.getByTestId('calibrate-error')).toHaveCount(0);
    await expect(exitCost).toHaveValue('1027');
    await expect(ghz).toHaveValue('2.6');
    expect(ws.errors).toEqual([]);
  } finally {
    await ws.close();
  }
});
