// Scenario builder: a form generated from the core's schema, inline validation from the same
// validateScenario main uses, presets, revisions (open one, diff two), perf-kvm-stat import.
import { expect, test } from '@playwright/test';
import { open, screenshot, workspace } from './support.ts';

test('scenario builder: grouped fields with units, inline validation, revisions', async ({ page }) => {
  const ws = workspace(page);
  try {
    await open(page, ws);
    const form = page.getByTestId('scenario-form');
    await expect(form).toBeVisible();
    await expect(page.getByTestId('group-vm')).toBeVisible();
    const vcpus = page.getByTestId('field-vm.vcpus');
    const original = await vcpus.inputValue();
    expect(Number(original)).toBeGreaterThan(0);

    // An invalid value: the message appears beside the field, and Run is refused.
    await vcpus.fill('0');
    await expect(page.getByTestId('issue-vm.vcpus')).toBeVisible();
    await expect(page.getByTestId('scenario-status')).toContainText('problem');
    await expect(page.getByTestId('run-button')).toBeDisabled();
    // The Run panel names the field and the problem (the field may be out of view).
    await expect(page.getByTestId('run-blocked')).toContainText('vm.vcpus (VM › vCPUs): ');
    await screenshot(page, 'scenario-invalid');

    // Typed key by key (through the transient "1."), the field keeps what was typed.
    await vcpus.fill('');
    await vcpus.pressSequentially('1.5');
    await expect(vcpus).toHaveValue('1.5');
    await expect(page.getByTestId('issue-vm.vcpus')).toBeVisible();

    // Fixed: valid again; run it, then a second revision with another vCPU count.
    await vcpus.fill(original);
    await expect(page.getByTestId('issue-vm.vcpus')).toHaveCount(0);
    await expect(page.getByTestId('scenario-status')).toContainText('valid');
    // Every strategy off: a valid scenario that asks for nothing is not run, and the panel says why.
    const enabled = ['S0', 'S1', 'S2', 'S3', 'S4', 'S5', 'S6'].map((id) =>
      page.getByTestId(`field-strategies.${id}.enabled`),
    );
    for (const box of enabled) await box.uncheck();
    await expect(page.getByTestId('run-button')).toBeDisabled();
    await expect(page.getByTestId('run-blocked')).toHaveText(
      'Nothing to run: no strategy is enabled, so there is nothing to run: enable at least one.',
    );
    for (const box of enabled) await box.check();
    await expect(page.getByTestId('run-blocked')).toHaveCount(0);
    await page.getByTestId('run-button').click();
    await expect(page.getByTestId('result-title')).toContainText('done');
    await vcpus.fill('3');
    await page.keyboard.press('Control+Enter');
    await expect(page.getByTestId('result-title')).toContainText('#2');
    await expect(page.getByTestId('result-title')).toContainText('done');

    // Revisions: both are listed; open the first, then diff the two.
    await page.getByTestId('revisions').locator('summary').click();
    const items = page.getByTestId('revisions').locator('li');
    await expect(items).toHaveCount(2);
    await items.last().getByRole('button', { name: 'Open' }).click();
    await expect(vcpus).toHaveValue(original);
    await expect(page.getByTestId('scenario-status')).toContainText('valid');
    await items.nth(0).locator('input[type=checkbox]').check();
    await items.nth(1).locator('input[type=checkbox]').check();
    await page.getByTestId('diff-revisions').click();
    await expect(page.getByTestId('diff-parameters')).toContainText('vm.vcpus');
    await screenshot(page, 'scenario');
    expect(ws.errors).toEqual([]);
  } finally {
    await ws.close();
  }
});

test('scenario builder: the simulator with fixed-interval arrivals runs from the form, and the mail text says so', async ({
  page,
}) => {
  const ws = workspace(page);
  try {
    await open(page, ws);
    await page.getByTestId('field-simulation.method').selectOption('des');
    await page.getByTestId('field-simulation.durationSec').fill('0.02');
    const arrivals = page.getByTestId('field-simulation.arrivals');
    await expect(arrivals.locator('option')).toHaveText(['(default)', 'poisson', 'fixed']);
    await arrivals.selectOption('fixed');
    await expect(page.getByTestId('scenario-status')).toContainText('valid');
    await page.getByTestId('run-button').click();
    await expect(page.getByTestId('result-title')).toContainText('done');
    await page.getByRole('combobox', { name: 'export format' }).selectOption('text');
    await page.getByTestId('export-button').click();
    await expect(page.getByTestId('export-preview')).toContainText('fixed-interval arrivals');
    expect(ws.errors).toEqual([]);
  } finally {
    await ws.close();
  }
});

const PERF_REPORT = `Analyze events for all VMs, all VCPUs:

             VM-EXIT    Samples  Samples%     Time%    Min Time    Max Time         Avg time

           MSR_WRITE      48862    40.46%     1.58%      0.45us     63.79us      0.78us ( +-   0.35% )
                 HLT      29839    24.71%    96.82%      0.71us  30128.78us     78.56us ( +-   1.91% )
       EPT_MISCONFIG      22356    18.51%     0.87%      0.92us     89.08us      0.94us ( +-   0.32% )
  EXTERNAL_INTERRUPT      12234    10.13%     0.43%      0.50us     49.66us      0.85us ( +-   0.80% )
       EPT_VIOLATION       4321     3.58%     0.18%      0.79us    104.71us      1.02us ( +-   1.47% )
      IO_INSTRUCTION       3122     2.58%     0.12%      1.11us     25.11us      0.95us ( +-   0.99% )

Total Samples:120734, Total events handled time:2422081.70us.
`;

test('scenario builder: import perf kvm stat report text and see what was mapped', async ({ page }) => {
  const ws = workspace(page);
  try {
    await open(page, ws);
    // The rates go into the form's scenario once it is loaded and valid (until then, into a preset).
    await expect(page.getByTestId('scenario-status')).toContainText('✓ valid scenario');
    await page.getByTestId('perf-import').locator('summary').click();
    await page.getByTestId('perf-text').fill(PERF_REPORT);
    // A count of exits is no rate: the import waits for the recording's length.
    await expect(page.getByTestId('perf-basis-hint')).toContainText('how long the recording ran');
    await expect(page.getByTestId('perf-import-button')).toBeDisabled();
    await page.getByTestId('perf-duration').fill('10');
    await expect(page.getByTestId('perf-basis-hint')).toHaveCount(0);
    await page.getByTestId('perf-import-button').click();
    const result = page.getByTestId('perf-result');
    await expect(result).toContainText('Mapped');
    await expect(result).toContainText('EPT_MISCONFIG');
    await expect(result).toContainText('Not mapped');
    await expect(result).toContainText('Rates per vCPU put into the scenario given');
    await expect(page.getByTestId('scenario-status')).toContainText('valid');
    await screenshot(page, 'perf-import');
    expect(ws.errors).toEqual([]);
  } finally {
    await ws.close();
  }
});
