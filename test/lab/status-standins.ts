/**
 * Loopback stand-ins for the public status services behind the "is it down for everyone?" check.
 *
 * No machine of this project reaches the internet, so the extension's providers are tested against these
 * servers instead of check-host.net, Globalping, a site's Statuspage / Instatus / Better Stack page,
 * Cloudflare's status page, Uptime Kuma and Gatus. Each stand-in is a plain Node `http` server on 127.0.0.1 with an ephemeral
 * port that answers in the shapes each service documents for its public API, records every request,
 * and can be broken on purpose ({@link BreakMode}) because the interesting tests are the ones where the
 * provider misbehaves: HTML instead of JSON, half a body, 11 MB, 100 000 nested arrays, a 429, silence.
 *
 * Shared plumbing (request log, break modes, response delay, socket tracking) lives in one place,
 * {@link startCore}; each `start*` factory only supplies a router that turns a request into a {@link Reply}
 * (status plus JSON or HTML, and hints for the `huge`, `deep` and `wrong-types` modes).
 *
 * The servers log nothing and never care about the `Host` header: e2e tests reach them under mapped names
 * such as `status.example.com:<port>`, unit tests as `127.0.0.1:<port>`.
 *
 * @example
 * ```ts
 * const checkHost = await startCheckHost({ nodes: allDown(502), delayResultsMs: 1_000 });
 * const statusPage = await startStatusPage({ vendor: 'statuspage', state: 'major' });
 * // ... point the extension's provider base URLs at checkHost.baseUrl / statusPage.baseUrl ...
 * expect(checkHost.checksStarted()).toEqual(['https://shop.example/']);
 * checkHost.setMode('status-429', { retryAfterSeconds: 120 });
 * await stopAll(checkHost, statusPage);
 * ```
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http, { type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import ipaddr from 'ipaddr.js';
import { waitFor } from './wait';
import { announceLoopbackPort } from './ports';

// ---------------------------------------------------------------------------------------------------------
// Shared plumbing: break modes, request log, socket tracking
// ---------------------------------------------------------------------------------------------------------

/**
 * How a stand-in answers. `ok` is the documented behaviour; everything else is a failure the extension must
 * survive (classify as "unknown", never as "up" or "down", and never hang):
 *
 * - `html`: `200 text/html` login/captive-portal page on every path (a proxy or portal in between).
 * - `catch-all`: `200 text/html` cheerful "this domain is parked" page on every path (status-page discovery
 *   must not take a 200 for a status page).
 * - `json-catch-all`: `200 application/json` `{"ok":true}` on every path (JSON, but not the documented shape).
 * - `truncated`: the normal answer cut in half, with a matching `Content-Length`, so the HTTP exchange
 *   completes cleanly and only the JSON parser notices.
 * - `huge`: a syntactically valid answer of the documented shape padded to {@link HUGE_BODY_BYTES}
 *   (> 10 MiB) with more nodes/components/...; sent chunked (no `Content-Length`) unless
 *   {@link BreakModeOptions.announceLength}, so only a reader that counts bytes notices.
 * - `deep`: the normal answer with its main array/object replaced by {@link DEEP_NESTING_LEVELS} nested arrays.
 * - `wrong-types`: the documented keys with the wrong types (`"ok":"yes"`, `"nodes":5`, ...).
 * - `error`: `200` `{"ok":0,"error":"limit_exceeded"}` (check-host's way of refusing).
 * - `status-429`: `429` with `Retry-After: <retryAfterSeconds>`.
 * - `status-500`: `500` with an HTML error page.
 * - `hang`: accepts the connection and the request, never answers.
 * - `drip`: `200` with headers at once, then one byte every `dripIntervalMs` (500) forever.
 */
export type BreakMode =
  | 'ok'
  | 'html'
  | 'catch-all'
  | 'json-catch-all'
  | 'truncated'
  | 'huge'
  | 'deep'
  | 'wrong-types'
  | 'error'
  | 'status-429'
  | 'status-500'
  | 'hang'
  | 'drip';

/** Every {@link BreakMode}, for tests that loop over them. */
export const BREAK_MODES: readonly BreakMode[] = [
  'ok',
  'html',
  'catch-all',
  'json-catch-all',
  'truncated',
  'huge',
  'deep',
  'wrong-types',
  'error',
  'status-429',
  'status-500',
  'hang',
  'drip',
];

/**
 * Size the `huge` mode reaches: 11 MiB, comfortably above both 10 MB and 10 MiB so that a size limit of
 * either flavour trips.
 */
export const HUGE_BODY_BYTES = 11 * 1024 * 1024;

/** Nesting depth of the `deep` mode: enough to overflow a naive recursive walker. */
export const DEEP_NESTING_LEVELS = 100_000;

/** Knobs of the break modes; they persist across {@link StandIn.setMode} calls until changed. */
export interface BreakModeOptions {
  /** `Retry-After` of `status-429`, in seconds. Default 30. */
  retryAfterSeconds?: number;
  /** Pause between the bytes of `drip`. Default 500 ms. */
  dripIntervalMs?: number;
  /** `huge` sends a `Content-Length` header (default `false`: chunked, the size is only known by counting). */
  announceLength?: boolean;
}

/** Options every stand-in accepts. */
export interface StandInOptions extends BreakModeOptions {
  /** Initial mode. Default `ok`. */
  mode?: BreakMode;
  /** Answer every request only after this many ms (a slow but working provider). Default 0. */
  responseDelayMs?: number;
  /**
   * Speak HTTPS with this certificate (`./tls.ts`), as every real status page does: the extension accepts a guessed
   * status-page address only as `https:` (`isEndpointUrl`), so a stand-in for one must be reached that way. The
   * browser must accept the suite's certificates (`launchDriver`'s `acceptInsecureCerts`). Default: plain HTTP.
   */
  tls?: { readonly certPath: string; readonly keyPath: string };
  /**
   * Answer every request `302 Found` to this address with the request's path appended (a status page that moved, or a
   * hostile one pointing into the user's network). Default: no redirect.
   */
  redirectTo?: string;
}

/** One request as a stand-in received it. Recorded on arrival, so `hang` requests are in the log too. */
export interface StandInRequest {
  /** Arrival time, `Date.now()`. */
  time: number;
  /** HTTP method, e.g. `GET`. */
  method: string;
  /** Pathname without the query string, e.g. `/check-http`. */
  path: string;
  /** Decoded query parameters; a parameter given more than once (check-host's `node=`) becomes an array. */
  query: Record<string, string | string[]>;
  /** Request headers as Node delivers them (lower-case names). */
  headers: IncomingHttpHeaders;
  /** The `Host` header as sent (e.g. `status.example.com:41234`), `''` if absent. */
  host: string;
  /** Request target as received: path plus query string. */
  url: string;
  /** The request body as text (`''` for none); filled in once it has arrived, before the answer. */
  body: string;
}

/** What every stand-in offers. */
export interface StandIn {
  /** Which service this stands in for, e.g. `check-host`, `statuspage`; used in error messages. */
  readonly kind: string;
  /** The listening port on 127.0.0.1. */
  readonly port: number;
  /** `http://127.0.0.1:<port>`, no trailing slash: the value for a provider's configurable base URL. */
  readonly baseUrl: string;
  /** Every request since start or {@link StandIn.clearRequests}, oldest first (a live array). */
  readonly requests: readonly StandInRequest[];
  /** The current break mode. */
  readonly mode: BreakMode;
  /** Switches the break mode for requests that arrive from now on; `options` are merged into the current ones. */
  setMode(mode: BreakMode, options?: BreakModeOptions): void;
  /** Delays every later answer by `ms` (0 turns it off). `hang` ignores it. */
  setResponseDelay(ms: number): void;
  /** Requests whose pathname equals `path`, or starts with it if `path` ends in `*`. */
  requestsTo(path: string): StandInRequest[];
  /** Waits until at least `count` requests matched `path` (as in {@link StandIn.requestsTo}); returns them. */
  waitForRequests(path: string, count?: number, options?: { timeoutMs?: number }): Promise<StandInRequest[]>;
  /** Empties the request log (state such as started checks is kept). */
  clearRequests(): void;
  /**
   * Stops the server and destroys every open connection, including `hang`ing and `drip`ping ones, and
   * cancels pending timers, so a test never waits on its stand-in. Idempotent.
   */
  close(): Promise<void>;
}

/** What a router answers in `ok` mode, with hints for the modes that rewrite it. */
interface Reply {
  status: number;
  headers?: OutgoingHttpHeaders;
  /** JSON value to serialise; exactly one of `json` and `text` is set. */
  json?: unknown;
  /** Non-JSON body (HTML unless `headers` say otherwise). */
  text?: string;
  /**
   * Where `huge` adds entries and `deep` puts its nesting: a path to an array or object inside `json`
   * (`[]` is the top level). `item(i)` is one extra array element, or one `[key, value]` for an object.
   * Without it, `huge` pads with trailing whitespace (still valid JSON) and `deep` replaces a JSON body whole.
   */
  bulk?: { at: readonly (string | number)[]; item: (index: number) => unknown };
  /** The body of `wrong-types`; {@link DEFAULT_WRONG_TYPES} when absent. */
  wrongTypes?: unknown;
}

type Router = (request: StandInRequest, baseUrl: string) => Reply;

