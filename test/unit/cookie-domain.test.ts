/** "Clear cookies" never reaches past one site: the cookie domain of a host (issue 15, "Fail closed everywhere"). */
import { beforeAll, describe, expect, it } from 'vitest';
import { cookieDomain } from '../../src/guide/cookie-domain';
import { loadPublicSuffixList } from '../../src/status/host';

beforeAll(() => loadPublicSuffixList());

describe('cookieDomain', () => {
  it.each([
    ['shop.example.com', 'example.com'],
    ['example.com', 'example.com'],
    ['www.bbc.co.uk', 'bbc.co.uk'],
    // The private section counts: one user's site is its own cookie domain, never the shared suffix.
    ['blog.user.github.io', 'user.github.io'],
    ['my-app.vercel.app', 'my-app.vercel.app'],
    ['SHOP.Example.COM.', 'example.com'],
    ['shop.corp', 'shop.corp'],
    ['203.0.113.7', '203.0.113.7'],
    ['[2001:db8::1]', '2001:db8::1'],
  ])('%s: %s', (host, domain) => {
    expect(cookieDomain(host)).toEqual({ ok: true, domain });
  });

  it.each(['github.io', 'vercel.app', 'co.uk', 'com', 's3.amazonaws.com', 'blogspot.com', 'localhost', 'intranet'])(
    '%s is a public suffix: no cookies are cleared there',
    (host) => {
      expect(cookieDomain(host)).toEqual({ ok: false, reason: 'public-suffix' });
    },
  );

  it('garbage is no host', () => {
    expect(cookieDomain('')).toEqual({ ok: false, reason: 'invalid' });
    expect(cookieDomain('a b')).toEqual({ ok: false, reason: 'invalid' });
  });
});
