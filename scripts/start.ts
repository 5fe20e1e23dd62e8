// `npm start`: builds the workbench, then opens it in Electron where Electron can start; where
// it cannot (no binary downloaded, no display), says why in one line and serves the same
// renderer to a browser on 127.0.0.1 instead, printing the URL to open.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const root = join(import.meta.dirname, '..');
const require = createRequire(import.meta.url);

/**
 * The Electron binary's path, read the way the electron package does it, without requiring that
 * package (which tries to download a missing binary at require time).
 */
function electronBinary(): string | undefined {
  let packageDir: string;
  try {
    packageDir = dirname(require.resolve('electron/package.json'));
  } catch {
    return undefined;
  }
  const pathFile = join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const relative = readFileSync(pathFile, 'utf8').trim();
  return join(process.env['ELECTRON_OVERRIDE_DIST_PATH'] ?? join(packageDir, 'dist'), relative);
}

function electronUnavailableReason(): string | undefined {
  const binary = electronBinary();
  if (binary === undefined) return 'the Electron binary was not downloaded when gmemlab was installed';
  if (!existsSync(binary)) return `the Electron binary is missing at ${binary}`;
  if (process.platform === 'linux' && !process.env['DISPLAY'] && !process.env['WAYLAND_DISPLAY'])
    return 'there is no display (DISPLAY and WAYLAND_DISPLAY are unset)';
  return undefined;
}

const build = spawnSync(
  process.execPath,
  [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'],
  { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
);
if (build.status !== 0) {
  console.error('gmemlab: the build failed (see above)');
  process.exit(1);
}

const reason = electronUnavailableReason();
const child =
  reason === undefined
    ? spawn(electronBinary()!, [root, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' })
    : (console.log(`gmemlab: Electron cannot start here because ${reason}; starting the browser mode instead.`),
      spawn(process.execPath, [join(root, 'main', 'cli', 'gmemlab.ts'), 'serve', ...process.argv.slice(2)], {
        cwd: root,
        stdio: 'inherit',
      }));
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));
