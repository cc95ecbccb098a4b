// @vitest-environment happy-dom
/**
 * Missing site access, as the popup and the options page show it: the ask instead of a false "nothing seen", the one
 * click that goes to the browser at once, a grant seen whether the request answers or the browser reports it later
 * (Chromium's prompt, or the browser's own settings), a refusal said, and the way back to the page without a form
 * sent again.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { accessAsk, SiteAccessAsk } from '../../extension/popup/site-access';
import { SiteAccessNotice } from '../../extension/options/site-access-notice';
import { ALL_SITES, type SiteAccess } from '../../extension/shared/site-access';
import { sitePattern } from '../../src/shared/page-address';
import { strictT, strictTIn } from '../locale';

const t = strictT;
afterEach(cleanup);

/** A browser's host permissions: `held` patterns, a request answered by `answer` (or left pending), change events. */
function fakeAccess(held: string[], answer: 'grant' | 'deny' | 'pending' = 'grant') {
  const listeners = new Set<() => void>();
  const access = {
    held: new Set(held),
    // A site is covered by its own pattern or by its scheme's "every site" pattern, as in the browsers.
    covers: vi.fn(async (origins: readonly string[]) => origins.every((o) => access.held.has(o) || access.held.has(`${o.split('//')[0]}//*/*`))),
    request: vi.fn((origins: readonly string[]) => {
      if (answer === 'pending') return new Promise<boolean>(() => {});
      if (answer === 'deny') return Promise.resolve(false);
      for (const o of origins) access.held.add(o);
      return Promise.resolve(true);
    }),
    watch: vi.fn((fn: () => void) => {
      listeners.add(fn);
      return () => listeners.delete(fn);
    }),
    /** The browser granted `origins` by itself (its own settings, or its prompt answered later). */
    grantElsewhere(origins: readonly string[]) {
      for (const o of origins) access.held.add(o);
      for (const fn of listeners) fn();
    },
  };
  return access satisfies SiteAccess;
}

const SHOP = { host: 'shop.example.com', pattern: 'https://shop.example.com/*' };

describe('sitePattern', () => {
  it('is the scheme and host of an http(s) page, any port and path; nothing for other pages', () => {
    expect(sitePattern('https://shop.example.com:8443/cart?x=1#top')).toBe('https://shop.example.com/*');
    expect(sitePattern('http://[::1]:8080/')).toBe('http://[::1]/*');
    expect(sitePattern('about:blank')).toBeNull();
    expect(sitePattern(undefined)).toBeNull();
  });
});

describe('accessAsk: when the popup asks', () => {
  it('not for a site it sees, nor for a page that is no web page', async () => {
    expect(await accessAsk('https://shop.example.com/cart', fakeAccess([SHOP.pattern]))).toBe(false);
    expect(await accessAsk('https://shop.example.com/cart', fakeAccess(['https://*/*']))).toBe(false);
    expect(await accessAsk('about:blank', fakeAccess([]))).toBe(false);
  });

  it('for the site it cannot see, by name when the browser shows the address', async () => {
    expect(await accessAsk('https://shop.example.com:8443/cart', fakeAccess(['http://*/*']))).toEqual(SHOP);
  });

  it('for every site when the address is hidden and some access is missing; not when every site is covered', async () => {
    expect(await accessAsk(undefined, fakeAccess(['https://*/*']))).toBeNull();
    expect(await accessAsk(undefined, fakeAccess([...ALL_SITES]))).toBe(false);
  });
});

