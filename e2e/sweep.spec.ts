// Run launcher: a sweep over a log range, its size before it starts, progress, the chart on a
// log axis; and a big sweep cancelled with Esc while the window keeps responding.
import { expect, test } from '@playwright/test';
import { holdAnswer, open, screenshot, seed, workspace } from './support.ts';

test('launch a log-range sweep, see its size first, then the chart on a log axis', async ({ page }) => {
  const ws = workspace(page);
  try {
    await open(page, ws);
    await expect(page.getByTestId('scenario-status')).toContainText('valid');
    await page.getByTestId('mode-sweep').check();
    await page.getByTestId('sweep-path-0').selectOption('vm.vcpus');
    await page.getByTestId('sweep-kind-0').selectOption('log');
    await page.getByTestId('sweep-from-0').fill('1');
    await page.getByTestId('sweep-to-0').fill('512');
    await page.getByTestId('sweep-count-0').fill('10');
    const size = page.getByTestId('sweep-size');
    await expect(size).toContainText('10 points');
    const strategies = Number((await size.textContent())!.match(/× (\d+) strategies/)![1]);
    await expect(size).toContainText(`${10 * strategies} runs`);

    // A value the schema refuses is named before anything starts.
    await page.getByTestId('sweep-kind-0').selectOption('list');
    await page.getByTestId('sweep-values-0').fill('4, 0');
    await expect(size).toContainText('vm.vcpus = 0');
    await expect(page.getByTestId('run-button')).toBeDisabled();
    await page.getByTestId('sweep-kind-0').selectOption('log');

    await expect(size).toContainText('10 points');
    // Whole vCPUs from a log range repeat the small ones: said, with how many points are left.
    await page.getByTestId('sweep-count-0').fill('40');
    await expect(page.getByTestId('sweep-note')).toContainText('vm.vcpus: 40 values asked,');
    await expect(page.getByTestId('sweep-note')).toContainText('distinct once rounded to whole numbers');
    await page.getByTestId('sweep-count-0').fill('10');
    await expect(page.getByTestId('sweep-note')).toHaveCount(0);
    await page.getByTestId('run-button').click();
    await expect(page.getByTestId('progress-count')).toHaveText(`${10 * strategies} / ${10 * strategies}`);
    await expect(page.getByTestId('result-title')).toContainText('done');
    await expect(page.getByTestId('result-title')).toContainText('sweep');
    const chart = page.getByTestId('sweep-chart');
    await expect(chart).toBeVisible();
    await expect(chart).toHaveAttribute('data-xscale', 'logarithmic');
    await expect(page.getByTestId('point-select').locator('option')).toHaveCount(10);
    // A line drawn under another with the same figures says so in the legend (S1 under S0 here:
    // both add nothing at any vCPU count for this scenario's metric), and only such a line.
    const lines = await chart.locator('canvas').evaluate((c) =>
      (c as HTMLCanvasElement & { gmemlabChart: import('chart.js').Chart }).gmemlabChart.data.datasets.map((d) => ({
        label: String(d.label),
        data: JSON.stringify(d.data),
      })),
    );
    const sameAs = lines.map(
      (l, i) =>
        lines
          .slice(0, i)
          .find((e) => e.data === l.data)
          ?.label.split(' ')[0],
    );
    expect(sameAs.filter((s) => s !== undefined).length).toBeGreaterThan(0);
    lines.forEach((l, i) => {
      if (sameAs[i] !== undefined) expect(l.label).toMatch(new RegExp(`\\(same as ${sameAs[i]}\\)$`));
      else expect(l.label).not.toContain('(same as');
    });
    // On the plane at the point shown, markers close together are named: here S0 and S1, both
    // free and always exposed (the data the plane draws says so), and no other strategy.
    const plane = JSON.parse((await page.getByTestId('plane-data').getAttribute('data-plane'))!) as {
      points: { strategy: string; here: boolean; costLane: string; exposureLane: string; exposure: number }[];
    };
    const at = (s: string) => plane.points.find((p) => p.here && p.strategy === s)!;
    expect([at('S0').costLane, at('S0').exposureLane]).toEqual([at('S1').costLane, at('S1').exposureLane]);
    await expect(page.getByTestId('plane-one-spot')).toContainText('one marker may cover another: S0 and S1 ');
    await screenshot(page, 'results');
    // The refused point above is a 400 answer the browser logs; nothing else may be.
    expect(ws.errors.filter((e) => !e.includes('status of 400'))).toEqual([]);
  } finally {
    await ws.close();
  }
});

