// The Electron edge's hardening, checked without an Electron binary: the policy values and
// functions, plus the edge's source, so that a weakened option cannot slip into main.ts unseen
// (Electronegativity cannot follow the spread of WINDOW_WEB_PREFERENCES; see SECURITY.md).
import fc from 'fast-check';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { SECURITY_HEADERS } from '../security.ts';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  allowFrameNavigation,
  appProtocolResponse,
  APP_ENTRY_URL,
  APP_ORIGIN,
  APP_SCHEME_PRIVILEGES,
  ELECTRON_FUSES,
  WINDOW_WEB_PREFERENCES,
  isAppUrl,
  isTrustedSender,
  resolveAppRequest,
} from './policy.ts';

const repo = join(import.meta.dirname, '..', '..');
const rendererDir = join(repo, 'out', 'renderer');

async function sources(dir: string): Promise<string[]> {
  const entries = await readdir(join(repo, dir), { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.test.ts'))
    .map((e) => relative(repo, join(e.parentPath, e.name)));
}

describe('window webPreferences', () => {
  it('turn on isolation and the sandbox and off every Node and insecure option', () => {
    expect(WINDOW_WEB_PREFERENCES).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
    });
    expect(WINDOW_WEB_PREFERENCES).not.toHaveProperty('enableBlinkFeatures');
    expect(WINDOW_WEB_PREFERENCES).not.toHaveProperty('preload');
  });

  it('are used by main.ts as they are: only the preload path is added', async () => {
    const main = await readFile(join(repo, 'main', 'electron', 'main.ts'), 'utf8');
    const windows = main.match(/new BrowserWindow\(/g) ?? [];
    expect(windows).toHaveLength(1);
    expect(main).toMatch(/webPreferences: \{ \.\.\.WINDOW_WEB_PREFERENCES, preload: join\([^)]*\) \}/);
    expect(main).toContain('app.enableSandbox()');
  });
});

