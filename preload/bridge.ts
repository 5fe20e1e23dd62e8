// The object the preload exposes, built from the contract's call and event names so that it is
// exactly the contract. Separate from index.ts so it can be tested without Electron.
import { CALL_NAMES, EVENT_NAMES, ipcChannel, ipcEventChannel, type CallName, type Envelope, type EventName } from '../main/contract/index.ts';

export interface IpcPort {
  invoke(channel: string, input: unknown): Promise<unknown>;
  subscribe(channel: string, listener: (payload: unknown) => void): () => void;
}

/** Each call returns the envelope main produced; the renderer's client unwraps it. */
export type Bridge = Record<CallName, (input?: unknown) => Promise<Envelope<unknown>>> & {
  on(event: EventName, listener: (payload: unknown) => void): () => void;
};

export function buildBridge(port: IpcPort): Bridge {
  const calls = Object.fromEntries(
    CALL_NAMES.map((name) => [name, (input?: unknown) => port.invoke(ipcChannel(name), input ?? {}) as Promise<Envelope<unknown>>]),
  ) as Record<CallName, (input?: unknown) => Promise<Envelope<unknown>>>;
  return {
    ...calls,
    on(event, listener) {
      if (!(EVENT_NAMES as string[]).includes(event)) throw new Error(`unknown event "${String(event)}"`);
      return port.subscribe(ipcEventChannel(event), listener);
    },
  };
}
