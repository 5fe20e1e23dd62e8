// The workbench's keyboard shortcuts, in one place: the window's key handler (App.svelte) asks
// commandForKey, and the Electron application menu (main/electron/menu.ts) shows the same keys
// as its accelerators, so the menu and the keyboard never disagree.
import type { MenuCommand } from './index.ts';

export interface Shortcut {
  command: MenuCommand;
  /** Electron accelerator syntax, shown in the menu. */
  accelerator: string;
  /** As the window's hints write it. */
  keys: string;
}

export const SHORTCUTS: readonly Shortcut[] = [
  { command: 'run', accelerator: 'CmdOrCtrl+Enter', keys: 'Ctrl+Enter' },
  { command: 'cancel', accelerator: 'Escape', keys: 'Esc' },
  { command: 'search', accelerator: 'CmdOrCtrl+K', keys: 'Ctrl+K' },
  { command: 'compare', accelerator: 'CmdOrCtrl+Shift+C', keys: 'Ctrl+Shift+C' },
  { command: 'matrix', accelerator: 'CmdOrCtrl+Shift+M', keys: 'Ctrl+Shift+M' },
  { command: 'toggle-scenario', accelerator: 'CmdOrCtrl+B', keys: 'Ctrl+B' },
  { command: 'save-scenario', accelerator: 'CmdOrCtrl+S', keys: 'Ctrl+S' },
];

export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
  /** The focus is in a text field (a bare "/" is then typed, not a shortcut). */
  typing: boolean;
}

/** The command a key press stands for, or undefined. "/" outside text fields also searches. */
export function commandForKey(k: KeyPress): MenuCommand | undefined {
  if (k.key === '/' && !k.typing && !k.ctrlKey && !k.metaKey && !k.altKey) return 'search';
  for (const s of SHORTCUTS) {
    const parts = s.accelerator.split('+');
    const key = parts[parts.length - 1]!;
    const mod = parts.includes('CmdOrCtrl');
    const shift = parts.includes('Shift');
    if ((k.ctrlKey || k.metaKey) !== mod || k.shiftKey !== shift || k.altKey) continue;
    if (k.key.toLowerCase() === key.toLowerCase()) return s.command;
  }
  return undefined;
}
