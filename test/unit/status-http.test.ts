import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpClient, type HttpClientDeps } from '../../src/status/http';

const NOW = Date.UTC(2024, 0, 1, 0, 0, 0);

const servers: Server[] = [];
const sockets = new Set<Socket>();
const timers = new Set<NodeJS.Timeout>();

/** Starts a loopback server with `handler`; returns its base URL. */
async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer(handler);
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function every(ms: number, fn: () => void): NodeJS.Timeout {
  const t = setInterval(fn, ms);
  timers.add(t);
  return t;
}

afterEach(async () => {
  for (const t of timers) clearInterval(t);
  timers.clear();
  for (const s of sockets) s.destroy();
  sockets.clear();
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

function client(opts: Partial<HttpClientDeps> = {}) {
  return createHttpClient({ fetch: (url, init) => fetch(url, init), now: () => NOW, ...opts });
}

function json(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers });
  res.end(body);
}

/** Resolves when the server side of `res` closes, with whether the whole body had been written. */
function closed(res: ServerResponse): Promise<{ finished: boolean }> {
  return new Promise((resolve) => res.on('close', () => resolve({ finished: res.writableFinished })));
}

describe('createHttpClient against loopback servers', () => {
  it('200 JSON → ok with the parsed body; asks for JSON and sends no cookies or referrer', async () => {
    let seen: IncomingMessage | undefined;
    const base = await serve((req, res) => {
      seen = req;
      json(res, 200, '{"page":{"id":"x"},"list":[1,2,3],"ü":"ß"}');
    });
    const r = await client().getJson(`${base}/api/v2/summary.json`);
    expect(r).toEqual({ ok: true, status: 200, json: { page: { id: 'x' }, list: [1, 2, 3], ü: 'ß' } });
    expect(seen?.method).toBe('GET');
    expect(seen?.url).toBe('/api/v2/summary.json');
    expect(seen?.headers.accept).toBe('application/json');
    expect(seen?.headers.cookie).toBeUndefined();
    expect(seen?.headers.referer).toBeUndefined();
  });

  it('HTML → not-json, saying it was HTML', async () => {
    const base = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('  <!doctype html><html><body>All good!</body></html>');
    });
    const r = await client().getJson(`${base}/`);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.reason).toEqual({ code: 'not-json', detail: 'answer is HTML, not JSON' });
    expect(r.status).toBe(200);
  });

  it('truncated JSON → not-json', async () => {
    const base = await serve((_req, res) => json(res, 200, '{"page":{"id":"kctbh9vrtdwd","name":"Git'));
    const r = await client().getJson(`${base}/`);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason.code).toBe('not-json');
  });

  it('an empty 200 body → not-json', async () => {
    const base = await serve((_req, res) => json(res, 200, ''));
    const r = await client().getJson(`${base}/`);
    expect(!r.ok && r.reason.code).toBe('not-json');
  });

  it('a body of exactly maxBytes is read', async () => {
    const body = JSON.stringify({ pad: 'x'.repeat(990) });
    const base = await serve((_req, res) => json(res, 200, body));
    const r = await client({ maxBytes: Buffer.byteLength(body) }).getJson(`${base}/`);
    expect(r.ok).toBe(true);
  });

  it('a declared content-length over maxBytes → too-large, and the stream is cancelled', async () => {
    const total = 5_000_000;
    let serverSide: Promise<{ finished: boolean }> | undefined;
    let written = 0;
    const base = await serve((_req, res) => {
      serverSide = closed(res);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(total) });
      const chunk = Buffer.alloc(16 * 1024, 0x20);
      const t = every(2, () => {
        if (res.destroyed || written >= total) return clearInterval(t);
        written += chunk.length;
        res.write(chunk);
      });
    });
    const r = await client({ maxBytes: 1000 }).getJson(`${base}/`);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason.code).toBe('too-large');
      expect(r.reason.detail).toContain(String(total));
    }
    const end = await Promise.race([serverSide!, new Promise<'open'>((resolve) => setTimeout(() => resolve('open'), 3000))]);
    expect(end).toEqual({ finished: false });
    expect(written).toBeLessThan(total);
  });

  it('a chunked body (no content-length) over maxBytes → too-large, and the stream is cancelled', async () => {
    const total = 20_000_000;
    let serverSide: Promise<{ finished: boolean }> | undefined;
    let written = 0;
    const base = await serve((_req, res) => {
      serverSide = closed(res);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('[');
      const chunk = Buffer.alloc(16 * 1024, 0x20);
      const t = every(2, () => {
        if (res.destroyed || written >= total) return clearInterval(t);
        written += chunk.length;
        res.write(chunk);
      });
    });
    const r = await client({ maxBytes: 64 * 1024 }).getJson(`${base}/`);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toEqual({ code: 'too-large', detail: `answer exceeds ${64 * 1024} bytes` });
    const end = await Promise.race([serverSide!, new Promise<'open'>((resolve) => setTimeout(() => resolve('open'), 3000))]);
    expect(end).toEqual({ finished: false });
    expect(written).toBeLessThan(total);
  });

  it('one big chunk over maxBytes (chunked framing) → too-large', async () => {
    const base = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
      res.end(`"${'x'.repeat(200_000)}"`);
    });
    const r = await client({ maxBytes: 10_000 }).getJson(`${base}/`);
    expect(r).toEqual({ ok: false, status: 200, reason: { code: 'too-large', detail: 'answer exceeds 10000 bytes' } });
  });

  it('a 100k-deep nested array parses or is not-json; it never throws', async () => {
    const depth = 100_000;
    const base = await serve((_req, res) => json(res, 200, '['.repeat(depth) + ']'.repeat(depth)));
    const r = await client().getJson(`${base}/`);
    if (r.ok) expect(Array.isArray(r.json)).toBe(true);
    else expect(r.reason.code).toBe('not-json');
  });

  it.each([
    [
      'a slow drip',
      (_req: IncomingMessage, res: ServerResponse) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('[');
        every(50, () => {
          if (!res.destroyed) res.write(' ');
        });
      },
    ],
    ['a server that never answers', () => {}],
  ])('%s → timeout within timeoutMs', async (_what, handler) => {
    const base = await serve(handler);
    const started = Date.now();
    const r = await client({ timeoutMs: 300 }).getJson(`${base}/`);
    const took = Date.now() - started;
    expect(r).toEqual({ ok: false, reason: { code: 'timeout', detail: 'no answer in time' } });
    expect(took).toBeGreaterThanOrEqual(250);
    expect(took).toBeLessThan(1500);
  });

  it('429 with Retry-After: 7 → rate-limited, retryAfterMs 7000', async () => {
    const base = await serve((_req, res) => json(res, 429, '{"error":"slow down"}', { 'retry-after': '7' }));
    const r = await client().getJson(`${base}/check-http?host=x`);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.status).toBe(429);
    expect(r.reason.code).toBe('rate-limited');
    expect(r.reason.detail).toBe(`HTTP 429 from ${base.slice('http://'.length)}`);
    expect(r.retryAfterMs).toBe(7000);
  });

  it('429 without Retry-After → rate-limited, no retryAfterMs', async () => {
    const base = await serve((_req, res) => json(res, 429, '{}'));
    const r = await client().getJson(`${base}/`);
    expect(r).toMatchObject({ ok: false, status: 429, reason: { code: 'rate-limited' } });
    expect(!r.ok && r.retryAfterMs).toBeUndefined();
  });

  it('503 with an HTTP-date Retry-After → rate-limited with the delay from now()', async () => {
    const base = await serve((_req, res) => json(res, 503, '{}', { 'retry-after': 'Mon, 01 Jan 2024 00:02:00 GMT' }));
    const r = await client().getJson(`${base}/`);
    expect(r).toMatchObject({ ok: false, status: 503, reason: { code: 'rate-limited' }, retryAfterMs: 120_000 });
  });

  it('503 without Retry-After → http-error', async () => {
    const base = await serve((_req, res) => json(res, 503, '{}'));
    const r = await client().getJson(`${base}/`);
    expect(r).toMatchObject({ ok: false, status: 503, reason: { code: 'http-error' } });
  });

  it('500 → http-error', async () => {
    const base = await serve((_req, res) => json(res, 500, '{"error":"boom"}'));
    const r = await client().getJson(`${base}/`);
    expect(r).toEqual({ ok: false, status: 500, reason: { code: 'http-error', detail: `HTTP 500 from ${base.slice('http://'.length)}` } });
  });

  it('an outer AbortSignal stops the request → timeout "check was stopped"', async () => {
    const base = await serve(() => {
      /* never answers */
    });
    const outer = new AbortController();
    setTimeout(() => outer.abort(), 50);
    const started = Date.now();
    const r = await client({ timeoutMs: 5000 }).getJson(`${base}/`, outer.signal);
    expect(r).toEqual({ ok: false, reason: { code: 'timeout', detail: 'check was stopped' } });
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('an outer AbortSignal that fires while the body drips → timeout "check was stopped"', async () => {
    const base = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('[');
      every(20, () => {
        if (!res.destroyed) res.write(' ');
      });
    });
    const outer = new AbortController();
    setTimeout(() => outer.abort(), 100);
    const r = await client({ timeoutMs: 5000 }).getJson(`${base}/`, outer.signal);
    expect(r).toEqual({ ok: false, reason: { code: 'timeout', detail: 'check was stopped' } });
  });

  it('an already aborted signal sends nothing', async () => {
    let hits = 0;
    const base = await serve((_req, res) => {
      hits += 1;
      json(res, 200, '{}');
    });
    const outer = new AbortController();
    outer.abort();
    const r = await client().getJson(`${base}/`, outer.signal);
    expect(r).toEqual({ ok: false, reason: { code: 'timeout', detail: 'check was stopped' } });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(hits).toBe(0);
  });

  it('connection refused → network', async () => {
    const base = await serve(() => undefined);
    const server = servers.pop()!;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const r = await client().getJson(`${base}/`);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason.code).toBe('network');
      expect(r.reason.detail.length).toBeGreaterThan(0);
      expect(r.status).toBeUndefined();
    }
  });

  it('a fetch that throws synchronously-ish (bad URL) → network, never a rejection', async () => {
    const r = await client().getJson('not a url');
    expect(!r.ok && r.reason.code).toBe('network');
  });
});

