// A hostile client flooding the web host with request bodies at each call's limit, while a
// well-behaved client keeps asking for the presets (issue 15 item 9): how long the small request
// waits, and the longest stall of the web host's thread (perf_hooks.monitorEventLoopDelay), with
// and without the flood. The host runs as `gmemlab serve` runs it (read and compute workers) on
// this thread; the hostile clients run in a worker thread of their own, so their sending does
// not count as the host's stall. Loopback only; every loop has a fixed count. A measurement,
// not a test: attack.ts records it in SECURITY.md's table.
//
//   node security/body-flood.ts [CLIENTS] [BODIES]   CLIENTS clients sending BODIES bodies each (default 4 x 6)
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { createApp } from '../main/app.ts';
import { startWebHost, type WebHost } from '../main/web/server.ts';

const MIB = 1024 * 1024;

/** The hostile bodies: JSON arrays of zeros (the most values per byte for JSON.parse to build), at each call's limit. */
export const FLOOD_BODIES: { call: string; bytes: number }[] = [
  { call: 'importBundle', bytes: 64 * MIB },
  { call: 'calibrateHost', bytes: 64 * MIB },
  { call: 'readScenarioText', bytes: 32 * MIB },
  { call: 'listExperiments', bytes: 1 * MIB },
];

export interface FloodResult {
  clients: number;
  bodies: number;
  /** The hostile requests' answers, by HTTP status (0: the connection failed or timed out). */
  statuses: Record<number, number>;
  /** The small request's time (ms), alone and during the flood. */
  quiet: { p50: number; max: number; count: number };
  flood: { p50: number; p99: number; max: number; count: number };
  /** The longest stall of the host's thread (ms) during the flood. */
  stallMs: number;
}

function probe(host: WebHost): Promise<number> {
  const started = performance.now();
  return new Promise((resolveProbe) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: host.port,
        path: '/api/call/listPresets',
        method: 'POST',
        headers: {
          Host: `127.0.0.1:${host.port}`,
          Authorization: `Bearer ${host.token}`,
          'Content-Type': 'application/json',
        },
        agent: false,
        timeout: 60_000,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolveProbe(performance.now() - started));
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolveProbe(Number.POSITIVE_INFINITY));
    req.end('{}');
  });
}

const quantile = (values: number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
};

/** The hostile clients, in a worker thread: `clients` connections, each sending `bodies` bodies in turn. */
const HOSTILE = `
const { workerData, parentPort } = require('node:worker_threads');
const { request } = require('node:http');
const { port, token, clients, bodies, kinds } = workerData;
const payloads = kinds.map((k) => {
  let s = '[' + '0,'.repeat(Math.floor((k.bytes - 3) / 2)) + '0';
  s += ' '.repeat(k.bytes - 1 - s.length) + ']';
  return { call: k.call, body: Buffer.from(s) };
});
function send(p) {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/api/call/' + p.call, method: 'POST', agent: false, timeout: 120000,
      headers: { Host: '127.0.0.1:' + port, Authorization: 'Bearer ' + token, 'Content-Type': 'application/json' } },
      (res) => { res.resume(); res.on('end', () => resolve(res.statusCode)); });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
    req.end(p.body);
  });
}
(async () => {
  const statuses = await Promise.all(Array.from({ length: clients }, async (_, c) => {
    const out = [];
    for (let i = 0; i < bodies; i++) out.push(await send(payloads[(c + i) % payloads.length]));
    return out;
  }));
  parentPort.postMessage(statuses.flat());
})();
`;

export async function bodyFlood(clients = 4, bodies = 6): Promise<FloodResult> {
  const work = mkdtempSync(join(tmpdir(), 'gmemlab-body-flood-'));
  const renderer = join(work, 'renderer');
  mkdirSync(renderer);
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>gmemlab</title>');
  const app = await createApp({ dbPath: join(work, 'flood.sqlite'), readWorker: true, computeWorker: true });
  const host = await startWebHost({ app, rendererDir: renderer });
  try {
    const quiet: number[] = [];
    for (let i = 0; i < 50; i++) quiet.push(await probe(host));

    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    const hostile = new Worker(HOSTILE, {
      eval: true,
      workerData: { port: host.port, token: host.token, clients, bodies, kinds: FLOOD_BODIES },
    });
    let done = false;
    const statuses = new Promise<number[]>((resolveStatuses, reject) => {
      hostile.once('message', (s: number[]) => resolveStatuses(s));
      hostile.once('error', reject);
    }).finally(() => {
      done = true;
    });
    const flood: number[] = [];
    for (let i = 0; i < 5000 && !done; i++) {
      flood.push(await probe(host));
      await new Promise((r) => setTimeout(r, 10));
    }
    const answered = await statuses;
    loop.disable();
    await hostile.terminate();
    const byStatus: Record<number, number> = {};
    for (const s of answered) byStatus[s] = (byStatus[s] ?? 0) + 1;
    return {
      clients,
      bodies,
      statuses: byStatus,
      quiet: { p50: quantile(quiet, 0.5), max: Math.max(...quiet), count: quiet.length },
      flood: { p50: quantile(flood, 0.5), p99: quantile(flood, 0.99), max: Math.max(...flood), count: flood.length },
      stallMs: loop.max / 1e6,
    };
  } finally {
    await host.close();
    await app.close();
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [clients, bodies] = process.argv.slice(2).map(Number);
  const result = await bodyFlood(clients || undefined, bodies || undefined);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
