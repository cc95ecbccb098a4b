/** "Clear this site's cookies" against a small in-memory cookie store standing in for `browser.cookies`. */
import { beforeEach, describe, expect, it, vi } from 'vitest';

type Cookie = { name: string; domain: string; path: string; secure: boolean; storeId: string; partitionKey?: { topLevelSite: string } };

const jar: Cookie[] = [];
const removed: object[] = [];
let failBase = false;
let failPartitioned = false;
const domainMatches = (cookieDomain: string, domain: string) => {
  const d = cookieDomain.replace(/^\./, '');
  return d === domain || d.endsWith(`.${domain}`);
};

vi.mock('webextension-polyfill', () => ({
  default: {
    cookies: {
      getAllCookieStores: async () => [{ id: '0', tabIds: [1] }, { id: '1', tabIds: [2] }],
      getAll: async (q: { domain: string; storeId?: string; partitionKey?: object }) => {
        if (q.partitionKey === undefined && failBase) throw new Error('store unreadable');
        if (q.partitionKey !== undefined && failPartitioned) throw new Error('Unexpected property: partitionKey');
        return jar.filter(
          (c) => domainMatches(c.domain, q.domain) && (q.storeId === undefined || c.storeId === q.storeId) && (q.partitionKey !== undefined || c.partitionKey === undefined),
        );
      },
      remove: async (d: { url: string; name: string; storeId: string; partitionKey?: object }) => {
        removed.push(d);
        const host = new URL(d.url).hostname;
        const i = jar.findIndex((c) => c.name === d.name && c.storeId === d.storeId && c.domain.replace(/^\./, '') === host && JSON.stringify(c.partitionKey) === JSON.stringify(d.partitionKey));
        if (i >= 0) jar.splice(i, 1);
        return d;
      },
    },
  },
}));

const { clearSiteCookies } = await import('../../extension/background/site-cookies');

beforeEach(() => {
  jar.splice(0, jar.length,
    { name: 'session', domain: 'shop.example.com', path: '/', secure: true, storeId: '0' },
    { name: 'prefs', domain: '.example.com', path: '/account', secure: false, storeId: '0' },
    { name: 'embedded', domain: 'shop.example.com', path: '/', secure: true, storeId: '0', partitionKey: { topLevelSite: 'https://news.example.org' } },
    { name: 'private', domain: 'shop.example.com', path: '/', secure: false, storeId: '1' },
    { name: 'keep', domain: 'news.example.org', path: '/', secure: false, storeId: '0' },
  );
  removed.length = 0;
  failBase = false;
  failPartitioned = false;
  vi.unstubAllGlobals();
});

describe('clearSiteCookies', () => {
  it("removes the domain's cookies in the tab's store, partitioned ones too, and nothing else", async () => {
    expect(await clearSiteCookies('example.com', 1)).toEqual({ ok: true, removed: 3 });
    expect(jar.map((c) => c.name).sort()).toEqual(['keep', 'private']);
    expect(removed).toContainEqual({ url: 'https://shop.example.com/', name: 'session', storeId: '0' });
    expect(removed).toContainEqual({ url: 'http://example.com/account', name: 'prefs', storeId: '0' });
    expect(removed).toContainEqual({ url: 'https://shop.example.com/', name: 'embedded', storeId: '0', partitionKey: { topLevelSite: 'https://news.example.org' } });
  });

  it("a private window's tab clears its own store only", async () => {
    expect(await clearSiteCookies('example.com', 2)).toEqual({ ok: true, removed: 1 });
    expect(jar.map((c) => c.name)).toContain('session');
  });

  it('a browser without partitionKey still clears the unpartitioned cookies', async () => {
    failPartitioned = true;
    expect(await clearSiteCookies('example.com', 1)).toEqual({ ok: true, removed: 2 });
  });

  it('Firefox: one query for both kinds (partitionKey {}), naming no first-party domain', async () => {
    vi.stubGlobal('__BROWSER__', 'firefox');
    const getAll = vi.spyOn((await import('webextension-polyfill')).default.cookies, 'getAll');
    expect(await clearSiteCookies('example.com', 1)).toEqual({ ok: true, removed: 3 });
    expect(getAll.mock.calls[0]).toEqual([{ domain: 'example.com', storeId: '0', firstPartyDomain: null, partitionKey: {} }]);
    getAll.mockRestore();
  });

  it('an unreadable store is a failure with its reason, never "no cookies"', async () => {
    failBase = true;
    expect(await clearSiteCookies('example.com', 1)).toEqual({ ok: false, reason: 'failed', detail: 'store unreadable' });
  });

  it("a tab no store names clears nothing: the default store is never assumed", async () => {
    const getAll = vi.spyOn((await import('webextension-polyfill')).default.cookies, 'getAll');
    expect(await clearSiteCookies('example.com', 3)).toEqual({ ok: false, reason: 'no-store' });
    expect(getAll).not.toHaveBeenCalled();
    expect(removed).toEqual([]);
    expect(jar).toHaveLength(5);
    getAll.mockRestore();
  });

  it.each(['github.io', 'vercel.app', 'co.uk', 'localhost'])('never clears a public suffix (%s): its cookies are every site\'s under it', async (suffix) => {
    jar.push({ name: 'other-user', domain: `someone.${suffix}`, path: '/', secure: true, storeId: '0' });
    const getAll = vi.spyOn((await import('webextension-polyfill')).default.cookies, 'getAll');
    expect(await clearSiteCookies(suffix, 1)).toEqual({ ok: false, reason: 'public-suffix' });
    expect(getAll).not.toHaveBeenCalled();
    expect(removed).toEqual([]);
    expect(jar.map((c) => c.name)).toContain('other-user');
    getAll.mockRestore();
  });

  it("a site under a private-section suffix clears its own cookies only (user.github.io, not github.io)", async () => {
    jar.push(
      { name: 'mine', domain: 'user.github.io', path: '/', secure: true, storeId: '0' },
      { name: 'theirs', domain: 'other.github.io', path: '/', secure: true, storeId: '0' },
    );
    expect(await clearSiteCookies('user.github.io', 1)).toEqual({ ok: true, removed: 1 });
    expect(jar.map((c) => c.name)).toContain('theirs');
    expect(jar.map((c) => c.name)).not.toContain('mine');
  });

  it('counts what is gone, not what was asked for', async () => {
    const remove = vi.spyOn((await import('webextension-polyfill')).default.cookies, 'remove').mockImplementation(async (d) => d as never);
    expect(await clearSiteCookies('example.com', 1)).toEqual({ ok: true, removed: 0 });
    remove.mockRestore();
  });
});
