// What the Electron edge allows, as plain data and functions with no electron import, so that
// tests can check the hardening where no Electron binary exists (see policy.test.ts).
import { readFile } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { SECURITY_HEADERS, contentTypeOf } from '../security.ts';

/** The renderer's origin: a privileged custom scheme, never file://. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'gmemlab';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** webPreferences of the one window. Every item is on Electron's security checklist. */
export const WINDOW_WEB_PREFERENCES = {
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
  spellcheck: false,
  // Middle-click would ask for a new window; the open handler denies it anyway.
  disableBlinkFeatures: 'Auxclick',
} as const;

/**
 * Privileges of the app:// scheme: a standard, secure origin that fetch() works on. Not
 * bypassCSP (the CSP applies), not corsEnabled, not allowServiceWorkers, not stream.
 */
export const APP_SCHEME_PRIVILEGES = { standard: true, secure: true, supportFetchAPI: true } as const;

/**
 * Fuses to flip when the app is packaged (electron-builder `electronFuses`). Packaging is not
 * set up yet: nothing applies these today (see SECURITY.md). The app uses worker threads, not
 * child_process.fork, so runAsNode can be off.
 */
export const ELECTRON_FUSES = {
  runAsNode: false,
  enableCookieEncryption: true,
  enableNodeOptionsEnvironmentVariable: false,
  enableNodeCliInspectArguments: false,
  enableEmbeddedAsarIntegrityValidation: true,
  onlyLoadAppFromAsar: true,
  loadBrowserProcessSpecificV8Snapshot: false,
  grantFileProtocolExtraPrivileges: false,
} as const;

/** The part of a WebFrameMain the sender check needs. */
export interface FrameLike {
  readonly url: string;
}

/**
 * An IPC call is trusted only from our window's top-level frame showing our own origin: not a
 * subframe, not another window, not a page that navigated elsewhere.
 */
export function isTrustedSender(
  senderFrame: FrameLike | null | undefined,
  windowMainFrame: FrameLike | undefined,
): boolean {
  return (
    senderFrame != null && windowMainFrame !== undefined && senderFrame === windowMainFrame && isAppUrl(senderFrame.url)
  );
}

/**
 * True only for a document of our own origin. Compares scheme, host and credentials rather than
 * URL.origin: Node's URL gives every non-special scheme (app:) the opaque origin "null", so an
 * origin comparison in main would refuse our own window.
 */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return (
      parsed.protocol === `${APP_SCHEME}:` &&
      parsed.host === APP_HOST &&
      parsed.username === '' &&
      parsed.password === ''
    );
  } catch {
    return false;
  }
}

/**
 * Maps an app:// request to a file inside the built renderer, or undefined for anything that
 * is not ours or tries to leave that folder.
 */
export function resolveAppRequest(rendererDir: string, requestUrl: string): string | undefined {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return undefined;
  }
  if (!isAppUrl(requestUrl)) return undefined;
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return undefined;
  }
  const root = resolve(rendererDir);
  const file = resolve(root, `.${pathname === '/' ? '/index.html' : pathname}`);
  return file.startsWith(root + sep) ? file : undefined;
}

/**
 * The app:// protocol's answer to a request: the file, or 404. Every answer carries the security
 * headers (CSP included): a 404 without them was a page with no CSP (issue 15 item 9).
 */
export async function appProtocolResponse(rendererDir: string, requestUrl: string): Promise<Response> {
  const notFound = (): Response =>
    new Response('not found', {
      status: 404,
      headers: { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' },
    });
  const file = resolveAppRequest(rendererDir, requestUrl);
  if (file === undefined) return notFound();
  try {
    return new Response(await readFile(file), {
      headers: { ...SECURITY_HEADERS, 'Content-Type': contentTypeOf(file) },
    });
  } catch {
    return notFound();
  }
}

/**
 * Whether a frame may navigate (Electron's will-frame-navigate, which also fires for subframes,
 * unlike will-navigate): the app has no frames, so only its top-level document, and only to its
 * own origin.
 */
export function allowFrameNavigation(details: { url: string; isMainFrame: boolean }): boolean {
  return details.isMainFrame && isAppUrl(details.url);
}