const JSON_TYPE = 'application/json; charset=utf-8';
const HTML_TYPE = 'text/html; charset=utf-8';
/** `wrong-types` answer for replies that have no shape of their own (404s, HTML pages). */
const DEFAULT_WRONG_TYPES = { ok: 'yes', nodes: 5 };

/**
 * Starts the server every stand-in is built on. The router produces the documented answer; this function
 * decides what actually goes on the wire according to the current {@link BreakMode}.
 */
async function startCore(kind: string, options: StandInOptions, router: Router): Promise<StandIn> {
  let mode: BreakMode = options.mode ?? 'ok';
  const knobs: Required<BreakModeOptions> = {
    retryAfterSeconds: options.retryAfterSeconds ?? 30,
    dripIntervalMs: options.dripIntervalMs ?? 500,
    announceLength: options.announceLength ?? false,
  };
  let responseDelayMs = options.responseDelayMs ?? 0;
  const requests: StandInRequest[] = [];
  // Tracked so close() can end connections that will never finish on their own (hang, drip, keep-alive).
  const sockets = new Set<Socket>();
  const timeouts = new Set<NodeJS.Timeout>();
  const intervals = new Set<NodeJS.Timeout>();
  let baseUrl = '';

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    // A client that gives up mid-answer (AbortSignal.timeout on a drip) makes writes fail; that is expected
    // and must neither crash the test process nor print anything.
    res.on('error', () => {});
    const record = recordRequest(req);
    requests.push(record);
    // Mode and knobs are read on arrival: a test that flips the mode affects the next request, not one in flight.
    const arrivalMode = mode;
    const arrivalKnobs = { ...knobs };
    if (arrivalMode === 'hang') return;
    if (options.redirectTo !== undefined) {
      send(res, 302, { Location: `${options.redirectTo}${record.url}`, 'Content-Type': 'text/plain' }, 'Found');
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    const answer = () => {
      if (res.destroyed) return;
      try {
        respond(arrivalMode, arrivalKnobs, record, res);
      } catch (error) {
        // A router bug should show up as a failing test, not as a hang.
        if (!res.headersSent) send(res, 500, { 'Content-Type': 'text/plain' }, `stand-in ${kind} failed: ${String(error)}`);
        else res.destroy();
      }
    };
    // The body is read first (a POST's JSON is part of what a router answers to), then the delay applies.
    req.once('end', () => {
      record.body = Buffer.concat(chunks).toString('utf8');
      if (responseDelayMs > 0) later(responseDelayMs, answer);
      else answer();
    });
  };
  const server = options.tls === undefined ? http.createServer(handler) : https.createServer({ cert: readFileSync(options.tls.certPath), key: readFileSync(options.tls.keyPath) }, handler);
  // For TLS, 'connection' gives the TCP socket underneath, which is what close() must end.
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  // Servers log nothing: swallow errors that would otherwise be unhandled 'error' events.
  server.on('error', () => {});
  server.on('clientError', (_error, socket) => socket.destroy());

  function later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      timeouts.delete(timer);
      fn();
    }, ms);
    timeouts.add(timer);
  }

  function respond(current: BreakMode, k: Required<BreakModeOptions>, record: StandInRequest, res: ServerResponse): void {
    // Modes that do not depend on what the path would normally answer.
    switch (current) {
      case 'status-429':
        send(res, 429, { 'Content-Type': HTML_TYPE, 'Retry-After': String(k.retryAfterSeconds) }, page('429 Too Many Requests', '<h1>Too Many Requests</h1><p>Slow down.</p>'));
        return;
      case 'status-500':
        send(res, 500, { 'Content-Type': HTML_TYPE }, page('500 Internal Server Error', '<h1>Internal Server Error</h1>'));
        return;
      case 'html':
        send(res, 200, { 'Content-Type': HTML_TYPE }, page('Sign in to continue', '<h1>Sign in</h1><p>Please enable JavaScript and sign in to access the network.</p><form method="post"><input name="user"><button>Continue</button></form>'));
        return;
      case 'catch-all':
        send(res, 200, { 'Content-Type': HTML_TYPE }, page('Welcome!', '<h1>This domain is parked</h1><p>Everything is great here! Interested in this domain? Make an offer today.</p>'));
        return;
      case 'json-catch-all':
        send(res, 200, { 'Content-Type': JSON_TYPE }, '{"ok":true}');
        return;
      case 'error':
        send(res, 200, { 'Content-Type': JSON_TYPE }, JSON.stringify({ ok: 0, error: 'limit_exceeded' }));
        return;
      default:
        break;
    }

    const reply = router(record, baseUrl);
    const isJson = reply.json !== undefined;
    const headers: OutgoingHttpHeaders = { 'Content-Type': isJson ? JSON_TYPE : HTML_TYPE, ...reply.headers };
    const text = isJson ? JSON.stringify(reply.json) : (reply.text ?? '');

    switch (current) {
      case 'ok':
        send(res, reply.status, headers, text);
        return;
      case 'truncated':
        // Content-Length matches the half body: the exchange is clean, only the parser can tell.
        send(res, reply.status, headers, text.slice(0, Math.floor(text.length / 2)));
        return;
      case 'wrong-types':
        send(res, reply.status, { ...headers, 'Content-Type': JSON_TYPE }, JSON.stringify(reply.wrongTypes ?? DEFAULT_WRONG_TYPES));
        return;
      case 'deep':
        send(res, reply.status, headers, deepBody(reply, text));
        return;
      case 'huge': {
        const body = hugeBody(reply, text);
        if (k.announceLength) {
          send(res, reply.status, headers, body);
        } else {
          // Without Content-Length Node sends the body chunked; a client must count bytes to notice the size.
          res.writeHead(reply.status, headers);
          res.end(body);
        }
        return;
      }
      case 'drip':
        drip(res, headers, text, k.dripIntervalMs);
        return;
      default:
        throw new Error(`unhandled mode ${current}`);
    }
  }

  function drip(res: ServerResponse, headers: OutgoingHttpHeaders, text: string, intervalMs: number): void {
    // The documented body minus its last byte, then spaces: the JSON never completes and the stream never ends.
    const bytes = Buffer.from(text.slice(0, -1));
    let sent = 0;
    res.writeHead(200, headers);
    res.flushHeaders();
    const stop = () => {
      clearInterval(timer);
      intervals.delete(timer);
    };
    const tick = () => {
      if (res.destroyed || res.writableEnded) return stop();
      res.write(sent < bytes.length ? bytes.subarray(sent, sent + 1) : ' ');
      sent += 1;
    };
    const timer = setInterval(tick, intervalMs);
    intervals.add(timer);
    res.once('close', stop);
    tick();
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error(`${kind} stand-in: unexpected server address`);
  const port = address.port;
  announceLoopbackPort(port);
  baseUrl = `${options.tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}`;
  let closing: Promise<void> | undefined;

  function matches(record: StandInRequest, path: string): boolean {
    return path.endsWith('*') ? record.path.startsWith(path.slice(0, -1)) : record.path === path;
  }

  const standIn: StandIn = {
    kind,
    port,
    baseUrl,
    get requests() {
      return requests;
    },
    get mode() {
      return mode;
    },
    setMode(next, modeOptions = {}) {
      mode = next;
      if (modeOptions.retryAfterSeconds !== undefined) knobs.retryAfterSeconds = modeOptions.retryAfterSeconds;
      if (modeOptions.dripIntervalMs !== undefined) knobs.dripIntervalMs = modeOptions.dripIntervalMs;
      if (modeOptions.announceLength !== undefined) knobs.announceLength = modeOptions.announceLength;
    },
    setResponseDelay(ms) {
      responseDelayMs = ms;
    },
    requestsTo(path) {
      return requests.filter((record) => matches(record, path));
    },
    waitForRequests(path, count = 1, waitOptions = {}) {
      return waitFor(
        () => {
          const found = standIn.requestsTo(path);
          return found.length >= count ? found : undefined;
        },
        { timeoutMs: waitOptions.timeoutMs ?? 10_000, intervalMs: 25, message: `${count} request(s) to ${kind} ${path}` },
      );
    },
    clearRequests() {
      requests.length = 0;
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const timer of timeouts) clearTimeout(timer);
        for (const timer of intervals) clearInterval(timer);
        timeouts.clear();
        intervals.clear();
        // close() only stops accepting and waits for open connections; destroying them is what makes it prompt.
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
  return standIn;
}

/**
 * Adds `extras` to a stand-in without evaluating its getters (which `Object.assign` would do, freezing
 * live values such as `nodes` or `state` at their first value).
 */
function extend<T extends StandIn, E extends object>(core: T, extras: E): T & E {
  return Object.defineProperties(core, Object.getOwnPropertyDescriptors(extras)) as T & E;
}

function recordRequest(req: http.IncomingMessage): StandInRequest {
  const url = req.url ?? '/';
  // The base is irrelevant (only path and query are read) and deliberately ignores the Host header.
  const parsed = new URL(url, 'http://stand-in.invalid');
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of parsed.searchParams) {
    const existing = query[key];
    if (existing === undefined) query[key] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else query[key] = [existing, value];
  }
  return {
    time: Date.now(),
    method: req.method ?? 'GET',
    path: parsed.pathname,
    query,
    headers: req.headers,
    host: req.headers.host ?? '',
    url,
    body: '',
  };
}

