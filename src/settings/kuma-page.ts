/**
 * An Uptime Kuma status page's address, as the user gives it. Kuma names a status page by a slug
 * (`^[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*$`, lower-cased by its router: louislam/uptime-kuma
 * `server/socket-handlers/status-page-socket-handler.js` `checkSlug`, `server/routers/status-page-router.js`), and
 * serves the page and its two public JSON documents under it:
 * - `GET /status/<slug>`: the page people see;
 * - `GET /api/status-page/<slug>`: its config and monitor list (`publicGroupList[].monitorList[]`);
 * - `GET /api/status-page/heartbeat/<slug>`: the monitors' heartbeats (`heartbeatList`, keyed by monitor id).
 *
 * `/status` and `/status-page` alone are the page with the slug `default`. A slug can never be a host name (no dots),
 * which is why a `{host}` placeholder in a Kuma address cannot work.
 */

/** Kuma's own slug rule (see the file comment). */
const SLUG = /^[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*$/;

/** Where a Kuma status page's JSON lives. */
export interface KumaPage {
  /** `scheme://host[:port]` plus any path prefix Kuma is served under, without a trailing slash. */
  readonly base: string;
  /** Lower case, as Kuma's router reads it. */
  readonly slug: string;
}

/**
 * Reads a Kuma status page address: `<base>/status/<slug>`, `<base>/api/status-page/<slug>` or
 * `<base>/api/status-page/heartbeat/<slug>` (a trailing slash, a query and a fragment are ignored), or `<base>/status`
 * for the default page.
 *
 * @returns the page, or `null` when `address` is not an http(s) URL without credentials naming one slug; never throws
 */
export function parseKumaPage(address: string): KumaPage | null {
  if (/[{}]/.test(address)) return null;
  let url: URL;
  try {
    url = new URL(address.trim());
  } catch {
    return null;
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username !== '' || url.password !== '') return null;
  const path = url.pathname.replace(/\/+$/, '');
  const m = /^(.*?)\/(?:status|api\/status-page(?:\/heartbeat)?)\/([^/]+)$/.exec(path);
  const prefix = m ? m[1]! : /^(.*?)\/(?:status|status-page)$/.exec(path)?.[1];
  if (prefix === undefined) return null;
  let slug = 'default';
  if (m) {
    try {
      slug = decodeURIComponent(m[2]!);
    } catch {
      return null;
    }
  }
  if (!SLUG.test(slug)) return null;
  return { base: `${url.origin}${prefix}`, slug: slug.toLowerCase() };
}
