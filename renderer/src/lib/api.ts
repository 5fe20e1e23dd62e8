// The renderer's one client for the contract. In the Electron window it calls the preload's
// window.gmemlab (IPC); in a browser it calls the web host over HTTP. Nothing else changes.
import {
  CALL_NAMES,
  EVENT_NAMES,
  type CallName,
  type Envelope,
  type EventMap,
  type EventName,
  type GmemlabApi,
} from '../../../common/contract/index.ts';
import { GmemlabError } from '../../../common/core/index.ts';
import { COLUMNS_MEDIA_TYPE, decodeColumnsBody } from '../../../common/contract/columns-wire.ts';

interface Transport {
  call(name: CallName, input: unknown): Promise<Envelope<unknown>>;
  on(event: EventName, listener: (payload: unknown) => void): () => void;
}

type PreloadBridge = Record<CallName, (input: unknown) => Promise<Envelope<unknown>>> & {
  on(event: EventName, listener: (payload: unknown) => void): () => void;
};

function ipcTransport(bridge: PreloadBridge): Transport {
  return { call: (name, input) => bridge[name](input), on: (event, listener) => bridge.on(event, listener) };
}

const TOKEN_KEY = 'gmemlab.token';

/**
 * The web host's session token. It arrives once, in the fragment of the URL `gmemlab serve`
 * printed (`#token=...`, never sent to any server); it is moved to sessionStorage, which only
 * this origin (scheme, host and port) can read, and dropped from the address bar and history.
 * It is then sent as a header on every call, so no other server on 127.0.0.1 ever receives it
 * (a cookie would be: cookies are scoped by host, not port).
 */
function sessionToken(): string | undefined {
  const fromUrl = /(?:^#|&)token=([A-Za-z0-9_-]+)/.exec(location.hash)?.[1];
  if (fromUrl !== undefined) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    history.replaceState(history.state, '', location.pathname + location.search);
    return fromUrl;
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
}

const NO_TOKEN: Envelope<never> = {
  ok: false,
  error: { code: 'forbidden', message: 'no session token: open the URL gmemlab serve printed (it carries the token)' },
};

/**
 * Reads the server-sent event stream from a fetch response (EventSource cannot send a header)
 * and calls `deliver` with each event's name and data. It does not reconnect: the stream ends
 * only when the host stops, and a restarted host has a new token, so only reopening its URL helps.
 */
async function readEventStream(token: string, deliver: (event: string, data: string) => void): Promise<void> {
  try {
    const response = await fetch('/api/events', {
      headers: { Authorization: `Bearer ${token}` },
      credentials: 'omit',
      cache: 'no-store',
    });
    if (!response.ok || response.body === null) return;
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let event = 'message';
        const data: string[] = [];
        for (const line of frame.split('\n')) {
          if (line.startsWith('event: ')) event = line.slice(7);
          else if (line.startsWith('data: ')) data.push(line.slice(6));
        }
        if (data.length > 0) deliver(event, data.join('\n'));
      }
    }
  } catch {
    // the host stopped
  }
}

function httpTransport(): Transport {
  const token = sessionToken();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let streaming = false;
  return {
    async call(name, input) {
      if (token === undefined) return NO_TOKEN;
      let response: Response;
      try {
        response = await fetch(`/api/call/${name}`, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            // An experiment's value columns come as bytes (columns-wire.ts); everything else as JSON.
            Accept: `${COLUMNS_MEDIA_TYPE}, application/json`,
            Authorization: `Bearer ${token}`,
          },
          body: JSON.stringify(input ?? {}),
          credentials: 'omit',
        });
      } catch {
        return {
          ok: false,
          error: { code: 'internal', message: 'cannot reach the gmemlab web host: is it still running?' },
        };
      }
      if (response.headers.get('Content-Type') === COLUMNS_MEDIA_TYPE) {
        try {
          return decodeColumnsBody(await response.arrayBuffer());
        } catch (err) {
          return {
            ok: false,
            error: {
              code: 'internal',
              message: `the web host's answer to ${name} is unreadable: ${(err as Error).message}`,
            },
          };
        }
      }
      try {
        return (await response.json()) as Envelope<unknown>;
      } catch {
        return {
          ok: false,
          error: { code: 'internal', message: `the web host answered ${response.status} without a result` },
        };
      }
    },
    on(event, listener) {
      let set = listeners.get(event);
      if (set === undefined) listeners.set(event, (set = new Set()));
      set.add(listener);
      if (!streaming && token !== undefined) {
        streaming = true;
        void readEventStream(token, (name, data) => {
          for (const l of listeners.get(name) ?? []) l(JSON.parse(data));
        });
      }
      return () => set.delete(listener);
    },
  };
}

function createApi(transport: Transport): GmemlabApi {
  const api: Record<string, unknown> = {
    on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void) {
      if (!EVENT_NAMES.includes(event)) throw new Error(`unknown event ${event}`);
      return transport.on(event, listener as (payload: unknown) => void);
    },
  };
  for (const name of CALL_NAMES) {
    api[name] = async (input: unknown) => {
      const envelope = await transport.call(name, input);
      if (!envelope.ok) throw new GmemlabError(envelope.error.code, envelope.error.message, envelope.error.issues);
      return envelope.value;
    };
  }
  return api as GmemlabApi;
}

declare global {
  interface Window {
    gmemlab?: PreloadBridge;
  }
}

/** 'ipc' in the Electron window, 'http' in a browser. */
export const transportKind: 'ipc' | 'http' = window.gmemlab === undefined ? 'http' : 'ipc';
export const api: GmemlabApi = createApi(window.gmemlab === undefined ? httpTransport() : ipcTransport(window.gmemlab));
