// Runs after `npm install`. The Electron binary is downloaded from GitHub by electron's own
// install script, which package.json's allowScripts keeps npm from running (it fails the whole
// install where GitHub is unreachable). Here we try it ourselves and report, never fail: where
// the download works, Electron is ready; where it does not, `npm start` falls back to the web host.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';

const require = createRequire(import.meta.url);

function electronInstallScript(): string | undefined {
  try {
    return require.resolve('electron/install.js');
  } catch {
    return undefined;
  }
}

const script = electronInstallScript();
if (script === undefined || !existsSync(script)) {
  console.log('gmemlab: electron package not installed; the workbench will use the browser mode.');
} else {
  const result = spawnSync(process.execPath, [script], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 300_000 });
  if (result.status === 0) {
    console.log('gmemlab: Electron binary ready.');
  } else {
    const firstLine = (result.stderr?.toString() ?? '').split('\n').find((l) => l.trim() !== '') ?? 'unknown error';
    console.log(
      `gmemlab: Electron binary not downloaded (${firstLine.trim().slice(0, 160)}); the workbench will use the browser mode.`,
    );
  }
}