describe('popup: the ask for site access', () => {
  it('says the extension cannot see the site (not "no gateway error") and asks for this site inside the click', async () => {
    const access = fakeAccess([]);
    const onReload = vi.fn();
    render(<SiteAccessAsk site={SHOP} t={t} access={access} alone onReload={onReload} />);
    expect(screen.getByRole('heading', { level: 1, name: 'Gateway Recovery cannot see shop.example.com' })).toBeTruthy();
    expect(document.body.textContent).not.toContain(t('popupNothing'));
    fireEvent.click(screen.getByRole('button', { name: 'Allow on this site' }));
    // Synchronously, within the click (Firefox refuses a request made later).
    expect(access.request).toHaveBeenCalledWith([SHOP.pattern]);
    await waitFor(() => expect(screen.getByTestId('site-access-granted').textContent).toContain('Access granted'));
    // The buttons are gone: the focus goes to the note that replaced them, not back to the top of the popup.
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('site-access-granted')));
    fireEvent.click(screen.getByRole('button', { name: 'Load this page again' }));
    expect(onReload).toHaveBeenCalledTimes(1);
  });

  it('when the browser hides the address, asks for every site', () => {
    const access = fakeAccess([]);
    render(<SiteAccessAsk site={null} t={t} access={access} alone onReload={vi.fn()} />);
    expect(screen.getByRole('heading', { name: 'Gateway Recovery cannot see this page' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Allow on this site' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Allow on all sites' }));
    expect(access.request).toHaveBeenCalledWith(ALL_SITES);
  });

  it('a prompt left open waits, ignores a second click, and the browser reporting the grant is enough', async () => {
    const access = fakeAccess([], 'pending');
    render(<SiteAccessAsk site={SHOP} t={t} access={access} alone onReload={vi.fn()} />);
    fireEvent.click(screen.getByRole('button', { name: 'Allow on all sites' }));
    await waitFor(() => expect(screen.getByTestId('site-access-result').textContent).toBe(t('siteAccessPending')));
    fireEvent.click(screen.getByRole('button', { name: 'Allow on all sites' }));
    expect(access.request).toHaveBeenCalledTimes(1);
    access.grantElsewhere(ALL_SITES);
    await waitFor(() => expect(screen.getByTestId('site-access').getAttribute('data-stage')).toBe('granted'));
  });

  it('a refusal is said, and the buttons stay', async () => {
    const access = fakeAccess([], 'deny');
    render(<SiteAccessAsk site={SHOP} t={t} access={access} alone={false} onReload={vi.fn()} />);
    expect(screen.getByRole('heading', { level: 2 })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Allow on this site' }));
    await waitFor(() => expect(screen.getByTestId('site-access-result').textContent).toBe(t('siteAccessDenied')));
    expect(screen.getByRole('button', { name: 'Allow on this site' })).toBeTruthy();
  });

  it('reads in German', () => {
    render(<SiteAccessAsk site={SHOP} t={strictTIn('de')} access={fakeAccess([])} alone onReload={vi.fn()} />);
    expect(screen.getByRole('heading', { name: 'Gateway Recovery hat keinen Zugriff auf shop.example.com' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Auf dieser Website erlauben' })).toBeTruthy();
  });
});

describe('options: the notice when access to every site is missing', () => {
  it('shows nothing while every site is covered', async () => {
    const access = fakeAccess([...ALL_SITES]);
    render(<SiteAccessNotice t={t} access={access} />);
    await waitFor(() => expect(access.covers).toHaveBeenCalled());
    expect(screen.queryByTestId('options-access-missing')).toBeNull();
  });

  it('says what is missing, asks with one click, and says when it is granted', async () => {
    const access = fakeAccess(['https://*/*']);
    render(<SiteAccessNotice t={t} access={access} />);
    await waitFor(() => expect(screen.getByTestId('options-access-missing').textContent).toContain('does not have access to every site'));
    fireEvent.click(screen.getByRole('button', { name: 'Allow on all sites' }));
    expect(access.request).toHaveBeenCalledWith(ALL_SITES);
    await waitFor(() => expect(screen.getByTestId('options-access-granted').textContent).toBe(t('optionsAccessGranted')));
  });

  it('access taken back while the page is open brings the notice back', async () => {
    const access = fakeAccess([...ALL_SITES]);
    render(<SiteAccessNotice t={t} access={access} />);
    await waitFor(() => expect(access.watch).toHaveBeenCalled());
    access.held.clear();
    access.grantElsewhere([]);
    await waitFor(() => expect(screen.getByTestId('options-access-missing')).toBeTruthy());
  });
});
