// Diff: two runs side by side (parameters that differ, all with a toggle; metric deltas with
// the beyond-CI mark), picked from history.
import { expect, test } from '@playwright/test';
import { holdAnswer, open, screenshot, seed, seedDes, workspace } from './support.ts';

test('diff two runs picked in history: changed parameters, then all; metric deltas', async ({ page }) => {
  const ws = workspace(page);
  try {
    await seed(ws.dbPath, [
      { name: 'before', vcpus: [2] },
      { name: 'after', vcpus: [4] },
    ]);
    await open(page, ws);
    await page.getByTestId('tab-history').click();
    await page
      .getByTestId('history-row')
      .filter({ hasText: 'before' })
      .getByRole('button', { name: /before/ })
      .click();
    const runsA = page.getByTestId('history-runs');
    await expect(runsA).toContainText('before');
    const runA = (await runsA.getByTestId('run-row').filter({ hasText: 'S2' }).locator('span').first().textContent())!
      .replace('#', '')
      .trim();
    await runsA.getByTestId(`diff-a-${runA}`).click();
    await page.getByTestId('history-row').filter({ hasText: 'after' }).getByRole('button', { name: /after/ }).click();
    await expect(runsA).toContainText('after');
    const runB = (await runsA.getByTestId('run-row').filter({ hasText: 'S3' }).locator('span').first().textContent())!
      .replace('#', '')
      .trim();
    await runsA.getByTestId(`diff-b-${runB}`).click();

    await page.getByTestId('tab-diff').click();
    await expect(page.getByTestId('diff-a')).toHaveValue(runA);
    const params = page.getByTestId('diff-parameters');
    await expect(params).toContainText('strategy');
    await expect(params).toContainText('scenario.name');
    await expect(params).toContainText('scenario.vm.vcpus');
    // The strategy, the name and the vCPUs: three; the strategies' recorded parameters (params.*,
    // derived from the scenario) are counted apart, not as more changes of the scenario.
    await expect(page.locator('h3').filter({ hasText: 'Parameters' })).toContainText(
      "3 changed; and in the runs' recorded strategy parameters",
    );
    const changedOnly = await params.locator('tbody tr').count();
    await page.getByTestId('diff-show-all').check();
    await expect.poll(() => params.locator('tbody tr').count()).toBeGreaterThan(changedOnly);
    await expect(params).toContainText('scenario.host.cpus');
    await page.getByTestId('diff-show-all').uncheck();
    const metrics = page.getByTestId('diff-metrics');
    await expect(metrics.locator('tbody tr')).not.toHaveCount(0);
    await expect(metrics).toContainText('%');
    // Analytic results are exact: S2 vs S3 differ beyond their (zero) CI.
    await expect(page.getByTestId('beyond-ci').first()).toBeVisible();
    // The preset's touchpoints at rate 0 paid nothing in either run: named under the table, not in it.
    await expect(page.getByTestId('diff-idle-latency')).toContainText('snapshot / restore');
    await expect(metrics).not.toContainText('mean latency, snapshot / restore');
    await expect(metrics).toContainText('mean latency, MMIO / emulated instruction');
    await screenshot(page, 'diff');
    expect(ws.errors).toEqual([]);
  } finally {
    await ws.close();
  }
});

test("a diff of a formulas' run against a simulator's says the two methods' figures differ in kind", async ({
  page,
}) => {
  const ws = workspace(page);
  try {
    await seed(ws.dbPath, [{ name: 'formulas', vcpus: [8] }]);
    await seedDes(ws.dbPath, 'simulated');
    await open(page, ws);
    await page.getByTestId('tab-history').click();
    const runs = page.getByTestId('history-runs');
    const pick = async (name: string, side: 'a' | 'b'): Promise<void> => {
      await page.getByTestId('history-row').filter({ hasText: name }).getByRole('button', { name }).click();
      await expect(runs).toContainText(name);
      const id = (await runs.getByTestId('run-row').filter({ hasText: 'S2' }).locator('span').first().textContent())!
        .replace('#', '')
        .trim();
      await runs.getByTestId(`diff-${side}-${id}`).click();
    };
    await pick('formulas', 'a');
    await pick('simulated', 'b');
    await page.getByTestId('tab-diff').click();
    await expect(page.getByTestId('diff-parameters')).toContainText('scenario.simulation.method');
    await expect(page.getByTestId('diff-methods')).toContainText('different methods (analytic -> des)');
    await expect(page.getByTestId('diff-methods')).toContainText("the formulas' longest window is a typical window's");
    expect(ws.errors).toEqual([]);
  } finally {
    await ws.close();
  }
});

test('the diff shown is of the ids in the form: an answer for earlier ids that arrives late is dropped', async ({
  page,
}) => {
  const ws = workspace(page);
  try {
    await seed(ws.dbPath, [
      { name: 'two', vcpus: [2] },
      { name: 'four', vcpus: [4] },
      { name: 'eight', vcpus: [8] },
    ]);
    await open(page, ws);
    // The first diff request is held until the second has been answered.
    const first = await holdAnswer(page, 'diffRuns');
    await page.getByTestId('tab-diff').click();
    await page.getByTestId('diff-kind').selectOption('runs');
    await page.getByTestId('diff-a').fill('1');
    await page.getByTestId('diff-b').fill('8');
    await expect.poll(first.requests).toBe(1);
    await page.getByTestId('diff-b').fill('15');
    const sides = page.locator('.sides');
    await expect(sides).toContainText('run #15');

    expect(await first.deliverLate()).toEqual({ runIdA: 1, runIdB: 8 });
    await expect(sides).toContainText('run #15');
    await expect(sides).not.toContainText('run #8');
    expect(ws.errors).toEqual([]);
  } finally {
    await ws.close();
  }
});
