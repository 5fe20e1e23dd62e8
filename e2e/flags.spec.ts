// The core's trust flags on a result: the banner with the reason, the table's strategy columns,
// the bar chart. The scenario is infeasible as set up (128 pinned vCPUs on 64 host CPUs), and
// the core flags every strategy so.
// The flags come from the store as the runner saved them (seed() saves the core's results);
// runAnalytic below only says what they must be.
import { expect, test } from '@playwright/test';
import { PRESETS, runAnalytic, setParameter } from '../common/core/index.ts';
import { open, seed, workspace } from './support.ts';

test('an infeasible set-up is flagged on the result, in the table and on the chart, with the reason', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1024, height: 700 });
  const ws = workspace(page);
  try {
    await seed(ws.dbPath, [{ name: 'too many pinned vCPUs', vcpus: [128] }]);
    const core = runAnalytic(
      setParameter(setParameter(PRESETS[0]!.scenario, 'name', 'too many pinned vCPUs'), 'vm.vcpus', 128),
    );
    const flagsBy = new Map(core.strategies.map((r) => [r.strategy, r.flags]));
    expect(flagsBy.get('S2')!.map((f) => f.code)).toContain('infeasible');
    await open(page, ws);
    await expect(page.getByTestId('result-title')).toContainText('too many pinned vCPUs');
    const banner = page.getByTestId('flag-infeasible');
    await expect(banner).toContainText('every strategy');
    await expect(banner).toContainText(flagsBy.get('S2')!.find((f) => f.code === 'infeasible')!.message);
    await expect(page.getByTestId('strategy-head-S2')).toContainText('⚠');
    const labels = await page
      .getByTestId('overhead-chart')
      .locator('canvas')
      .evaluate((c) => (c as HTMLCanvasElement & { gmemlabChart: import('chart.js').Chart }).gmemlabChart.data.labels);
    expect((labels as string[][]).every((l) => l[0]!.endsWith('⚠'))).toBe(true);
    expect(ws.errors).toEqual([]);
  } finally {
    await ws.close();
  }
});
