// Issue 15 item 2: the web host's credential stays with its own origin. A real gmemlab web host
// and an unrelated server on another 127.0.0.1 port; Chromium opens the printed URL, uses the app
// (a run, which also streams progress events), then visits the other server, whose page fetches
// from it. That
// server records every request's headers: none may carry the token (a cookie for 127.0.0.1 was
// sent to every port before, since cookies are scoped by host, not port).
import { expect, test } from '@playwright/test';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { workspace, open } from './support.ts';

interface Seen {
  url: string;
  headers: IncomingHttpHeaders;
}

async function unrelatedServer(): Promise<{ server: Server; port: number; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    res.writeHead(200, { 'Content-Type': 'text/html', 'Access-Control-Allow-Origin': '*' });
    res.end('<!doctype html><title>another local server</title><p>hello</p>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port, seen };
}

test('the token never reaches another server on 127.0.0.1', async ({ page }) => {
  const ws = workspace(page);
  const other = await unrelatedServer();
  try {
    await open(page, ws);
    const printed = new URL(ws.host!.url);
    const token = printed.hash.replace('#token=', '') || printed.searchParams.get('token')!;
    expect(token.length).toBeGreaterThan(20);
    await expect(page.getByRole('heading', { name: 'No result yet' })).toBeVisible();
    // Use the app: a run goes through the API and the event stream.
    await page.getByTestId('run-button').click();
    await expect(page.getByTestId('result-title')).toContainText('done');
    // A reload keeps the session (sessionStorage), without the token in the URL.
    await page.reload();
    await page.getByTestId('tab-history').click();
    await expect(page.getByTestId('history').locator('li')).toHaveCount(1);

    // The user visits the other server in the same tab; its script fetches from its own origin
    // with credentials and looks for the token. (The gmemlab page itself cannot reach another
    // origin: its CSP allows 'self' only.)
    const otherOrigin = `http://127.0.0.1:${other.port}`;
    await page.goto(`${otherOrigin}/visited`);
    await page.evaluate(() => fetch('/from-fetch', { credentials: 'include' }).then((r) => r.text()));
    expect(await page.evaluate(() => [sessionStorage.length, localStorage.length, document.cookie])).toEqual([
      0,
      0,
      '',
    ]);

    expect(other.seen.map((s) => s.url)).toEqual(expect.arrayContaining(['/visited', '/from-fetch']));
    for (const request of other.seen) {
      expect(JSON.stringify(request.headers), request.url).not.toContain(token);
      expect(request.headers.cookie, request.url).toBeUndefined();
      expect(request.headers.authorization, request.url).toBeUndefined();
    }
    // Back on gmemlab: the token left the address bar (and so the history) as soon as the page read it.
    await page.goBack();
    await expect(page.getByTestId('tab-history')).toBeVisible();
    expect(page.url()).not.toContain(token);
    // It is kept where only this origin can read it, and no cookie holds it.
    expect(await page.evaluate(() => sessionStorage.getItem('gmemlab.token'))).toBe(token);
    expect(await page.context().cookies()).toEqual([]);

    expect(ws.errors).toEqual([]);
  } finally {
    await new Promise((r) => other.server.close(r));
    await ws.close();
  }
});

test('a page opened without the token can reach no data', async ({ page }) => {
  const ws = workspace(page);
  try {
    await open(page, ws);
    const origin = ws.host!.origin;
    // A fresh tab in a fresh context: the public page loads, every call is refused.
    const context = await page.context().browser()!.newContext();
    const stranger = await context.newPage();
    await stranger.goto(`${origin}/`);
    const status = await stranger.evaluate(async () => {
      const r = await fetch('/api/call/listExperiments', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{}',
      });
      return r.status;
    });
    expect(status).toBe(401);
    await context.close();
  } finally {
    await ws.close();
  }
});
