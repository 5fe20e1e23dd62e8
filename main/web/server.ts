// The local web host: the same handlers as the Electron window, over HTTP on loopback only.
// Every API request and the event stream must carry the session token as `Authorization: Bearer`.
// The token reaches the browser once, in the fragment of the URL printed at start (a fragment is
// never sent to any server); the page keeps it in sessionStorage, which is scoped to this origin
// (scheme, host and port) and sends it as a header. No cookie: cookies are scoped by host, not
// port, so a cookie set here would be sent to every other server on 127.0.0.1 (issue 15 item 2).
// The static files are the app's own public build and carry no data: they are served without the
// token (a page load cannot carry a header), behind the same Host and Origin checks.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, realpath, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve, sep } from 'node:path';
import type { App } from '../app.ts';
import {
  columnsAsJson,
  DEFAULT_REQUEST_BYTES,
  EVENT_NAMES,
  MAX_REQUEST_BYTES,
  maxRequestBytes,
  type Envelope,
} from '../../common/contract/index.ts';
import { COLUMNS_MEDIA_TYPE, encodeColumnsBody } from '../../common/contract/columns-wire.ts';
import { GmemlabError } from '../../common/core/index.ts';
import { dispatch } from '../handlers/index.ts';
import { RequestBody } from '../handlers/compute.ts';
import { SECURITY_HEADERS, contentTypeOf } from '../security.ts';

export interface WebHostOptions {
  app: App;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  port?: number;
  token?: string;
  /** Largest request body accepted for any call, under each call's own limit (maxRequestBytes); tests use a small one. */
  maxBodyBytes?: number;
}

export interface WebHost {
  server: Server;
  port: number;
  token: string;
  /** The URL to open: carries the token once, in the fragment (never sent over the network). */
  url: string;
  close(): Promise<void>;
}

export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4 === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

function tokenMatches(candidate: string | undefined, token: string): boolean {
  if (candidate === undefined) return false;
  const a = Buffer.from(candidate);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7) : undefined;
}

function send(
  res: ServerResponse,
  status: number,
  body: string | Buffer,
  contentType: string,
  extra: Record<string, string> = {},
): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': contentType, 'Cache-Control': 'no-store', ...extra });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  // An experiment's runs hold Float64Array columns: written as arrays (common/contract/run-table.ts).
  send(res, status, JSON.stringify(value, columnsAsJson), 'application/json; charset=utf-8');
}

function sendError(res: ServerResponse, status: number, message: string): void {
  const code =
    status === 413
      ? 'too_large'
      : status === 401 || status === 403 || status === 421
        ? 'forbidden'
        : status === 404
          ? 'not_found'
          : 'invalid_input';
  const envelope: Envelope<never> = { ok: false, error: { code, message } };
  sendJson(res, status, envelope);
}

/**
 * Reads a body of at most `limit` bytes. Over the limit it stops reading (the declared length is
 * refused before any byte is read) and rejects with a RangeError, leaving the socket open long
 * enough to answer 413; the caller then closes the connection.
 */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const tooLarge = (): RangeError => new RangeError(`request body is over the limit of ${limit} bytes`);
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge());
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.pause();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolveBody(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

/** The media type of a Content-Type header, without parameters, lower-cased. */
function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]!.trim().toLowerCase();
}

