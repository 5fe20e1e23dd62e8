// The attacks of issue 15, run against the real web host (loopback only), the real `gmemlab`
// command and temporary databases; writes SECURITY.md's "Attacks and results" table.
//
//   node security/attack.ts            run every attack, print the table and write it into SECURITY.md
//   node security/attack.ts --dry-run  run every attack, print the table only
//
// Every loop has a fixed count and every request or child process a time limit, so the script
// ends in bounded time whatever the code under attack does. Nothing leaves 127.0.0.1.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statfsSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { PRESETS, setParameter } from '../common/core/index.ts';
import { createApp } from '../main/app.ts';
import { Store } from '../main/store/store.ts';
import { startWebHost, type WebHost } from '../main/web/server.ts';
import { writeHugeItemBundle, writeManyBadRunsBundle, writeWrongTypedRunsBundle } from './hostile-bundles.ts';
import { bodyFlood, FLOOD_BODIES } from './body-flood.ts';

const root = join(import.meta.dirname, '..');
const bin = join(root, 'bin', 'gmemlab.js');
const work = mkdtempSync(join(tmpdir(), 'gmemlab-attack-'));
const scenario = PRESETS[0]!.scenario;
const scenarioFile = join(work, 'scenario.json');
writeFileSync(scenarioFile, JSON.stringify(scenario));

interface Row {
  attack: string;
  tries: number;
  outcome: string;
  lost: string;
}
const rows: Row[] = [];
const record = (row: Row): void => {
  rows.push(row);
  process.stderr.write(`${row.attack}: ${row.outcome}; lost: ${row.lost}\n`);
};

/** GNU time, where installed: it reports a child's peak resident memory. */
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

function gmemlab(
  args: string[],
  heapMb?: number,
  timeoutMs = 240_000,
): { status: number | null; stderr: string; stdout: string; ms: number; peakMiB?: number } {
  const started = Date.now();
  const command = [process.execPath, ...(heapMb === undefined ? [] : [`--max-old-space-size=${heapMb}`]), bin, ...args];
  const r = spawnSync(TIME ?? command[0]!, TIME === undefined ? command.slice(1) : ['-f', 'peak-kib %M', ...command], {
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 64 * 2 ** 20,
  });
  const peak = /peak-kib (\d+)\s*$/.exec(r.stderr ?? '');
  const stderr = (r.stderr ?? '')
    .replace(/peak-kib \d+\s*$/, '')
    .replace(/Command exited with non-zero status \d+\s*$/, '');
  return {
    status: r.status,
    stderr,
    stdout: r.stdout,
    ms: Date.now() - started,
    ...(peak === null ? {} : { peakMiB: Math.round(Number(peak[1]) / 1024) }),
  };
}

/** "12.3 s, 45 MiB peak" (the peak where GNU time is installed). */
const cost = (r: { ms: number; peakMiB?: number }): string =>
  `${(r.ms / 1000).toFixed(1)} s${r.peakMiB === undefined ? '' : `, ${r.peakMiB} MiB peak`}`;

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function call(
  host: WebHost,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Reply> {
  return new Promise((resolveReply) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: host.port,
        path,
        method: options.method ?? 'GET',
        headers: { Host: `127.0.0.1:${host.port}`, ...options.headers },
        agent: false,
        timeout: 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolveReply({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolveReply({ status: 0, headers: {}, body: '' }));
    req.end(options.body);
  });
}

/** Sends raw bytes and resolves with what came back and how long the connection stayed open. */
function raw(host: WebHost, text: string, limitMs = 10_000): Promise<{ reply: string; closedMs: number | null }> {
  return new Promise((resolveRaw) => {
    const started = Date.now();
    const socket = connect(host.port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      resolveRaw({ reply: Buffer.concat(chunks).toString('utf8'), closedMs: null });
    }, limitMs);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('close', () => {
      clearTimeout(timer);
      resolveRaw({ reply: Buffer.concat(chunks).toString('utf8'), closedMs: Date.now() - started });
    });
    socket.on('error', () => undefined);
    socket.write(text);
  });
}

