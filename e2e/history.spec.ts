// History: a virtualised table that stays light at 10,000 runs; search; shortcuts; tags,
// notes and delete where main has those calls.
import { expect, test, type Page } from '@playwright/test';
import { holdAnswer, open, screenshot, seed, workspace, type SeedExperiment } from './support.ts';

const EXPERIMENTS = 1700; // × 6 strategies: over 10,000 runs

/**
 * Seeds single runs named `names` (2, 4, 8... vCPUs), opens the window, which shows the last of
 * them (its start-up getExperiment answered before any test holds one), and goes to History.
 */
async function historyOf(page: Page, ws: ReturnType<typeof workspace>, names: string[]): Promise<void> {
  await seed(
    ws.dbPath,
    names.map((name, i) => ({ name, vcpus: [2 ** (i + 1)] })),
  );
  await open(page, ws);
  await expect(page.getByTestId('result-title')).toContainText(names.at(-1)!);
  await page.getByTestId('tab-history').click();
  await expect(page.getByTestId('history-row')).toHaveCount(names.length);
}

/** The history row's button that picks the experiment named `name`. */
const entry = (page: Page, name: string) =>
  page
    .getByTestId('history-row')
    .filter({ hasText: name })
    .getByRole('button', { name: new RegExp(name) });

test('history: 10,000 runs in a virtualised table, searchable, opened into results', async ({ page }) => {
  const ws = workspace(page);
  try {
    const experiments: SeedExperiment[] = Array.from({ length: EXPERIMENTS }, (_, i) => ({
      name: i === 42 ? 'needle in the haystack' : `batch ${i + 1}`,
      vcpus: [1 + (i % 16)],
    }));
    // The newest: a sweep whose 1,200 runs are listed (virtualised) beside the table.
    experiments.push({ name: 'big sweep', vcpus: Array.from({ length: 200 }, (_, i) => i + 1) });
    await seed(ws.dbPath, experiments);
    await open(page, ws);
    // The newest result is a 10,000-run sweep: on a loaded 2-core machine it takes a while to open.
    await expect(page.getByTestId('result-title')).toContainText('big sweep', { timeout: 30_000 });
    await page.getByTestId('tab-history').click();
    await expect(page.getByTestId('history-total')).toHaveText(`(${EXPERIMENTS + 1})`);
    // A sweep's row says what it varies; a single run's says it is one.
    await expect(page.getByTestId('history-row').filter({ hasText: 'big sweep' })).toContainText(
      'sweep of VM › vCPUs (200)',
    );
    // Only the rows in view (plus a small margin) are in the DOM.
    const rows = page.getByTestId('history-row');
    await expect(rows.first()).toContainText('big sweep');
    expect(await rows.count()).toBeLessThan(60);
    await rows
      .first()
      .getByRole('button', { name: /big sweep/ })
      .click();
    const runRows = page.getByTestId('run-row');
    await expect(runRows.first()).toContainText('vcpus=1');
    expect(await runRows.count()).toBeLessThan(60);
    await page.getByTestId('history-runlist').evaluate((el) => (el.scrollTop = el.scrollHeight));
    await expect(page.getByTestId('history-runs')).toContainText('vcpus=200');
    await screenshot(page, 'history');

    // Scroll to the end: the oldest experiment is fetched and shown, still few rows in the DOM.
    await page.getByTestId('history-viewport').evaluate((el) => (el.scrollTop = el.scrollHeight));
    await expect(page.getByTestId('history')).toContainText('batch 1 ');
    expect(await rows.count()).toBeLessThan(60);

    // Ctrl+K focuses the search; a search narrows the list.
    await page.getByTestId('tab-results').click();
    await page.keyboard.press('Control+k');
    await expect(page.getByTestId('history-search')).toBeFocused();
    await page.keyboard.type('needle');
    await expect(page.getByTestId('history-total')).toHaveText('(1)');
    await rows
      .first()
      .getByRole('button', { name: /needle/ })
      .dblclick();
    await expect(page.getByTestId('result-title')).toContainText('needle in the haystack');
    // The form holds the scenario of the result on screen, so Run runs what is shown.
    await expect(page.getByTestId('scenario-origin')).toContainText('needle in the haystack');
    expect(ws.errors).toEqual([]);
  } finally {
    await ws.close();
  }
});