describe('the edge source', () => {
  it('never weakens the checklist options, opens external URLs or loads file://', async () => {
    const files = [...(await sources('main')), ...(await sources('preload'))];
    expect(files).toContain(join('main', 'electron', 'main.ts'));
    const forbidden: [RegExp, string][] = [
      [/nodeIntegration\w*\s*:\s*true/, 'nodeIntegration on'],
      [/contextIsolation\s*:\s*false/, 'contextIsolation off'],
      [/sandbox\s*:\s*false/, 'sandbox off'],
      [/webSecurity\s*:\s*false/, 'webSecurity off'],
      [/allowRunningInsecureContent\s*:\s*true/, 'insecure content'],
      [/experimentalFeatures\s*:\s*true/, 'experimental features'],
      [/enableBlinkFeatures/, 'enableBlinkFeatures'],
      [/webviewTag\s*:\s*true/, 'webview'],
      [/openExternal/, 'shell.openExternal'],
      [/loadFile\(|loadURL\(\s*['"`]file:/, 'file:// loading'],
      [/bypassCSP\s*:\s*true/, 'a scheme that bypasses the CSP'],
      [/exposeInMainWorld\([^)]*ipcRenderer\s*[,)]/, 'ipcRenderer exposed'],
    ];
    for (const file of files) {
      const text = await readFile(join(repo, file), 'utf8');
      for (const [pattern, what] of forbidden) expect(pattern.test(text), `${file}: ${what}`).toBe(false);
    }
  });

  it('denies navigation, new windows, webviews and permissions, and checks the IPC sender', async () => {
    const main = await readFile(join(repo, 'main', 'electron', 'main.ts'), 'utf8');
    expect(main).toMatch(/'will-navigate', \(event, url\) => \{\s*if \(!isAppUrl\(url\)\) event\.preventDefault\(\)/);
    expect(main).toMatch(/'will-redirect', \(event, url\) => \{\s*if \(!isAppUrl\(url\)\) event\.preventDefault\(\)/);
    expect(main).toMatch(/'will-attach-webview', \(event\) => event\.preventDefault\(\)/);
    expect(main).toContain("setWindowOpenHandler(() => ({ action: 'deny' }))");
    expect(main).toContain('setPermissionRequestHandler((_contents, _permission, callback) => callback(false))');
    expect(main).toContain('setPermissionCheckHandler(() => false)');
    expect(main).toContain('setDevicePermissionHandler(() => false)');
    expect(main).toMatch(/if \(!fromOurWindow\(event\)\)\s*return \{ ok: false, error: \{ code: 'forbidden'/);
    expect(main).toContain('privileges: APP_SCHEME_PRIVILEGES');
    expect(main).toMatch(
      /'will-frame-navigate', \(details\) => \{\s*if \(!allowFrameNavigation\(details\)\) details\.preventDefault\(\)/,
    );
    expect(main).toContain('protocol.handle(APP_SCHEME, (request) => appProtocolResponse(rendererDir, request.url))');
  });
});

describe('issue 15 item 9', () => {
  it('every app:// answer carries the CSP and the other security headers, 404s included', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gmemlab-app-'));
    try {
      await writeFile(join(dir, 'index.html'), '<!doctype html>');
      for (const url of [
        `${APP_ORIGIN}/index.html`,
        `${APP_ORIGIN}/missing.js`,
        `${APP_ORIGIN}/../etc/passwd`,
        'app://evil/x',
      ]) {
        const response = await appProtocolResponse(dir, url);
        expect(response.status, url).toBe(url.endsWith('index.html') ? 200 : 404);
        for (const [name, value] of Object.entries(SECURITY_HEADERS))
          expect(response.headers.get(name), `${url} ${name}`).toBe(value);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('no subframe may navigate, and the top frame only within the app', () => {
    expect(allowFrameNavigation({ url: `${APP_ORIGIN}/index.html`, isMainFrame: true })).toBe(true);
    expect(allowFrameNavigation({ url: `${APP_ORIGIN}/index.html`, isMainFrame: false })).toBe(false);
    expect(allowFrameNavigation({ url: 'https://evil.example/', isMainFrame: false })).toBe(false);
    expect(allowFrameNavigation({ url: 'https://evil.example/', isMainFrame: true })).toBe(false);
    expect(allowFrameNavigation({ url: 'file:///etc/passwd', isMainFrame: true })).toBe(false);
  });
});

describe('the app:// scheme', () => {
  it('is a secure standard scheme that does not bypass the CSP', () => {
    expect(APP_SCHEME_PRIVILEGES).toEqual({ standard: true, secure: true, supportFetchAPI: true });
    expect(APP_ENTRY_URL.startsWith(`${APP_ORIGIN}/`)).toBe(true);
  });

  it('isAppUrl accepts only our origin', () => {
    expect(isAppUrl(APP_ENTRY_URL)).toBe(true);
    expect(isAppUrl(`${APP_ORIGIN}/assets/x.js?y#z`)).toBe(true);
    for (const url of [
      'https://evil.example/',
      'app://evil/index.html',
      'app://user:pw@gmemlab/index.html',
      'app://gmemlab:8080/index.html',
      'app://gmemlab.evil/',
      'file:///etc/passwd',
      'http://127.0.0.1/',
      'javascript:alert(1)',
      'data:text/html,x',
      'app:gmemlab',
      '',
      'not a url',
      'APP://GMEMLAB.evil/',
    ])
      expect(isAppUrl(url), url).toBe(false);
  });

  it('maps requests into the renderer folder and nothing else', () => {
    expect(resolveAppRequest(rendererDir, `${APP_ORIGIN}/`)).toBe(join(rendererDir, 'index.html'));
    expect(resolveAppRequest(rendererDir, `${APP_ORIGIN}/assets/a.js`)).toBe(join(rendererDir, 'assets', 'a.js'));
    for (const url of [
      `${APP_ORIGIN}/../package.json`,
      `${APP_ORIGIN}/%2e%2e/package.json`,
      `${APP_ORIGIN}/..%2fpackage.json`,
      `${APP_ORIGIN}/assets/..%2f..%2f..%2fpackage.json`,
      `${APP_ORIGIN}/%E0%A4%A`,
      'app://evil/index.html',
      'file:///etc/passwd',
      'https://gmemlab/index.html',
    ]) {
      const file = resolveAppRequest(rendererDir, url);
      if (file !== undefined) expect(file.startsWith(rendererDir + sep), url).toBe(true);
      if (url.includes('%2f')) expect(file, url).toBeUndefined(); // an encoded slash climbing out
    }
  });

  it('never resolves outside the renderer folder, whatever the path', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.constantFrom('..', '.', '%2e%2e', '%2f', '%5c', '..%2f', '%00', 'assets', ''),
            fc.string({ maxLength: 8 }),
          ),
          { maxLength: 8 },
        ),
        (parts) => {
          const file = resolveAppRequest(rendererDir, `${APP_ORIGIN}/${parts.join('/')}`);
          if (file !== undefined) expect(file.startsWith(rendererDir + sep)).toBe(true);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('IPC sender check', () => {
  it('trusts only the window main frame showing our origin', () => {
    const main = { url: APP_ENTRY_URL };
    expect(isTrustedSender(main, main)).toBe(true);
    expect(isTrustedSender({ url: APP_ENTRY_URL }, main)).toBe(false); // a subframe or another window
    expect(isTrustedSender(null, main)).toBe(false); // frame already gone
    expect(isTrustedSender(undefined, main)).toBe(false);
    expect(isTrustedSender(main, undefined)).toBe(false); // no window yet
    const navigated = { url: 'https://evil.example/' };
    expect(isTrustedSender(navigated, navigated)).toBe(false);
  });
});

describe('fuses for packaging', () => {
  it('turn off run-as-node, NODE_OPTIONS and inspect flags, and load only a verified asar', () => {
    expect(ELECTRON_FUSES).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      loadBrowserProcessSpecificV8Snapshot: false,
      grantFileProtocolExtraPrivileges: false,
    });
  });
});
