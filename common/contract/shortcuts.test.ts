import { describe, expect, it } from 'vitest';
import { MENU_COMMANDS } from './index.ts';
import { commandForKey, SHORTCUTS, type KeyPress } from './shortcuts.ts';

const press = (key: string, mods: Partial<KeyPress> = {}): KeyPress => ({
  key,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  typing: false,
  ...mods,
});

describe('commandForKey', () => {
  it('maps every shortcut, with Ctrl or Cmd', () => {
    expect(commandForKey(press('Enter', { ctrlKey: true }))).toBe('run');
    expect(commandForKey(press('Enter', { metaKey: true }))).toBe('run');
    expect(commandForKey(press('Escape'))).toBe('cancel');
    expect(commandForKey(press('k', { ctrlKey: true }))).toBe('search');
    expect(commandForKey(press('C', { ctrlKey: true, shiftKey: true }))).toBe('compare');
    expect(commandForKey(press('M', { ctrlKey: true, shiftKey: true }))).toBe('matrix');
    expect(commandForKey(press('b', { ctrlKey: true }))).toBe('toggle-scenario');
    expect(commandForKey(press('s', { ctrlKey: true }))).toBe('save-scenario');
  });

  it('takes "/" as search only outside text fields, and nothing else', () => {
    expect(commandForKey(press('/'))).toBe('search');
    expect(commandForKey(press('/', { typing: true }))).toBeUndefined();
    expect(commandForKey(press('Enter'))).toBeUndefined();
    expect(commandForKey(press('c', { ctrlKey: true }))).toBeUndefined();
    expect(commandForKey(press('m', { ctrlKey: true }))).toBeUndefined();
    expect(commandForKey(press('k', { ctrlKey: true, altKey: true }))).toBeUndefined();
  });

  it('names only commands the menu knows', () => {
    for (const s of SHORTCUTS) expect(MENU_COMMANDS).toContain(s.command);
  });
});
