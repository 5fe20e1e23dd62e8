// The Electron window's application menu, as data: File (open a scenario or a mail, recent
// scenarios, save), Run (run, cancel), View (the views: results, history, compare, diff, matrix;
// the scenario panel, search). Its keys are the window's own shortcuts
// (common/contract/shortcuts.ts); the window handles the keys itself, so the menu shows them
// without registering them twice. main.ts only turns this into a Menu.
import { basename } from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../../common/contract/index.ts';
import { SHORTCUTS } from '../../common/contract/shortcuts.ts';

export interface MenuActions {
  /** A command for the window (sent as the menuCommand event). */
  command(command: MenuCommand): void;
  /** Asks for a file (scenario, mail or perf report) and opens it. */
  openFile(): void;
  /** Opens a recent file. */
  openRecent(path: string): void;
  clearRecent(): void;
}

function item(label: string, command: MenuCommand, actions: MenuActions): MenuItemConstructorOptions {
  const shortcut = SHORTCUTS.find((s) => s.command === command);
  return {
    label,
    click: () => actions.command(command),
    ...(shortcut === undefined ? {} : { accelerator: shortcut.accelerator, registerAccelerator: false }),
  };
}

export function menuTemplate(
  recent: readonly string[],
  actions: MenuActions,
  platform: NodeJS.Platform = process.platform,
): MenuItemConstructorOptions[] {
  const recentItems: MenuItemConstructorOptions[] =
    recent.length === 0
      ? [{ label: '(none yet)', enabled: false }]
      : [
          ...recent.map((path) => ({ label: basename(path), sublabel: path, click: () => actions.openRecent(path) })),
          { type: 'separator' as const },
          { label: 'Clear recent scenarios', click: () => actions.clearRecent() },
        ];
  return [
    ...(platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'Open scenario, mail or perf report…', accelerator: 'CmdOrCtrl+O', click: () => actions.openFile() },
        { label: 'Open recent', submenu: recentItems },
        item('Save scenario…', 'save-scenario', actions),
        { type: 'separator' },
        platform === 'darwin' ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'Run',
      submenu: [item('Run', 'run', actions), item('Cancel', 'cancel', actions)],
    },
    {
      label: 'View',
      submenu: [
        item('Results', 'results', actions),
        item('History', 'history', actions),
        item('Compare', 'compare', actions),
        item('Diff', 'diff', actions),
        item('Matrix', 'matrix', actions),
        { type: 'separator' },
        item('Scenario panel', 'toggle-scenario', actions),
        item('Search history', 'search', actions),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { role: 'togglefullscreen' },
      ],
    },
  ];
}
