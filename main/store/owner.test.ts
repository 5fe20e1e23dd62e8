import BetterSqlite3 from 'better-sqlite3';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { currentOwner, ownerAlive } from './owner.ts';
import { Store } from './store.ts';
import { presetScenario, tempDir } from './testing.ts';

let dir: { dir: string; cleanup: () => void };
let sleeper: ReturnType<typeof spawn> | undefined;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => {
  sleeper?.kill('SIGKILL');
  dir.cleanup();
});

function startSleeper(): number {
  sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  return sleeper.pid!;
}
const startOf = (pid: number): string => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]!;
};

it('tells live owners from dead, foreign and reused ones', () => {
  expect(ownerAlive(currentOwner())).toBe(true);
  expect(ownerAlive(null)).toBe(false);
  expect(ownerAlive('garbage')).toBe(false);
  const dead = spawnSync(process.execPath, ['-e', '']).pid;
  expect(ownerAlive(`${hostname()}:${dead}:`)).toBe(false);
  const pid = startSleeper();
  expect(ownerAlive(`${hostname()}:${pid}:${startOf(pid)}`)).toBe(true);
  expect(ownerAlive(`${hostname()}:${pid}:1`)).toBe(false);
  expect(ownerAlive(`another-host.example:${pid}:${startOf(pid)}`)).toBe(false);
});

it('at start-up marks only the runs of processes that are gone', async () => {
  const path = join(dir.dir, 'shared.sqlite');
  const store = await Store.open(path);
  const plan = { strategy: 'S1' as const, point: {}, seeds: [] };
  const live = await store.createExperiment({
    name: 'live',
    kind: 'single',
    method: 'analytic',
    scenario: presetScenario(),
    runs: [plan],
  });
  const gone = await store.createExperiment({
    name: 'gone',
    kind: 'single',
    method: 'analytic',
    scenario: presetScenario(),
    runs: [plan],
  });
  await store.markRunsRunning([...live.runIds, ...gone.runIds]);
  await store.close();
  const pid = startSleeper();
  const dead = spawnSync(process.execPath, ['-e', '']).pid;
  const db = new BetterSqlite3(path);
  db.prepare('update experiments set owner = ? where id = ?').run(
    `${hostname()}:${pid}:${startOf(pid)}`,
    live.experimentId,
  );
  db.prepare('update experiments set owner = ? where id = ?').run(`${hostname()}:${dead}:`, gone.experimentId);
  db.close();

  const reopened = await Store.open(path);
  expect((await reopened.getExperiment(live.experimentId))?.runs[0]?.status).toBe('running');
  expect((await reopened.getExperiment(gone.experimentId))?.runs[0]?.status).toBe('interrupted');
  expect((await reopened.getExperiment(gone.experimentId))?.status).toBe('interrupted');
  await reopened.close();
});
