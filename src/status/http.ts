/**
 * Bounded JSON requests to status providers (GETs, and the one kind of POST Globalping needs to start a measurement). A provider is untrusted: it may answer HTML, a truncated or 10 MB body, a
 * deeply nested document, drip one byte a second, or never answer. Every such case ends as a failed
 * {@link HttpResult} with a reason, within the time limit and the size cap; nothing here throws.
 *
 * Every request is pinned (`./pinning.ts`): `redirect: 'manual'`, so the browser itself never follows a redirect; a
 * redirect is followed here only when its target can be read and is https on the first address's registrable domain,
 * at most 3 hops; no request goes to a private or loopback address unless the caller says it is a configured endpoint.
 *
 * What a browser shows of a redirect: per the Fetch standard, `redirect: 'manual'` answers an "opaque-redirect
 * filtered response": `type: 'opaqueredirect'`, status 0, no headers, so no `Location`, by design (Fetch standard,
 * "opaque-redirect filtered response" and "atomic HTTP redirect handling"; whatwg/fetch issue #763 and pull request
 * #1010; WPT `fetch/api/redirect/redirect-mode.any.js`; MDN `Response.type`). Seen in Chromium 156 (the MV3 service
 * worker and an extension page) and Firefox ESR 153 (an extension page), both with `<all_urls>` host permission: the
 * same opaque answer, and the redirect's target received nothing. Such a redirect is not followed (reason `redirect`).
 * Node's fetch (the unit tests) does show the `Location`, so the hop rule is tested there.
 *
 * Not used: `webRequest` does show the target before anything is sent to it. Chromium fires `onHeadersReceived` (with
 * `Location`) and `onBeforeRedirect` (with `redirectUrl`) for the worker's own `manual` fetch (`tabId` -1), then
 * `onErrorOccurred`; Firefox fires `onHeadersReceived` with `Location` and no `onBeforeRedirect`. Reading it would tie
 * each fetch to a listener's event by URL alone, in the browser adapter, for little: the pages asked live at their own
 * address, and a redirect there is better read as "no status page here".
 */
import { parseRetryAfter } from '../shared/retry-after';
import { loadPublicSuffixList } from './host';
import { destinationRefusal, redirectRefusal } from './pinning';
import type { UnknownReason } from './verdict';

/** The part of the Fetch API used here; the browser's `fetch` in the extension, Node's in tests. */
type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export type HttpResult =
  | { readonly ok: true; readonly status: number; readonly json: unknown }
  | {
      readonly ok: false;
      readonly reason: UnknownReason;
      /** The provider's HTTP status, when it answered. */
      readonly status?: number;
      /** The wait the provider asked for (`Retry-After` on 429/503, else {@link RequestOptions.resetHeader}), ms. */
      readonly retryAfterMs?: number;
      /** The error answer's JSON body, when {@link RequestOptions.readErrorBody} asked for it and it parsed. */
      readonly json?: unknown;
    };

/** What a caller may ask of one request beyond the defaults. */
export interface RequestOptions {
  /**
   * Follow no redirect at all, not even on the same registrable domain: a 3xx ends as a failed request (reason
   * `redirect`). For an address the user configured, whose server the consent text names: a redirect would take the
   * site's host name somewhere else.
   */
  readonly pinned?: boolean;
  /**
   * The URL's host is one the user or their administrator configured as an endpoint (a provider's base, a status-page
   * template with a fixed host, the custom endpoint), so it may be a private or loopback address (a local checker, a
   * test stand-in). Default `false`: a guessed address (`status.{domain}`) must be public. A redirect target is never
   * configured, whatever this says.
   */
  readonly configured?: boolean;
  /**
   * A header giving the seconds until a rate limit resets, read on a 429 without `Retry-After`. Globalping's
   * `POST /v1/measurements` answers 429 with `X-RateLimit-Reset` and no `Retry-After` (its spec, `public/v1/spec.yaml`).
   * Not read by default: the same header name means an epoch time at other services (GitHub's).
   */
  readonly resetHeader?: string;
  /** On an error status, read the (capped) body and return its JSON too: a provider may say why it refused. */
  readonly readErrorBody?: boolean;
}

