/**
 * "Clear this site's cookies": removes the cookies of one registrable domain (and its subdomains) from the cookie
 * store of the tab that failed, partitioned ones included, and nothing else.
 */
import browser, { type Cookies } from 'webextension-polyfill';
import { isFirefox } from '../shared/browser-family';
import { cookieDomain } from '../../src/guide/cookie-domain';
import { loadPublicSuffixList } from '../../src/status/host';

/** What clearing found: how many went, or why none did (`no-store` and `public-suffix` clear nothing, on purpose). */
type ClearCookiesResult =
  | { readonly ok: true; readonly removed: number }
  | { readonly ok: false; readonly reason: 'no-store' | 'public-suffix' }
  | { readonly ok: false; readonly reason: 'failed'; readonly detail: string };

/**
 * The cookie store a tab uses (a private window, a Firefox container has its own), or `undefined` when the browser
 * names none for it. Never the default store by assumption: a query without `storeId` reads the default store, which
 * would clear the regular profile's cookies for a tab of another store.
 */
async function storeOf(tabId: number): Promise<string | undefined> {
  const stores = await browser.cookies.getAllCookieStores();
  return stores.find((s) => Array.isArray(s.tabIds) && s.tabIds.includes(tabId))?.id;
}

/**
 * The queries that together return every cookie of `domain`. Chromium returns unpartitioned cookies unless a
 * `partitionKey` is given, and every partition's with `partitionKey: {}` (Chrome's cookies API docs, "Partitioning");
 * Firefox returns both kinds for `partitionKey: {}`, and with first-party isolation on it refuses a query that does
 * not say `firstPartyDomain` (MDN, cookies.getAll: `null` matches any).
 */
function queries(domain: string, storeId: string): { query: Cookies.GetAllDetailsType; optional: boolean }[] {
  const base: Cookies.GetAllDetailsType = { domain, storeId };
  if (isFirefox()) return [{ query: { ...base, firstPartyDomain: null, partitionKey: {} }, optional: false }];
  // A Chromium too old for `partitionKey` refuses that query; the unpartitioned one must still answer.
  return [
    { query: base, optional: false },
    { query: { ...base, partitionKey: {} }, optional: true },
  ];
}

/** Every cookie of `domain` in the store, keyed by what tells two cookies apart. Rejects if the store cannot be read. */
async function cookiesOf(domain: string, storeId: string): Promise<Map<string, Cookies.Cookie>> {
  const found = new Map<string, Cookies.Cookie>();
  for (const { query, optional } of queries(domain, storeId)) {
    const list = await browser.cookies.getAll(query).catch((err: unknown) => {
      if (optional) return [] as Cookies.Cookie[];
      throw err;
    });
    for (const c of list) found.set(JSON.stringify([c.domain, c.path, c.name, c.storeId, c.partitionKey ?? null, c.firstPartyDomain ?? null]), c);
  }
  return found;
}

/** The URL `cookies.remove` needs to name a cookie: its scheme, domain and path. */
function cookieUrl(c: Cookies.Cookie): string {
  return `http${c.secure ? 's' : ''}://${c.domain.replace(/^\./, '')}${c.path}`;
}

/**
 * Removes every cookie of `domain` (e.g. `example.com`, which covers `shop.example.com`) in the store of `tabId`.
 * Needs the `cookies` permission (optional: the caller waits for it first) and host permission for the domain
 * (every http and https origin). Clears nothing when `domain` is not a site's own cookie domain (a public suffix such
 * as `github.io`: `cookieDomain` in `src/guide/cookie-domain.ts`) or when the browser names no store for the tab.
 * Never throws.
 *
 * @returns how many were removed, or why none could be
 */
export async function clearSiteCookies(domain: string, tabId: number): Promise<ClearCookiesResult> {
  try {
    await loadPublicSuffixList();
    const own = cookieDomain(domain);
    if (!own.ok) return { ok: false, reason: 'public-suffix' };
    const storeId = await storeOf(tabId).catch(() => undefined);
    if (storeId === undefined) return { ok: false, reason: 'no-store' };
    const before = await cookiesOf(domain, storeId);
    for (const c of before.values()) {
      await browser.cookies
        .remove({
          url: cookieUrl(c),
          name: c.name,
          storeId: c.storeId,
          ...(c.partitionKey !== undefined ? { partitionKey: c.partitionKey } : {}),
          ...(c.firstPartyDomain !== undefined ? { firstPartyDomain: c.firstPartyDomain } : {}),
        })
        .catch(() => null);
    }
    // Counted by looking again: `remove` answers with the details it was given whether or not a cookie went.
    const after = await cookiesOf(domain, storeId);
    return { ok: true, removed: [...before.keys()].filter((k) => !after.has(k)).length };
  } catch (err) {
    return { ok: false, reason: 'failed', detail: err instanceof Error ? err.message.slice(0, 200) : 'cookies API failed' };
  }
}