test('cancel a large sweep with Esc; the window stays responsive meanwhile', async ({ page }) => {
  const ws = workspace(page);
  try {
    await open(page, ws);
    await expect(page.getByTestId('scenario-status')).toContainText('valid');
    await page.getByTestId('mode-sweep').check();
    // As large as a sweep may be (MAX_SWEEP_POINTS): 1,024 points could finish before the
    // Escape on a fast machine (it did, 7,168 of 7,168 runs, in a full run on 2026-11-27).
    await page.getByTestId('sweep-path-0').selectOption('workload.touchpoints.mmio.ratePerSec');
    await page.getByTestId('sweep-kind-0').selectOption('linear');
    await page.getByTestId('sweep-from-0').fill('1000');
    await page.getByTestId('sweep-to-0').fill('100000');
    await page.getByTestId('sweep-count-0').fill('10000');
    await expect(page.getByTestId('sweep-size')).toContainText('10000 points');
    await page.getByTestId('run-button').click();
    await expect(page.getByTestId('progress')).toContainText('running');
    await expect(page.getByTestId('progress')).toContainText(/running · \S.* left/);
    // Responsive: another view opens while the sweep runs.
    await page.getByTestId('tab-history').click();
    await expect(page.getByTestId('history-total')).toContainText('(1)');
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('progress')).toContainText('cancelled');
    const [done, total] = (await page.getByTestId('progress-count').textContent())!.split(' / ').map(Number);
    expect(done).toBeLessThan(total!);
    await page.getByTestId('tab-results').click();
    await expect(page.getByTestId('result-title')).toContainText('cancelled');
    expect(ws.errors).toEqual([]);
  } finally {
    await ws.close();
  }
});

test("the size shown is the latest sweep's: an answer for an earlier one that arrives late is dropped", async ({
  page,
}) => {
  const ws = workspace(page);
  try {
    await open(page, ws);
    await expect(page.getByTestId('scenario-status')).toContainText('valid');
    // The first size request is held until the second has been answered.
    const first = await holdAnswer(page, 'previewSweep');
    await page.getByTestId('mode-sweep').check();
    await page.getByTestId('sweep-path-0').selectOption('vm.vcpus');
    await page.getByTestId('sweep-kind-0').selectOption('list');
    await page.getByTestId('sweep-values-0').fill('2, 4');
    await expect.poll(first.requests).toBe(1);
    await page.getByTestId('sweep-values-0').fill('2, 4, 8');
    const size = page.getByTestId('sweep-size');
    await expect(size).toContainText('3 points');

    expect(await first.deliverLate()).toMatchObject({ sweep: { parameters: [{ path: 'vm.vcpus', values: [2, 4] }] } });
    await expect(size).toContainText('3 points');
    await expect(page.getByTestId('run-button')).toBeEnabled();
    expect(ws.errors).toEqual([]);
  } finally {
    await ws.close();
  }
});

test('a sweep set up in the launcher is kept one step back when a result replaces it, and kept as typed when it runs', async ({
  page,
}) => {
  const ws = workspace(page);
  try {
    await seed(ws.dbPath, [
      { name: 'alpha', vcpus: [2] },
      { name: 'beta', vcpus: [2, 4] },
    ]);
    await open(page, ws);
    // The latest result is shown at start-up, its sweep in the launcher.
    await expect(page.getByTestId('result-title')).toContainText('beta');
    await expect(page.getByTestId('mode-sweep')).toBeChecked();
    await expect(page.getByTestId('sweep-values-0')).toHaveValue('2, 4');
    await page.getByTestId('sweep-kind-0').selectOption('linear');
    await page.getByTestId('sweep-from-0').fill('1');
    await page.getByTestId('sweep-to-0').fill('8');
    await page.getByTestId('sweep-count-0').fill('8');
    const size = page.getByTestId('sweep-size');
    await expect(size).toContainText('8 points');

    // Opening a single run's result puts a single run in the launcher; the sweep is one step back.
    await page.getByTestId('tab-history').click();
    await page.getByTestId('history-row').filter({ hasText: 'alpha' }).getByRole('button', { name: /alpha/ }).click();
    await page.getByTestId('history-runs').getByRole('button', { name: 'Open results' }).click();
    await expect(page.getByTestId('result-title')).toContainText('alpha');
    await expect(page.getByTestId('mode-single')).toBeChecked();
    await page.getByTestId('restore-edits').click();
    // Back to beta's scenario, as loaded: not "edited" against alpha's.
    await expect(page.getByTestId('scenario-origin')).toContainText('beta');
    await expect(page.getByTestId('scenario-edited')).toHaveCount(0);
    await expect(page.getByTestId('mode-sweep')).toBeChecked();
    await expect(page.getByTestId('sweep-kind-0')).toHaveValue('linear');
    await expect(page.getByTestId('sweep-to-0')).toHaveValue('8');
    await expect(size).toContainText('8 points');

    // Run: the result is this sweep, so the launcher keeps the range as typed, with nothing to go back to.
    await page.getByTestId('run-button').click();
    await expect(page.getByTestId('result-title')).toContainText('#3');
    await expect(page.getByTestId('result-title')).toContainText('done');
    await expect(page.getByTestId('sweep-kind-0')).toHaveValue('linear');
    await expect(page.getByTestId('sweep-count-0')).toHaveValue('8');
    await expect(page.getByTestId('restore-edits')).toHaveCount(0);
    expect(ws.errors).toEqual([]);
  } finally {
    await ws.close();
  }
});
