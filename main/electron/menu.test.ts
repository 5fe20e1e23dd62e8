// The menu as data, checked in Node (Electron itself cannot run here): its keys are the window's
// shortcuts, its items send the commands the window handles, recent files open by their path.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { MENU_COMMANDS, type MenuCommand } from '../../common/contract/index.ts';
import { SHORTCUTS } from '../../common/contract/shortcuts.ts';
import { menuTemplate, type MenuActions } from './menu.ts';
import { addRecent, loadRecent, RECENT_MAX, saveRecent } from './recent.ts';

function recorder(): MenuActions & { log: string[] } {
  const log: string[] = [];
  return {
    log,
    command: (c) => log.push(`command ${c}`),
    openFile: () => log.push('open'),
    openRecent: (p) => log.push(`recent ${p}`),
    clearRecent: () => log.push('clear'),
  };
}

function items(template: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return template.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? items(i.submenu) : [])]);
}

const click = (i: MenuItemConstructorOptions): void => (i.click as unknown as () => void)();

describe('menuTemplate', () => {
  it('shows every shortcut of the window with its key, and its item sends that command', () => {
    const actions = recorder();
    const all = items(menuTemplate([], actions, 'linux'));
    for (const s of SHORTCUTS) {
      const entry = all.find((i) => i.accelerator === s.accelerator);
      expect(entry, s.command).toBeDefined();
      // The window handles the key itself: the menu must not take it away from text fields.
      expect(entry!.registerAccelerator).toBe(false);
      click(entry!);
      expect(actions.log.at(-1)).toBe(`command ${s.command}`);
    }
  });

  it('sends only commands the window knows, and offers every view', () => {
    const actions = recorder();
    for (const i of items(menuTemplate([], actions, 'linux'))) if (i.click && i.label !== undefined) click(i);
    const sent = actions.log.filter((l) => l.startsWith('command ')).map((l) => l.slice(8) as MenuCommand);
    for (const c of sent) expect(MENU_COMMANDS).toContain(c);
    expect(sent).toEqual(expect.arrayContaining(['results', 'history', 'compare', 'diff', 'matrix']));
    expect(actions.log).toContain('open');
  });

  it('lists recent scenarios by name, opens them by path, and can clear them', () => {
    const actions = recorder();
    const all = items(menuTemplate(['/home/me/a.json', '/tmp/mail.txt'], actions, 'linux'));
    const a = all.find((i) => i.label === 'a.json')!;
    expect(a.sublabel).toBe('/home/me/a.json');
    click(a);
    click(all.find((i) => i.label === 'Clear recent scenarios')!);
    expect(actions.log).toEqual(['recent /home/me/a.json', 'clear']);
    expect(items(menuTemplate([], actions, 'linux')).some((i) => i.label === '(none yet)')).toBe(true);
  });
});

describe('recent scenarios', () => {
  it('keeps the most recent first, without duplicates, at most RECENT_MAX', () => {
    let list: string[] = [];
    for (let i = 0; i < RECENT_MAX + 3; i++) list = addRecent(list, `/f${i}`);
    list = addRecent(list, '/f5');
    expect(list[0]).toBe('/f5');
    expect(list).toHaveLength(RECENT_MAX);
    expect(new Set(list).size).toBe(list.length);
  });

  it('survives a round trip through its file; a missing or damaged file is an empty list', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gmemlab-recent-'));
    try {
      const file = join(dir, 'recent.json');
      expect(loadRecent(file)).toEqual([]);
      saveRecent(file, ['/a', '/b']);
      expect(loadRecent(file)).toEqual(['/a', '/b']);
      writeFileSync(file, '{not json');
      expect(loadRecent(file)).toEqual([]);
      writeFileSync(file, JSON.stringify(['/ok', 3, '']));
      expect(loadRecent(file)).toEqual(['/ok']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
