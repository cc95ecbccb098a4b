/**
 * Decides what a completed request means for recovery. Input is the subset of a `webRequest.onCompleted` detail we
 * read (MDN: webRequest.onCompleted), untrusted: any field may be missing or odd. Nothing here throws.
 */
import { parsePageAddress } from '../shared/page-address';
import { parseRetryAfter } from '../shared/retry-after';
import { readGatewayHeaders, type GatewayInfo, type HeaderLike } from '../gateway/headers';
import { readConnection, type Connection } from './connection';

export type { GatewayInfo, HeaderLike } from '../gateway/headers';
export { cleanHeaderValue, readGatewayHeaders } from '../gateway/headers';

/** HTTP statuses that mean "a gateway answered for an upstream that failed" (RFC 9110 §15.6; Cloudflare 52x). */
export const DEFAULT_GATEWAY_CODES: readonly number[] = [502, 503, 504, 520, 521, 522, 523, 524];

/** Methods that are safe to repeat without the user (RFC 9110 §9.2.1). OPTIONS/TRACE never reach a main frame. */
const SAFE_METHODS = new Set(['GET', 'HEAD']);

/** The fields of a webRequest completion detail that classification reads. */
export interface CompletedRequest {
  /** Stays the same across a request's redirects (MDN webRequest). */
  readonly requestId?: string;
  readonly url: string;
  readonly method: string;
  readonly statusCode: number;
  /** webRequest resource type: `main_frame`, `sub_frame`, `image`, ... */
  readonly type: string;
  readonly tabId: number;
  readonly frameId?: number;
  /** Chrome: the origin that started the request. */
  readonly initiator?: string;
  /** Firefox: the URL of the document that started the request. */
  readonly originUrl?: string;
  /** Chrome >= 106: `prerender` for a page loaded in the background before the user asked for it. */
  readonly documentLifecycle?: string;
  readonly responseHeaders?: readonly HeaderLike[];
  /**
   * Both browsers: the server address the request was sent to (MDN webRequest.onCompleted `ip`); may be an IPv6
   * literal; absent for an answer from the cache. Behind a proxy it is the proxy's address. Validated before use.
   */
  readonly ip?: unknown;
  /** Firefox only: the proxy used (`{host, port, type, ...}`), `null` when the request went direct (MDN `proxyInfo`). */
  readonly proxyInfo?: unknown;
  /** When the event fired, epoch ms (MDN webRequest); read by `readErrorResponse` for the details view's timings. */
  readonly timeStamp?: unknown;
}

export type IgnoreReason =
  | 'not-a-tab'
  | 'not-http'
  | 'own-request'
  | 'prerender'
  | 'challenge'
  | 'favicon'
  | 'url-too-long'
  | 'not-a-gateway-error';

/** What to do with one completed request. */
export type Classification =
  | { readonly action: 'ignore'; readonly reason: IgnoreReason }
  /** A main-frame response that is not a gateway error (a working page, a 404, a challenge): the site answered. */
  | {
      readonly action: 'main-frame-answered';
      readonly tabId: number;
      readonly url: string;
      readonly code: number;
      /** The answer is a challenge or block page (see `readGatewayHeaders`): the edge answers, the origin is unproven. */
      readonly challenge?: true;
    }
  | {
      readonly action: 'gateway-error';
      readonly scope: 'main-frame' | 'sub-frame' | 'sub-resource';
      readonly tabId: number;
      readonly url: string;
      readonly origin: string;
      readonly host: string;
      readonly method: string;
      readonly code: number;
      readonly gateway: GatewayInfo;
      /** Delay asked for by `Retry-After`, ms; absent when there was none or it was unreadable. */
      readonly retryAfterMs?: number;
      /** Why a present `Retry-After` was not used. */
      readonly retryAfterIssue?: string;
      /** The server address and proxy the browser reported, validated; absent when it told nothing usable. */
      readonly connection?: Connection;
    };

export interface ClassifyOptions {
  /** Statuses acted on; defaults to {@link DEFAULT_GATEWAY_CODES}. */
  readonly codes?: readonly number[];
  /** Origins of this extension (`chrome-extension://id`, `moz-extension://uuid`): their requests are ours. */
  readonly ownOrigins?: readonly string[];
  /** Current time, epoch ms, for HTTP-date `Retry-After`. */
  readonly nowMs: number;
}

function isOwnRequest(d: CompletedRequest, ownOrigins: readonly string[]): boolean {
  for (const o of ownOrigins) {
    if (typeof d.initiator === 'string' && d.initiator.startsWith(o)) return true;
    if (typeof d.originUrl === 'string' && d.originUrl.startsWith(o)) return true;
  }
  return false;
}

/**
 * Classifies a completed request.
 *
 * Rules: only tabs (`tabId >= 0`), only http(s), never a frame our own pages loaded (a main frame is always the tab's
 * page, even one this extension navigated), never prerendered documents, never a
 * challenge or block page, even one sent as a 5xx (Cloudflare's `cf-mitigated: challenge`, Jiasule's 521 with
 * `X-Via-JSL`, Sucuri's `X-Sucuri-Block`: the signature table in `src/gateway/signatures.ts`): a bot check is not an
 * outage. A gateway error is reported with its scope; the caller retries only `main-frame` ones whose method is GET
 * or HEAD ({@link isSafeMethod}).
 */
