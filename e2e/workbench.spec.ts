// The skeleton's end-to-end path through every layer, in real Chromium against the real web host:
// pick a preset, Run, see the chart and the table, restart the app, find the run in the history.
import { expect, test } from '@playwright/test';
import { PRESETS, STRATEGY_IDS, TOUCHPOINTS, type TouchpointId } from '../common/core/index.ts';
import { estimateDependencies } from '../common/analysis/dependence.ts';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHost } from './webhost.ts';
import { artifacts } from './paths.ts';

test('run a preset, see the chart, and find the run in the history after a restart', async ({ page }) => {
  mkdirSync(artifacts, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'gmemlab-e2e-'));
  const dbPath = join(dir, 'workbench.sqlite');
  const consoleErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));

  let presetName: string;
  let host = await startHost(dbPath);
  try {
    await page.goto(host.url);
    await expect(page.getByRole('heading', { name: 'No result yet' })).toBeVisible();
    const presetSelect = page.getByTestId('preset-select');
    // The form holds the first preset once the presets have loaded (until then the select shows
    // a "(none: ...)" placeholder).
    await expect(presetSelect).not.toHaveValue('');
    presetName = (await presetSelect.locator('option:checked').textContent())!.trim();

    await page.getByTestId('run-button').click();
    await expect(page.getByTestId('result-title')).toContainText(presetName);
    await expect(page.getByTestId('result-title')).toContainText('done');
    // One column per strategy, every metric a row.
    await expect(page.getByTestId('result-table').locator('thead th.num')).toHaveCount(STRATEGY_IDS.length);
    for (const s of STRATEGY_IDS) await expect(page.getByTestId('result-table')).toContainText(s);
    // Each group of metrics headed once, in order; latency rows only for the touchpoints with
    // events in the preset (the others' latency is what one event would take, which none paid).
    const table = page.getByTestId('result-table');
    expect(await table.locator('tr.grouprow').allTextContents()).toEqual(['cost', 'exposure', 'footprint', 'latency']);
    const preset = PRESETS.find((p) => p.name === presetName)!;
    const rates = Object.entries(preset.scenario.workload.touchpoints).map(([id, t]) => ({ id, rate: t.ratePerSec }));
    const label = (id: string) => TOUCHPOINTS[id as TouchpointId].label;
    const latencyRows = (await table.locator('tbody td.pin .mlabel').allTextContents()).filter((t) =>
      t.startsWith('mean latency, '),
    );
    expect(latencyRows.sort()).toEqual(
      rates
        .filter((t) => t.rate > 0)
        .map((t) => `mean latency, ${label(t.id)}`)
        .sort(),
    );
    const idle = rates.filter((t) => t.rate === 0);
    expect(idle.length).toBeGreaterThan(0);
    for (const t of idle) await expect(page.getByTestId('idle-latency')).toContainText(label(t.id));
    // "~" on exactly the figures that rest on an estimate-class cost entry (the formulas judge it,
    // as for the mail), each naming its entries; the key under the table says what "~" means.
    const behind = estimateDependencies(preset.scenario, ['cost.overheadPct', 'exposure.kernel.fraction']);
    let marked = 0;
    for (const s of STRATEGY_IDS)
      for (const k of ['cost.overheadPct', 'exposure.kernel.fraction']) {
        const entries = behind[s]?.[k] ?? [];
        const mark = page.getByTestId(`estimate-${s}-${k}`);
        if (entries.length === 0) await expect(mark).toHaveCount(0);
        else {
          marked++;
          await expect(mark).toHaveText('~');
          await expect(mark).toHaveAttribute(
            'title',
            `rests on cost entries classed as estimates: ${entries.join(', ')}`,
          );
        }
      }
    expect(marked).toBeGreaterThan(0);
    await expect(page.getByTestId('estimate-key')).toContainText('~ rests on a cost entry classed as an estimate');
    // The chart is drawn: its canvas has pixels that are not background.
    const drawn = await page
      .getByTestId('overhead-chart')
      .locator('canvas')
      .evaluate((c: HTMLCanvasElement) => {
        const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let ink = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) ink++;
        return ink;
      });
    expect(drawn).toBeGreaterThan(1000);
    await page.screenshot({ path: join(artifacts, 'workbench.png'), fullPage: true });
    await page.getByTestId('tab-history').click();
    await expect(page.getByTestId('history').locator('li')).toHaveCount(1);
  } finally {
    await host.stop();
  }

  // A restart: a new web host process (new token) on the same database file.
  host = await startHost(dbPath);
  try {
    await page.goto(host.url);
    await expect(page.getByTestId('result-title')).toContainText(presetName);
    await page.getByTestId('tab-history').click();
    await expect(page.getByTestId('history').locator('li')).toHaveCount(1);
    await expect(page.getByTestId('history')).toContainText(presetName);
  } finally {
    await host.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  expect(consoleErrors).toEqual([]);
});
