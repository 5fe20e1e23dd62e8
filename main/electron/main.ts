// The Electron edge: one hardened window on the renderer, IPC onto the shared handlers.
// Everything else (core, store, runner, handlers) is plain Node code shared with the CLI and
// the web host; this file only connects it to Electron. See SECURITY.md.
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, session, type IpcMainInvokeEvent } from 'electron';
import { readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { menuTemplate } from './menu.ts';
import { addRecent, loadRecent, saveRecent } from './recent.ts';
import { createApp, type App } from '../app.ts';
import { CALL_NAMES, ipcChannel, ipcEventChannel, type Envelope, type EventMap } from '../../common/contract/index.ts';
import { dispatch } from '../handlers/index.ts';
import {
  APP_ENTRY_URL,
  APP_SCHEME,
  APP_SCHEME_PRIVILEGES,
  WINDOW_WEB_PREFERENCES,
  allowFrameNavigation,
  appProtocolResponse,
  isAppUrl,
  isTrustedSender,
} from './policy.ts';

const here = import.meta.dirname;
const rendererDir = join(here, '..', 'renderer');

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);
// Every renderer sandboxed, whatever a future window's webPreferences say.
app.enableSandbox();

let mainWindow: BrowserWindow | undefined;
let workbench: App | undefined;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (mainWindow === undefined) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isAppUrl(url)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!isAppUrl(url)) event.preventDefault();
    });
    // Subframes too (will-navigate is the main frame's only).
    contents.on('will-frame-navigate', (details) => {
      if (!allowFrameNavigation(details)) details.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', () => {
    void workbench?.close();
  });
  void app.whenReady().then(start);
}

/** Only our own top-level document may call main. */
function fromOurWindow(event: IpcMainInvokeEvent): boolean {
  return isTrustedSender(event.senderFrame, mainWindow?.webContents.mainFrame);
}

async function start(): Promise<void> {
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  session.defaultSession.setDevicePermissionHandler(() => false);

  protocol.handle(APP_SCHEME, (request) => appProtocolResponse(rendererDir, request.url));

  workbench = await createApp({
    dbPath: join(app.getPath('userData'), 'gmemlab.sqlite'),
    workerFile: join(here, 'worker.js'),
    readWorker: join(here, 'read-worker.js'),
    writeWorker: join(here, 'write-worker.js'),
    computeWorker: join(here, 'compute-worker.js'),
    // Exports are saved where the user picks (main/handlers/save-export.ts writes the file).
    saveDialog: {
      chooseSavePath: async (filename) => {
        const options = { defaultPath: join(app.getPath('downloads'), filename) };
        const chosen = mainWindow
          ? await dialog.showSaveDialog(mainWindow, options)
          : await dialog.showSaveDialog(options);
        return chosen.canceled ? undefined : chosen.filePath;
      },
    },
  });
  const handlers = workbench.handlers;
  for (const name of CALL_NAMES) {
    ipcMain.handle(ipcChannel(name), async (event, input: unknown): Promise<Envelope<unknown>> => {
      if (!fromOurWindow(event))
        return { ok: false, error: { code: 'forbidden', message: 'call refused: not from the gmemlab window' } };
      return dispatch(handlers, name, input);
    });
  }
  workbench.subscribe((event, payload) => mainWindow?.webContents.send(ipcEventChannel(event), payload));

  mainWindow = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'gmemlab',
    show: false,
    webPreferences: { ...WINDOW_WEB_PREFERENCES, preload: join(here, '..', 'preload', 'index.cjs') },
  });
  mainWindow.once('ready-to-show', () => mainWindow?.show());
  setMenu();
  mainWindow.on('closed', () => {
    mainWindow = undefined;
  });
  await mainWindow.loadURL(APP_ENTRY_URL);
}

// ---- Application menu (main/electron/menu.ts): File (open, recent, save), Run, View ----
const recentFile = (): string => join(app.getPath('userData'), 'recent-scenarios.json');
let recent: string[] = [];
let recentLoaded = false;
/** Larger files are not scenarios, mails or perf reports (the readers refuse them too). */
const MAX_OPEN_BYTES = 5_000_000;

function sendMenu(payload: EventMap['menuCommand']): void {
  mainWindow?.webContents.send(ipcEventChannel('menuCommand'), payload);
}

async function openPath(path: string): Promise<void> {
  try {
    if ((await stat(path)).size > MAX_OPEN_BYTES)
      throw new Error('it is over 5 MB: not a scenario, mail or perf report');
    const text = await readFile(path, 'utf8');
    recent = addRecent(recent, path);
    saveRecent(recentFile(), recent);
    setMenu();
    sendMenu({ command: 'open-text', text, name: basename(path) });
  } catch (err) {
    dialog.showErrorBox('gmemlab', `Cannot open ${path}: ${(err as Error).message}`);
  }
}

function setMenu(): void {
  if (!recentLoaded) {
    recent = loadRecent(recentFile());
    recentLoaded = true;
  }
  const template = menuTemplate(recent, {
    command: (command) => sendMenu({ command }),
    openFile: () => {
      if (mainWindow === undefined) return;
      void dialog
        .showOpenDialog(mainWindow, {
          properties: ['openFile'],
          filters: [{ name: 'Scenarios, mails, perf reports', extensions: ['json', 'txt', 'eml', 'mbox'] }],
        })
        .then((r) => (r.canceled || r.filePaths[0] === undefined ? undefined : openPath(r.filePaths[0])));
    },
    openRecent: (path) => void openPath(path),
    clearRecent: () => {
      recent = [];
      saveRecent(recentFile(), recent);
      setMenu();
    },
  });
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