test('history: sorted by the runs each experiment has, or by when it finished, either way round', async ({ page }) => {
  const ws = workspace(page);
  try {
    // Seeded oldest first: 'middle' has the most runs, 'small' the fewest.
    await seed(ws.dbPath, [
      { name: 'small', vcpus: [4] },
      { name: 'middle', vcpus: [1, 2, 4, 8, 16] },
      { name: 'large-ish', vcpus: [1, 2] },
    ]);
    await open(page, ws);
    await expect(page.getByTestId('result-title')).toContainText('large-ish');
    await page.getByTestId('tab-history').click();
    const rows = page.getByTestId('history-row');
    const names = () => rows.locator('.title').allTextContents();
    await expect(rows).toHaveCount(3);
    expect(await names()).toEqual(['large-ish', 'middle', 'small']);

    await page.getByTestId('history-sort').selectOption('runsTotal');
    await expect.poll(names).toEqual(['middle', 'large-ish', 'small']);
    await page.getByRole('button', { name: 'sort direction' }).click();
    await expect.poll(names).toEqual(['small', 'large-ish', 'middle']);

    // By finish time, each row says when it finished instead of when it was made.
    await page.getByTestId('history-sort').selectOption('finishedAt');
    await expect.poll(names).toEqual(['small', 'middle', 'large-ish']);
    await expect(rows.first()).toContainText(/ · finished \d/);
    expect(ws.errors).toEqual([]);
  } finally {
    await ws.close();
  }
});

test('history: an empty history tells a first-time user what to do', async ({ page }) => {
  const ws = workspace(page);
  try {
    await open(page, ws);
    await expect(page.getByRole('heading', { name: 'No result yet' })).toBeVisible();
    await page.getByTestId('tab-history').click();
    await expect(page.getByTestId('history-empty')).toContainText('run a preset');
    await page.getByTestId('tab-compare').click();
    await expect(page.getByTestId('compare-empty')).toBeVisible();
    await page.getByTestId('tab-diff').click();
    await expect(page.getByTestId('diff-empty')).toBeVisible();
    // Dark theme follows the OS.
    await page.emulateMedia({ colorScheme: 'dark' });
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(bg).toBe('rgb(23, 25, 28)');
    await page.getByTestId('tab-results').click();
    await screenshot(page, 'empty-dark');
    expect(ws.errors).toEqual([]);
  } finally {
    await ws.close();
  }
});

test('history: tags and notes edited in place, filter by tag, delete with confirmation', async ({ page }) => {
  const ws = workspace(page);
  try {
    await seed(ws.dbPath, [
      { name: 'keep me', vcpus: [2] },
      { name: 'delete me', vcpus: [4] },
    ]);
    await open(page, ws);
    await page.getByTestId('tab-history').click();
    await expect(page.getByTestId('history-total')).toHaveText('(2)');
    await page.getByTestId('tags-1').click();
    await page.getByTestId('tags-input').fill('baseline, v6.12');
    await page.getByTestId('tags-input').press('Enter');
    await expect(page.getByTestId('tags-1')).toContainText('baseline');
    await page.getByTestId('note-1').click();
    await page.getByTestId('note-input').fill('measured on the laptop');
    await page.getByTestId('note-input').press('Enter');
    await expect(page.getByTestId('note-1')).toContainText('measured on the laptop');
    await page.getByRole('textbox', { name: 'filter by tag' }).fill('baseline');
    await expect(page.getByTestId('history-total')).toHaveText('(1)');
    await page.getByRole('textbox', { name: 'filter by tag' }).fill('');
    // The confirmation: Keep has the focus, and Esc keeps the experiment, the focus back on its ✕.
    await page.getByTestId('delete-2').click();
    await expect(page.getByTestId('keep-experiment')).toBeFocused();
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('confirm-delete')).toHaveCount(0);
    await expect(page.getByTestId('delete-2')).toBeFocused();
    await expect(page.getByTestId('history-total')).toHaveText('(2)');
    // Deleted from the keyboard: Shift+Tab to Delete, Enter; the focus stays in the list.
    await page.getByTestId('delete-2').click();
    await page.keyboard.press('Shift+Tab');
    await expect(page.getByTestId('confirm-delete')).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('history-total')).toHaveText('(1)');
    await expect(page.getByTestId('history')).toBeFocused();
    await expect(page.getByTestId('history')).not.toContainText('delete me');
    await screenshot(page, 'history-tags');
    expect(ws.errors).toEqual([]);
  } finally {
    await ws.close();
  }
});