export interface HttpClient {
  /**
   * GETs `url` expecting JSON. Sends no cookies and no referrer; follows a redirect only when its target is visible,
   * https, on the same registrable domain as `url` and public, at most 3 hops (see the module's note: a browser shows
   * no redirect target, so there none is followed).
   *
   * @param signal - aborts the request (the whole status check's deadline)
   */
  getJson(url: string, signal?: AbortSignal, options?: RequestOptions): Promise<HttpResult>;
  /**
   * POSTs `body` as JSON to `url`, expecting JSON back. Pinned harder than {@link getJson}: no cookies, no referrer,
   * and no redirect at all (a 3xx fails with reason `redirect`), so the body can only reach the address asked for.
   * Same time limit, size cap and private-address rule.
   */
  postJson(url: string, body: unknown, signal?: AbortSignal, options?: RequestOptions): Promise<HttpResult>;
}

export interface HttpClientDeps {
  readonly fetch: FetchLike;
  /** Epoch ms, for HTTP-date `Retry-After`. */
  readonly now: () => number;
  /** Largest body read, bytes. Default 1 MiB: Statuspage summaries of large sites are about 100 kB. */
  readonly maxBytes?: number;
  /** One request's time limit, ms. Default 8000. */
  readonly timeoutMs?: number;
}

export const DEFAULT_MAX_BYTES = 1024 * 1024;
export const DEFAULT_REQUEST_TIMEOUT_MS = 8_000;

export function createHttpClient(deps: HttpClientDeps): HttpClient {
  const maxBytes = deps.maxBytes ?? DEFAULT_MAX_BYTES;
  const timeoutMs = deps.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;

  async function request(url: string, init: { method: 'GET' | 'POST'; body?: string }, signal: AbortSignal | undefined, options: RequestOptions): Promise<HttpResult> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new DOMException('request timed out', 'TimeoutError')), timeoutMs);
    const onAbort = () => controller.abort(signal?.reason);
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
    try {
      // The host rules read the Public Suffix List; when it cannot be loaded, nothing is sent (fail closed).
      const refused = await loadPublicSuffixList().then(
        () => destinationRefusal(url, options.configured === true),
        () => 'the Public Suffix List could not be loaded',
      );
      // An address that does not parse is a fetch that could not start, as before the pinning: `network`.
      if (refused !== null) return { ok: false, reason: { code: URL.canParse(url) ? 'private-host' : 'network', detail: refused } };
      let res: Response;
      let current = url;
      for (let hop = 1; ; hop++) {
        try {
          res = await deps.fetch(current, {
            method: init.method,
            headers: init.body === undefined ? { Accept: 'application/json' } : { Accept: 'application/json', 'Content-Type': 'application/json' },
            ...(init.body === undefined ? {} : { body: init.body }),
            // The browser follows nothing by itself: each hop is judged here first (see the module's note).
            redirect: 'manual',
            credentials: 'omit',
            referrerPolicy: 'no-referrer',
            cache: 'no-store',
            signal: controller.signal,
          });
        } catch (err) {
          return failure(err, controller.signal, 'network');
        }
        if (!isRedirect(res)) break;
        void res.body?.cancel().catch(() => undefined);
        const next = redirectTarget(res, current);
        const why =
          options.pinned === true || init.method !== 'GET'
            ? 'this address follows no redirect'
            : next === null
              ? 'the redirect target is not visible (an opaque redirect) or does not parse'
              : redirectRefusal(url, next, hop);
        if (why !== null) {
          return {
            ok: false,
            ...(res.status !== 0 ? { status: res.status } : {}),
            reason: { code: 'redirect', detail: `${hostOf(current)} redirected; not followed: ${why}`.slice(0, 300) },
          };
        }
        current = next!;
      }
      if (!res.ok) {
        const ra = parseRetryAfter(res.headers.get('retry-after'), deps.now());
        const limited = res.status === 429 || (res.status === 503 && ra.ok);
        const reset = res.status === 429 && !ra.ok && options.resetHeader !== undefined ? resetSeconds(res.headers.get(options.resetHeader)) : undefined;
        const wait = ra.ok ? ra.delayMs : reset;
        const json = options.readErrorBody === true ? await errorBody(res, maxBytes) : undefined;
        if (options.readErrorBody !== true) void res.body?.cancel().catch(() => undefined);
        return {
          ok: false,
          status: res.status,
          reason: { code: limited ? 'rate-limited' : 'http-error', detail: `HTTP ${res.status} from ${hostOf(url)}` },
          ...(wait !== undefined ? { retryAfterMs: wait } : {}),
          ...(json !== undefined ? { json } : {}),
        };
      }
      const declared = Number(res.headers.get('content-length'));
      if (Number.isFinite(declared) && declared > maxBytes) {
        void res.body?.cancel().catch(() => undefined);
        return { ok: false, status: res.status, reason: { code: 'too-large', detail: `answer of ${declared} bytes exceeds ${maxBytes}` } };
      }
      let text: string;
      try {
        const body = await readCapped(res, maxBytes);
        if (body === null) {
          return { ok: false, status: res.status, reason: { code: 'too-large', detail: `answer exceeds ${maxBytes} bytes` } };
        }
        text = body;
      } catch (err) {
        return failure(err, controller.signal, 'network');
      }
      try {
        return { ok: true, status: res.status, json: JSON.parse(text) as unknown };
      } catch (err) {
        // A RangeError here is a document nested deeper than the parser's stack.
        const what = text.trimStart().startsWith('<') ? 'HTML, not JSON' : err instanceof Error ? err.message : 'unparseable';
        return { ok: false, status: res.status, reason: { code: 'not-json', detail: `answer is ${what}`.slice(0, 200) } };
      }
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  return {
    getJson: (url, signal, options = {}) => request(url, { method: 'GET' }, signal, options),
    postJson: (url, body, signal, options = {}) => request(url, { method: 'POST', body: JSON.stringify(body) }, signal, options),
  };
}

