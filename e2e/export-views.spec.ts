// Exporting the views of a result from the window (issue 17), as a user does it in Chromium: the
// trade-off plane as SVG after hiding a strategy and picking another attacker context, where the
// cycles go as CSV, and the sensitivity tornado of the strategy picked on screen. Each file is
// read back and held to what the window shows (the views' data-* descriptions) and parsed by
// this browser: the lanes, the Pareto front, the paths' labels, hidden strategies absent, the
// view's axes in its metadata. The presets × strategies matrix exports from its own view: its
// CSV, SVG and mail table hold the cells on screen.
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { flagNames } from '../common/analysis/trust.ts';
import { PRESETS, runAnalytic, setParameter } from '../common/core/index.ts';
import { toAscii } from '../main/export/wrap.ts';
import { artifacts } from './paths.ts';
import { open, seed, workspace } from './support.ts';

const MMIO = 'workload.touchpoints.mmio.ratePerSec';

interface PlaneShown {
  exposure: string;
  front: string[];
  points: { strategy: string; value?: string; here: boolean; flags: string[]; cost: number; exposure: number }[];
}

/** Saves the export picked in the menu and returns the downloaded file's text. */
async function download(page: Page, format: string, chart?: string): Promise<{ name: string; text: string }> {
  await page.getByRole('combobox', { name: 'export format' }).selectOption(format);
  if (chart !== undefined) await page.getByRole('combobox', { name: 'chart to export' }).selectOption(chart);
  const saved = page.waitForEvent('download');
  await page.getByTestId('export-button').click();
  const file = await saved;
  return { name: file.suggestedFilename(), text: readFileSync((await file.path())!, 'utf8') };
}

/** The SVG as this browser reads it: parse errors, text runs, metadata, rings. */
const parseSvg = (page: Page, source: string) =>
  page.evaluate((svg) => {
    const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
    return {
      error: doc.querySelector('parsererror')?.textContent ?? null,
      root: doc.documentElement.nodeName,
      texts: [...doc.querySelectorAll('text')].map((t) => t.textContent ?? ''),
      view: JSON.parse(doc.querySelector('metadata')?.textContent ?? 'null') as Record<string, unknown>,
      rings: doc.querySelectorAll('circle').length,
    };
  }, source);

test('the trade-off plane exported as SVG after hiding a strategy carries what the window shows', async ({ page }) => {
  const ws = workspace(page);
  try {
    await seed(ws.dbPath, [{ name: 'plane for the list', vcpus: [1, 10, 100] }]);
    await open(page, ws);
    await expect(page.getByTestId('result-title')).toContainText('plane for the list', { timeout: 20_000 });
    await page.getByTestId('point-select').selectOption({ label: 'VM › vCPUs = 10' });
    // Hide S2 (the toggles above the plane), and look at exposure to the VMM.
    await page.getByTestId('show-S2').uncheck();
    await page.getByTestId('plane-context').selectOption('vmm');
    const shown = JSON.parse((await page.getByTestId('plane-data').getAttribute('data-plane'))!) as PlaneShown;
    expect(shown.exposure).toBe('exposure.vmm.fraction');
    expect(shown.points.some((p) => p.strategy === 'S2')).toBe(false);

    // The trade-off plane is the overview's first chart: the one exported unless another is picked.
    await page.getByRole('combobox', { name: 'export format' }).selectOption('svg');
    await expect(page.getByRole('combobox', { name: 'chart to export' })).toHaveValue('tradeoff');
    const file = await download(page, 'svg');
    expect(file.name).toMatch(/-tradeoff\.svg$/);
    const svg = await parseSvg(page, file.text);
    expect(svg.error).toBeNull();
    expect(svg.root).toBe('svg');
    expect(svg.view).toMatchObject({
      chart: 'tradeoff',
      context: 'vmm',
      exposure: 'exposure.vmm.fraction',
      cost: 'cost.overheadPct',
      x: 'vm.vcpus',
      point: { 'vm.vcpus': 10 },
      hidden: ['S2'],
    });
    expect(svg.view['strategies']).not.toContain('S2');
    // The front the window rings is the one the file rings and names.
    expect([...(svg.view['front'] as string[])].sort()).toEqual([...shown.front].sort());
    // Rings: the front's, and the flagged points' (100 pinned vCPUs on 64 CPUs: infeasible; the
    // last point of each path, so a ring each, not a band) with the legend's sample. A flagged
    // point on the spot of the point shown (a path that does not move) is not ringed.
    const flagged = shown.points.filter((p) => p.flags.length > 0);
    expect(flagged.map((p) => p.value)).toEqual(flagged.map(() => '100'));
    const apart = flagged.filter((p) => {
      const here = shown.points.find((q) => q.here && q.strategy === p.strategy)!;
      return here.cost !== p.cost || here.exposure !== p.exposure;
    });
    expect(svg.rings).toBe(shown.front.length + apart.length + (apart.length > 0 ? 1 : 0));
    // Lanes named as places, each path labelled by its vCPU count, no legend entry for S2.
    expect(svg.texts).toContain('no extra cost');
    // Points of a path on one spot share a label, three or more as a range: "1–100".
    expect(svg.texts).toContain('1–100');
    expect(svg.texts).toContain('Pareto front (ringed)');
    expect(svg.texts.some((t) => t.startsWith('S2 '))).toBe(false);
    expect(svg.texts.join(' ')).toContain('Not drawn: S2.');
    expect(svg.texts.some((t) => /^vCPU overhead.*log scale\)$/.test(t))).toBe(true);

    // The PNG is the same drawing (kept for the README as the exported plane looks).
    await page.getByRole('combobox', { name: 'export format' }).selectOption('png');
    const png = page.waitForEvent('download');
    await page.getByTestId('export-button').click();
    const pngPath = (await (await png).path())!;
    const bytes = readFileSync(pngPath);
    expect(bytes.subarray(1, 4).toString()).toBe('PNG');
    expect(bytes.readUInt32BE(16)).toBe(2000);
    mkdirSync(artifacts, { recursive: true });
    copyFileSync(pngPath, join(artifacts, 'export-tradeoff.png'));

    // The CSV of the same plane: one row per marker the window draws.
    const csv = (await download(page, 'csv')).text.trimEnd().split('\n');
    expect(csv[0]).toBe(
      'strategy,vm.vcpus,cost.overheadPct,exposure.vmm.fraction,exposure.vmm.state,cost lane,exposure lane,at point,pareto front,flags',
    );
    expect(csv).toHaveLength(1 + shown.points.length);
    expect(csv.some((row) => row.startsWith('S2,'))).toBe(false);
    expect(ws.errors).toEqual([]);
  } finally {
    await ws.close();
  }
});

