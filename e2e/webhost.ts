// Starts the real web host (the `gmemlab serve` command, in a child process) on a temporary
// database, the way a user would, and stops it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const root = join(import.meta.dirname, '..');

export interface RunningHost {
  url: string;
  origin: string;
  dbPath: string;
  stop(): Promise<void>;
}

export async function startHost(dbPath?: string): Promise<RunningHost> {
  const dir = dbPath === undefined ? mkdtempSync(join(tmpdir(), 'gmemlab-e2e-')) : undefined;
  const db = dbPath ?? join(dir!, 'e2e.sqlite');
  const child: ChildProcess = spawn(
    process.execPath,
    [join(root, 'main', 'cli', 'gmemlab.ts'), 'serve', '--db', db, '--json'],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('web host did not start within 30 s')), 30_000);
    child.once('exit', (code) => reject(new Error(`web host exited with code ${code}`)));
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve((JSON.parse(line) as { url: string }).url);
    });
  });
  return {
    url,
    origin: new URL(url).origin,
    dbPath: db,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}
