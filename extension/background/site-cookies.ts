/**
 * "Clear this site's cookies": removes the cookies of one registrable domain (and its subdomains) from the cookie
 * store of the tab that failed, partitioned ones included, and nothing else.
 */
import browser, { type Cookies } from 'webextension-polyfill';
import { isFirefox } from '../shared/data-consent';

export type ClearCookiesResult = { readonly ok: true; readonly removed: number } | { readonly ok: false; readonly reason: string };

/** The cookie store a tab uses (a private window has its own); `undefined` means the browser's default store. */
async function storeOf(tabId: number): Promise<string | undefined> {
  const stores = await browser.cookies.getAllCookieStores();
  return stores.find((s) => s.tabIds.includes(tabId))?.id;
}

/**
 * The queries that together return every cookie of `domain`. Chromium returns unpartitioned cookies unless a
 * `partitionKey` is given, and every partition's with `partitionKey: {}` (Chrome's cookies API docs, "Partitioning");
 * Firefox returns both kinds for `partitionKey: {}`, and with first-party isolation on it refuses a query that does
 * not say `firstPartyDomain` (MDN, cookies.getAll: `null` matches any).
 */
function queries(domain: string, storeId: string | undefined): Cookies.GetAllDetailsType[] {
  const base: Cookies.GetAllDetailsType = { domain, ...(storeId !== undefined ? { storeId } : {}) };
  if (isFirefox()) return [{ ...base, firstPartyDomain: null as unknown as string, partitionKey: {} }];
  return [base, { ...base, partitionKey: {} }];
}

/** The URL `cookies.remove` needs to name a cookie: its scheme, domain and path. */
function cookieUrl(c: Cookies.Cookie): string {
  return `http${c.secure ? 's' : ''}://${c.domain.replace(/^\./, '')}${c.path}`;
}

/**
 * Removes every cookie of `domain` (e.g. `example.com`, which covers `shop.example.com`) in the store of `tabId`.
 * Needs the `cookies` permission (optional: the caller waits for it first) and host permission for the domain
 * (`<all_urls>`). Never throws.
 *
 * @returns how many were removed, or why none could be
 */
export async function clearSiteCookies(domain: string, tabId: number): Promise<ClearCookiesResult> {
  try {
    const storeId = await storeOf(tabId).catch(() => undefined);
    const seen = new Map<string, Cookies.Cookie>();
    for (const query of queries(domain, storeId)) {
      // A browser too old for `partitionKey` refuses that query; the unpartitioned one still stands.
      const found = await browser.cookies.getAll(query).catch(() => [] as Cookies.Cookie[]);
      for (const c of found) seen.set(JSON.stringify([c.domain, c.path, c.name, c.storeId, c.partitionKey ?? null, c.firstPartyDomain ?? null]), c);
    }
    let removed = 0;
    for (const c of seen.values()) {
      const gone = await browser.cookies
        .remove({
          url: cookieUrl(c),
          name: c.name,
          storeId: c.storeId,
          ...(c.partitionKey !== undefined ? { partitionKey: c.partitionKey } : {}),
          ...(c.firstPartyDomain !== undefined ? { firstPartyDomain: c.firstPartyDomain } : {}),
        })
        .catch(() => null);
      if (gone !== null) removed += 1;
    }
    return { ok: true, removed };
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message.slice(0, 200) : 'cookies API failed' };
  }
}