describe('createHttpClient.postJson (Globalping starts a measurement with it)', () => {
  it('sends the body as JSON, asks for JSON, sends no cookies or referrer, and reads a 202', async () => {
    let seen: { method?: string; type?: string; body: string; cookie?: string; referer?: string } | undefined;
    const base = await serve((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen = { method: req.method, type: req.headers['content-type'], body, cookie: req.headers.cookie, referer: req.headers.referer };
        json(res, 202, '{"id":"abc","probesCount":5}', { location: `${base}/v1/measurements/abc` });
      });
    });
    const r = await client().postJson(`${base}/v1/measurements`, { type: 'http', target: 'shop.example.com' });
    expect(r).toEqual({ ok: true, status: 202, json: { id: 'abc', probesCount: 5 } });
    expect(seen).toEqual({ method: 'POST', type: 'application/json', body: '{"type":"http","target":"shop.example.com"}', cookie: undefined, referer: undefined });
  });

  it('never follows a redirect: the body could be sent on to another address', async () => {
    let redirected = 0;
    const base = await serve((req, res) => {
      if (req.url === '/elsewhere') {
        redirected += 1;
        json(res, 200, '{}');
        return;
      }
      res.writeHead(307, { location: '/elsewhere', 'content-length': '0' });
      res.end();
    });
    const r = await client().postJson(`${base}/v1/measurements`, {});
    expect(!r.ok && r.reason.code).toBe('network');
    expect(redirected).toBe(0);
  });

  it('a 429 without Retry-After is held for the reset header it is told to read (seconds)', async () => {
    const base = await serve((_req, res) => json(res, 429, '{"error":{"type":"rate_limit_exceeded","message":"x"}}', { 'x-ratelimit-reset': '1800' }));
    const r = await client().postJson(`${base}/v1/measurements`, {}, undefined, { resetHeader: 'x-ratelimit-reset', readErrorBody: true });
    expect(r).toMatchObject({ ok: false, status: 429, reason: { code: 'rate-limited' }, retryAfterMs: 1_800_000, json: { error: { type: 'rate_limit_exceeded' } } });
  });

  it('Retry-After wins over the reset header; an unreadable reset header is ignored; unasked, neither body nor reset is read', async () => {
    const both = await serve((_req, res) => json(res, 429, '{}', { 'retry-after': '5', 'x-ratelimit-reset': '1800' }));
    expect(await client().postJson(`${both}/`, {}, undefined, { resetHeader: 'x-ratelimit-reset' })).toMatchObject({ retryAfterMs: 5000 });
    const odd = await serve((_req, res) => json(res, 429, '{}', { 'x-ratelimit-reset': '1e9' }));
    const r = await client().postJson(`${odd}/`, {}, undefined, { resetHeader: 'x-ratelimit-reset' });
    expect(!r.ok && r.retryAfterMs).toBeUndefined();
    const plain = await serve((_req, res) => json(res, 429, '{"error":{}}', { 'x-ratelimit-reset': '1800' }));
    const unasked = await client().postJson(`${plain}/`, {});
    expect(!unasked.ok && unasked.retryAfterMs).toBeUndefined();
    expect(!unasked.ok && unasked.json).toBeUndefined();
  });

  it('an error body over the cap or not JSON is left out, never thrown', async () => {
    const big = await serve((_req, res) => json(res, 400, `{"pad":"${'x'.repeat(2000)}"}`));
    const r = await client({ maxBytes: 1000 }).postJson(`${big}/`, {}, undefined, { readErrorBody: true });
    expect(r).toMatchObject({ ok: false, status: 400, reason: { code: 'http-error' } });
    expect(!r.ok && r.json).toBeUndefined();
    const html = await serve((_req, res) => {
      res.writeHead(400, { 'content-type': 'text/html' });
      res.end('<h1>Bad</h1>');
    });
    const h = await client().postJson(`${html}/`, {}, undefined, { readErrorBody: true });
    expect(!h.ok && h.json).toBeUndefined();
  });
});