test('the experiment shown beside the history is the one picked last, whichever answer comes last', async ({
  page,
}) => {
  const ws = workspace(page);
  try {
    await historyOf(page, ws, ['alpha', 'beta']);
    // The first experiment asked for from here on is held until the second has been answered.
    const first = await holdAnswer(page, 'getExperiment');
    await entry(page, 'alpha').click();
    await expect.poll(first.requests).toBe(1);
    await entry(page, 'beta').click();
    const shown = page.getByTestId('history-runs');
    await expect(shown).toContainText('beta');

    expect(await first.deliverLate()).toEqual({ experimentId: 1 });
    await expect(shown).toContainText('beta');
    await expect(shown).not.toContainText('alpha');
    expect(ws.errors).toEqual([]);
  } finally {
    await ws.close();
  }
});

test('an experiment ticked for compare and unticked before its runs came stays out of compare', async ({ page }) => {
  const ws = workspace(page);
  try {
    await seed(ws.dbPath, [{ name: 'alpha', vcpus: [2] }]);
    await open(page, ws);
    // The start-up's own getExperiment (alpha) is answered before anything is held.
    await expect(page.getByTestId('result-title')).toContainText('alpha');
    await page.getByTestId('tab-history').click();
    const box = page.getByRole('checkbox', { name: 'compare experiment 1' });
    await expect(box).toBeVisible();
    // The runs asked for by the tick are held until those asked for by the untick have come.
    const first = await holdAnswer(page, 'getExperiment');
    await box.check();
    await expect.poll(first.requests).toBe(1);
    await box.uncheck();
    await expect.poll(first.requests).toBe(2);

    expect(await first.deliverLate()).toEqual({ experimentId: 1 });
    await expect(box).not.toBeChecked();
    await expect(page.getByTestId('tab-compare')).toHaveText('Compare');
    expect(ws.errors).toEqual([]);
  } finally {
    await ws.close();
  }
});

test('opened into Results one after the other, the second experiment is shown, with its scenario in the form', async ({
  page,
}) => {
  const ws = workspace(page);
  try {
    await historyOf(page, ws, ['alpha', 'beta', 'gamma']);
    // Opening alpha (a pick, then Open results: the second getExperiment) is held until beta,
    // picked and opened after it, is shown.
    const first = await holdAnswer(page, 'getExperiment', 2);
    const openResults = async (name: string) => {
      await entry(page, name).click();
      await expect(page.getByTestId('history-runs')).toContainText(name);
      await page.getByTestId('history-runs').getByRole('button', { name: 'Open results' }).click();
    };
    await openResults('alpha');
    await expect.poll(first.requests).toBe(2);
    await page.getByTestId('tab-history').click();
    await openResults('beta');
    await expect(page.getByTestId('result-title')).toContainText('beta');
    await expect(page.getByTestId('scenario-origin')).toContainText('beta');

    expect(await first.deliverLate()).toEqual({ experimentId: 1 });
    await expect(page.getByTestId('result-title')).toContainText('beta');
    await expect(page.getByTestId('scenario-origin')).toContainText('beta');
    expect(ws.errors).toEqual([]);
  } finally {
    await ws.close();
  }
});

test('an experiment deleted while it was being opened into Results is not shown there', async ({ page }) => {
  const ws = workspace(page);
  try {
    await historyOf(page, ws, ['alpha', 'beta']);
    // Opening alpha (a pick, then Open results: the second getExperiment) is held until alpha
    // has been deleted.
    const opening = await holdAnswer(page, 'getExperiment', 2);
    await entry(page, 'alpha').click();
    await expect(page.getByTestId('history-runs')).toContainText('alpha');
    await page.getByTestId('history-runs').getByRole('button', { name: 'Open results' }).click();
    await expect.poll(opening.requests).toBe(2);
    await page.getByTestId('delete-1').click();
    await page.getByTestId('confirm-delete').click();
    await expect(page.getByTestId('history-row')).toHaveCount(1);

    expect(await opening.deliverLate()).toEqual({ experimentId: 1 });
    await expect(page.getByTestId('history')).toBeVisible();
    await page.getByTestId('tab-results').click();
    await expect(page.getByTestId('result-title')).toContainText('beta');
    await expect(page.getByTestId('scenario-origin')).toContainText('beta');
    expect(ws.errors).toEqual([]);
  } finally {
    await ws.close();
  }
});
