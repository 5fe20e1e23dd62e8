// Shared by the workbench's e2e specs: a web host on a temporary database (optionally seeded
// through the real Store), console-error capture, and screenshots saved as test artifacts.
import type { Locator, Page, Request } from '@playwright/test';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PRESETS, runAnalytic, runDes, runPlan, setParameter, type Scenario } from '../common/core/index.ts';
import { Store } from '../main/store/store.ts';
import { startHost, type RunningHost } from './webhost.ts';
import { artifacts } from './paths.ts';

export interface Workspace {
  dir: string;
  dbPath: string;
  host?: RunningHost;
  errors: string[];
  close(): Promise<void>;
}

export function workspace(page: Page): Workspace {
  const dir = mkdtempSync(join(tmpdir(), 'gmemlab-e2e-'));
  const ws: Workspace = {
    dir,
    dbPath: join(dir, 'e2e.sqlite'),
    errors: [],
    async close() {
      // Leave the page first: an EventSource that reconnects while the host shuts down can keep
      // its server.close() waiting (seen once under load).
      await page.goto('about:blank').catch(() => undefined);
      await ws.host?.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  page.on('console', (m) => {
    if (m.type() === 'error') ws.errors.push(m.text());
  });
  page.on('pageerror', (e) => ws.errors.push(e.message));
  return ws;
}

export async function open(page: Page, ws: Workspace): Promise<void> {
  ws.host = await startHost(ws.dbPath);
  await page.goto(ws.host.url);
}

/**
 * Holds back the web host's answer to the `nth` `call` the page makes from now on (the first by
 * default), so that later requests are answered before it: how a view must cope with answers
 * that overtake each other. The request itself is made at once. `deliverLate` hands that answer
 * to the page and, once the page has read it and had the time to take it (its promise
 * callbacks, then a frame), resolves with what that request asked (its input).
 */
export async function holdAnswer(
  page: Page,
  call: string,
  nth = 1,
): Promise<{ requests(): number; deliverLate(): Promise<unknown> }> {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let heldRequest: Request | undefined;
  let requests = 0;
  await page.route(`**/api/call/${call}`, async (route) => {
    if (++requests !== nth) return route.continue();
    heldRequest = route.request();
    const response = await route.fetch();
    await held;
    await route.fulfill({ response });
  });
  return {
    requests: () => requests,
    async deliverLate() {
      if (heldRequest === undefined) throw new Error(`no ${call} request number ${nth} was made`);
      const late = page.waitForResponse((r) => r.request() === heldRequest);
      release();
      const response = await late;
      await response.finished();
      await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 50))));
      return heldRequest.postDataJSON() as unknown;
    },
  };
}

/** The window as shown (scrolled to the top), or only `element` (scrolled into view) when given. */
export async function screenshot(page: Page, name: string, element?: Locator): Promise<void> {
  mkdirSync(artifacts, { recursive: true });
  if (element !== undefined) {
    await element.screenshot({ path: join(artifacts, `${name}.png`) });
    return;
  }
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: false });
}

export interface SeedExperiment {
  name: string;
  vcpus: number[];
  createdAt?: string;
  modelVersion?: string;
  baseVcpus?: number;
  /** A second swept parameter: the experiment becomes a 2-D sweep (vm.vcpus x this). */
  second?: { path: string; values: (number | string | boolean)[] };
}