function send(res: ServerResponse, status: number, headers: OutgoingHttpHeaders, body: string | Buffer): void {
  res.writeHead(status, { ...headers, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

const BULK_MARK = '\u0000stand-in bulk\u0000';

/**
 * Splits the serialised reply around its bulk container: `head` + container + `tail`, with the container's
 * own entries as `inner` (without brackets). Works on any path by serialising a marker in its place.
 */
function splitAtBulk(reply: Reply): { head: string; tail: string; inner: string; isArray: boolean } | undefined {
  if (!reply.bulk || reply.json === undefined) return undefined;
  const at = reply.bulk.at;
  if (at.length === 0) {
    const container = reply.json;
    if (container === null || typeof container !== 'object') return undefined;
    return { head: '', tail: '', inner: JSON.stringify(container).slice(1, -1), isArray: Array.isArray(container) };
  }
  const copy = structuredClone(reply.json) as Record<string | number, unknown>;
  let parent: unknown = copy;
  for (const key of at.slice(0, -1)) parent = (parent as Record<string | number, unknown> | null)?.[key];
  const lastKey = at[at.length - 1] as string | number;
  const holder = parent as Record<string | number, unknown> | null | undefined;
  const container = holder?.[lastKey];
  if (!holder || container === null || typeof container !== 'object') return undefined;
  holder[lastKey] = BULK_MARK;
  const text = JSON.stringify(copy);
  const marker = JSON.stringify(BULK_MARK);
  const index = text.indexOf(marker);
  return {
    head: text.slice(0, index),
    tail: text.slice(index + marker.length),
    inner: JSON.stringify(container).slice(1, -1),
    isArray: Array.isArray(container),
  };
}

function hugeBody(reply: Reply, text: string): Buffer {
  const split = splitAtBulk(reply);
  if (!split || !reply.bulk) {
    // No natural container: trailing whitespace keeps the body valid JSON (or HTML) of the right size.
    return Buffer.concat([Buffer.from(text), Buffer.alloc(Math.max(0, HUGE_BODY_BYTES - text.length + 1), ' ')]);
  }
  const parts: string[] = [split.head, split.isArray ? '[' : '{'];
  let size = split.head.length + split.tail.length + split.inner.length + 3;
  for (let index = 0; size <= HUGE_BODY_BYTES; index += 1) {
    const item = reply.bulk.item(index);
    const entry = split.isArray
      ? JSON.stringify(item)
      : `${JSON.stringify((item as [string, unknown])[0])}:${JSON.stringify((item as [string, unknown])[1])}`;
    const piece = index === 0 ? entry : `,${entry}`;
    parts.push(piece);
    size += piece.length;
  }
  // The real entries come last, so the documented content is still there for a parser that gets that far.
  if (split.inner) parts.push(`,${split.inner}`);
  parts.push(split.isArray ? ']' : '}', split.tail);
  return Buffer.from(parts.join(''));
}

function deepBody(reply: Reply, text: string): string {
  const nested = '['.repeat(DEEP_NESTING_LEVELS) + ']'.repeat(DEEP_NESTING_LEVELS);
  const split = splitAtBulk(reply);
  if (!split) return reply.json === undefined ? text : nested;
  return split.head + nested + split.tail;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function page(title: string, bodyHtml: string): string {
  return `<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>\n<body>\n${bodyHtml}\n</body>\n</html>\n`;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function list(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * Closes every stand-in given (skipping `undefined`, so it fits an `afterEach` where a start may have failed)
 * and waits for all of them, even when one rejects; the first error is rethrown afterwards.
 */
export async function stopAll(...standIns: ReadonlyArray<{ close(): Promise<void> } | undefined | null>): Promise<void> {
  const results = await Promise.allSettled(standIns.map((standIn) => standIn?.close()));
  const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure) throw failure.reason;
}

// ---------------------------------------------------------------------------------------------------------
// check-host.net
// ---------------------------------------------------------------------------------------------------------

/**
 * One HTTP check result as check-host reports it per node: `[ok, seconds, message, httpCode, ip]`.
 * `ok` is 1 for 2xx/3xx (check-host does not follow redirects), 0 otherwise (including 429);
 * `httpCode` is a string, `null` when no HTTP answer came (timeout, refused). The doc's example omits the
 * trailing ip, so the 4-element form is accepted too.
 */
export type HttpCheckResult =
  | readonly [ok: 0 | 1, seconds: number, message: string, httpCode: string | null]
  | readonly [ok: 0 | 1, seconds: number, message: string, httpCode: string | null, ip: string | null];

/** One check-host node and what it will report for the next checks. */
export interface CheckHostNode {
  /** Node host name, e.g. `us1.node.check-host.net`. */
  node: string;
  /** `[country code, country, city]`, e.g. `['us', 'USA', 'Los Angeles']`. */
  location: readonly [countryCode: string, country: string, city: string];
  /** Node's own address in the start answer. Default: a documentation-range address. */
  ip?: string;
  /** Node's AS in the start answer. Default: a private-use AS number. */
  asn?: string;
  /** What the node reports; `null` means it never reports (stays `null` in every poll). */
  result: HttpCheckResult | null;
  /** Report only this long after the check started (overrides {@link CheckHostOptions.delayResultsMs}). */
  delayMs?: number;
}

/** A check the stand-in started, frozen at start: later {@link CheckHostStandIn.setNodes} calls do not change it. */
export interface StartedCheck {
  /** Hex id from the start answer (`request_id`). */
  readonly id: string;
  /** The `host` parameter as sent. */
  readonly host: string;
  /** `Date.now()` at start; nodes report `delayMs` after it. */
  readonly startedAt: number;
  /** The nodes that take part, with the outcome each will report. */
  readonly nodes: readonly CheckHostNode[];
  /** Default report delay captured at start. */
  readonly delayMs: number;
}

/** Options for {@link startCheckHost}. */
export interface CheckHostOptions extends StandInOptions {
  /** The node pool and outcomes. Default {@link allUp}`()` (7 nodes answering 200). */
  nodes?: readonly CheckHostNode[];
  /** Nodes report only this long after the check started; before that their value is `null`. Default 0. */
  delayResultsMs?: number;
  /**
   * Answer JSON only to `Accept: application/json`, like the real API; otherwise its HTML web page (200).
   * Default `true`, so an extension that forgets the header sees what it would see in production.
   */
  requireAcceptJson?: boolean;
}

/** Handle returned by {@link startCheckHost}. */
export interface CheckHostStandIn extends StandIn {
  /** The node pool for checks started from now on. */
  readonly nodes: readonly CheckHostNode[];
  /** Replaces the node pool (and outcomes) for checks started from now on; running checks keep theirs. */
  setNodes(nodes: readonly CheckHostNode[]): void;
  /** Changes {@link CheckHostOptions.delayResultsMs} for checks started from now on. */
  setDelayResults(ms: number): void;
  /**
   * The `host` parameter of every `/check-http` request received, in order, whatever was answered (a 429
   * counts: the request was made). `checksStarted().length` is the number of check starts.
   */
  checksStarted(): string[];
  /** Checks that were actually started (answered with a `request_id`), oldest first. */
  checks(): readonly StartedCheck[];
  /** Number of `/check-result/<id>` requests, for one id or for all. */
  resultPolls(requestId?: string): number;
}

/** Address every node "resolved" the checked host to (TEST-NET-3). */
const TARGET_IP = '203.0.113.10';

/**
 * A pool of realistic check-host node names and locations; {@link allUp}, {@link allDown} and {@link mixed}
 * take nodes from the front. Addresses are documentation ranges and AS numbers private-use ones.
 */
export const CHECK_HOST_NODES: readonly Omit<CheckHostNode, 'result' | 'delayMs'>[] = (
  [
  ['us1', 'us', 'USA', 'Los Angeles'],
  ['de1', 'de', 'Germany', 'Nuremberg'],
  ['fr2', 'fr', 'France', 'Paris'],
  ['nl1', 'nl', 'Netherlands', 'Amsterdam'],
  ['uk1', 'gb', 'UK', 'Coventry'],
  ['jp1', 'jp', 'Japan', 'Tokyo'],
  ['br1', 'br', 'Brazil', 'Sao Paulo'],
  ['sg1', 'sg', 'Singapore', 'Singapore'],
  ['in1', 'in', 'India', 'Mumbai'],
  ['fi1', 'fi', 'Finland', 'Helsinki'],
  ['pl1', 'pl', 'Poland', 'Poznan'],
  ['ch1', 'ch', 'Switzerland', 'Zurich'],
  ] as const
).map(([name, cc, country, city], index) => ({
  node: `${name}.node.check-host.net`,
  location: [cc, country, city] as const,
  ip: `198.51.100.${index + 11}`,
  asn: `AS${64_512 + index}`,
}));

function catalogNode(index: number): Omit<CheckHostNode, 'result' | 'delayMs'> {
  return (
    CHECK_HOST_NODES[index] ?? {
      node: `x${index + 1}.node.check-host.net`,
      location: ['us', 'USA', `Test City ${index + 1}`],
      ip: `198.51.100.${(index % 200) + 50}`,
      asn: `AS${64_512 + index}`,
    }
  );
}

/**
 * What one node reports for an HTTP status `code` (reason phrase as message, `ok` 1 for 2xx/3xx), or for
 * `'timeout'` (`[0, 10, 'Connection timed out', null, null]`) and `'refused'`. `seconds` defaults to a
 * plausible round-trip time.
 */
export function httpCheckResult(code: number | 'timeout' | 'refused', seconds = 0.131): HttpCheckResult {
  if (code === 'timeout') return [0, 10.0, 'Connection timed out', null, null];
  if (code === 'refused') return [0, seconds, 'Connection refused', null, TARGET_IP];
  const ok = code >= 200 && code < 400 ? 1 : 0;
  return [ok, seconds, http.STATUS_CODES[code] ?? 'Unknown', String(code), TARGET_IP];
}

function nodesWith(count: number, offset: number, code: number | 'timeout' | 'refused'): CheckHostNode[] {
  return Array.from({ length: count }, (_, i) => ({
    ...catalogNode(offset + i),
    result: httpCheckResult(code, Number((0.09 + (offset + i) * 0.017).toFixed(3))),
  }));
}

/** `n` nodes that all got `200 OK`. */
export function allUp(n = 7): CheckHostNode[] {
  return nodesWith(n, 0, 200);
}

/** `n` nodes that all got `code` (an HTTP status, or `'timeout'` / `'refused'`). */
export function allDown(code: number | 'timeout' | 'refused' = 502, n = 7): CheckHostNode[] {
  return nodesWith(n, 0, code);
}

/** `up` nodes that got 200 followed by `down` nodes that got `code` (default 502). */
export function mixed(up: number, down: number, code: number | 'timeout' | 'refused' = 502): CheckHostNode[] {
  return [...nodesWith(up, 0, 200), ...nodesWith(down, up, code)];
}

function newRequestId(taken: Map<string, StartedCheck>): string {
  for (;;) {
    const id = randomBytes(4).toString('hex');
    if (!taken.has(id)) return id;
  }
}

/**
 * Starts a check-host.net stand-in: `GET /check-http?host=...&max_nodes=N` (or repeated `node=`),
 * `GET /check-result/<id>`, `GET /check-report/<id>` (HTML), `GET /nodes/hosts`.
 */
export async function startCheckHost(options: CheckHostOptions = {}): Promise<CheckHostStandIn> {
  let nodes: readonly CheckHostNode[] = options.nodes ?? allUp();
  let delayResultsMs = options.delayResultsMs ?? 0;
  const requireAcceptJson = options.requireAcceptJson ?? true;
  const started = new Map<string, StartedCheck>();

  const notFound = (): Reply => ({ status: 404, json: { error: 'not_found' } });
  const webPage = (title: string): Reply => ({
    status: 200,
    text: page(`${title} - Check host - online website monitoring`, `<h1>${escapeHtml(title)}</h1><p>Check website availability from many locations.</p>`),
  });

  const router: Router = (request, baseUrl) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return { status: 405, headers: { Allow: 'GET, HEAD' }, json: { error: 'method_not_allowed' } };
    }
    const wantsJson = /application\/json/i.test(request.headers.accept ?? '');
    const path = request.path;

    if (path === '/check-http') {
      if (requireAcceptJson && !wantsJson) return webPage('Check website');
      const host = single(request.query.host);
      if (!host) return { status: 200, json: { ok: 0, error: 'host_required' } };
      const asked = list(request.query.node);
      const maxNodes = Number.parseInt(single(request.query.max_nodes) ?? '', 10);
      // Explicit nodes win; unknown names are skipped. max_nodes takes the first N of the pool.
      let chosen: readonly CheckHostNode[];
      if (asked.length > 0) chosen = nodes.filter((node) => asked.includes(node.node));
      else if (Number.isFinite(maxNodes) && maxNodes > 0) chosen = nodes.slice(0, maxNodes);
      else chosen = nodes;
      const id = newRequestId(started);
      started.set(id, { id, host, startedAt: Date.now(), nodes: chosen, delayMs: delayResultsMs });
      const nodeMap = Object.fromEntries(
        chosen.map((node, i) => [node.node, [...node.location, node.ip ?? `198.51.100.${i + 1}`, node.asn ?? `AS${64_512 + i}`]]),
      );
      return {
        status: 200,
        json: { ok: 1, request_id: id, permanent_link: `${baseUrl}/check-report/${id}`, nodes: nodeMap },
        bulk: {
          at: ['nodes'],
          item: (i) => [`pad${i}.node.check-host.net`, ['us', 'USA', 'Los Angeles', `198.51.100.${i % 250}`, `AS${64_512 + (i % 1000)}`]],
        },
        wrongTypes: { ok: 'yes', request_id: 806, permanent_link: null, nodes: 5 },
      };
    }

    const resultMatch = /^\/check-result\/([^/]+)$/.exec(path);
    if (resultMatch) {
      if (requireAcceptJson && !wantsJson) return webPage('Check result');
      const check = started.get(decodeURIComponent(resultMatch[1] ?? ''));
      if (!check) return notFound();
      const elapsed = Date.now() - check.startedAt;
      const map = Object.fromEntries(
        check.nodes.map((node) => {
          const reported = node.result !== null && elapsed >= (node.delayMs ?? check.delayMs);
          // Per node a list of results (one per check); null while the node has not reported.
          return [node.node, reported ? [node.result] : null];
        }),
      );
      return {
        status: 200,
        json: map,
        bulk: { at: [], item: (i) => [`pad${i}.node.check-host.net`, [[1, 0.131, 'OK', '200', TARGET_IP]]] },
        wrongTypes: Object.fromEntries(check.nodes.map((node, i) => [node.node, i % 2 === 0 ? 'OK' : [['1', '0.131', 200]]])),
      };
    }

    const reportMatch = /^\/check-report\/([^/]+)$/.exec(path);
    if (reportMatch) {
      const check = started.get(decodeURIComponent(reportMatch[1] ?? ''));
      if (!check) return { status: 404, text: page('Not found', '<h1>Report not found</h1>') };
      return webPage(`Check report: ${check.host}`);
    }

    if (path === '/nodes/hosts') {
      if (requireAcceptJson && !wantsJson) return webPage('Nodes');
      return {
        status: 200,
        json: { nodes: Object.fromEntries(nodes.map((node, i) => [node.node, { location: [...node.location], ip: node.ip ?? `198.51.100.${i + 1}` }])) },
        bulk: { at: ['nodes'], item: (i) => [`pad${i}.node.check-host.net`, { location: ['us', 'USA', 'Los Angeles'], ip: `198.51.100.${i % 250}` }] },
        wrongTypes: { nodes: 5 },
      };
    }

    return notFound();
  };

  const core = await startCore('check-host', options, router);
  return extend(core, {
    get nodes() {
      return nodes;
    },
    setNodes(next: readonly CheckHostNode[]) {
      nodes = [...next];
    },
    setDelayResults(ms: number) {
      delayResultsMs = ms;
    },
    checksStarted() {
      return core.requestsTo('/check-http').map((record) => single(record.query.host) ?? '');
    },
    checks() {
      return [...started.values()];
    },
    resultPolls(requestId?: string) {
      const polls = core.requestsTo('/check-result/*');
      return requestId === undefined ? polls.length : polls.filter((record) => record.path === `/check-result/${requestId}`).length;
    },
  }) as CheckHostStandIn;
}

// ---------------------------------------------------------------------------------------------------------
// Globalping (jsDelivr's measurement network)
// ---------------------------------------------------------------------------------------------------------

/** What one Globalping probe will report: an HTTP status, no connection (`'refused'`, `'timeout'`), or never (`null`). */
export type GlobalpingOutcome = number | 'refused' | 'timeout' | null;

/** One probe and what it reports for the next measurements. */
export interface GlobalpingProbe {
  /** Where the probe is, as `results[].probe` says it. */
  readonly location: { continent: string; country: string; city: string; asn: number; network: string };
  readonly outcome: GlobalpingOutcome;
  /** Report only this long after the measurement started (overrides {@link GlobalpingOptions.delayResultsMs}). */
  readonly delayMs?: number;
}

/** Options for {@link startGlobalping}. */
export interface GlobalpingOptions extends StandInOptions {
  /** The probe pool and outcomes. Default {@link globalpingProbes}`(200)`. */
  probes?: readonly GlobalpingProbe[];
  /** Probes report only this long after the measurement started; before, the measurement is `in-progress`. Default 0. */
  delayResultsMs?: number;
  /** Tests left this hour for the one client (one per probe, as the real limit counts). Default 250. */
  testsLeft?: number;
}

/** A measurement the stand-in started, frozen at start. */
export interface StartedMeasurement {
  readonly id: string;
  /** The request body as sent (parsed JSON). */
  readonly request: { readonly target?: unknown; readonly limit?: unknown; readonly measurementOptions?: unknown; readonly [key: string]: unknown };
  readonly startedAt: number;
  readonly probes: readonly GlobalpingProbe[];
  readonly delayMs: number;
}

/** Handle returned by {@link startGlobalping}. */
export interface GlobalpingStandIn extends StandIn {
  /** Replaces the probe pool for measurements started from now on. */
  setProbes(probes: readonly GlobalpingProbe[]): void;
  /** Changes {@link GlobalpingOptions.delayResultsMs} for measurements started from now on. */
  setDelayResults(ms: number): void;
  /** Sets the tests left this hour; 0 makes the next create a `429`. */
  setTestsLeft(n: number): void;
  /** The `target` of every `POST /v1/measurements`, in order, whatever was answered. */
  targets(): string[];
  /** Measurements actually started (answered 202), oldest first. */
  measurements(): readonly StartedMeasurement[];
}

/** Realistic probe locations (documentation ASNs); {@link globalpingProbes} takes them from the front. */
export const GLOBALPING_LOCATIONS: readonly GlobalpingProbe['location'][] = (
  [
    ['EU', 'DE', 'Frankfurt', 'Hetzner Online GmbH'],
    ['NA', 'US', 'Ashburn', 'Amazon.com, Inc.'],
    ['AS', 'JP', 'Tokyo', 'Vultr Holdings, LLC'],
    ['SA', 'BR', 'Sao Paulo', 'Oracle Corporation'],
    ['OC', 'AU', 'Sydney', 'DigitalOcean, LLC'],
    ['EU', 'GB', 'London', 'OVH SAS'],
    ['AS', 'SG', 'Singapore', 'Google LLC'],
    ['AF', 'ZA', 'Johannesburg', 'Microsoft Corporation'],
  ] as const
).map(([continent, country, city, network], i) => ({ continent, country, city, asn: 64_600 + i, network }));

/** `n` probes that all report `outcome` (default 5). */
export function globalpingProbes(outcome: GlobalpingOutcome, n = 5): GlobalpingProbe[] {
  return Array.from({ length: n }, (_, i) => ({
    location: GLOBALPING_LOCATIONS[i % GLOBALPING_LOCATIONS.length] ?? { continent: 'EU', country: 'DE', city: `City ${i}`, asn: 64_600 + i, network: 'Example' },
    outcome,
  }));
}

/** One `results[]` entry as Globalping reports it (shapes from `public/v1/spec.yaml`). */
function globalpingResult(probe: GlobalpingProbe, reported: boolean, https: boolean): unknown {
  const where = { ...probe.location, region: 'Example Region', state: null, longitude: 0, latitude: 0, tags: ['datacenter-network'], resolvers: ['private'] };
  if (!reported || probe.outcome === null) return { probe: where, result: { status: 'in-progress', rawOutput: '' } };
  if (probe.outcome === 'refused' || probe.outcome === 'timeout') {
    const output = probe.outcome === 'refused' ? `connect ECONNREFUSED ${TARGET_IP}:${https ? 443 : 80}` : 'Timeout awaiting \'request\' for 10000ms';
    return { probe: where, result: { status: 'failed', failureSource: 'target', rawOutput: output } };
  }
  const code = probe.outcome;
  const name = http.STATUS_CODES[code] ?? 'Unknown';
  const headers = { server: 'nginx', date: new Date().toUTCString(), 'content-type': 'text/html', connection: 'close' };
  const rawHeaders = Object.entries(headers).map(([k, value]) => `${k}: ${value}`).join('\n');
  return {
    probe: where,
    result: {
      status: 'finished',
      rawHeaders,
      rawBody: null,
      truncated: false,
      headers,
      statusCode: code,
      statusCodeName: name,
      resolvedAddress: TARGET_IP,
      timings: { total: 120, dns: 10, tcp: 30, tls: https ? 40 : null, firstByte: 35, download: 5 },
      tls: null,
      rawOutput: `HTTP/1.1 ${code}\n${rawHeaders}`,
    },
  };
}

/** `{error: {type, message, params?}, links}` as every Globalping error answer. */
function globalpingError(status: number, type: string, message: string, extra: { params?: Record<string, string>; headers?: OutgoingHttpHeaders } = {}): Reply {
  return {
    status,
    ...(extra.headers !== undefined ? { headers: extra.headers } : {}),
    json: { error: { type, message, ...(extra.params !== undefined ? { params: extra.params } : {}) }, links: { documentation: 'https://globalping.io/docs/api.globalping.io' } },
  };
}

/** Private and other non-public literal targets Globalping refuses (`"target" must not be a private hostname`). */
function isPrivateTarget(target: string): boolean {
  if (target === 'localhost' || target.endsWith('.localhost')) return true;
  const bare = target.replace(/^\[|\]$/g, '');
  if (!ipaddr.isValid(bare)) return false;
  const parsed = ipaddr.process(bare);
  return parsed.range() !== 'unicast';
}

/**
 * Starts a Globalping stand-in: `POST /v1/measurements` (`202 {id, probesCount}` with `Location` and the
 * `X-RateLimit-*` headers; `400` for an invalid request or a private target; `429 rate_limit_exceeded` with
 * `X-RateLimit-Reset` once the tests of the hour are used up; `422 no_probes_found` with no probe) and
 * `GET /v1/measurements/{id}` (`in-progress` until every probe has reported, then `finished`; `404` for an unknown
 * id; `429 too_many_requests` with `Retry-After` when one measurement is polled more than twice a second).
 */
export async function startGlobalping(options: GlobalpingOptions = {}): Promise<GlobalpingStandIn> {
  let probes: readonly GlobalpingProbe[] = options.probes ?? globalpingProbes(200);
  let delayResultsMs = options.delayResultsMs ?? 0;
  let testsLeft = options.testsLeft ?? 250;
  const HOUR_S = 3600;
  const started = new Map<string, StartedMeasurement>();
  const polls = new Map<string, number[]>();

  const rateHeaders = (consumed: number): OutgoingHttpHeaders => ({
    'X-RateLimit-Limit': '250',
    'X-RateLimit-Consumed': String(consumed),
    'X-RateLimit-Remaining': String(testsLeft),
    'X-RateLimit-Reset': String(HOUR_S),
  });

  const router: Router = (request, baseUrl) => {
    if (request.path === '/v1/measurements') {
      if (request.method !== 'POST') return globalpingError(404, 'not_found', "Couldn't find the requested item.");
      let body: Record<string, unknown>;
      try {
        const parsed = JSON.parse(request.body) as unknown;
        if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
        body = parsed as Record<string, unknown>;
      } catch {
        return globalpingError(400, 'invalid_json', 'Invalid JSON body.');
      }
      const target = typeof body.target === 'string' ? body.target : '';
      const invalid = (field: string, message: string) =>
        globalpingError(400, 'validation_error', 'Parameter validation failed.', { params: { [field]: message } });
      if (body.type !== 'http') return invalid('type', '"type" must be one of [ping, traceroute, dns, mtr, http]');
      if (target === '') return invalid('target', '"target" is required');
      if (isPrivateTarget(target)) return invalid('target', '"target" must not be a private hostname');
      const limit = typeof body.limit === 'number' && Number.isInteger(body.limit) ? body.limit : 1;
      if (limit < 1 || limit > 50) return invalid('limit', '"limit" must be less than or equal to 50');
      const chosen = probes.slice(0, limit);
      if (chosen.length === 0) return globalpingError(422, 'no_probes_found', 'No matching IPv4 probes available.');
      if (chosen.length > testsLeft) {
        return globalpingError(429, 'rate_limit_exceeded', 'This measurement exceeds the remaining hourly rate limit for your IP address.', {
          headers: { ...rateHeaders(0), 'X-Request-Cost': String(chosen.length) },
        });
      }
      testsLeft -= chosen.length;
      const id = randomBytes(12).toString('base64url').slice(0, 16);
      started.set(id, { id, request: body, startedAt: Date.now(), probes: chosen, delayMs: delayResultsMs });
      return {
        status: 202,
        headers: { Location: `${baseUrl}/v1/measurements/${id}`, ...rateHeaders(chosen.length), 'X-Request-Cost': String(chosen.length) },
        json: { id, probesCount: chosen.length },
        wrongTypes: { id: 5, probesCount: 'five' },
      };
    }
    const one = /^\/v1\/measurements\/([^/]+)$/.exec(request.path);
    if (one && request.method === 'GET') {
      const id = decodeURIComponent(one[1] ?? '');
      const m = started.get(id);
      if (m === undefined) return globalpingError(404, 'not_found', "Couldn't find the requested item.");
      const now = Date.now();
      const recent = (polls.get(id) ?? []).filter((t) => t > now - 1000);
      recent.push(now);
      polls.set(id, recent);
      if (recent.length > 2) {
        return globalpingError(429, 'too_many_requests', 'Too many requests. Please retry in 1 second.', { headers: { 'Retry-After': '1' } });
      }
      const elapsed = now - m.startedAt;
      const options = (m.request.measurementOptions ?? {}) as { protocol?: unknown };
      const https = options.protocol !== 'HTTP';
      const reported = m.probes.map((p) => p.outcome !== null && elapsed >= (p.delayMs ?? m.delayMs));
      const finished = reported.every(Boolean) || elapsed >= 30_000;
      return {
        status: 200,
        json: {
          id,
          type: 'http',
          status: finished ? 'finished' : 'in-progress',
          createdAt: iso(m.startedAt),
          updatedAt: iso(now),
          target: m.request.target,
          probesCount: m.probes.length,
          locations: m.request.locations,
          limit: m.request.limit,
          measurementOptions: m.request.measurementOptions,
          results: m.probes.map((p, i) => globalpingResult(p, reported[i] ?? false, https)),
        },
        bulk: { at: ['results'], item: () => globalpingResult(globalpingProbes(200, 1)[0]!, true, https) },
        wrongTypes: { id, status: 7, results: 'none' },
      };
    }
    return globalpingError(404, 'not_found', "Couldn't find the requested item.");
  };

  const core = await startCore('globalping', options, router);
  return extend(core, {
    setProbes(next: readonly GlobalpingProbe[]) {
      probes = [...next];
    },
    setDelayResults(ms: number) {
      delayResultsMs = ms;
    },
    setTestsLeft(n: number) {
      testsLeft = n;
    },
    targets() {
      return core.requestsTo('/v1/measurements').filter((r) => r.method === 'POST').map((r) => {
        try {
          return String((JSON.parse(r.body) as { target?: unknown }).target ?? '');
        } catch {
          return '';
        }
      });
    },
    measurements() {
      return [...started.values()];
    },
  }) as GlobalpingStandIn;
}

// ---------------------------------------------------------------------------------------------------------
// A site's own status page: Atlassian Statuspage, Instatus, Better Stack; and Cloudflare's
// ---------------------------------------------------------------------------------------------------------

/** Which vendor's API the status page speaks. */
export type StatusPageVendor = 'statuspage' | 'instatus' | 'betterstack';

/**
 * What the page says. Statuspage: `operational` = indicator `none`, `degraded` = `minor`, `major` = `major`,
 * `critical` = `critical`, `maintenance` = `maintenance` (a real fifth indicator the doc does not list).
 * Instatus: `UP`, `HASISSUES` (degraded/major/critical, told apart by the incident's impact),
 * `UNDERMAINTENANCE`. Better Stack: `operational`, `degraded`, `downtime` (major/critical), `maintenance`.
 */
export type StatusPageState = 'operational' | 'degraded' | 'major' | 'critical' | 'maintenance';

/** Options for {@link startStatusPage}. */
export interface StatusPageOptions extends StandInOptions {
  vendor: StatusPageVendor;
  /** Default `operational`. */
  state?: StatusPageState;
  /** Page / company name. Default `Example`. */
  name?: string;
  /** The status page's own URL (`page.url`). Default `http://<Host header of the request>`. */
  url?: string;
  /** The company's site (Better Stack `company_url`). Default `https://example.com`. */
  siteUrl?: string;
  /** Statuspage `page.id`. Default `y2j98763l56x`. */
  pageId?: string;
}

/** Handle returned by {@link startStatusPage}. */
export interface StatusPageStandIn extends StandIn {
  readonly vendor: StatusPageVendor;
  readonly state: StatusPageState;
  /** Changes what every later answer says. */
  setState(state: StatusPageState): void;
  /** The JSON paths this vendor answers (everything else is a 404 page, `/` is the HTML status page). */
  readonly apiPaths: readonly string[];
}

/** Statuspage's top-level `status.indicator`. */
export type StatuspageIndicator = 'none' | 'minor' | 'major' | 'critical' | 'maintenance';

const INDICATOR_OF: Record<StatusPageState, StatuspageIndicator> = {
  operational: 'none',
  degraded: 'minor',
  major: 'major',
  critical: 'critical',
  maintenance: 'maintenance',
};

/** Statuspage's own wording for each indicator. */
const DESCRIPTION_OF: Record<StatuspageIndicator, string> = {
  none: 'All Systems Operational',
  minor: 'Minor Service Outage',
  major: 'Partial System Outage',
  critical: 'Major Service Outage',
  maintenance: 'Service Under Maintenance',
};

const API_PATHS: Record<StatusPageVendor, readonly string[]> = {
  statuspage: [
    '/api/v2/summary.json',
    '/api/v2/status.json',
    '/api/v2/components.json',
    '/api/v2/incidents/unresolved.json',
    '/api/v2/scheduled-maintenances/active.json',
  ],
  instatus: ['/summary.json'],
  betterstack: ['/index.json'],
};

interface PageConfig {
  vendor: StatusPageVendor;
  state: StatusPageState;
  since: number;
  name: string;
  url: string | undefined;
  siteUrl: string;
  pageId: string;
  /** Cloudflare's setIndicator can reword the description. */
  description: string | undefined;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function statuspageDocuments(config: PageConfig, pageUrl: string) {
  const { state, pageId } = config;
  const created = iso(config.since - 30 * 24 * 3_600_000);
  const incidentStart = config.since - 20 * 60_000;
  const componentStatus: Record<StatusPageState, string> = {
    operational: 'operational',
    degraded: 'degraded_performance',
    major: 'partial_outage',
    critical: 'major_outage',
    maintenance: 'under_maintenance',
  };
  const component = (id: string, name: string, position: number, status: string) => ({
    id,
    name,
    status,
    created_at: created,
    updated_at: iso(config.since),
    position,
    description: null,
    showcase: true,
    start_date: null,
    group_id: null,
    page_id: pageId,
    group: false,
    only_show_if_degraded: false,
  });
  // The first component carries the trouble; the blended indicator follows the worst component.
  const components = [
    component('cmp0website1', 'Website', 1, componentStatus[state]),
    component('cmp0api00002', 'API', 2, state === 'major' || state === 'critical' ? 'partial_outage' : 'operational'),
    component('cmp0login003', 'Login', 3, 'operational'),
  ];
  const affected = components[0];
  const update = (incidentId: string, status: string, body: string) => ({
    id: `upd0${incidentId.slice(4)}`,
    status,
    body,
    incident_id: incidentId,
    created_at: iso(incidentStart),
    updated_at: iso(incidentStart),
    display_at: iso(incidentStart),
    affected_components: [{ code: affected?.id, name: affected?.name, old_status: 'operational', new_status: affected?.status }],
    deliver_notifications: true,
    custom_tweet: null,
    tweet_id: null,
  });
  const impactOf: Record<StatusPageState, string> = { operational: 'none', degraded: 'minor', major: 'major', critical: 'critical', maintenance: 'maintenance' };
  const incidents =
    state === 'degraded' || state === 'major' || state === 'critical'
      ? [
          {
            id: 'inc0stand1n1',
            name: 'Elevated error rates on Website',
            status: 'investigating',
            created_at: iso(incidentStart),
            updated_at: iso(incidentStart),
            monitoring_at: null,
            resolved_at: null,
            impact: impactOf[state],
            shortlink: 'https://stspg.io/stand1n1',
            started_at: iso(incidentStart),
            page_id: pageId,
            incident_updates: [update('inc0stand1n1', 'investigating', 'We are currently investigating this issue.')],
            components: [affected],
          },
        ]
      : [];
  const scheduledMaintenances =
    state === 'maintenance'
      ? [
          {
            id: 'mnt0stand1n1',
            name: 'Database upgrade',
            status: 'in_progress',
            created_at: iso(incidentStart - 86_400_000),
            updated_at: iso(incidentStart),
            monitoring_at: null,
            resolved_at: null,
            impact: 'maintenance',
            shortlink: 'https://stspg.io/mnt1n1',
            started_at: iso(incidentStart),
            page_id: pageId,
            incident_updates: [update('mnt0stand1n1', 'in_progress', 'Scheduled maintenance is currently in progress.')],
            components: [affected],
            scheduled_for: iso(incidentStart),
            scheduled_until: iso(incidentStart + 2 * 3_600_000),
          },
        ]
      : [];
  const indicator = INDICATOR_OF[state];
  const pageObject = { id: pageId, name: config.name, url: pageUrl, time_zone: 'Etc/UTC', updated_at: iso(config.since) };
  const status = { indicator, description: config.description ?? DESCRIPTION_OF[indicator] };
  return { page: pageObject, components, incidents, scheduled_maintenances: scheduledMaintenances, status };
}

function statuspageComponentPad(pageId: string) {
  return (i: number) => ({
    id: `pad${String(i).padStart(9, '0')}`,
    name: `Edge location ${i}`,
    status: 'operational',
    created_at: '2024-01-01T00:00:00.000Z',
    updated_at: '2024-01-01T00:00:00.000Z',
    position: i + 4,
    description: null,
    showcase: false,
    start_date: null,
    group_id: null,
    page_id: pageId,
    group: false,
    only_show_if_degraded: false,
  });
}

function statuspageRoute(config: PageConfig, path: string, pageUrl: string): Reply | undefined {
  const doc = statuspageDocuments(config, pageUrl);
  const pad = statuspageComponentPad(config.pageId);
  // Statuspage's public API is meant for cross-origin widgets and sends a wildcard CORS header.
  const headers = { 'Access-Control-Allow-Origin': '*' };
  const wrongPage = { id: 1, name: null, url: 5 };
  switch (path) {
    case '/api/v2/summary.json':
      return {
        status: 200,
        headers,
        json: doc,
        bulk: { at: ['components'], item: pad },
        wrongTypes: { page: wrongPage, components: {}, incidents: 'none', scheduled_maintenances: null, status: 'operational' },
      };
    case '/api/v2/status.json':
      return {
        status: 200,
        headers,
        json: { page: doc.page, status: doc.status },
        wrongTypes: { page: 'Example', status: { indicator: 0, description: null } },
      };
    case '/api/v2/components.json':
      return { status: 200, headers, json: { page: doc.page, components: doc.components }, bulk: { at: ['components'], item: pad }, wrongTypes: { page: wrongPage, components: 3 } };
    case '/api/v2/incidents/unresolved.json':
      return { status: 200, headers, json: { page: doc.page, incidents: doc.incidents }, wrongTypes: { page: wrongPage, incidents: {} } };
    case '/api/v2/scheduled-maintenances/active.json':
      return {
        status: 200,
        headers,
        json: { page: doc.page, scheduled_maintenances: doc.scheduled_maintenances },
        wrongTypes: { page: wrongPage, scheduled_maintenances: 'none' },
      };
    default:
      return undefined;
  }
}

function instatusRoute(config: PageConfig, path: string, pageUrl: string): Reply | undefined {
  if (path !== '/summary.json') return undefined;
  const { state } = config;
  const started = iso(config.since - 20 * 60_000);
  const status = state === 'operational' ? 'UP' : state === 'maintenance' ? 'UNDERMAINTENANCE' : 'HASISSUES';
  const impact = { degraded: 'DEGRADEDPERFORMANCE', major: 'PARTIALOUTAGE', critical: 'MAJOROUTAGE' } as const;
  const activeIncidents =
    state === 'degraded' || state === 'major' || state === 'critical'
      ? [{ id: 'clstandin0incident01', name: 'Elevated error rates on Website', started, status: 'INVESTIGATING', impact: impact[state], url: `${pageUrl}/incident/clstandin0incident01`, updatedAt: started }]
      : [];
  const activeMaintenances =
    state === 'maintenance'
      ? [{ id: 'clstandin0maint00001', name: 'Database upgrade', start: started, status: 'INPROGRESS', duration: 120, url: `${pageUrl}/maintenance/clstandin0maint00001`, updatedAt: started }]
      : [];
  return {
    status: 200,
    json: { page: { name: config.name, url: pageUrl, status }, activeIncidents, activeMaintenances },
    bulk: {
      at: ['activeMaintenances'],
      item: (i) => ({ id: `clpad${String(i).padStart(15, '0')}`, name: `Routine work ${i}`, start: '2024-01-01T00:00:00.000Z', status: 'NOTSTARTEDYET', duration: 60, url: `${pageUrl}/maintenance/${i}`, updatedAt: '2024-01-01T00:00:00.000Z' }),
    },
    wrongTypes: { page: { name: 5, url: null, status: true }, activeIncidents: 'none', activeMaintenances: {} },
  };
}

function betterstackRoute(config: PageConfig, path: string, pageUrl: string): Reply | undefined {
  if (path !== '/index.json') return undefined;
  const aggregate: Record<StatusPageState, string> = {
    operational: 'operational',
    degraded: 'degraded',
    major: 'downtime',
    critical: 'downtime',
    maintenance: 'maintenance',
  };
  const resource = (id: number, name: string, status: string) => ({
    id: String(id),
    type: 'status_page_resource',
    attributes: { status_page_section_id: 1, resource_id: id, resource_type: 'Monitor', public_name: name, explanation: '', position: id, status, availability: 0.9993 },
  });
  const host = new URL(pageUrl).hostname;
  return {
    status: 200,
    json: {
      data: {
        id: '123456',
        type: 'status_page',
        attributes: {
          company_name: config.name,
          company_url: config.siteUrl,
          contact_url: null,
          logo_url: null,
          timezone: 'UTC',
          subdomain: config.name.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
          custom_domain: host,
          announcement: null,
          aggregate_state: aggregate[config.state],
        },
      },
      included: [resource(1, 'Website', aggregate[config.state]), resource(2, 'API', 'operational')],
    },
    bulk: { at: ['included'], item: (i) => resource(1000 + i, `Monitor ${i}`, 'operational') },
    wrongTypes: { data: [{ id: 123456, type: 'status_page', attributes: { aggregate_state: 1 } }] },
  };
}

async function startPage(kind: string, options: StatusPageOptions, extra: { description?: string }): Promise<StatusPageStandIn & { readonly config: PageConfig }> {
  const config: PageConfig = {
    vendor: options.vendor,
    state: options.state ?? 'operational',
    since: Date.now(),
    name: options.name ?? 'Example',
    url: options.url,
    siteUrl: options.siteUrl ?? 'https://example.com',
    pageId: options.pageId ?? 'y2j98763l56x',
    description: extra.description,
  };
  const router: Router = (request) => {
    // Real pages live at their own name; the tests reach this one under any mapped name, so follow the Host.
    const pageUrl = config.url ?? `http://${request.host || 'status.example.com'}`;
    if (request.method !== 'GET' && request.method !== 'HEAD') return { status: 405, headers: { Allow: 'GET, HEAD' }, text: page('405', '<h1>Method Not Allowed</h1>') };
    const route = config.vendor === 'statuspage' ? statuspageRoute : config.vendor === 'instatus' ? instatusRoute : betterstackRoute;
    const reply = route(config, request.path, pageUrl);
    if (reply) return reply;
    if (request.path === '/') {
      const words = { operational: 'All Systems Operational', degraded: 'Degraded Performance', major: 'Partial Outage', critical: 'Major Outage', maintenance: 'Under Maintenance' }[config.state];
      return { status: 200, text: page(`${config.name} Status`, `<h1>${escapeHtml(config.name)} Status</h1><p>${words}</p>`) };
    }
    // Like the real hosted pages: an HTML 404, including for the other vendors' JSON paths.
    return { status: 404, text: page('Page not found', '<h1>404</h1><p>The page you are looking for does not exist.</p>') };
  };
  const core = await startCore(kind, options, router);
  return extend(core, {
    config,
    get vendor() {
      return config.vendor;
    },
    get state() {
      return config.state;
    },
    setState(state: StatusPageState) {
      config.state = state;
      config.since = Date.now();
      config.description = undefined;
    },
    apiPaths: API_PATHS[config.vendor],
  }) as StatusPageStandIn & { readonly config: PageConfig };
}

/**
 * Starts a stand-in for a site's own status page of the given vendor: Statuspage serves
 * `/api/v2/summary.json`, `/api/v2/status.json` (and `components.json`, `incidents/unresolved.json`,
 * `scheduled-maintenances/active.json`), Instatus `/summary.json`, Better Stack `/index.json`; the other
 * vendors' paths answer an HTML 404 and `/` the HTML status page.
 */
export async function startStatusPage(options: StatusPageOptions): Promise<StatusPageStandIn> {
  return startPage(options.vendor, options, {});
}

/** Options for {@link startCloudflareStatus}. */
export interface CloudflareStatusOptions extends StandInOptions {
  /** Initial indicator. Default `none`. */
  indicator?: StatuspageIndicator;
  /** Initial description. Default: Statuspage's wording for the indicator. */
  description?: string;
}

/** Handle returned by {@link startCloudflareStatus}: a Statuspage page named Cloudflare. */
export interface CloudflareStatusStandIn extends StatusPageStandIn {
  /**
   * Sets `status.indicator` and `status.description` (default: Statuspage's wording); the components and
   * incidents of summary.json follow the indicator.
   */
  setIndicator(indicator: StatuspageIndicator, description?: string): void;
}

/**
 * Starts a stand-in for `https://www.cloudflarestatus.com` (a Statuspage page): `/api/v2/status.json` with a
 * settable indicator and description, plus the rest of the Statuspage API.
 */
export async function startCloudflareStatus(options: CloudflareStatusOptions = {}): Promise<CloudflareStatusStandIn> {
  const stateOf = (indicator: StatuspageIndicator): StatusPageState =>
    (Object.keys(INDICATOR_OF) as StatusPageState[]).find((state) => INDICATOR_OF[state] === indicator) ?? 'operational';
  const standIn = await startPage(
    'cloudflare-status',
    {
      ...options,
      vendor: 'statuspage',
      state: stateOf(options.indicator ?? 'none'),
      name: 'Cloudflare',
      url: 'https://www.cloudflarestatus.com',
      siteUrl: 'https://www.cloudflare.com',
      pageId: 'yh6f0r4529hb',
    },
    { description: options.description },
  );
  return extend(standIn, {
    setIndicator(indicator: StatuspageIndicator, description?: string) {
      standIn.setState(stateOf(indicator));
      standIn.config.description = description;
    },
  }) as CloudflareStatusStandIn;
}

// ---------------------------------------------------------------------------------------------------------
// Self-hosted checkers: Uptime Kuma, Gatus
// ---------------------------------------------------------------------------------------------------------

/** A monitor's state; Uptime Kuma reports it as 0 down, 1 up, 2 pending, 3 maintenance. */
export type MonitorState = 'down' | 'up' | 'pending' | 'maintenance';

const KUMA_STATUS: Record<MonitorState, 0 | 1 | 2 | 3> = { down: 0, up: 1, pending: 2, maintenance: 3 };

/** One Uptime Kuma monitor on the status page. */
export interface KumaMonitor {
  /** Monitor id: the key in `heartbeatList`. */
  id: number;
  /** Shown by `/api/status-page/<slug>`. Default `Monitor <id>`. */
  name?: string;
  /**
   * The monitored link, published (`sendUrl: 1`, `url`) as Kuma does when the page shows it; absent: the page shows
   * only the name (`sendUrl: 0`, no `url`).
   */
  url?: string;
  state: MonitorState;
}

/** Options for {@link startUptimeKuma}. */
export interface UptimeKumaOptions extends StandInOptions {
  /** The published status page's slug. Default `default`. */
  slug?: string;
  /** Default: one monitor, id 1 "Website", up. */
  monitors?: readonly KumaMonitor[];
}

/** Handle returned by {@link startUptimeKuma}. */
export interface UptimeKumaStandIn extends StandIn {
  readonly slug: string;
  readonly monitors: readonly KumaMonitor[];
  /** Sets a monitor's current state (adds the monitor if the id is new). */
  setMonitor(id: number, state: MonitorState, name?: string): void;
}

function kumaTime(ms: number): string {
  // Uptime Kuma's heartbeat times: UTC, "YYYY-MM-DD HH:mm:ss.SSS", no zone designator.
  return iso(ms).replace('T', ' ').replace('Z', '');
}

/**
 * Starts an Uptime Kuma stand-in: `GET /api/status-page/heartbeat/<slug>` (heartbeats oldest first, the last
 * one is the current state; an unknown slug answers 200 with empty lists, as Kuma does) and
 * `GET /api/status-page/<slug>` (the page's monitors with their names, and links where published; an unknown slug
 * answers 404 `{"status":"fail","msg":"Status Page Not Found"}`, as Kuma 2's `sendHttpError` does).
 */
export async function startUptimeKuma(options: UptimeKumaOptions = {}): Promise<UptimeKumaStandIn> {
  const slug = (options.slug ?? 'default').toLowerCase();
  const monitors: KumaMonitor[] = (options.monitors ?? [{ id: 1, name: 'Website', state: 'up' }]).map((m) => ({ ...m }));
  const message: Record<MonitorState, string> = { up: '200 - OK', down: 'Request failed with status code 502', pending: 'timeout of 48000ms exceeded', maintenance: 'Maintenance' };

  const beats = (monitor: KumaMonitor, now: number) =>
    // Two older "up" beats, then the current one: the extension must read the last entry, not the first.
    [
      { status: 1, time: kumaTime(now - 120_000), msg: message.up, ping: 41 },
      { status: 1, time: kumaTime(now - 60_000), msg: message.up, ping: 44 },
      { status: KUMA_STATUS[monitor.state], time: kumaTime(now), msg: message[monitor.state], ping: monitor.state === 'up' ? 43 : null },
    ];

  const router: Router = (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return { status: 404, text: page('Not found', '<h1>Not found</h1>') };
    const heartbeat = /^\/api\/status-page\/heartbeat\/([^/]+)$/.exec(request.path);
    if (heartbeat) {
      const known = decodeURIComponent(heartbeat[1] ?? '').toLowerCase() === slug;
      const now = Date.now();
      const shown = known ? monitors : [];
      return {
        status: 200,
        json: {
          heartbeatList: Object.fromEntries(shown.map((m) => [String(m.id), beats(m, now)])),
          uptimeList: Object.fromEntries(shown.map((m) => [`${m.id}_24`, m.state === 'up' ? 0.9993 : 0.9512])),
        },
        bulk: { at: ['heartbeatList'], item: (i) => [String(10_000 + i), [{ status: 1, time: kumaTime(now), msg: message.up, ping: 40 }]] },
        wrongTypes: { heartbeatList: [{ status: '1' }], uptimeList: 'n/a' },
      };
    }
    const config = /^\/api\/status-page\/([^/]+)$/.exec(request.path);
    if (config) {
      if (decodeURIComponent(config[1] ?? '').toLowerCase() !== slug) return { status: 404, json: { status: 'fail', msg: 'Status Page Not Found' } };
      return {
        status: 200,
        json: {
          config: { slug, title: 'Status', description: null, icon: '/icon.svg', theme: 'auto', published: true, showTags: false },
          incident: null,
          publicGroupList: [
            {
              id: 1,
              name: 'Services',
              weight: 1,
              monitorList: monitors.map((m) => ({
                id: m.id,
                name: m.name ?? `Monitor ${m.id}`,
                sendUrl: m.url === undefined ? 0 : 1,
                type: 'http',
                ...(m.url === undefined ? {} : { url: m.url }),
              })),
            },
          ],
          maintenanceList: [],
        },
        bulk: { at: ['publicGroupList'], item: (i) => ({ id: 100 + i, name: `Group ${i}`, weight: i + 2, monitorList: [] }) },
        wrongTypes: { config: 'default', publicGroupList: {} },
      };
    }
    // Kuma's SPA answers unknown paths with its index page.
    return { status: 200, text: page('Uptime Kuma', '<div id="app"></div>') };
  };

  const core = await startCore('uptime-kuma', options, router);
  return extend(core, {
    slug,
    get monitors() {
      return monitors;
    },
    setMonitor(id: number, state: MonitorState, name?: string) {
      const existing = monitors.find((m) => m.id === id);
      if (existing) {
        existing.state = state;
        if (name !== undefined) existing.name = name;
      } else {
        monitors.push({ id, state, ...(name === undefined ? {} : { name }) });
      }
    },
  }) as UptimeKumaStandIn;
}

/** One Gatus endpoint. */
export interface GatusEndpoint {
  name: string;
  /** Default `''` (Gatus allows endpoints without a group). */
  group?: string;
  up: boolean;
}

/** Options for {@link startGatus}. */
export interface GatusOptions extends StandInOptions {
  /** Default: one endpoint "website" in group "core", up. */
  endpoints?: readonly GatusEndpoint[];
}

/** Handle returned by {@link startGatus}. */
export interface GatusStandIn extends StandIn {
  readonly endpoints: readonly GatusEndpoint[];
  /** Sets an endpoint up or down (adds it if the name is new). */
  setEndpoint(name: string, up: boolean, group?: string): void;
}

/** Gatus's endpoint key: `<group>_<name>`, lower-cased, with ` /_,.#+&` turned into `-`. */
export function gatusKey(group: string, name: string): string {
  const sanitize = (text: string) => text.toLowerCase().replace(/[ /_,.#+&]/g, '-');
  return `${sanitize(group)}_${sanitize(name)}`;
}

/**
 * Starts a Gatus stand-in: `GET /api/v1/endpoints/statuses` (array of endpoints, results oldest first, the last
 * one is current) and `GET /api/v1/endpoints/<key>/statuses` (one endpoint, unknown key 404).
 */
export async function startGatus(options: GatusOptions = {}): Promise<GatusStandIn> {
  const endpoints: GatusEndpoint[] = (options.endpoints ?? [{ name: 'website', group: 'core', up: true }]).map((e) => ({ ...e }));

  const result = (up: boolean, at: number) => ({
    status: up ? 200 : 502,
    hostname: 'site.example',
    duration: up ? 52_000_000 : 31_000_000, // nanoseconds, as Go's time.Duration serialises
    conditionResults: [{ condition: '[STATUS] == 200', success: up }],
    success: up,
    timestamp: iso(at),
  });
  const status = (endpoint: GatusEndpoint, now: number) => ({
    name: endpoint.name,
    group: endpoint.group ?? '',
    key: gatusKey(endpoint.group ?? '', endpoint.name),
    // An older success, then the current result: the last entry is what counts.
    results: [result(true, now - 60_000), result(endpoint.up, now)],
  });

  const router: Router = (request) => {
    const now = Date.now();
    if (request.path === '/api/v1/endpoints/statuses') {
      return {
        status: 200,
        json: endpoints.map((endpoint) => status(endpoint, now)),
        bulk: { at: [], item: (i) => status({ name: `pad-${i}`, group: 'pad', up: true }, now) },
        wrongTypes: { endpoints: 5 },
      };
    }
    const one = /^\/api\/v1\/endpoints\/([^/]+)\/statuses$/.exec(request.path);
    if (one) {
      const endpoint = endpoints.find((e) => gatusKey(e.group ?? '', e.name) === decodeURIComponent(one[1] ?? ''));
      if (!endpoint) return { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, text: 'not found' };
      return {
        status: 200,
        json: { ...status(endpoint, now), events: [{ type: 'START', timestamp: iso(now - 3_600_000) }] },
        bulk: { at: ['results'], item: () => result(true, now - 120_000) },
        wrongTypes: { name: 5, results: {} },
      };
    }
    return { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, text: '404 page not found\n' };
  };

  const core = await startCore('gatus', options, router);
  return extend(core, {
    get endpoints() {
      return endpoints;
    },
    setEndpoint(name: string, up: boolean, group?: string) {
      const existing = endpoints.find((e) => e.name === name && (group === undefined || (e.group ?? '') === group));
      if (existing) existing.up = up;
      else endpoints.push({ name, group: group ?? '', up });
    },
  }) as GatusStandIn;
}

// ---------------------------------------------------------------------------------------------------------
// The Internet Archive's Wayback availability API
// ---------------------------------------------------------------------------------------------------------

export interface ArchiveOptions extends StandInOptions {
  /** The snapshot's timestamp (`YYYYMMDDhhmmss`), or `null` for "no snapshot" (the API then answers `{}`). */
  snapshot?: string | null;
}

export interface ArchiveStandIn extends StandIn {
  /**
   * The snapshot link it answers for `address`: the Wayback Machine's `/web/<ts>/<address>`, on the stand-in's own
   * origin (it stands in for web.archive.org too): the extension shows only links on the provider's own site
   * (`pinnedLink`), and `http://web.archive.org` is not the site of a stand-in on 127.0.0.1.
   */
  snapshotUrl(address: string): string;
}

/**
 * `GET /wayback/available?url=<address>` as archive.org answers it (archive.org/help/wayback_api.php):
 * `{"url": ..., "archived_snapshots": {"closest": {"status": "200", "available": true, "url": ..., "timestamp": ...}}}`,
 * or `"archived_snapshots": {}` when there is none.
 */
export async function startArchive(options: ArchiveOptions = {}): Promise<ArchiveStandIn> {
  const timestamp = options.snapshot === undefined ? '20260315120000' : options.snapshot;
  let origin = '';
  const snapshotUrl = (address: string) => `${origin}/web/${timestamp}/${address}`;
  const router: Router = (request) => {
    if (request.path !== '/wayback/available') return { status: 404, text: page('Not found', '<h1>Not found</h1>') };
    const address = String(request.query.url ?? '');
    const closest = timestamp === null ? {} : { closest: { status: '200', available: true, url: snapshotUrl(address), timestamp } };
    return { status: 200, json: { url: address, archived_snapshots: closest }, wrongTypes: { archived_snapshots: 'none' } };
  };
  const core = await startCore('archive', options, router);
  origin = core.baseUrl;
  return extend(core, { snapshotUrl }) as ArchiveStandIn;
}
