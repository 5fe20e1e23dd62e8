// Compare: runs from different days (and a different model version) picked in history and
// overlaid on one chart, with the version difference flagged.
import { expect, test } from '@playwright/test';
import { STRATEGY_IDS } from '../common/core/index.ts';
import { holdAnswer, open, screenshot, seed, workspace } from './support.ts';

test('compare: overlay two sweeps from different days; flag another model version', async ({ page }) => {
  const ws = workspace(page);
  try {
    await seed(ws.dbPath, [
      {
        name: 'monday sweep',
        vcpus: [1, 4, 16, 64, 256],
        createdAt: '2026-11-16T09:00:00.000Z',
        modelVersion: 'old-0.9',
      },
      { name: 'friday sweep', vcpus: [1, 8, 64, 512], createdAt: '2026-11-20T17:00:00.000Z' },
    ]);
    await open(page, ws);
    await page.getByTestId('tab-history').click();
    await expect(page.getByTestId('history-total')).toHaveText('(2)');
    for (const id of [1, 2]) await page.getByRole('checkbox', { name: `compare experiment ${id}` }).check();
    const n = STRATEGY_IDS.length;
    await expect(page.getByTestId('tab-compare')).toContainText(String(5 * n + 4 * n));
    await page.keyboard.press('Control+Shift+C');
    const chart = page.getByTestId('compare-chart');
    await expect(chart).toBeVisible();
    await expect(page.getByTestId('compare-x')).toHaveValue('vm.vcpus');
    // 1..512 spans more than two decades: log axis.
    await expect(chart).toHaveAttribute('data-xscale', 'logarithmic');
    await expect(page.getByTestId('compare-table').locator('tbody tr')).toHaveCount(9 * n);
    await expect(page.getByTestId('compare-table')).toContainText('monday sweep');
    await expect(page.getByTestId('compare-table')).toContainText('friday sweep');
    await expect(page.getByTestId('version-warning')).toContainText('old-0.9');
    await screenshot(page, 'compare');

    // vCPU overhead: S0's zero beside figures decades apart (S5's 4e-7 %, S2's percents): symlog
    // by default, log or linear on request, as the per-strategy chart does.
    const yaxis = page.getByTestId('compare-yaxis');
    await expect(yaxis.locator('option:checked')).toHaveText('auto (symlog)');
    await expect(chart).toHaveAttribute('data-yscale', 'symlog');
    await yaxis.selectOption('log');
    await expect(chart).toHaveAttribute('data-yscale', 'logarithmic');
    // Its ticks are powers of ten as the plane names them (chart.js wrote "0.0000001").
    const logTicks = await chart.locator('canvas').evaluate((c) => {
      const ch = (c as HTMLCanvasElement & { gmemlabChart: import('chart.js').Chart }).gmemlabChart;
      return ch.scales['y']!.ticks.map((t) => String(t.label)).filter((l) => l !== '');
    });
    expect(logTicks.length).toBeGreaterThan(2);
    for (const t of logTicks) expect(t).toMatch(/^(1e-?\d+|0\.0*1|10*)$/);
    await yaxis.selectOption('auto');
    // An exposure state is drawn as its words, not as 0, 1 and 2, and has no scale to pick.
    await page.getByTestId('compare-metric').selectOption('exposure.kernel.state');
    await expect(yaxis).toHaveCount(0);
    const ticks = await chart.locator('canvas').evaluate((c) => {
      const ch = (c as HTMLCanvasElement & { gmemlabChart: import('chart.js').Chart }).gmemlabChart;
      return ch.scales['y']!.ticks.map((t) => String(t.label));
    });
    expect(ticks).toEqual(['never', 'transient windows', 'always']);
    await page.getByTestId('compare-metric').selectOption('cost.overheadPct');

    // Strategy on x: one line per experiment.
    await page.getByTestId('compare-x').selectOption('');
    await expect(chart).toHaveAttribute('data-xscale', 'category');
    expect(ws.errors).toEqual([]);
  } finally {
    await ws.close();
  }
});

test('runs removed one after the other stay removed, whichever answer comes last', async ({ page }) => {
  const ws = workspace(page);
  try {
    await seed(ws.dbPath, [{ name: 'one sweep', vcpus: [1, 4] }]);
    await open(page, ws);
    await page.getByTestId('tab-history').click();
    await page.getByRole('checkbox', { name: 'compare experiment 1' }).check();
    await page.keyboard.press('Control+Shift+C');
    const rows = page.getByTestId('compare-table').locator('tbody tr');
    const n = STRATEGY_IDS.length;
    await expect(rows).toHaveCount(2 * n);
    // The runs asked for after the first removal are held until those after the second have come.
    const first = await holdAnswer(page, 'getRuns');
    await page.getByRole('button', { name: 'remove run 1', exact: true }).click();
    await expect.poll(first.requests).toBe(1);
    await page.getByRole('button', { name: 'remove run 2', exact: true }).click();
    await expect(rows).toHaveCount(2 * n - 2);

    const late = (await first.deliverLate()) as { runIds: number[] };
    expect(late.runIds).toContain(2);
    await expect(rows).toHaveCount(2 * n - 2);
    await expect(page.getByRole('button', { name: 'remove run 2', exact: true })).toHaveCount(0);
    expect(ws.errors).toEqual([]);
  } finally {
    await ws.close();
  }
});
