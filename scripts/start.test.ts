// `npm start` where Electron cannot start: one line saying why, then the browser mode's URL.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const electronDownloaded = existsSync(
  join(dirname(createRequire(import.meta.url).resolve('electron/package.json')), 'path.txt'),
);

describe('npm start', () => {
  it.skipIf(electronDownloaded)(
    'falls back to the web host, saying why in one line, and prints a token URL that serves the app',
    async () => {
      const home = mkdtempSync(join(tmpdir(), 'gmemlab-start-'));
      // A private config folder, so the default database is created there and not in the user's.
      const child = spawn(process.execPath, [join(root, 'scripts', 'start.ts')], {
        cwd: root,
        env: { ...process.env, XDG_CONFIG_HOME: home, DISPLAY: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      try {
        const lines: string[] = [];
        const url = await new Promise<string>((resolve, reject) => {
          const timer = setTimeout(
            () => reject(new Error(`no URL within 120 s; output: ${lines.join('\n')}`)),
            120_000,
          );
          child.once('exit', (code) => reject(new Error(`start exited with ${code}: ${lines.join('\n')}`)));
          createInterface({ input: child.stdout }).on('line', (line) => {
            lines.push(line);
            const match = /open (http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]+)/.exec(line);
            if (match !== null) {
              clearTimeout(timer);
              resolve(match[1]!);
            }
          });
        });
        const reasons = lines.filter((l) => l.startsWith('gmemlab: Electron cannot start here because'));
        expect(reasons).toHaveLength(1);
        expect(reasons[0]).toContain('starting the browser mode instead');
        // The page is public; the token (in the fragment, never sent) opens the API as a header.
        const page = await fetch(new URL('/', url));
        expect(page.status).toBe(200);
        expect(await page.text()).toContain('<div id="app">');
        const token = new URL(url).hash.slice('#token='.length);
        const call = await fetch(new URL('/api/call/listPresets', url), {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
          body: '{}',
        });
        expect(call.status).toBe(200);
        expect(existsSync(join(home, 'gmemlab', 'gmemlab.sqlite'))).toBe(true);
      } finally {
        child.kill('SIGTERM');
        rmSync(home, { recursive: true, force: true });
      }
    },
  );
});
