// Issue 20's "open an experiment of 60,000 runs" as a user of the browser mode sees it, beside
// what bench/scale.ts times (getExperiment through dispatch). A sweep of mmio-heavy-legacy
// (`points` x 7 strategies) is saved in the app on a temporary database, then:
// - getExperiment through dispatch with the read worker (as bench/scale.ts: median of 3);
// - getExperiment over HTTP from the web host, read by the client: as JSON, and as the columns
//   body the page asks for (common/contract/columns-wire.ts), median of 3 each;
// - the page in Chromium (/usr/bin/chromium, the built renderer: `npx electron-vite build`
//   first): from loading the URL to the result's title shown (the newest result opens at start).
//
//   npx node bench/open-page.ts [points]      (default 10,000: 70,000 runs)
//
// Prints JSON. Code from before a change may lack the columns body: its HTTP figure is then JSON.
import { chromium } from '@playwright/test';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { PRESETS } from '../common/core/index.ts';
import { createApp } from '../main/app.ts';
import { dispatch } from '../main/handlers/index.ts';
import { tempDir } from '../main/store/testing.ts';
import { startWebHost } from '../main/web/server.ts';
import { startHost } from '../e2e/webhost.ts';

const points = Number(process.argv[2] ?? 10_000);
const base = PRESETS.find((p) => p.id === 'mmio-heavy-legacy')!.scenario;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const COLUMNS_MEDIA_TYPE = 'application/vnd.gmemlab.columns';

const dir = tempDir('gmemlab-bench-page-');
try {
  const dbPath = join(dir.dir, 'h.sqlite');
  const load = [loadavg()[0]!];
  const app = await createApp({ dbPath, readWorker: true });
  let experimentId: number;
  const out: Record<string, unknown> = { points };
  try {
    const started = await dispatch(app.handlers, 'startExperiment', {
      scenario: base,
      sweep: {
        parameters: [
          {
            path: 'workload.touchpoints.mmio.ratePerSec',
            values: Array.from({ length: points }, (_, i) => 10 + i * 10),
          },
        ],
      },
    });
    if (!started.ok) throw new Error(started.error.message);
    experimentId = (started.value as { experimentId: number }).experimentId;
    await app.runner.whenDone(experimentId);
    const open = async (): Promise<number> => {
      const s = performance.now();
      const e = await dispatch(app.handlers, 'getExperiment', { experimentId });
      if (!e.ok) throw new Error(e.error.message);
      return performance.now() - s;
    };
    await open();
    out['dispatchMs'] = Math.round(median([await open(), await open(), await open()]));

    const token = 't'.repeat(32);
    const host = await startWebHost({ app, rendererDir: join(import.meta.dirname, '..', 'out', 'renderer'), token });
    try {
      const fetched = async (accept: string | undefined): Promise<{ ms: number; bytes: number; type: string }> => {
        const s = performance.now();
        const r = await fetch(`http://127.0.0.1:${host.port}/api/call/getExperiment`, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            Authorization: `Bearer ${token}`,
            ...(accept === undefined ? {} : { Accept: accept }),
          },
          body: JSON.stringify({ experimentId }),
        });
        const type = r.headers.get('content-type') ?? '';
        let bytes: number;
        if (type === COLUMNS_MEDIA_TYPE) {
          const { decodeColumnsBody } = (await import('../common/contract/columns-wire.ts')) as {
            decodeColumnsBody: (b: ArrayBuffer) => unknown;
          };
          const body = await r.arrayBuffer();
          bytes = body.byteLength;
          decodeColumnsBody(body);
        } else {
          const text = await r.text();
          bytes = text.length;
          JSON.parse(text);
        }
        return { ms: performance.now() - s, bytes, type };
      };
      for (const [name, accept] of [
        ['httpJson', undefined],
        ['httpColumns', `${COLUMNS_MEDIA_TYPE}, application/json`],
      ] as const) {
        await fetched(accept);
        const runs = [await fetched(accept), await fetched(accept), await fetched(accept)];
        out[name] = {
          ms: Math.round(median(runs.map((r) => r.ms))),
          MB: +(runs[0]!.bytes / 1e6).toFixed(1),
          type: runs[0]!.type,
        };
      }
    } finally {
      await host.close();
    }
  } finally {
    await app.close();
  }

  // The page, against `gmemlab serve` on the same database, as a user starts it.
  const served = await startHost(dbPath);
  const browser = await chromium.launch({ executablePath: process.env['GMEMLAB_CHROMIUM'] ?? '/usr/bin/chromium' });
  try {
    const shown: number[] = [];
    for (let i = 0; i < 2; i++) {
      const page = await browser.newPage();
      const t0 = performance.now();
      await page.goto(served.url);
      await page.getByTestId('result-title').waitFor({ timeout: 300_000 });
      shown.push(performance.now() - t0);
      await page.close();
    }
    out['pageShownMs'] = shown.map(Math.round);
  } finally {
    await browser.close();
    await served.stop();
  }
  load.push(loadavg()[0]!);
  out['load'] = load.map((l) => +l.toFixed(1));
  console.log(JSON.stringify(out));
} finally {
  dir.cleanup();
}
