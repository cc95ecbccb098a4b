/**
 * A controllable origin server ("upstream") for the e2e suite.
 *
 * The extension under test reacts to gateway errors, so tests need an origin they can break and repair
 * on demand, plus a precise record of what the browser (through the gateway) asked for: how many reloads
 * happened, when, and with which cache headers. `startUpstream()` is a plain Node `http` server on
 * 127.0.0.1 with an ephemeral port that offers exactly that.
 *
 * "Down" really means down: {@link Upstream.setDown} closes the listening socket (and any open
 * connection) so nginx in front of it gets ECONNREFUSED and answers a genuine `502 Bad Gateway`,
 * the same code path as a crashed backend in production. {@link Upstream.setUp} listens again on the
 * same port, because the gateway's `proxy_pass` is fixed at nginx start.
 *
 * @example
 * ```ts
 * const upstream = await startUpstream();
 * upstream.route('/busy', errorResponse(503, { retryAfter: 4 }));
 * await upstream.setDown();           // nginx now answers 502 for every path
 * await upstream.setUp();             // and the default page again
 * await upstream.waitForRequests('/', 2);
 * expect(upstream.requestsTo('/')[1]?.headers['cache-control']).toBe('no-cache');
 * await upstream.close();
 * ```
 *
 * @module
 */