test('where the cycles go and the sensitivity export what their tabs show', async ({ page }) => {
  const ws = workspace(page);
  try {
    await seed(ws.dbPath, [{ name: 'one point', vcpus: [8] }]);
    await open(page, ws);
    await expect(page.getByTestId('result-title')).toContainText('one point', { timeout: 20_000 });

    await page.getByTestId('result-tab-cycles').click();
    await page.getByTestId('breakdown-by').selectOption('touchpoint');
    const breakdown = JSON.parse((await page.getByTestId('breakdown-data').getAttribute('data-breakdown'))!) as {
      rows: { strategy: string; total: number }[];
    };
    const cycles = await download(page, 'csv');
    expect(cycles.name).toMatch(/-cycles\.csv$/);
    const [header, ...rows] = cycles.text.trimEnd().split('\n');
    expect(header).toBe('strategy,touchpoint,cycles/s,share of total,total cycles/s');
    // Every strategy the window stacks, its segments summing to the total it shows.
    for (const r of breakdown.rows.filter((x) => x.total > 0)) {
      const mine = rows.filter((row) => row.startsWith(`${r.strategy},`)).map((row) => Number(row.split(',')[2]));
      expect(mine.length).toBeGreaterThan(0);
      expect(mine.reduce((a, b) => a + b, 0)).toBeCloseTo(r.total, -1);
    }

    await page.getByTestId('result-tab-sensitivity').click();
    await page.getByTestId('sensitivity-strategy').selectOption('S3');
    await expect(page.getByTestId('sensitivity-answer')).toBeVisible({ timeout: 20_000 });
    const answer = (await page.getByTestId('sensitivity-answer').textContent())!;
    const tornado = await parseSvg(page, (await download(page, 'svg')).text);
    expect(tornado.error).toBeNull();
    expect(tornado.view).toMatchObject({ chart: 'sensitivity', strategy: 'S3', metric: 'cost.overheadPct' });
    // The same one-line answer as the window's.
    expect(answer).toContain(String(tornado.view['ranking']));
    expect(ws.errors).toEqual([]);
  } finally {
    await ws.close();
  }
});

