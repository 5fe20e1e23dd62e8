// The preload bridge is all the renderer gets: exactly the contract's calls plus `on`, each bound
// to its own channel, and nothing that reaches ipcRenderer or arbitrary channels.
import fc from 'fast-check';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CALL_NAMES, EVENT_NAMES, ipcChannel, ipcEventChannel } from '../common/contract/index.ts';
import { buildBridge, type IpcPort } from './bridge.ts';

function recordingPort(): IpcPort & { invoked: [string, unknown][]; subscribed: string[] } {
  const invoked: [string, unknown][] = [];
  const subscribed: string[] = [];
  return {
    invoked,
    subscribed,
    invoke: async (channel, input) => {
      invoked.push([channel, input]);
      return { ok: true, value: null };
    },
    subscribe: (channel) => {
      subscribed.push(channel);
      return () => {};
    },
  };
}

describe('buildBridge', () => {
  it('exposes exactly the contract calls and on, all functions', () => {
    const bridge = buildBridge(recordingPort());
    expect(Object.keys(bridge).sort()).toEqual([...CALL_NAMES, 'on'].sort());
    for (const value of Object.values(bridge)) expect(typeof value).toBe('function');
    expect(bridge).not.toHaveProperty('invoke');
    expect(bridge).not.toHaveProperty('send');
    expect(bridge).not.toHaveProperty('ipcRenderer');
  });

  it('sends each call on its own channel, and the input as given (main validates it)', async () => {
    const port = recordingPort();
    const bridge = buildBridge(port);
    for (const name of CALL_NAMES) await bridge[name]({ any: 'thing' });
    await bridge[CALL_NAMES[0]!]();
    expect(port.invoked.map(([channel]) => channel)).toEqual([
      ...CALL_NAMES.map(ipcChannel),
      ipcChannel(CALL_NAMES[0]!),
    ]);
    expect(port.invoked.at(-1)?.[1]).toEqual({});
  });

  it('refuses, without touching IPC, an input over the request limit or one that cannot be serialised', async () => {
    const port = recordingPort();
    const bridge = buildBridge(port, 1000);
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(await bridge.importBundle({ bundle: 'x'.repeat(2000) })).toMatchObject({
      ok: false,
      error: {
        code: 'invalid_input',
        message: expect.stringMatching(
          /^invalid input for importBundle: it is 2013 characters of JSON, over the limit of 1000$/,
        ),
      },
    });
    expect(await bridge.importBundle({ bundle: cyclic })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', message: expect.stringMatching(/cannot be sent/) },
    });
    expect(await bridge.importBundle({ bundle: 10n })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(port.invoked).toEqual([]);
    expect(await bridge.importBundle({ bundle: 'x'.repeat(900) })).toEqual({ ok: true, value: null });
    expect(port.invoked).toHaveLength(1);
  });

  it('subscribes only to the contract events; any other name throws before touching IPC', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.constantFrom('__proto__', 'constructor', 'gmemlab:call:listPresets', 'experimentProgress'),
        ),
        (name) => {
          const port = recordingPort();
          const bridge = buildBridge(port);
          const known = (EVENT_NAMES as string[]).includes(name);
          if (known) {
            bridge.on(name as (typeof EVENT_NAMES)[number], () => {});
            expect(port.subscribed).toEqual([ipcEventChannel(name as (typeof EVENT_NAMES)[number])]);
          } else {
            expect(() => bridge.on(name as (typeof EVENT_NAMES)[number], () => {})).toThrow(/unknown event/);
            expect(port.subscribed).toEqual([]);
          }
        },
      ),
    );
  });
});

describe('preload entry', () => {
  it('exposes only the bridge, and never the ipcRenderer object or its event', async () => {
    const source = await readFile(join(import.meta.dirname, 'index.ts'), 'utf8');
    expect(source.match(/exposeInMainWorld\(/g)).toHaveLength(1);
    expect(source).toMatch(/exposeInMainWorld\(\s*'gmemlab',\s*buildBridge\(/);
    // The listener wrapper drops the IpcRendererEvent (it carries `sender`, i.e. ipcRenderer).
    expect(source).toContain('const wrapped = (_event: unknown, payload: unknown): void => listener(payload);');
    expect(source).not.toMatch(/require\(|process\.|import .* from 'node:/);
  });
});