import http, { type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { announceLoopbackPort } from './ports';
import { sleep, waitFor } from './wait';

/** One request as the upstream received it. */
export interface RecordedRequest {
  /** Arrival time, milliseconds since the epoch (`Date.now()`), comparable with gateway log times. */
  time: number;
  /** HTTP method, e.g. `GET`, `POST`. */
  method: string;
  /** Request target as received: path plus query string, e.g. `/search?q=1`. */
  path: string;
  /** `path` without the query string; what routes and {@link Upstream.requestsTo} match on. */
  pathname: string;
  /** Request headers, lower-cased names as Node delivers them (`headers['cache-control']`). */
  headers: IncomingHttpHeaders;
  /** Request body decoded as UTF-8 (empty for GET); lets tests see whether a POST was re-sent. */
  body: string;
}

/** What a route answers. Every field is optional; the default is an empty `200`. */
export interface UpstreamResponse {
  /** Status code. Default 200. */
  status?: number;
  /** Response headers, e.g. `{ 'Retry-After': '4' }`. */
  headers?: OutgoingHttpHeaders;
  /** Response body. */
  body?: string | Uint8Array;
  /** Wait this long before answering; longer than the gateway's read timeout gives a real 504. */
  delayMs?: number;
  /**
   * Destroy the connection instead of answering (after `delayMs`). nginx then logs "upstream prematurely
   * closed connection" and answers 502 even though the upstream is listening.
   */
  destroySocket?: boolean;
}

/**
 * A route: a fixed response, or a function of the request. `hit` counts requests to this route since it
 * was (re)defined, starting at 1, which makes "fail twice, then recover" one line:
 * `(req, hit) => hit <= 2 ? errorResponse(502) : htmlResponse('back')`.
 */
export type RouteHandler =
  | UpstreamResponse
  | ((request: RecordedRequest, hit: number) => UpstreamResponse | Promise<UpstreamResponse>);

/** Options for {@link startUpstream}. */
export interface UpstreamOptions {
  /** Port to listen on. Default 0 (an ephemeral port chosen by the kernel). */
  port?: number;
  /** Interface to listen on. Default `127.0.0.1`: tests must stay on loopback. */
  host?: string;
  /** Initial routes, same as calling {@link Upstream.route} for each entry. */
  routes?: Record<string, RouteHandler>;
}

/** Handle returned by {@link startUpstream}. */
export interface Upstream {
  /** The listening port. Stays the same across {@link Upstream.setDown}/{@link Upstream.setUp}. */
  readonly port: number;
  /** The listening interface, `127.0.0.1` unless overridden. */
  readonly host: string;
  /** `http://host:port`, for talking to the upstream directly (bypassing the gateway). */
  readonly origin: string;
  /** `false` between {@link Upstream.setDown} and {@link Upstream.setUp}. */
  readonly isUp: boolean;
  /** Every request received since start or the last {@link Upstream.clear}, oldest first. */
  readonly requests: readonly RecordedRequest[];
  /**
   * Requests whose pathname equals `path`; if `path` contains `?` the full path and query must match.
   */
  requestsTo(path: string): RecordedRequest[];
  /**
   * Waits until at least `count` requests to `path` (matched as in {@link Upstream.requestsTo}) have been
   * recorded, and returns them all.
   */
  waitForRequests(path: string, count?: number, options?: { timeoutMs?: number }): Promise<RecordedRequest[]>;
  /**
   * Sets the response for a path. `path` matches the request pathname exactly, or, if it ends in `*`, as a
   * prefix (`/assets/*`). Exact routes win over prefix routes; longer prefixes win over shorter ones.
   * Passing `null` removes the route. Returns the upstream for chaining.
   */
  route(path: string, handler: RouteHandler | null): Upstream;
  /** Removes all routes, restoring the default page everywhere. */
  resetRoutes(): void;
  /** Empties the request log (routes and their hit counters are kept). */
  clear(): void;
  /**
   * Stops listening and drops open connections, so the gateway gets "connection refused" (a real 502).
   * Idempotent.
   */
  setDown(): Promise<void>;
  /**
   * Listens again on the same port. Retries for a few seconds on `EADDRINUSE`, which can happen briefly
   * after the socket was closed. Idempotent.
   */
  setUp(): Promise<void>;
  /** Stops the server for good. */
  close(): Promise<void>;
}

/** Marker text of the default page; tests look for it to tell "origin content" from an nginx error page. */
export const UPSTREAM_OK_MARKER = 'UPSTREAM OK';

/** Builds a minimal HTML document. `title` is escaped; `bodyHtml` is inserted as is. */
export function htmlPage(title: string, bodyHtml: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body>
${bodyHtml}
</body>
</html>
`;
}

/** A `text/html` response. */
export function htmlResponse(bodyHtml: string, status = 200, headers: OutgoingHttpHeaders = {}): UpstreamResponse {
  return {
    status,
    headers: { 'Content-Type': 'text/html; charset=utf-8', ...headers },
    body: htmlPage(`${status} page`, bodyHtml),
  };
}

/**
 * An error response produced by the upstream itself (so it passes through nginx unchanged, unlike a 502
 * that nginx generates). E.g. `errorResponse(503, { retryAfter: 4 })`, `errorResponse(404)`.
 */
export function errorResponse(
  status: number,
  options: { retryAfter?: number | string; headers?: OutgoingHttpHeaders; body?: string } = {},
): UpstreamResponse {
  const headers: OutgoingHttpHeaders = { 'Content-Type': 'text/html; charset=utf-8', ...options.headers };
  if (options.retryAfter !== undefined) headers['Retry-After'] = String(options.retryAfter);
  return {
    status,
    headers,
    body: options.body ?? htmlPage(`${status} from upstream`, `<h1>${status} from upstream</h1>`),
  };
}

/** A redirect, `302` unless told otherwise. */
export function redirectResponse(location: string, status = 302): UpstreamResponse {
  return { status, headers: { Location: location }, body: '' };
}

/**
 * A 200 page that embeds `<img id="img" src=imgSrc>`: route `imgSrc` to an error to test that a failing
 * sub-resource does not make the extension reload the whole page.
 */
export function pageWithImage(imgSrc: string): UpstreamResponse {
  return {
    status: 200,
    headers: { 'Content-Type': 'text/html; charset=utf-8' },
    body: htmlPage('Page with image', `<p>${UPSTREAM_OK_MARKER}</p>\n<img id="img" src="${escapeHtml(imgSrc)}" alt="img">`),
  };
}

/**
 * A 200 page with `<form id="form" method="post" action=action>`, one text field per entry of `fields`
 * and a submit button `#submit`. Used to check that a failed POST is never replayed automatically.
 */
export function pageWithPostForm(action: string, fields: Record<string, string> = { item: 'widget' }): UpstreamResponse {
  const inputs = Object.entries(fields)
    .map(([name, value]) => `<input name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n');
  return {
    status: 200,
    headers: { 'Content-Type': 'text/html; charset=utf-8' },
    body: htmlPage(
      'Page with form',
      `<p>${UPSTREAM_OK_MARKER}</p>\n<form id="form" method="post" action="${escapeHtml(action)}">\n${inputs}\n<button id="submit" type="submit">Send</button>\n</form>`,
    ),
  };
}

/** The default route: `200`, HTML naming the path and containing {@link UPSTREAM_OK_MARKER}. */
function defaultResponse(request: RecordedRequest): UpstreamResponse {
  const path = escapeHtml(request.path);
  return {
    status: 200,
    headers: { 'Content-Type': 'text/html; charset=utf-8' },
    body: htmlPage(`${UPSTREAM_OK_MARKER} ${request.path}`, `<h1 id="marker">${UPSTREAM_OK_MARKER}</h1>\n<p id="path">${path}</p>`),
  };
}

/**
 * Starts the upstream on 127.0.0.1 (ephemeral port unless `options.port` is given).
 * Resolves once it is listening.
 */
export async function startUpstream(options: UpstreamOptions = {}): Promise<Upstream> {
  const host = options.host ?? '127.0.0.1';
  const requests: RecordedRequest[] = [];
  const routes = new Map<string, { handler: RouteHandler; hits: number }>();

  const server = http.createServer((req, res) => {
    const time = Date.now();
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '/';
      const record: RecordedRequest = {
        time,
        method: req.method ?? 'GET',
        path,
        pathname: pathnameOf(path),
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(record);
      void respond(record, res);
    });
  });

  async function respond(record: RecordedRequest, res: http.ServerResponse): Promise<void> {
    let response: UpstreamResponse;
    try {
      const entry = findRoute(record.pathname);
      if (entry) {
        entry.hits += 1;
        response = typeof entry.handler === 'function' ? await entry.handler(record, entry.hits) : entry.handler;
      } else {
        response = defaultResponse(record);
      }
    } catch (error) {
      response = { status: 500, headers: { 'Content-Type': 'text/plain' }, body: `route handler threw: ${String(error)}` };
    }
    if (response.delayMs) await sleep(response.delayMs);
    if (res.destroyed) return;
    if (response.destroySocket) {
      res.socket?.destroy();
      return;
    }
    res.writeHead(response.status ?? 200, response.headers ?? {});
    res.end(response.body ?? '');
  }

  function findRoute(pathname: string): { handler: RouteHandler; hits: number } | undefined {
    const exact = routes.get(pathname);
    if (exact) return exact;
    let best: { handler: RouteHandler; hits: number } | undefined;
    let bestLength = -1;
    for (const [key, entry] of routes) {
      if (!key.endsWith('*')) continue;
      const prefix = key.slice(0, -1);
      if (pathname.startsWith(prefix) && prefix.length > bestLength) {
        best = entry;
        bestLength = prefix.length;
      }
    }
    return best;
  }

  function listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => {
        server.off('listening', onListening);
        reject(error);
      };
      const onListening = () => {
        server.off('error', onError);
        resolve();
      };
      server.once('error', onError);
      server.once('listening', onListening);
      server.listen(port, host);
    });
  }

  await listen(options.port ?? 0);
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('upstream: unexpected server address');
  const port = address.port;
  if (host === '127.0.0.1') announceLoopbackPort(port);
  let isUp = true;
  let closed = false;

  function matches(record: RecordedRequest, path: string): boolean {
    return path.includes('?') ? record.path === path : record.pathname === path;
  }

  const upstream: Upstream = {
    port,
    host,
    origin: `http://${host}:${port}`,
    get isUp() {
      return isUp;
    },
    get requests() {
      return requests;
    },
    requestsTo(path) {
      return requests.filter((record) => matches(record, path));
    },
    async waitForRequests(path, count = 1, waitOptions = {}) {
      return waitFor(
        () => {
          const found = upstream.requestsTo(path);
          return found.length >= count ? found : undefined;
        },
        { timeoutMs: waitOptions.timeoutMs ?? 15_000, intervalMs: 50, message: `${count} upstream request(s) to ${path}` },
      );
    },
    route(path, handler) {
      if (handler === null) routes.delete(path);
      else routes.set(path, { handler, hits: 0 });
      return upstream;
    },
    resetRoutes() {
      routes.clear();
    },
    clear() {
      requests.length = 0;
    },
    async setDown() {
      if (!isUp) return;
      isUp = false;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // close() only stops accepting; in-flight and idle connections must go too, or "down" is a lie.
        server.closeAllConnections();
      });
    },
    async setUp() {
      if (isUp) return;
      if (closed) throw new Error('upstream: setUp() after close()');
      const deadline = Date.now() + 5_000;
      for (;;) {
        try {
          await listen(port);
          isUp = true;
          return;
        } catch (error) {
          // The port was free a moment ago; something (often a short-lived outgoing socket that was given
          // this ephemeral port) may hold it briefly. Retry instead of moving to a new port: nginx's
          // proxy_pass is fixed.
          if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || Date.now() > deadline) throw error;
          await sleep(100);
        }
      }
    },
    async close() {
      closed = true;
      await upstream.setDown();
    },
  };

  for (const [path, handler] of Object.entries(options.routes ?? {})) upstream.route(path, handler);
  return upstream;
}

function pathnameOf(path: string): string {
  const query = path.indexOf('?');
  return query === -1 ? path : path.slice(0, query);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