export function classifyCompletion(d: CompletedRequest, options: ClassifyOptions): Classification {
  if (!isTabId(d.tabId)) return { action: 'ignore', reason: 'not-a-tab' };
  if (typeof d.url === 'string' && d.url.length > MAX_URL_LENGTH) return { action: 'ignore', reason: 'url-too-long' };
  const codes = options.codes ?? DEFAULT_GATEWAY_CODES;
  const isMainFrame = d.type === 'main_frame';
  // Every image, script and font of every page ends here: settle the common case before parsing any URL.
  if (!isMainFrame && !codes.includes(d.statusCode)) return { action: 'ignore', reason: 'not-a-gateway-error' };
  const address = parsePageAddress(d.url);
  if (address === null) return { action: 'ignore', reason: 'not-http' };
  // A main frame is a tab's page whoever started its load: Firefox gives a load we start with `tabs.update` (how a
  // discarded tab is loaded again, see browser-effects.ts) our own `originUrl`, and ignoring it lost that reload's
  // outcome until the outcome timeout (half-up e2e, Firefox ESR 140). Our own fetches are not tabs' (`tabId` -1).
  if (!isMainFrame && isOwnRequest(d, options.ownOrigins ?? [])) return { action: 'ignore', reason: 'own-request' };
  if (d.documentLifecycle === 'prerender') return { action: 'ignore', reason: 'prerender' };
  if (!codes.includes(d.statusCode)) {
    // Challenges come as 403 (Cloudflare's `cf-mitigated`, DDoS-Guard) besides the 5xx below; only those headers
    // are read, so an ordinary page load pays no header parsing.
    const challenge = d.statusCode === 403 && readGatewayHeaders(d.responseHeaders, d.statusCode).challenge !== undefined;
    return { action: 'main-frame-answered', tabId: d.tabId, url: d.url, code: d.statusCode, ...(challenge ? { challenge: true as const } : {}) };
  }
  const { challenge, ...gateway } = readGatewayHeaders(d.responseHeaders, d.statusCode);
  if (challenge !== undefined) {
    // A challenge or block page (Cloudflare, Jiasule, Sucuri, DDoS-Guard, Vercel: see signatures.ts) is the site's
    // edge answering on purpose, shown to the visitor to solve. For the tab it ends an outage and never starts one:
    // no incident, no retry with the cache bypassed (that would only fetch the check again), no "down" verdict.
    return isMainFrame
      ? { action: 'main-frame-answered', tabId: d.tabId, url: d.url, code: d.statusCode, challenge: true }
      : { action: 'ignore', reason: 'challenge' };
  }
  // The browser, not the page, asks for /favicon.ico (after an error page too): not a part of the page that failed.
  if (!isMainFrame && address.page === `${address.origin}/favicon.ico`) return { action: 'ignore', reason: 'favicon' };
  const scope = isMainFrame ? 'main-frame' : d.type === 'sub_frame' ? 'sub-frame' : 'sub-resource';
  const retryAfter = gateway.retryAfter === undefined ? null : parseRetryAfter(gateway.retryAfter, options.nowMs);
  const connection = isMainFrame ? readConnection(d) : undefined;
  return {
    action: 'gateway-error',
    scope,
    tabId: d.tabId,
    url: d.url,
    origin: address.origin,
    host: address.host,
    method: readMethod(d.method),
    code: d.statusCode,
    gateway,
    ...(retryAfter?.ok ? { retryAfterMs: retryAfter.delayMs } : {}),
    ...(retryAfter && !retryAfter.ok ? { retryAfterIssue: retryAfter.reason } : {}),
    ...(connection !== undefined ? { connection } : {}),
  };
}

/**
 * Longest URL acted on, characters. Recovery keeps each failed page's URL in `storage.session` (10 MB in Chromium):
 * a site that sent tabs through 502s at megabyte URLs filled it and stopped recovery everywhere (a hostile-input
 * test). 32 KiB is far above any URL a person follows (an 8 KB query string is fine).
 */
export const MAX_URL_LENGTH = 32 * 1024;

/** A real tab id: a non-negative safe integer (webRequest gives -1 for requests outside tabs). */
export function isTabId(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}

/**
 * The request's method as an HTTP token (RFC 9110 §9.1), uppercased. A missing one is GET (webRequest always sends
 * it; tests may not); anything that is not a token becomes `UNKNOWN`, which is never re-sent.
 */
export function readMethod(method: unknown): string {
  if (method === undefined) return 'GET';
  return typeof method === 'string' && /^[A-Za-z][A-Za-z0-9_-]{0,19}$/.test(method) ? method.toUpperCase() : 'UNKNOWN';
}

/** GET and HEAD may be repeated without asking; anything else (a form POST) never is. */
export function isSafeMethod(method: string): boolean {
  return SAFE_METHODS.has(method.toUpperCase());
}