async function webHostAttacks(): Promise<void> {
  const renderer = join(work, 'renderer');
  mkdirSync(renderer, { recursive: true });
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>gmemlab</title>');
  writeFileSync(join(work, 'secret.txt'), 'outside');
  const app = await createApp({ dbPath: join(work, 'web.sqlite'), poolSize: 1 });
  const host = await startWebHost({ app, rendererDir: renderer });
  const bearer = { Authorization: `Bearer ${host.token}`, 'Content-Type': 'application/json' };
  try {
    // Item 2: where can the credential go? A cookie would be sent to every 127.0.0.1 port.
    let cookies = 0;
    let tokenInUrlQuery = 0;
    const paths = [
      '/',
      '/index.html',
      `/?token=${host.token}`,
      `/#token=${host.token}`,
      '/nope',
      '/api/call/listPresets',
    ];
    for (let i = 0; i < 100; i++) {
      const path = paths[i % paths.length]!;
      const reply = await call(
        host,
        path,
        path.startsWith('/api') ? { method: 'POST', headers: bearer, body: '{}' } : {},
      );
      if (reply.headers['set-cookie'] !== undefined) cookies++;
    }
    if (new URL(host.url).searchParams.has('token')) tokenInUrlQuery++;
    record({
      attack: 'token leak to other loopback ports (cookie scoped by host, not port)',
      tries: 100,
      outcome: `${cookies} responses set a cookie; printed URL carries the token in the fragment${tokenInUrlQuery ? ' AND the query' : ''}; e2e/token.spec.ts: an unrelated server on another port received no credential in Chromium`,
      lost: 'none',
    });

    // API calls without the token, with every kind of body.
    let accepted = 0;
    for (let i = 0; i < 200; i++) {
      const reply = await call(
        host,
        `/api/call/${['listExperiments', 'deleteExperiment', 'importBundle', 'x'][i % 4]}`,
        {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            ...(i % 2 === 0 ? { Cookie: `gmemlab_token=${host.token}` } : {}),
          },
          body: '{"experimentId":1}',
        },
      );
      if (reply.status !== 401) accepted++;
    }
    record({
      attack: 'API calls without the Bearer token (some with the token as a cookie)',
      tries: 200,
      outcome: `${200 - accepted} refused with 401, ${accepted} not`,
      lost: 'none',
    });

    // A declared 1 GB body without the token: answered at once, connection closed, body never read.
    let slow = 0;
    let worst = 0;
    for (let i = 0; i < 50; i++) {
      const { reply, closedMs } = await raw(
        host,
        `POST /api/call/importBundle HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nContent-Type: application/json\r\nContent-Length: 1000000000\r\n\r\n{"bundle":`,
      );
      if (!reply.startsWith('HTTP/1.1 401') || closedMs === null) slow++;
      else worst = Math.max(worst, closedMs);
    }
    record({
      attack: 'request without token declaring a 1 GB body',
      tries: 50,
      outcome: `${50 - slow} answered 401 and closed (slowest ${worst} ms), ${slow} left open or answered otherwise`,
      lost: 'none',
    });

    // Mixed concurrent requests: forged Host/Origin, bad JSON, real calls.
    const kinds = [
      () => call(host, '/api/call/listPresets', { method: 'POST', headers: bearer, body: '{}' }),
      () =>
        call(host, '/api/call/validateScenario', {
          method: 'POST',
          headers: bearer,
          body: JSON.stringify({ scenario }),
        }),
      () => call(host, '/api/call/listPresets', { method: 'POST', headers: bearer, body: '{' }),
      () =>
        call(host, '/api/call/listPresets', {
          method: 'POST',
          headers: { ...bearer, Host: 'evil.example' },
          body: '{}',
        }),
      () =>
        call(host, '/api/call/listPresets', {
          method: 'POST',
          headers: { ...bearer, Origin: 'http://127.0.0.1:1' },
          body: '{}',
        }),
      () => call(host, '/%2e%2e/secret.txt'),
    ];
    const replies = await Promise.all(Array.from({ length: 600 }, (_, i) => kinds[i % kinds.length]!()));
    const errors = replies.filter((r) => r.status >= 500 || r.status === 0).length;
    const leaked = replies.filter((r) => r.body.includes('outside')).length;
    record({
      attack: 'mixed concurrent requests (forged Host and Origin, bad JSON, traversal, real calls)',
      tries: 600,
      outcome: `${errors} server errors or dropped connections, ${leaked} traversals served a file outside the renderer`,
      lost: 'none',
    });

    // Item 8: the same sweep path twice, deep nesting in a bundle, a wrong type.
    const twice = await call(host, '/api/call/startExperiment', {
      method: 'POST',
      headers: bearer,
      body: JSON.stringify({
        scenario,
        sweep: {
          parameters: [
            { path: 'vm.vcpus', values: [1] },
            { path: 'vm.vcpus', values: [2] },
          ],
        },
      }),
    });
    let deep = '1';
    for (let i = 0; i < 50_000; i++) deep = `[${deep}]`;
    const nested = await call(host, '/api/call/importBundle', {
      method: 'POST',
      headers: bearer,
      body: `{"bundle":{"format":"gmemlab/bundle@1","exportedAt":"2026-01-01T00:00:00Z","modelVersions":[],"scenarios":[],"costTables":[],"experiments":[{"uid":"0123456789abcdef0123456789abcdef","name":"d","kind":"sweep","method":"analytic","scenarioId":"${'0'.repeat(64)}","sweep":${deep},"status":"done","createdAt":"2026-01-01T00:00:00Z","finishedAt":null,"note":"","tags":[],"runs":[]}]}}`,
    });
    record({
      attack: 'same sweep path twice; 50,000-deep JSON in a bundle field',
      tries: 2,
      outcome: `HTTP ${twice.status} and ${nested.status} (400 = invalid input naming the field)`,
      lost: 'none',
    });
  } finally {
    await host.close();
    await app.close();
  }
}

