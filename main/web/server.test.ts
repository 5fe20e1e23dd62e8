// The web host against hostile requests: a real App on a temp SQLite file, the real server on an
// ephemeral port, and raw HTTP (node:http / node:net) so Host, Origin and lengths can be forged.
import fc from 'fast-check';
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLUMNS_MEDIA_TYPE, decodeColumnsBody } from '../../common/contract/columns-wire.ts';
import {
  DEFAULT_REQUEST_BYTES,
  MAX_REQUEST_BYTES,
  maxRequestBytes,
  runDetails,
  runsInContext,
  type Envelope,
  type ExperimentData,
  type RunsData,
} from '../../common/contract/index.ts';
import { PRESETS } from '../../common/core/index.ts';
import { createApp, type App } from '../app.ts';
import { dispatch } from '../handlers/index.ts';
import { recordExperiment } from '../store/testing.ts';
import { CONTENT_SECURITY_POLICY, SECURITY_HEADERS } from '../security.ts';
import { isLoopbackAddress, startWebHost, type WebHost } from './server.ts';

const TOKEN = 'test-token-0123456789abcdefghijklmn';
const BODY_LIMIT = 4096;

let dir: string;
let app: App;
let host: WebHost;

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One raw request; every header is ours to set, including Host. */
function call(
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Reply> {
  return new Promise((resolveReply, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: host.port,
        path,
        method: options.method ?? 'GET',
        headers: { Host: `127.0.0.1:${host.port}`, ...options.headers },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolveReply({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const authed = (headers: Record<string, string> = {}): Record<string, string> => ({
  Authorization: `Bearer ${TOKEN}`,
  ...headers,
});
const api = (name: string, body: string, headers: Record<string, string> = {}): Promise<Reply> =>
  call(`/api/call/${name}`, {
    method: 'POST',
    headers: authed({ 'Content-Type': 'application/json', ...headers }),
    body,
  });

/** Raw bytes over TCP, for requests node:http would not send (oversized declared lengths). */
function rawExchange(text: string): Promise<string> {
  return new Promise((resolveText, reject) => {
    const socket = connect(host.port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => resolveText(Buffer.concat(chunks).toString('utf8')));
    socket.on('error', (err: NodeJS.ErrnoException) =>
      err.code === 'ECONNRESET' || err.code === 'EPIPE'
        ? resolveText(Buffer.concat(chunks).toString('utf8'))
        : reject(err),
    );
    socket.write(text);
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gmemlab-web-'));
  const renderer = join(dir, 'renderer');
  await mkdir(join(renderer, 'assets'), { recursive: true });
  await writeFile(join(renderer, 'index.html'), '<!doctype html><title>gmemlab</title>');
  await writeFile(join(renderer, 'assets', 'app.js'), 'console.log(1)');
  await writeFile(join(dir, 'secret.txt'), 'outside the renderer');
  await symlink(join(dir, 'secret.txt'), join(renderer, 'leak.txt'));
  app = await createApp({ dbPath: join(dir, 'db', 'gmemlab.sqlite'), poolSize: 1 });
  host = await startWebHost({ app, rendererDir: renderer, token: TOKEN, maxBodyBytes: BODY_LIMIT });
});

afterAll(async () => {
  await host?.close();
  await app?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('binding and peers', () => {
  it('listens on 127.0.0.1 only', () => {
    const address = host.server.address() as AddressInfo;
    expect(address.address).toBe('127.0.0.1');
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/#token=${TOKEN}`);
  });

  it('accepts only loopback peer addresses', () => {
    for (const a of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) expect(isLoopbackAddress(a), a).toBe(true);
    for (const a of [
      undefined,
      '',
      '10.0.0.1',
      '192.168.1.2',
      '::ffff:10.0.0.1',
      '0.0.0.0',
      '::',
      'fe80::1',
      '128.0.0.1',
      '127.0.0.1.evil',
      'localhost',
    ])
      expect(isLoopbackAddress(a), String(a)).toBe(false);
  });
});

describe('token', () => {
  it('refuses API calls without the Bearer token, or with a wrong one, with 401', async () => {
    const noToken = { 'Content-Type': 'application/json', Authorization: '' };
    expect((await api('listPresets', '{}', noToken)).status).toBe(401);
    for (const authorization of ['Bearer nope', `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, TOKEN])
      expect((await api('listPresets', '{}', { Authorization: authorization })).status, authorization).toBe(401);
  });

  it('sets no cookie and takes none: a cookie would reach every other port on 127.0.0.1', async () => {
    expect((await api('listPresets', '{}', { Authorization: '', Cookie: `gmemlab_token=${TOKEN}` })).status).toBe(401);
    for (const path of ['/', `/?token=${TOKEN}`, '/index.html']) {
      const reply = await call(path);
      expect(reply.headers['set-cookie'], path).toBeUndefined();
    }
    const reply = await api('listPresets', '{}');
    expect(reply.headers['set-cookie']).toBeUndefined();
  });

  it('prints a URL whose token is in the fragment, which no browser sends to any server', () => {
    const url = new URL(host.url);
    expect(url.search).toBe('');
    expect(url.hash).toBe(`#token=${TOKEN}`);
  });

  it('serves the public renderer build without the token (a page load cannot send a header)', async () => {
    expect((await call('/')).status).toBe(200);
    expect((await call('/assets/app.js')).status).toBe(200);
  });

  it('refuses a request without the token before reading its body, and closes the connection', async () => {
    // A declared 1 GB body that is never sent: the answer must come at once, then the close.
    const reply = await rawExchange(
      `POST /api/call/importBundle HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nContent-Type: application/json\r\nContent-Length: 1000000000\r\n\r\n{"a":`,
    );
    expect(reply).toMatch(/^HTTP\/1\.1 401 /);
    expect(reply.toLowerCase()).toContain('connection: close');
  });

  it('accepts the Bearer header', async () => {
    const reply = await api('listPresets', '{}');
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body).ok).toBe(true);
  });

  it('requires the token on the event stream too', async () => {
    expect((await call('/api/events')).status).toBe(401);
    const reply = await new Promise<{ status: number; type: string | undefined; first: string }>(
      (resolveReply, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port: host.port,
            path: '/api/events',
            headers: { Host: `127.0.0.1:${host.port}`, ...authed() },
            agent: false,
          },
          (res) => {
            res.once('data', (c: Buffer) => {
              resolveReply({
                status: res.statusCode ?? 0,
                type: res.headers['content-type'],
                first: c.toString('utf8'),
              });
              req.destroy();
            });
          },
        );
        req.on('error', reject);
        req.end();
      },
    );
    expect(reply.status).toBe(200);
    expect(reply.type).toBe('text/event-stream');
    expect(reply.first).toContain('gmemlab events');
  });
});

describe('DNS rebinding and cross-origin requests', () => {
  it('refuses a Host header that is not this loopback address and port', async () => {
    for (const hostHeader of [
      `evil.example:${host.port}`,
      'evil.example',
      `127.0.0.1:${host.port + 1}`,
      `127.0.0.1`,
      `localhost.evil.example:${host.port}`,
    ]) {
      const reply = await call('/', { headers: authed({ Host: hostHeader }) });
      expect(reply.status, hostHeader).toBe(421);
    }
    // HTTP/1.0 may omit Host altogether: that is refused too.
    expect(await rawExchange(`GET / HTTP/1.0\r\nAuthorization: Bearer ${TOKEN}\r\n\r\n`)).toMatch(/^HTTP\/1\.1 421 /);
    const rebound = await api('listPresets', '{}', { Host: `evil.example:${host.port}` });
    expect(rebound.status).toBe(421);
    expect(rebound.body).not.toContain('"ok":true');
  });

  it('accepts the loopback names of this port', async () => {
    for (const hostHeader of [`127.0.0.1:${host.port}`, `localhost:${host.port}`, `[::1]:${host.port}`]) {
      expect((await call('/', { headers: authed({ Host: hostHeader }) })).status, hostHeader).toBe(200);
    }
  });

  it('refuses requests from another origin, even with the token', async () => {
    for (const origin of [
      'http://evil.example',
      `http://evil.example:${host.port}`,
      'null',
      `https://127.0.0.1:${host.port}`,
      `http://127.0.0.1:${host.port + 1}`,
    ]) {
      const reply = await api('listPresets', '{}', { Origin: origin });
      expect(reply.status, origin).toBe(403);
    }
    expect((await api('listPresets', '{}', { Origin: `http://127.0.0.1:${host.port}` })).status).toBe(200);
  });
});

describe('API requests', () => {
  it('refuses a body that is not application/json with 415', async () => {
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/jsonp',
      '',
    ]) {
      expect((await api('listPresets', '{}', { 'Content-Type': type })).status, type).toBe(415);
    }
    expect((await api('listPresets', '{}', { 'Content-Type': 'application/json; charset=utf-8' })).status).toBe(200);
  });

  it('refuses GET on an API call with 405', async () => {
    expect((await call('/api/call/listPresets', { headers: authed() })).status).toBe(405);
  });

  it('refuses an oversized declared body with 413 before reading it', async () => {
    // Declares far more than the limit and sends none of it: the answer must come anyway.
    const text = await rawExchange(
      `POST /api/call/listPresets HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 1000000000\r\n\r\n`,
    );
    expect(text).toMatch(/^HTTP\/1\.1 413 /);
    expect(text).toContain('too_large');
  });

  it('stops reading a chunked body once it passes the limit (413)', async () => {
    const chunk = 'x'.repeat(1024);
    const chunks = Array.from({ length: 8 }, () => `${chunk.length.toString(16)}\r\n${chunk}\r\n`).join('');
    const text = await rawExchange(
      `POST /api/call/listPresets HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${chunks}`,
    );
    expect(text).toMatch(/^HTTP\/1\.1 413 /);
  });

  it('answers malformed JSON with 400 and no stack trace', async () => {
    const reply = await api('listPresets', '{"a":');
    expect(reply.status).toBe(400);
    expect(reply.body).not.toMatch(/\n\s+at |server\.ts|SyntaxError/);
  });

  it('names an unknown call, with 404', async () => {
    const reply = await api('deleteEverything', '{}');
    expect(reply.status).toBe(404);
    expect(JSON.parse(reply.body).error.code).toBe('unknown_call');
  });

  it('validates inputs with the contract (400 invalid_input naming the field)', async () => {
    const reply = await api('getExperiment', '{"experimentId":"1 OR 1=1"}');
    expect(reply.status).toBe(400);
    const body = JSON.parse(reply.body);
    expect(body.error.code).toBe('invalid_input');
    expect(body.error.message).toContain('experimentId');
    const huge = await api('listExperiments', '{"limit":100000000}');
    expect(huge.status).toBe(400);
    expect(JSON.parse(huge.body).error.message).toContain('limit');
  });

  it('is not polluted by __proto__ or constructor keys', async () => {
    for (const body of [
      '{"__proto__":{"polluted":1}}',
      '{"constructor":{"prototype":{"polluted":1}}}',
      '{"offset":0,"__proto__":{"limit":100000}}',
    ]) {
      const reply = await api('listExperiments', body);
      expect(reply.status, body).toBe(400);
      expect(JSON.parse(reply.body).error.code).toBe('invalid_input');
    }
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(({} as Record<string, unknown>)['limit']).toBeUndefined();
  });
});

describe('static files', () => {
  it('serves the renderer', async () => {
    const index = await call('/', { headers: authed() });
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.body).toContain('<title>gmemlab</title>');
    expect((await call('/assets/app.js', { headers: authed() })).headers['content-type']).toBe(
      'text/javascript; charset=utf-8',
    );
  });

  it('never serves anything outside the renderer folder (404)', async () => {
    for (const path of [
      '/../secret.txt',
      '/../../../../etc/passwd',
      '/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/%2e%2e%2fsecret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/..%5csecret.txt',
      '/leak.txt',
      '/assets',
      '/%E0%A4%A',
      '/index.html%00.js',
      '/package.json',
      '/../package.json',
    ]) {
      const reply = await call(path, { headers: authed() });
      expect(reply.status, path).toBe(404);
      expect(reply.body, path).not.toContain('outside the renderer');
    }
  });

  it('never serves the file outside, whatever the path (fuzzed)', async () => {
    const segment = fc.oneof(
      fc.constantFrom(
        '..',
        '.',
        '%2e%2e',
        '%2E%2e',
        '..%2f',
        '..%5c',
        '%2f',
        'secret.txt',
        'leak.txt',
        'renderer',
        'assets',
        '',
        '%00',
      ),
      fc.stringMatching(/^[A-Za-z0-9._%-]{0,6}$/),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(segment, { minLength: 1, maxLength: 6 }), async (parts) => {
        const reply = await call(`/${parts.join('/')}`, { headers: authed() });
        expect(reply.body).not.toContain('outside the renderer');
        expect([200, 404]).toContain(reply.status);
      }),
      { numRuns: 150 },
    );
  });

  it('answers odd request targets without an internal error', async () => {
    expect((await call('//', { headers: authed() })).status).toBe(404);
    const absolute = await rawExchange(
      `GET http://evil.example/index.html HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nAuthorization: Bearer ${TOKEN}\r\nConnection: close\r\n\r\n`,
    );
    expect(absolute).toMatch(/^HTTP\/1\.1 400 /);
  });

  it('refuses methods other than GET and HEAD', async () => {
    for (const method of ['PUT', 'DELETE', 'POST'])
      expect((await call('/index.html', { method, headers: authed() })).status, method).toBe(405);
  });
});

describe('security headers', () => {
  it('are on every response: pages, API, errors, refusals and redirects', async () => {
    const replies = [
      await call('/', { headers: authed() }),
      await call('/'),
      await call('/', { headers: authed({ Host: 'evil.example' }) }),
      await call('/nope', { headers: authed() }),
      await call(`/?token=${TOKEN}`),
      await api('listPresets', '{}'),
      await api('listPresets', '{', {}),
      await api('listPresets', '{}', { Origin: 'http://evil.example' }),
    ];
    for (const reply of replies) {
      for (const [name, value] of Object.entries(SECURITY_HEADERS))
        expect(reply.headers[name.toLowerCase()], `${reply.status} ${name}`).toBe(value);
      expect(reply.headers['cache-control'], String(reply.status)).toBe('no-store');
    }
  });

  it('the CSP allows no inline script, no other origin and no framing', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-inline');
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-eval');
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("object-src 'none'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/\*|http:|https:/);
  });
});

describe("an experiment's value columns", () => {
  it('come as the columns body to a client that asks for it, as JSON to others, with the same runs', async () => {
    const { experimentId } = await recordExperiment(app.store, { name: 'swept', vcpus: [1, 2] });
    const ask = (accept?: string): Promise<Response> =>
      fetch(`http://127.0.0.1:${host.port}/api/call/getExperiment`, {
        method: 'POST',
        headers: authed({ 'Content-Type': 'application/json', ...(accept === undefined ? {} : { Accept: accept }) }),
        body: JSON.stringify({ experimentId }),
      });
    const asJson = await ask();
    expect(asJson.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const json = (await asJson.json()) as Envelope<ExperimentData>;
    const asBody = await ask(`${COLUMNS_MEDIA_TYPE}, application/json`);
    expect(asBody.status).toBe(200);
    expect(asBody.headers.get('content-type')).toBe(COLUMNS_MEDIA_TYPE);
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(asBody.headers.get(name), name).toBe(value);
    const body = decodeColumnsBody(await asBody.arrayBuffer()) as Envelope<ExperimentData>;
    if (!json.ok || !body.ok) throw new Error('getExperiment failed');
    expect(runDetails(body.value.runTable)).toEqual(runDetails(json.value.runTable));
    expect(Object.values(body.value.runTable.metrics)[0]!.mean).toBeInstanceOf(Float64Array);
    // Other answers, and errors, stay JSON whatever the client accepts.
    const missing = await fetch(`http://127.0.0.1:${host.port}/api/call/getExperiment`, {
      method: 'POST',
      headers: authed({ 'Content-Type': 'application/json', Accept: COLUMNS_MEDIA_TYPE }),
      body: JSON.stringify({ experimentId: 99_999 }),
    });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it("compare's runs (getRuns) come the same way: the same runs, in the order asked, from either body", async () => {
    const { runIds } = await recordExperiment(app.store, { name: 'compared', vcpus: [1, 2] });
    const asked = [runIds[3]!, runIds[0]!, runIds[3]!];
    const ask = async (accept: string): Promise<Envelope<RunsData>> => {
      const response = await fetch(`http://127.0.0.1:${host.port}/api/call/getRuns`, {
        method: 'POST',
        headers: authed({ 'Content-Type': 'application/json', Accept: accept }),
        body: JSON.stringify({ runIds: asked }),
      });
      return response.headers.get('content-type') === COLUMNS_MEDIA_TYPE
        ? (decodeColumnsBody(await response.arrayBuffer()) as Envelope<RunsData>)
        : ((await response.json()) as Envelope<RunsData>);
    };
    const [json, body] = [await ask('application/json'), await ask(`${COLUMNS_MEDIA_TYPE}, application/json`)];
    if (!json.ok || !body.ok) throw new Error('getRuns failed');
    expect(Object.values(body.value.runTable.metrics)[0]!.mean).toBeInstanceOf(Float64Array);
    const expected = await app.store.getRuns(asked);
    expect(runsInContext(body.value)).toEqual(expected);
    expect(runsInContext(json.value)).toEqual(expected);
    expect(expected.map((r) => r.id)).toEqual(asked);
  });
});

describe('request bodies: limits per call, big ones parsed off this thread (issue 15 item 9)', () => {
  let bigApp: App;
  let bigHost: WebHost;
  const pad = (json: string, bytes: number): string => json + ' '.repeat(Math.max(0, bytes - json.length));
  const post = (name: string, body: string): Promise<Reply> =>
    new Promise((resolveReply, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: bigHost.port,
          path: `/api/call/${name}`,
          method: 'POST',
          headers: {
            Host: `127.0.0.1:${bigHost.port}`,
            Authorization: `Bearer ${bigHost.token}`,
            'Content-Type': 'application/json',
          },
          agent: false,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolveReply({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }),
          );
        },
      );
      req.on('error', (err: NodeJS.ErrnoException) =>
        err.code === 'ECONNRESET' || err.code === 'EPIPE' ? undefined : reject(err),
      );
      req.end(body);
    });

  beforeAll(async () => {
    bigApp = await createApp({ dbPath: join(dir, 'big', 'gmemlab.sqlite'), poolSize: 1, computeWorker: true });
    bigHost = await startWebHost({ app: bigApp, rendererDir: join(dir, 'renderer') });
  });
  afterAll(async () => {
    await bigHost?.close();
    await bigApp?.close();
  });

  it('refuses a body over the call’s own limit (1 MiB unless the call needs more) with 413 naming the call', async () => {
    const reply = await post('listExperiments', pad('{}', DEFAULT_REQUEST_BYTES + 1));
    expect(reply.status).toBe(413);
    expect(JSON.parse(reply.body).error).toEqual({
      code: 'too_large',
      message: `request body is over the limit of ${DEFAULT_REQUEST_BYTES} bytes for listExperiments`,
    });
    expect(maxRequestBytes('importBundle')).toBe(MAX_REQUEST_BYTES);
  });

  it('answers a big body parsed in the compute worker as it answers the same input small', async () => {
    const scenario = JSON.stringify({ ...PRESETS[0]!.scenario, name: 'padded past a MiB' });
    const small = await post('readScenarioText', JSON.stringify({ text: scenario }));
    const big = await post('readScenarioText', pad(JSON.stringify({ text: scenario }), 2 * DEFAULT_REQUEST_BYTES));
    expect(small.status).toBe(200);
    expect(big.status).toBe(200);
    expect(JSON.parse(big.body)).toEqual(JSON.parse(small.body));
    expect(JSON.parse(big.body).value.scenario.name).toBe('padded past a MiB');
  });

  it('refuses a big body that is not JSON, or not the call’s input, as it refuses a small one', async () => {
    for (const [name, json] of [
      ['readScenarioText', '{"text": '],
      ['readScenarioText', '{"text": 5}'],
      ['readScenarioText', '{"text": "x", "extra": 1}'],
      ['importBundle', '{"bundle": {"format": "gmemlab/bundle@1"}, "extra": 1}'],
      ['importBundle', '{"bundle": [1, 2, 3]}'],
      ['importBundle', '[{"bundle": 1}'],
    ] as const) {
      const small = await post(name, json);
      const big = await post(name, pad(json, 2 * DEFAULT_REQUEST_BYTES));
      expect(small.status, json).toBe(400);
      expect([big.status, JSON.parse(big.body)], json).toEqual([small.status, JSON.parse(small.body)]);
    }
    expect((await bigApp.store.listExperiments({ offset: 0, limit: 1 })).total).toBe(0);
  });

  it('imports a big bundle body read and checked in the compute worker, never parsed here', async () => {
    const source = await createApp({ dbPath: join(dir, 'big', 'source.sqlite'), poolSize: 1 });
    try {
      const started = await dispatch(source.handlers, 'startExperiment', {
        scenario: PRESETS[0]!.scenario,
        sweep: { parameters: [{ path: 'vm.vcpus', values: Array.from({ length: 40 }, (_, i) => i + 1) }] },
      });
      if (!started.ok) throw new Error(started.error.message);
      const { experimentId } = started.value as { experimentId: number };
      await source.runner.whenDone(experimentId);
      const exported = await dispatch(source.handlers, 'exportBundle', { experimentIds: [experimentId] });
      const text = exported.ok ? (exported.value as { text: string }).text : '';
      const body = pad(`{"bundle": ${text}}`, 2 * DEFAULT_REQUEST_BYTES);
      const reply = await post('importBundle', body);
      expect(reply.status, reply.body).toBe(200);
      const runs = (JSON.parse(text) as { experiments: { runs: unknown[] }[] }).experiments[0]!.runs.length;
      expect(JSON.parse(reply.body).value).toMatchObject({ experimentsImported: 1, runsImported: runs });
    } finally {
      await source.close();
    }
  }, 60_000);
});