test('the heatmap exported from its tab: the CSV is the grid on screen, the SVG names the strategy or the budget', async ({
  page,
}) => {
  const ws = workspace(page);
  try {
    const rates = [1000, 30_000, 100_000];
    await seed(ws.dbPath, [{ name: 'grid', vcpus: [4, 16, 64], second: { path: MMIO, values: rates } }]);
    await open(page, ws);
    await expect(page.getByTestId('result-title')).toContainText('grid', { timeout: 20_000 });
    await page.getByTestId('result-tab-heatmap').click();
    const heat = page.getByTestId('heatmap');
    await expect(heat).toBeVisible();
    const grid = async () =>
      JSON.parse((await heat.getAttribute('data-heatmap'))!) as {
        kind: string;
        strategy?: string;
        cells: ({ value: number } | { strategy: string | null } | null)[][];
      };

    // One strategy's metric: each CSV cell is the figure the window computed for that cell.
    const shown = await grid();
    expect(shown).toMatchObject({ kind: 'metric', strategy: 'S2' });
    const csv = await download(page, 'csv');
    expect(csv.name).toMatch(/-heatmap\.csv$/);
    const rows = csv.text
      .trimEnd()
      .split('\n')
      .map((l) => l.split(','));
    expect(rows[0]).toEqual(['workload.touchpoints.mmio.ratePerSec \\ vm.vcpus', '4', '16', '64', 'flags']);
    expect(rows.slice(1).map((r) => r.slice(1, -1).map(Number))).toEqual(
      shown.cells.map((row) => row.map((c) => (c as { value: number }).value)),
    );
    // The last column names each flagged cell's run by its x ("vm.vcpus=64: saturated; ..."): the
    // flags the core gives S2 at that cell (seed() saved the core's results), and some row has one.
    const vcpus = [4, 16, 64];
    const s2Flags = (v: number, rate: number) =>
      runAnalytic(
        setParameter(setParameter(setParameter(PRESETS[0]!.scenario, 'name', 'grid'), 'vm.vcpus', v), MMIO, rate),
      ).strategies.find((r) => r.strategy === 'S2')!.flags;
    const expectedFlags = rates.map((rate) =>
      vcpus.flatMap((v) => flagNames(s2Flags(v, rate)).map((name) => `vm.vcpus=${v}: ${name}`)).join('; '),
    );
    expect(expectedFlags.some((f) => f !== '')).toBe(true);
    expect(rows.slice(1).map((r) => r.at(-1))).toEqual(expectedFlags);
    const svg = await parseSvg(page, (await download(page, 'svg')).text);
    expect(svg.error).toBeNull();
    expect(svg.view).toMatchObject({ chart: 'heatmap', mode: 'metric', strategy: 'S2', x: 'vm.vcpus' });

    // The cheapest strategy within a budget: the same winners in the file as on screen.
    await page.getByTestId('heatmap-mode').selectOption('best');
    // Until a budget is typed, the one in use is said beside the box, not only as its placeholder.
    const budgetBox = page.locator('label', { has: page.getByTestId('heatmap-budget') });
    const suggested = await page.getByTestId('heatmap-budget').getAttribute('placeholder');
    await expect(budgetBox).toContainText(`in use: ${suggested}`);
    await page.getByTestId('heatmap-budget').fill('0');
    await expect(budgetBox).not.toContainText('in use:');
    await expect(heat).toHaveAttribute('data-heatmap', /"kind":"best"/);
    const best = await grid();
    const bestCsv = await download(page, 'csv');
    const winners = bestCsv.text
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((l) => l.split(',').slice(1));
    expect(winners).toEqual(
      best.cells.map((row) =>
        row.map((c) => {
          const cell = c as { strategy: string | null; reason?: string };
          if (cell.strategy !== null) return cell.strategy;
          return cell.reason === 'noRuns'
            ? 'no runs'
            : cell.reason === 'unfit'
              ? 'none fit to quote'
              : 'none within budget';
        }),
      ),
    );
    const bestSvg = await parseSvg(page, (await download(page, 'svg')).text);
    expect(bestSvg.view).toMatchObject({ chart: 'heatmap', mode: 'best', budget: 0 });
    expect(ws.errors).toEqual([]);
  } finally {
    await ws.close();
  }
});

interface MatrixShown {
  source: string;
  strategies: string[];
  rows: {
    id: string;
    label: string;
    point: Record<string, unknown>;
    cells: Record<string, { cost: string; exposure: string; costValue: number; flags: string[] } | null>;
  }[];
}