/** Item 9: bodies at each call's limit must not hold up other clients (security/body-flood.ts). */
async function bodyFloodAttack(): Promise<void> {
  const r = await bodyFlood(4, 6);
  const ms = (v: number): string => `${Math.round(v)} ms`;
  const kinds = FLOOD_BODIES.map((b) => `${b.bytes / 2 ** 20} MiB to ${b.call}`).join(', ');
  const answered = Object.entries(r.statuses)
    .map(([status, n]) => `${n} x ${status === '0' ? 'no answer' : `HTTP ${status}`}`)
    .join(', ');
  record({
    attack: `${r.clients} clients sending ${r.bodies} JSON bodies each at the call's limit (arrays of zeros: ${kinds}) while another client asks for the presets`,
    tries: r.clients * r.bodies,
    outcome: `${answered}; the other client's ${r.flood.count} calls took p50 ${ms(r.flood.p50)}, p99 ${ms(r.flood.p99)}, max ${ms(r.flood.max)} (alone: p50 ${ms(r.quiet.p50)}, max ${ms(r.quiet.max)}); longest stall of the host's thread ${ms(r.stallMs)}`,
    lost: 'none',
  });
}

function databasePathAttacks(): void {
  const folder = join(work, 'folder');
  mkdirSync(folder, { recursive: true });
  const paths = ['', '  ', ':memory:', 'file::memory:?cache=shared', folder];
  const refused = paths.filter(
    (db) => gmemlab(['run', scenarioFile, '--db', db], undefined, 60_000).status === 2,
  ).length;
  record({
    attack: '`--db` that keeps nothing (empty, spaces, :memory:, in-memory URI, a directory)',
    tries: paths.length,
    outcome: `${refused} refused with exit 2 and a message, ${paths.length - refused} ran`,
    lost: 'none (nothing is computed when refused)',
  });
}

