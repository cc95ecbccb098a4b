/**
 * Upstream routes for sites that are half up (issue 13, "Back means back, and never a loop"; `../e2e/half-up.e2e.ts`):
 * a site that is down behind the lab's nginx (its genuine 502), then answers the background's probes with something
 * that is not the page: a 429 with `Retry-After`, Cloudflare's challenge, a 500 of its own, a login redirect; and a
 * site that flaps.
 *
 * "Down" here is a route that drops the connection: nginx answers its own `502 Bad Gateway` ("upstream prematurely
 * closed connection" in its error log), the same page as for a stopped upstream, so several sites can share one
 * upstream and one nginx and still fail each on its own.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { OutgoingHttpHeaders } from 'node:http';
import { htmlPage, UPSTREAM_OK_MARKER, type RecordedRequest, type RouteHandler, type UpstreamResponse } from './upstream';

/** What makes nginx answer its own 502 for a route of a listening upstream. */
export const NGINX_502: UpstreamResponse = { destroySocket: true };

/** The site's own page. */
export function sitePage(title: string): UpstreamResponse {
  return {
    status: 200,
    headers: { 'Content-Type': 'text/html; charset=utf-8' },
    body: htmlPage(title, `<h1 id="marker">${UPSTREAM_OK_MARKER}</h1><p>${title}</p>`),
  };
}

/**
 * Whether a request is a tab's load or reload (its `Accept` asks for HTML) rather than one of the background's own
 * fetches (probe, cookieless comparison), which accept anything. Browsers send Fetch Metadata only to secure origins,
 * and the lab's sites are plain HTTP.
 */
export function isNavigation(request: RecordedRequest): boolean {
  return String(request.headers.accept ?? '').includes('text/html');
}

/** 429 Too Many Requests with `Retry-After` in seconds (RFC 6585 §4; RFC 9110 §10.2.3). */
export function busyAnswer(retryAfterSeconds: number): UpstreamResponse {
  return {
    status: 429,
    headers: { 'Content-Type': 'text/html; charset=utf-8', 'Retry-After': String(retryAfterSeconds) },
    body: htmlPage('Too Many Requests', '<h1>Too Many Requests</h1><p>Please try again later.</p>'),
  };
}

/** A captured answer of `test/fixtures/headers/` (status and headers as recorded there). */
interface HeaderCapture {
  status: number;
  headers: [string, string][];
}

/**
 * Cloudflare's managed challenge as captured (`test/fixtures/headers/cloudflare-challenge-403.json`, from
 * curl/curl#13597): 403 with `cf-mitigated: challenge`. The `date` header is nginx's to set; the body is ours (the real
 * one is Cloudflare's challenge page and script).
 */
export function cloudflareChallengeAnswer(): UpstreamResponse {
  const capture = JSON.parse(readFileSync(resolve('test/fixtures/headers/cloudflare-challenge-403.json'), 'utf8')) as HeaderCapture;
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of capture.headers) if (name !== 'date') headers[name] = value;
  return {
    status: capture.status,
    headers,
    body: htmlPage('Just a moment...', '<h1>Just a moment...</h1><p>Checking if the site connection is secure</p>'),
  };
}

/** The app's own error: 500 with its error page (nginx passes it through, `proxy_intercept_errors` is off). */
export function serverErrorAnswer(): UpstreamResponse {
  return {
    status: 500,
    headers: { 'Content-Type': 'text/html; charset=utf-8' },
    body: htmlPage('Internal Server Error', '<h1>Internal Server Error</h1><p>Something went wrong on our side.</p>'),
  };
}

/** A signed-out visitor is sent to the login page: 302 to `loginPath` (the probe, without cookies, always is). */
export function loginRedirectAnswer(loginPath = '/login'): UpstreamResponse {
  return { status: 302, headers: { Location: loginPath, 'Content-Type': 'text/html; charset=utf-8' }, body: '' };
}

/**
 * A route whose answer the test switches: `set(answer)` changes it from the next request on. Starts with
 * {@link NGINX_502}. `slowNavigationsMs` delays the tabs' loads (not the background's fetches) by that much, so that
 * what the background made of its probe can be read before a reload's outcome replaces it.
 */
export function switchableRoute(options: { slowNavigationsMs?: number } = {}): { handler: RouteHandler; set(answer: UpstreamResponse): void } {
  let current: UpstreamResponse = NGINX_502;
  return {
    handler: (request) => {
      const slow = isNavigation(request) && options.slowNavigationsMs !== undefined && current !== NGINX_502;
      return slow ? { ...current, delayMs: options.slowNavigationsMs } : current;
    },
    set(answer) {
      current = answer;
    },
  };
}

/** Options of {@link flappingRoute}. */
export interface FlappingOptions {
  /** How long the site is up in each cycle, ms. Default 2 000. */
  upMs?: number;
  /** How long it is down in each cycle, ms. Default 10 000. */
  downMs?: number;
  /** Epoch ms the first cycle starts (down first). Default: when the route is made. */
  startAt?: number;
  /** After this many ms from `startAt` the site stays up. Default: flaps for ever. */
  forMs?: number;
}

/**
 * A site that flaps: down (nginx's 502) for `downMs`, up for `upMs`, again and again, as a crash-looping app behind a
 * gateway does (a process manager restarts it, it serves for a moment, it dies).
 */
export function flappingRoute(title: string, options: FlappingOptions = {}): RouteHandler & { isUp(at: number): boolean } {
  const upMs = options.upMs ?? 2_000;
  const downMs = options.downMs ?? 10_000;
  const startAt = options.startAt ?? Date.now();
  const isUp = (at: number) => {
    const elapsed = at - startAt;
    if (options.forMs !== undefined && elapsed >= options.forMs) return true;
    return elapsed >= 0 && elapsed % (upMs + downMs) >= downMs;
  };
  const handler = (request: RecordedRequest) => (isUp(request.time) ? sitePage(title) : NGINX_502);
  return Object.assign(handler, { isUp });
}