/** Writes finished experiments the way the runner does (vm.vcpus swept), before the host starts. */
export async function seed(dbPath: string, experiments: SeedExperiment[]): Promise<void> {
  const store = await Store.open(dbPath);
  try {
    const cache = new Map<string, ReturnType<typeof runAnalytic>>();
    for (const e of experiments) {
      let base: Scenario = setParameter(PRESETS[0]!.scenario, 'name', e.name);
      // A single run's point is the scenario itself.
      const baseVcpus = e.vcpus.length === 1 ? e.vcpus[0] : e.baseVcpus;
      if (baseVcpus !== undefined) base = setParameter(base, 'vm.vcpus', baseVcpus);
      const plan = runPlan(base);
      const seconds = e.second?.values ?? [undefined];
      const points = seconds.flatMap((w) =>
        e.vcpus.map((v) => {
          const point: Record<string, number | string | boolean> = e.vcpus.length > 1 ? { 'vm.vcpus': v } : {};
          let scenario = setParameter(base, 'vm.vcpus', v);
          if (w !== undefined && e.second !== undefined) {
            point[e.second.path] = w;
            scenario = setParameter(scenario, e.second.path, w);
          }
          return { point, scenario };
        }),
      );
      const { experimentId, runIds } = await store.createExperiment({
        name: e.name,
        kind: e.vcpus.length > 1 || e.second !== undefined ? 'sweep' : 'single',
        sweep:
          e.vcpus.length > 1
            ? {
                parameters: [
                  { path: 'vm.vcpus', values: e.vcpus },
                  ...(e.second === undefined ? [] : [{ path: e.second.path, values: e.second.values }]),
                ],
              }
            : undefined,
        method: plan.method,
        scenario: base,
        runs: points.flatMap((p) =>
          plan.strategies.map((strategy) => ({ strategy, point: p.point, seeds: plan.seeds })),
        ),
      });
      let i = 0;
      for (const p of points) {
        const key = JSON.stringify(p.scenario);
        const out = cache.get(key) ?? runAnalytic(p.scenario);
        cache.set(key, out);
        for (const strategy of plan.strategies) {
          const result = out.strategies.find((r) => r.strategy === strategy)!;
          await store.saveRunResults([
            { runId: runIds[i++]!, modelVersion: e.modelVersion ?? out.modelVersion, costTable: out.costTable, result },
          ]);
        }
      }
      await store.setExperimentStatus(experimentId, 'done');
      if (e.createdAt !== undefined)
        // Backdated for the history's date filters: no Store call sets a creation time.
        store.opened.sqlite
          .prepare('update experiments set created_at = ? where id = ?')
          .run(e.createdAt, experimentId);
    }
  } finally {
    await store.close();
  }
}

/**
 * A short real simulation over two seeds (so figures have a CI), saved as the runner saves it:
 * a single run, or a sweep over the grid of `sweep`'s parameters. `outs` holds each point's
 * output by its point's JSON ('{}' for a single run).
 */
export async function seedDes(
  dbPath: string,
  name: string,
  sweep: { path: string; values: number[] }[] = [],
): Promise<{ scenario: Scenario; outs: Map<string, ReturnType<typeof runDes>> }> {
  let scenario = setParameter(setParameter(PRESETS[0]!.scenario, 'name', name), 'simulation.method', 'des');
  scenario = setParameter(scenario, 'simulation.durationSec', 0.05);
  scenario = { ...scenario, simulation: { ...scenario.simulation, seeds: [1, 2] } };
  const plan = runPlan(scenario);
  let points: Record<string, number>[] = [{}];
  for (const p of sweep) points = points.flatMap((pt) => p.values.map((v) => ({ ...pt, [p.path]: v })));
  const outs = new Map(
    points.map(
      (pt) =>
        [
          JSON.stringify(pt),
          runDes(Object.entries(pt).reduce((sc, [path, v]) => setParameter(sc, path, v), scenario)),
        ] as const,
    ),
  );
  const store = await Store.open(dbPath);
  try {
    const { experimentId, runIds } = await store.createExperiment({
      name,
      kind: sweep.length > 0 ? 'sweep' : 'single',
      ...(sweep.length > 0 ? { sweep: { parameters: sweep } } : {}),
      method: 'des',
      scenario,
      runs: points.flatMap((point) => plan.strategies.map((strategy) => ({ strategy, point, seeds: plan.seeds }))),
    });
    let i = 0;
    for (const pt of points) {
      const out = outs.get(JSON.stringify(pt))!;
      for (const strategy of plan.strategies)
        await store.saveRunResults([
          {
            runId: runIds[i++]!,
            modelVersion: out.modelVersion,
            costTable: out.costTable,
            result: out.strategies.find((r) => r.strategy === strategy)!,
          },
        ]);
    }
    await store.setExperimentStatus(experimentId, 'done');
  } finally {
    await store.close();
  }
  return { scenario, outs };
}
