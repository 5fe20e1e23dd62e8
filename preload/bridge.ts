// The object the preload exposes, built from the contract's call and event names so that it is
// exactly the contract. Separate from index.ts so it can be tested without Electron.
import {
  CALL_NAMES,
  EVENT_NAMES,
  ipcChannel,
  ipcEventChannel,
  MAX_REQUEST_BYTES,
  type CallName,
  type Envelope,
  type EventName,
} from '../common/contract/index.ts';

export interface IpcPort {
  invoke(channel: string, input: unknown): Promise<unknown>;
  subscribe(channel: string, listener: (payload: unknown) => void): () => void;
}

/** Each call returns the envelope main produced; the renderer's client unwraps it. */
export type Bridge = Record<CallName, (input?: unknown) => Promise<Envelope<unknown>>> & {
  on(event: EventName, listener: (payload: unknown) => void): () => void;
};

export function buildBridge(port: IpcPort, maxRequestBytes = MAX_REQUEST_BYTES): Bridge {
  const send = async (name: CallName, input: unknown): Promise<Envelope<unknown>> => {
    // Main validates every input; this only keeps an input too large (or unserialisable) from
    // reaching main's memory at all, as the web host's body limit does.
    const problem = sizeProblem(input, maxRequestBytes);
    if (problem !== undefined)
      return { ok: false, error: { code: 'invalid_input', message: `invalid input for ${name}: ${problem}` } };
    return port.invoke(ipcChannel(name), input) as Promise<Envelope<unknown>>;
  };
  const calls = Object.fromEntries(
    CALL_NAMES.map((name) => [name, (input?: unknown) => send(name, input ?? {})]),
  ) as Record<CallName, (input?: unknown) => Promise<Envelope<unknown>>>;
  return {
    ...calls,
    on(event, listener) {
      if (!(EVENT_NAMES as string[]).includes(event)) throw new Error(`unknown event "${String(event)}"`);
      return port.subscribe(ipcEventChannel(event), listener);
    },
  };
}

function sizeProblem(input: unknown, limit: number): string | undefined {
  let json: string;
  try {
    json = JSON.stringify(input);
  } catch (err) {
    return `it cannot be sent (${err instanceof Error ? err.message : String(err)})`;
  }
  return json.length > limit ? `it is ${json.length} characters of JSON, over the limit of ${limit}` : undefined;
}
