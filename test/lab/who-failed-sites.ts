/**
 * Upstream routes for the "who failed?" cases of the e2e suite (`../e2e/who-failed.e2e.ts`), each modelled on a
 * real case (`SOURCES.md`):
 *
 * - {@link jiasuleChallenge}: Jiasule's (知道创宇加速乐) anti-bot challenge. Its edge answers the first request with
 *   status 521, `X-Via-JSL`, a `__jsluid_h` visitor cookie (`__jsluid_s` over HTTPS) and a bare `<script>` that sets
 *   the clearance cookie `__jsl_clearance` and loads the page again, which then gets through. The upstream plays
 *   the edge itself (served directly, not behind nginx, which would add `Server: nginx`: Jiasule's answers carry
 *   no `Server`), as `status.e2e.ts` does for Cloudflare.
 * - {@link cookieOnlyFailure}: a site that fails only for a visitor who has its session cookie. The app renews its
 *   session cookie on every request that carries one, and the renewed cookie has grown past nginx's
 *   `proxy_buffer_size` (4 or 8 KiB by default), so nginx answers a genuine `502 Bad Gateway` ("upstream sent too
 *   big header while reading response header from upstream" in its error log), the classic cause of a 502 that
 *   only some users see and that clearing the site's cookies fixes. A request without the cookie gets the page.
 *
 * @module
 */
import type { RecordedRequest, RouteHandler, UpstreamResponse } from './upstream';
import { htmlPage, UPSTREAM_OK_MARKER } from './upstream';

/** The cookie names Jiasule uses (visitor id, clearance). */
export const JIASULE_COOKIES = { visitor: '__jsluid_h', clearance: '__jsl_clearance' } as const;

function cookieOf(request: RecordedRequest, name: string): string | undefined {
  const header = String(request.headers.cookie ?? '');
  for (const part of header.split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

/**
 * Jiasule's challenge: 521 with `X-Via-JSL` and the visitor cookie until the request carries the clearance cookie,
 * which the challenge page's script sets before loading the page again; then the site's page (200).
 */
export function jiasuleChallenge(): RouteHandler {
  return (request): UpstreamResponse => {
    if (cookieOf(request, JIASULE_COOKIES.clearance) !== undefined) {
      return {
        status: 200,
        headers: { 'Content-Type': 'text/html; charset=utf-8', 'X-Via-JSL': 'fdc330b,-', 'X-Cache': 'bypass' },
        body: htmlPage('Site behind Jiasule', `<h1 id="marker">${UPSTREAM_OK_MARKER}</h1><p>behind the challenge</p>`),
      };
    }
    return {
      status: 521,
      headers: {
        'Content-Type': 'text/html',
        'X-Via-JSL': 'fdc330b,-',
        'Set-Cookie': `${JIASULE_COOKIES.visitor}=9f0775bbcb4cc97b161093b4c66dd766; max-age=31536000; path=/; HttpOnly`,
        'X-Cache': 'error',
      },
      // The real first stage is AAEncode-obfuscated; what it does is this.
      body: `<script>document.cookie='${JIASULE_COOKIES.clearance}=1733541234.567|0|e2eclearance;max-age=3600;path=/';location.href=location.pathname+location.search</script>`,
    };
  };
}

/** Options of {@link cookieOnlyFailure}. */
export interface CookieOnlyFailureOptions {
  /** The session cookie's name. Default `session`. */
  cookie?: string;
  /** Size (bytes) of the renewed session cookie: more than nginx's `proxy_buffer_size`. Default 16 384. */
  renewedBytes?: number;
}

/**
 * A route of an app behind the lab's nginx that works without its session cookie (200, and sets a small one) and
 * makes nginx answer 502 for any request that carries it (the renewed cookie is too big for nginx's header buffer).
 */
export function cookieOnlyFailure(options: CookieOnlyFailureOptions = {}): RouteHandler {
  const name = options.cookie ?? 'session';
  const renewed = 'a'.repeat(options.renewedBytes ?? 16_384);
  return (request): UpstreamResponse => {
    const page = htmlPage('Shop', `<h1 id="marker">${UPSTREAM_OK_MARKER}</h1><p>signed in</p>`);
    if (cookieOf(request, name) === undefined) {
      return { status: 200, headers: { 'Content-Type': 'text/html; charset=utf-8', 'Set-Cookie': `${name}=s1; Path=/; HttpOnly` }, body: page };
    }
    return { status: 200, headers: { 'Content-Type': 'text/html; charset=utf-8', 'Set-Cookie': `${name}=${renewed}; Path=/; HttpOnly` }, body: page };
  };
}

/** Whether `request` carried the cookie `name` (for counting a site's requests with and without it). */
export function carriesCookie(request: RecordedRequest, name: string): boolean {
  return cookieOf(request, name) !== undefined;
}