function extremeScenarioAttack(): void {
  const db = join(work, 'extreme.sqlite');
  // Each value in its own sweep beside good ones, as a user would try them.
  const sweeps = [
    ['host.costs.copyBytesPerCycle', '0,4,8'],
    ['host.costs.copyBytesPerCycle', '1e-300,4,8'],
    ['workload.touchpoints.mmio.pagesPerEvent', '1e-300,1,2'],
  ];
  let refused = 0;
  for (const [path, values] of sweeps) {
    const r = gmemlab(['sweep', scenarioFile, '--param', `${path}=${values}`, '--db', db]);
    if (r.status === 2 && r.stderr.includes(path!)) refused++;
  }
  let failed = 0;
  let done = 0;
  let masked = 0;
  let nonFinite = 0;
  if (existsSync(db)) {
    const sqlite = new BetterSqlite3(db, { readonly: true });
    for (const r of sqlite.prepare('select status, error from runs').all() as {
      status: string;
      error: string | null;
    }[]) {
      if (r.status === 'done') done++;
      else failed++;
      if (r.error !== null && /NOT NULL|constraint|rollback/.test(r.error)) masked++;
    }
    nonFinite = // The indexed means (run_metrics); every value of a run is checked before it is saved (ResultWriter).
      (
        sqlite.prepare('select count(*) as n from run_metrics where mean is null or abs(mean) > 1e308').get() as {
          n: number;
        }
      ).n;
    sqlite.close();
  }
  record({
    attack:
      'valid-looking scenarios the model cannot compute (copyBytesPerCycle 0 and 1e-300, pagesPerEvent 1e-300), each in a sweep with good values',
    tries: sweeps.length,
    outcome: `${refused} sweeps refused up front naming the field; of the others ${done} runs saved, ${failed} failed naming a non-finite metric, ${masked} failed with another run's error; ${nonFinite} non-finite values stored`,
    lost: `${masked} good runs`,
  });
}