/**
 * True for an answer that is a redirect: a browser's opaque redirect (`type: 'opaqueredirect'`, status 0), or a 3xx
 * other than 304 (Node's fetch shows these as they are).
 */
function isRedirect(res: Response): boolean {
  return res.type === 'opaqueredirect' || (res.status >= 300 && res.status < 400 && res.status !== 304);
}

/** The redirect's `Location` resolved against the address that answered it (RFC 9110 §10.2.2), or `null`. */
function redirectTarget(res: Response, current: string): string | null {
  const location = res.headers.get('location');
  if (location === null) return null;
  try {
    return new URL(location, current).href;
  } catch {
    return null;
  }
}

/** Seconds until a rate limit resets (a non-negative integer, as Globalping sends it), in ms; else `undefined`. */
function resetSeconds(value: string | null): number | undefined {
  if (value === null || !/^\s*\d{1,7}\s*$/.test(value)) return undefined;
  return Number(value) * 1000;
}

/** An error answer's JSON body, read under the same cap; `undefined` when it is missing, too large or not JSON. */
async function errorBody(res: Response, maxBytes: number): Promise<unknown> {
  try {
    const text = await readCapped(res, maxBytes);
    return text === null || text === '' ? undefined : (JSON.parse(text) as unknown);
  } catch {
    return undefined;
  }
}

/** Reads the body as UTF-8, stopping (and cancelling the stream) once more than `maxBytes` arrived; `null` then. */
async function readCapped(res: Response, maxBytes: number): Promise<string | null> {
  if (res.body === null) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      void reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.byteLength;
  }
  return new TextDecoder('utf-8', { fatal: false }).decode(all);
}

function failure(err: unknown, signal: AbortSignal, fallback: 'network'): HttpResult {
  if (signal.aborted) {
    const reason = signal.reason as { name?: string } | undefined;
    return { ok: false, reason: { code: 'timeout', detail: reason?.name === 'TimeoutError' ? 'no answer in time' : 'check was stopped' } };
  }
  const detail = err instanceof Error ? `${err.name}: ${err.message}` : 'fetch failed';
  return { ok: false, reason: { code: fallback, detail: detail.slice(0, 200) } };
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'provider';
  }
}