const STATUS_OF_ERROR: Record<string, number> = {
  invalid_input: 400,
  forbidden: 403,
  unknown_call: 404,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  internal: 500,
};

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const rendererRoot = await realpath(resolve(options.rendererDir));
  const maxBodyBytes = options.maxBodyBytes ?? MAX_REQUEST_BYTES;
  let port = 0;
  const allowedHosts = (): Set<string> => new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
  const sseClients = new Set<ServerResponse>();

  const unsubscribe = options.app.subscribe((event, payload) => {
    const frame = `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
    for (const client of sseClients) client.write(frame);
  });

  async function serveStatic(res: ServerResponse, pathname: string): Promise<void> {
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      return sendError(res, 404, 'not found'); // malformed %-escape: no such file
    }
    if (decoded.includes('\0')) return sendError(res, 404, 'not found');
    const relative = pathname === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
    const candidate = resolve(rendererRoot, relative);
    if (candidate !== rendererRoot && !candidate.startsWith(rendererRoot + sep))
      return sendError(res, 404, 'not found');
    try {
      const real = await realpath(candidate);
      if (!real.startsWith(rendererRoot + sep) || !(await stat(real)).isFile()) return sendError(res, 404, 'not found');
      send(res, 200, await readFile(real), contentTypeOf(real));
    } catch {
      sendError(res, 404, 'not found');
    }
  }

  /**
   * Runs the call on its body. A body up to DEFAULT_REQUEST_BYTES is parsed here; a bigger one
   * (only the calls that take files or bundles may send one) is parsed where compute runs, so a
   * client sending 64 MiB of JSON never stops this thread answering the others: an importBundle
   * body goes there whole and unparsed (RequestBody), any other comes back as its checked input.
   */
  async function answerCall(name: string, body: Buffer): Promise<Envelope<unknown>> {
    const { app } = options;
    if (body.length <= DEFAULT_REQUEST_BYTES) {
      let input: unknown;
      try {
        const text = body.toString('utf8');
        input = text.trim() === '' ? {} : JSON.parse(text);
      } catch {
        return { ok: false, error: { code: 'invalid_input', message: 'request body is not valid JSON' } };
      }
      return dispatch(app.handlers, name, input);
    }
    if (name === 'importBundle') return dispatch(app.handlers, name, { bundle: new RequestBody(body) });
    let input: unknown;
    try {
      input = await app.local.parseRequestBody(name, body);
    } catch (err) {
      if (!(err instanceof GmemlabError)) throw err;
      const { code, message, issues } = err;
      return { ok: false, error: issues === undefined ? { code, message } : { code, message, issues } };
    }
    return dispatch(app.handlers, name, input);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Loopback peers only; and a Host header naming us, so a DNS-rebound name cannot reach the API.
    if (!isLoopbackAddress(req.socket.remoteAddress))
      return sendError(res, 403, 'only loopback connections are accepted');
    if (!allowedHosts().has(req.headers.host ?? ''))
      return sendError(res, 421, 'Host header must be the loopback address and port of this server');
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedHosts().has(origin.replace(/^http:\/\//, '')))
      return sendError(res, 403, 'cross-origin requests are refused');

    // The target is always taken as a path on this host ("//x" is not a host name here).
    const target = req.url ?? '/';
    let url: URL;
    try {
      if (!target.startsWith('/')) throw new TypeError('not origin-form');
      url = new URL(`http://${req.headers.host}${target}`);
    } catch {
      return sendError(res, 400, 'malformed request target');
    }
    if (url.pathname.startsWith('/api/') && !tokenMatches(bearerToken(req), token)) {
      // Refused before any byte of the body is read; the connection is closed so that the body
      // is not read either (Node would otherwise drain it to keep the connection alive).
      res.setHeader('Connection', 'close');
      return sendError(res, 401, 'missing or wrong token: open the URL gmemlab printed when it started');
    }

    if (url.pathname.startsWith('/api/call/')) {
      if (req.method !== 'POST') return sendError(res, 405, 'API calls are POST');
      if (mediaType(req.headers['content-type']) !== 'application/json')
        return sendError(res, 415, 'API calls must be application/json');
      const name = url.pathname.slice('/api/call/'.length);
      let body: Buffer;
      try {
        // Each call's own limit (the contract's maxRequestBytes): 1 MiB unless it needs more.
        body = await readBody(req, Math.min(maxBodyBytes, maxRequestBytes(name)));
      } catch (err) {
        if (!(err instanceof RangeError)) throw err;
        // The rest of the body is never read: answer, then close the connection.
        res.setHeader('Connection', 'close');
        return sendError(res, 413, `${err.message} for ${name}`);
      }
      const envelope = await answerCall(name, body);
      const status = envelope.ok ? 200 : (STATUS_OF_ERROR[envelope.error.code] ?? 500);
      // An experiment's value columns as bytes, for a client that asks (columns-wire.ts).
      const columns = (req.headers.accept ?? '').includes(COLUMNS_MEDIA_TYPE) ? encodeColumnsBody(envelope) : undefined;
      if (columns !== undefined)
        return send(
          res,
          status,
          Buffer.from(columns.buffer, columns.byteOffset, columns.byteLength),
          COLUMNS_MEDIA_TYPE,
        );
      return sendJson(res, status, envelope);
    }
    if (url.pathname === '/api/events') {
      if (req.method !== 'GET') return sendError(res, 405, 'events are GET');
      res.writeHead(200, {
        ...SECURITY_HEADERS,
        'Content-Type': 'text/event-stream',
        'Cache-Control': 'no-store',
        Connection: 'keep-alive',
      });
      res.write(`: gmemlab events ${EVENT_NAMES.join(' ')}\n\n`);
      sseClients.add(res);
      req.on('close', () => sseClients.delete(res));
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 405, 'method not allowed');
    return serveStatic(res, url.pathname);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      console.error('gmemlab web host:', err);
      if (!res.headersSent) sendError(res, 500, 'internal error');
      else res.end();
    });
  });
  const heartbeat = setInterval(() => {
    for (const client of sseClients) client.write(': keep-alive\n\n');
  }, 15_000);
  heartbeat.unref();

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolveListen());
  });
  port = (server.address() as AddressInfo).port;

  return {
    server,
    port,
    token,
    url: `http://127.0.0.1:${port}/#token=${token}`,
    async close() {
      clearInterval(heartbeat);
      unsubscribe();
      for (const client of sseClients) client.end();
      const closed = new Promise<void>((r) => server.close(() => r()));
      // Keep-alive and event-stream sockets would otherwise hold close() open until they time out.
      server.closeAllConnections();
      await closed;
    },
  };
}

/** Where the built renderer is, relative to this source file. */
export const DEFAULT_RENDERER_DIR = join(import.meta.dirname, '..', '..', 'out', 'renderer');