function diskAttacks(): void {
  const source = join(work, 'disk-source.sqlite');
  gmemlab(['run', scenarioFile, '--db', source]);
  if (process.getuid?.() !== 0) {
    record({
      attack: 'read-only file, full disk',
      tries: 0,
      outcome: 'skipped: needs root to mount a tmpfs',
      lost: '-',
    });
    return;
  }
  const mount = (size: string): string => {
    const dir = mkdtempSync(join(tmpdir(), 'gmemlab-attack-fs-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
    return dir;
  };
  const unmount = (dir: string): void => {
    execFileSync('umount', ['-l', dir]);
    rmSync(dir, { recursive: true, force: true });
  };
  // Read-only.
  const ro = mount('16m');
  try {
    copyFileSync(source, join(ro, 'ro.sqlite'));
    execFileSync('mount', ['-o', 'remount,ro', ro]);
    const db = join(ro, 'ro.sqlite');
    const reads = [['list'], ['show', '1'], ['export', '1', '--format', 'csv', '--out', '-']];
    const worked = reads.filter((a) => gmemlab([...a, '--db', db], undefined, 60_000).status === 0).length;
    const run = gmemlab(['run', scenarioFile, '--db', db], undefined, 60_000);
    record({
      attack: 'database on a read-only file system',
      tries: reads.length + 1,
      outcome: `${worked}/${reads.length} read-only commands worked; a run failed with "${run.stderr.trim().slice(0, 260)}"`,
      lost: 'none (file unchanged)',
    });
  } finally {
    unmount(ro);
  }
  // Full.
  const full = mount('600k');
  try {
    const db = join(full, 'full.sqlite');
    copyFileSync(source, db);
    const free = statfsSync(full);
    writeFileSync(join(full, 'filler'), Buffer.alloc(Math.max(0, free.bavail * free.bsize - 160 * 1024)));
    const sweep = gmemlab(['sweep', scenarioFile, '--param', 'vm.vcpus=lin:1:256:256', '--db', db], undefined, 120_000);
    const list = gmemlab(['list', '--db', db], undefined, 60_000);
    const masked = sweep.stderr.includes('cannot rollback');
    record({
      attack: 'sweep onto a full disk (tmpfs of 600 KB)',
      tries: 1,
      outcome: `${masked ? 'real error MASKED by a failed ROLLBACK' : `error: "${sweep.stderr.trim().split('\n')[0]!.slice(0, 200)}"`}; list afterwards exit ${list.status}`,
      lost: 'none (the experiment saved before is listed)',
    });
  } finally {
    unmount(full);
  }
}

async function damageAttack(): Promise<void> {
  const path = join(work, 'damage.sqlite');
  const store = await Store.open(path);
  const made = await store.createExperiment({
    name: 'victim',
    kind: 'single',
    method: 'analytic',
    scenario,
    runs: [{ strategy: 'S0', point: {}, seeds: [1] }],
  });
  await store.close();
  // Everything in the main file before it is copied: the copies are opened without their -wal.
  const checkpoint = new BetterSqlite3(path);
  checkpoint.pragma('wal_checkpoint(TRUNCATE)');
  checkpoint.close();
  const pristine = readFileSync(path);
  const damages: [string, string][] = [];
  const scenarioDigits = [...JSON.stringify(scenario).matchAll(/[0-9]/g)].length;
  for (let i = 0; i < 20; i++) {
    // One character changed (always to a different one) at spread-out places in the body.
    const at = 31 + i * Math.floor(scenarioDigits / 2);
    damages.push([
      `scenario body character ${at}`,
      `update scenario_revisions set body = substr(body, 1, ${at - 1}) || (case substr(body, ${at}, 1) when '7' then '3' else '7' end) || substr(body, ${at + 1})`,
    ]);
  }
  for (const column of ['point', 'seeds', 'params'])
    damages.push([
      `runs.${column} cut short`,
      `update runs set ${column} = substr(${column}, 1, length(${column}) - 1)`,
    ]);
  let reported = 0;
  let silent = 0;
  for (const [i, [, sql]] of damages.entries()) {
    // A file of its own each time: Store.close() leaves file handles open (reported), and a
    // stale -wal or -shm of the last copy must not meet the next.
    const copy = join(work, `damage-${i}.sqlite`);
    writeFileSync(copy, pristine);
    const rawDb = new BetterSqlite3(copy);
    rawDb.exec(sql);
    rawDb.close();
    const s = await Store.open(copy);
    try {
      await s.getExperiment(made.experimentId);
      silent++;
    } catch (err) {
      if (/database damaged/.test((err as Error).message)) reported++;
      else silent++;
    } finally {
      await s.close();
    }
  }
  record({
    attack: 'changed bytes inside record payloads (scenario body, run JSON columns)',
    tries: damages.length,
    outcome: `${reported} reported as "database damaged: table, row", ${silent} served (a change that leaves the JSON valid and the row unhashed, e.g. in a metric's number, cannot be seen)`,
    lost: 'none (read only)',
  });
}

function importPerfAttack(): void {
  const report = readFileSync(join(root, 'common', 'core', 'fixtures', 'perf-x86-2021-10-20.txt'), 'utf8');
  const out = join(work, 'perf-out.json');
  const long = join(work, 'long.txt');
  writeFileSync(long, `Analyze events for ${'x'.repeat(2_000_000)}:\n\n${report}`);
  const plain = join(work, 'report.txt');
  writeFileSync(plain, report);
  const base = join(work, 'base.json');
  writeFileSync(base, JSON.stringify(setParameter(scenario, 'name', 'n'.repeat(200))));
  const tries = [
    ['import-perf', long, '--duration', '10', '--out', out],
    ['import-perf', plain, '--duration', '10', '--base', base, '--out', out],
  ];
  let refused = 0;
  for (const args of tries) {
    rmSync(out, { force: true });
    if (gmemlab(args, undefined, 60_000).status === 2 && !existsSync(out)) refused++;
  }
  record({
    attack: 'import-perf making an invalid scenario (2 MB description, 221-character name)',
    tries: tries.length,
    outcome: `${refused} refused with exit 2 naming the field, nothing written`,
    lost: 'none',
  });
}

function bundleAttacks(): void {
  const many = join(work, 'many.json');
  writeManyBadRunsBundle(many, 9, 100_000);
  const a = gmemlab(['import', many, '--db', join(work, 'b1.sqlite')], 64);
  rmSync(many);
  const wrong = join(work, 'wrong.json');
  writeWrongTypedRunsBundle(wrong, 30_000_000);
  const b = gmemlab(['import', wrong, '--db', join(work, 'b2.sqlite')], 64);
  rmSync(wrong);
  const huge = join(work, 'huge-item.json');
  writeHugeItemBundle(huge, 40 * 2 ** 20);
  const c = gmemlab(['import', huge, '--db', join(work, 'b3.sqlite')], 128);
  rmSync(huge);
  record({
    attack:
      'hostile bundles: 900,000 wrong-typed runs (27 MB); 30 million wrong-typed items (60 MB); one 40 MB run (each with a 64 or 128 MB heap)',
    tries: 3,
    outcome: `exit ${a.status} in ${cost(a)}; exit ${b.status} in ${cost(b)}; exit ${c.status} in ${cost(c)} (2 = refused: at most 100 problems listed, or the item over 32 MiB named)`,
    lost: 'none (checked before anything is written)',
  });

  // A legitimate bundle as big as gmemlab's own export makes them: a 60 x 60 sweep, 25,200 runs.
  const db = join(work, 'b4.sqlite');
  const swept = gmemlab(
    ['sweep', scenarioFile, '--param', 'vm.vcpus=lin:1:60:60', '--param', 'vm.memoryGiB=lin:1:200:60', '--db', db],
    undefined,
    600_000,
  );
  const file = join(work, 'legit.json');
  const exported = gmemlab(['export-bundle', '1', '--out', file, '--db', db], 256, 600_000);
  const bytes = existsSync(file) ? statSync(file).size : 0;
  rmSync(db, { force: true });
  const imported = gmemlab(['import', file, '--db', join(work, 'b5.sqlite'), '--json'], 128, 600_000);
  rmSync(file, { force: true });
  let runs: string;
  try {
    runs = String((JSON.parse(imported.stdout) as { runsImported: number }).runsImported);
  } catch {
    runs = `none (${imported.stderr.trim().slice(0, 200)})`;
  }
  record({
    attack: `a legitimate ${(bytes / 1e6).toFixed(0)} MB bundle (a 60 x 60 sweep exported by gmemlab; 128 MB heap for the import)`,
    tries: 1,
    outcome: `sweep exit ${swept.status}; export exit ${exported.status} in ${cost(exported)}; import exit ${imported.status} in ${cost(imported)}, ${runs} runs imported`,
    lost: imported.status === 0 ? 'none' : 'the import (nothing written)',
  });
}

function table(): string {
  const lines = [
    `Last run: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, \`node security/attack.ts\`.`,
    '',
    '| attack | tries | outcome | data lost |',
    '| --- | --- | --- | --- |',
    // One line per row: a child's error can span lines (a stack after it).
    ...rows.map(
      (r) =>
        `| ${r.attack} | ${r.tries} | ${r.outcome.replaceAll('|', '\\|').replaceAll(/\s*\n\s*/g, ' ')} | ${r.lost} |`,
    ),
  ];
  return lines.join('\n');
}

const START = '<!-- attack-table:start -->';
const END = '<!-- attack-table:end -->';

try {
  await webHostAttacks();
  await bodyFloodAttack();
  databasePathAttacks();
  extremeScenarioAttack();
  diskAttacks();
  await damageAttack();
  importPerfAttack();
  bundleAttacks();
  const text = table();
  process.stdout.write(`${text}\n`);
  if (!process.argv.includes('--dry-run')) {
    const file = join(root, 'SECURITY.md');
    const doc = readFileSync(file, 'utf8');
    const at = doc.indexOf(START);
    const end = doc.indexOf(END);
    if (at < 0 || end < at) throw new Error(`SECURITY.md has no ${START} ... ${END} block`);
    writeFileSync(file, `${doc.slice(0, at + START.length)}\n${text}\n${doc.slice(end)}`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