test('the matrix exported from its view: CSV, SVG (light and dark) and the mail table hold the cells on screen', async ({
  page,
}) => {
  const ws = workspace(page);
  try {
    await seed(ws.dbPath, [{ name: 'swept', vcpus: [4, 64] }]);
    await open(page, ws);
    await expect(page.getByTestId('result-title')).toContainText('swept', { timeout: 20_000 });
    // Two actions from a result: the key (Ctrl+Shift+M, as the menu shows it), then the menu.
    await page.keyboard.press('Control+Shift+M');
    const matrix = page.getByTestId('matrix');
    await expect(matrix).toBeVisible({ timeout: 30_000 });
    const shown = JSON.parse((await matrix.getAttribute('data-matrix'))!) as MatrixShown;
    expect(shown.rows.map((r) => r.id)).toEqual(PRESETS.map((p) => p.id));

    // CSV: one line per preset and strategy, the figures the cells hold.
    const csv = await download(page, 'csv');
    expect(csv.name).toBe('gmemlab-matrix-presets.csv');
    const [header, ...lines] = csv.text.trimEnd().split('\n');
    expect(header!.split(',').slice(4, 6)).toEqual(['strategy', 'cost.overheadPct']);
    expect(lines).toHaveLength(PRESETS.length * shown.strategies.length);
    for (const r of shown.rows)
      for (const s of shown.strategies) {
        const line = lines.find((l) => l.startsWith(`${r.label},`) && l.split(',')[4] === s)!.split(',');
        expect(Number(line[5]), `${r.id} ${s}`).toBeCloseTo(r.cells[s]!.costValue, 9);
        expect(line.at(-1)).toBe(r.cells[s]!.flags.join(' '));
      }

    // SVG: the grid as the window words it (in ASCII), its view in the metadata.
    const svg = await parseSvg(page, (await download(page, 'svg')).text);
    expect(svg.error).toBeNull();
    expect(svg.view).toMatchObject({
      chart: 'matrix',
      cost: 'cost.overheadPct',
      exposure: 'exposure.kernel.fraction',
      strategies: shown.strategies,
      theme: 'light',
    });
    expect((svg.view['rows'] as { id: string }[]).map((r) => r.id)).toEqual(shown.rows.map((r) => r.id));
    for (const r of shown.rows)
      for (const s of shown.strategies) {
        const cell = r.cells[s]!;
        expect(
          svg.texts.some((t) => t.replace(/^~/, '') === toAscii(cell.cost)),
          `${r.id} ${s} ${cell.cost}`,
        ).toBe(true);
        // "always" with its fraction, as the window says it (a long one wrapped in its cell).
        expect(svg.texts.join(' ').replace(/(^| )~/g, '$1'), `${r.id} ${s}`).toContain(toAscii(cell.exposure));
      }

    // The mail table: previewed as saved, every preset named, 72 columns.
    await download(page, 'text');
    const mail = (await page.getByTestId('export-preview').textContent())!;
    for (const line of mail.trimEnd().split('\n')) expect(line.length).toBeLessThanOrEqual(72);
    for (const p of PRESETS) expect(mail).toContain(`${p.name}: preset ${p.id}, formulas`);

    // The PNG: the same drawing (the README shows it as exported).
    await page.getByRole('combobox', { name: 'export format' }).selectOption('png');
    const png = page.waitForEvent('download');
    await page.getByTestId('export-button').click();
    const pngPath = (await (await png).path())!;
    const bytes = readFileSync(pngPath);
    expect(bytes.subarray(1, 4).toString()).toBe('PNG');
    expect(bytes.readUInt32BE(16)).toBe(2000);
    mkdirSync(artifacts, { recursive: true });
    copyFileSync(pngPath, join(artifacts, 'export-matrix.png'));

    // A theme switch while open: the next image is drawn dark.
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect(matrix).toHaveAttribute('data-theme', 'dark');
    const dark = await download(page, 'svg');
    expect(dark.text).toContain('fill="#1d1f21"');
    expect((await parseSvg(page, dark.text)).view).toMatchObject({ theme: 'dark' });

    // The result on screen as the row: the export follows the rows shown.
    await page.getByTestId('matrix-source').selectOption('experiments');
    await expect(page.getByTestId('matrix-row')).toHaveCount(1);
    await page.getByTestId('matrix-point').selectOption({ label: 'VM › vCPUs = 64' });
    await expect(matrix).toHaveAttribute('data-matrix', /"point":\{"vm\.vcpus":64\}/);
    const rows = (JSON.parse((await matrix.getAttribute('data-matrix'))!) as MatrixShown).rows;
    const one = await download(page, 'csv');
    expect(one.name).toMatch(/^gmemlab-matrix-\d+\.csv$/);
    const oneLines = one.text.trimEnd().split('\n').slice(1);
    expect(oneLines.map((l) => l.split(',')[1])).toEqual(oneLines.map(() => 'vm.vcpus=64'));
    for (const l of oneLines) {
      const cells = l.split(',');
      expect(Number(cells[5])).toBeCloseTo(rows[0]!.cells[cells[4]!]!.costValue, 9);
    }
    expect(ws.errors).toEqual([]);
  } finally {
    await ws.close();
  }
});
