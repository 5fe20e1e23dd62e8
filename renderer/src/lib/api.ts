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

function httpTransport(): Transport {
  let source: EventSource | undefined;
  return {
    async call(name, input) {
      let response: Response;
      try {
        response = await fetch(`/api/call/${name}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(input ?? {}),
          credentials: 'same-origin',
        });
      } catch {
        return {
          ok: false,
          error: { code: 'internal', message: 'cannot reach the gmemlab web host: is it still running?' },
        };
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
      source ??= new EventSource('/api/events');
      const handler = (e: MessageEvent<string>): void => listener(JSON.parse(e.data));
      source.addEventListener(event, handler);
      return () => source?.removeEventListener(event, handler);
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
