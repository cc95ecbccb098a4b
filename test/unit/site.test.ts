import { describe, expect, it } from 'vitest';
import { hostMatches, isSamePage, parsePageAddress } from '../../src/shared/page-address';

describe('parsePageAddress', () => {
  it('reads an https URL', () => {
    expect(parsePageAddress('https://shop.example/cart?item=3')).toEqual({
      origin: 'https://shop.example',
      host: 'shop.example',
      page: 'https://shop.example/cart?item=3',
    });
  });

  it('reads an http URL and adds the root path', () => {
    expect(parsePageAddress('http://shop.example')).toEqual({
      origin: 'http://shop.example',
      host: 'shop.example',
      page: 'http://shop.example/',
    });
  });

  it('keeps a non-default port in origin and page, not in host', () => {
    expect(parsePageAddress('http://shop.example:8080/a')).toEqual({
      origin: 'http://shop.example:8080',
      host: 'shop.example',
      page: 'http://shop.example:8080/a',
    });
  });

  it('drops a default port', () => {
    expect(parsePageAddress('https://shop.example:443/a')?.origin).toBe('https://shop.example');
    expect(parsePageAddress('http://shop.example:80/a')?.origin).toBe('http://shop.example');
  });

  it('keeps 443 on http and 80 on https (not their defaults)', () => {
    expect(parsePageAddress('http://shop.example:443/')?.origin).toBe('http://shop.example:443');
    expect(parsePageAddress('https://shop.example:80/')?.origin).toBe('https://shop.example:80');
  });

  it('lowercases the scheme and host', () => {
    expect(parsePageAddress('HTTPS://Shop.EXAMPLE/Path')).toEqual({
      origin: 'https://shop.example',
      host: 'shop.example',
      page: 'https://shop.example/Path',
    });
  });

  it('reads an IPv6 literal with brackets in host', () => {
    expect(parsePageAddress('http://[::1]:8080/x')).toEqual({
      origin: 'http://[::1]:8080',
      host: '[::1]',
      page: 'http://[::1]:8080/x',
    });
  });

  it('normalises an IPv6 literal', () => {
    expect(parsePageAddress('https://[2001:DB8:0:0:0:0:0:1]/')?.host).toBe('[2001:db8::1]');
  });

  it('reads an IPv4 address', () => {
    expect(parsePageAddress('http://127.0.0.1:3000/')).toEqual({
      origin: 'http://127.0.0.1:3000',
      host: '127.0.0.1',
      page: 'http://127.0.0.1:3000/',
    });
  });

  it('gives an IDN host in punycode', () => {
    expect(parsePageAddress('https://bücher.example/straße')).toEqual({
      origin: 'https://xn--bcher-kva.example',
      host: 'xn--bcher-kva.example',
      page: 'https://xn--bcher-kva.example/stra%C3%9Fe',
    });
  });

  it('keeps userinfo out of origin and host', () => {
    const a = parsePageAddress('https://user:secret@shop.example/a');
    expect(a?.origin).toBe('https://shop.example');
    expect(a?.host).toBe('shop.example');
    expect(a?.page).toBe('https://user:secret@shop.example/a');
  });

  it.each([
    ['https://shop.example/a#section', 'https://shop.example/a'],
    ['https://shop.example/a?q=1#x', 'https://shop.example/a?q=1'],
    ['https://shop.example/a#', 'https://shop.example/a'],
    ['https://shop.example/#/spa/route', 'https://shop.example/'],
  ])('removes the fragment of %s', (url, page) => {
    expect(parsePageAddress(url)?.page).toBe(page);
  });

  it.each([
    'file:///etc/passwd',
    'about:blank',
    'chrome://newtab/',
    'chrome-extension://abcdefghijklmnopabcdefghijklmnop/popup.html',
    'moz-extension://0b0c6b2e-1f5a-4c7e-9a43-6d1f7f1e2a11/popup.html',
    'ftp://files.example/',
    'ws://shop.example/',
    'wss://shop.example/',
    'data:text/plain,hi',
    'blob:https://shop.example/0b0c6b2e-1f5a-4c7e-9a43-6d1f7f1e2a11',
    'javascript:alert(1)',
    'view-source:https://shop.example/',
    'mailto:a@shop.example',
  ])('returns null for the non-http URL %s', (url) => {
    expect(parsePageAddress(url)).toBeNull();
  });

  it.each(['', 'not a url', 'shop.example', '/relative/path', '//shop.example/', 'http://', 'https://exa mple.com/', 'http://[::1/', 'http://shop.example:99999/'])(
    'returns null for the garbage %j',
    (url) => {
      expect(parsePageAddress(url)).toBeNull();
    },
  );

  it('returns null for undefined and null', () => {
    expect(parsePageAddress(undefined)).toBeNull();
    expect(parsePageAddress(null)).toBeNull();
  });

  it('returns null for a non-string', () => {
    expect(parsePageAddress(42 as unknown as string)).toBeNull();
    expect(parsePageAddress({ href: 'https://shop.example/' } as unknown as string)).toBeNull();
  });
});

describe('isSamePage', () => {
  it('is true for the same URL', () => {
    expect(isSamePage('https://shop.example/a?b=1', 'https://shop.example/a?b=1')).toBe(true);
  });

  it('ignores the fragment', () => {
    expect(isSamePage('https://shop.example/a#top', 'https://shop.example/a#bottom')).toBe(true);
    expect(isSamePage('https://shop.example/a', 'https://shop.example/a#x')).toBe(true);
  });

  it('compares normalised URLs', () => {
    expect(isSamePage('HTTPS://SHOP.example:443/a', 'https://shop.example/a')).toBe(true);
  });

  it('is false for a different path, query, port, scheme or host', () => {
    const a = 'https://shop.example/a?b=1';
    expect(isSamePage(a, 'https://shop.example/b?b=1')).toBe(false);
    expect(isSamePage(a, 'https://shop.example/a?b=2')).toBe(false);
    expect(isSamePage(a, 'https://shop.example/a')).toBe(false);
    expect(isSamePage(a, 'https://shop.example:8443/a?b=1')).toBe(false);
    expect(isSamePage(a, 'http://shop.example/a?b=1')).toBe(false);
    expect(isSamePage(a, 'https://www.shop.example/a?b=1')).toBe(false);
  });

  it('is case-sensitive in the path', () => {
    expect(isSamePage('https://shop.example/Cart', 'https://shop.example/cart')).toBe(false);
  });

  it('is false when either side does not parse or is not http', () => {
    expect(isSamePage('https://shop.example/', 'garbage')).toBe(false);
    expect(isSamePage(undefined, 'https://shop.example/')).toBe(false);
    expect(isSamePage('https://shop.example/', null)).toBe(false);
    expect(isSamePage('about:blank', 'about:blank')).toBe(false);
    expect(isSamePage(undefined, undefined)).toBe(false);
    expect(isSamePage('', '')).toBe(false);
  });
});

describe('hostMatches', () => {
  it('matches the host itself', () => {
    expect(hostMatches('example.com', 'example.com')).toBe(true);
  });

  it('matches subdomains at any depth', () => {
    expect(hostMatches('www.example.com', 'example.com')).toBe(true);
    expect(hostMatches('a.b.c.example.com', 'example.com')).toBe(true);
  });

  it('does not match a name that merely ends with the pattern', () => {
    expect(hostMatches('notexample.com', 'example.com')).toBe(false);
    expect(hostMatches('my-example.com', 'example.com')).toBe(false);
  });

  it('does not match the parent of a pattern', () => {
    expect(hostMatches('example.com', 'www.example.com')).toBe(false);
  });

  it('does not match a different host sharing a prefix', () => {
    expect(hostMatches('example.com.evil.net', 'example.com')).toBe(false);
    expect(hostMatches('example.co', 'example.com')).toBe(false);
  });

  it('ignores case on both sides', () => {
    expect(hostMatches('WWW.Example.COM', 'example.com')).toBe(true);
    expect(hostMatches('www.example.com', 'EXAMPLE.Com')).toBe(true);
  });

  it('ignores a trailing dot on both sides', () => {
    expect(hostMatches('www.example.com.', 'example.com')).toBe(true);
    expect(hostMatches('www.example.com', 'example.com.')).toBe(true);
    expect(hostMatches('example.com.', 'example.com.')).toBe(true);
  });

  it('trims whitespace around the pattern', () => {
    expect(hostMatches('www.example.com', '  example.com \t')).toBe(true);
  });

  it.each(['', '   ', '.', ' . '])('never matches the empty pattern %j', (pattern) => {
    expect(hostMatches('example.com', pattern)).toBe(false);
    expect(hostMatches('', pattern)).toBe(false);
  });

  it('matches IP literals exactly', () => {
    expect(hostMatches('127.0.0.1', '127.0.0.1')).toBe(true);
    expect(hostMatches('[::1]', '[::1]')).toBe(true);
    expect(hostMatches('127.0.0.10', '127.0.0.1')).toBe(false);
  });

  it('matches a punycode host against its punycode pattern', () => {
    expect(hostMatches('shop.xn--bcher-kva.example', 'xn--bcher-kva.example')).toBe(true);
  });

  it('works with hosts from parsePageAddress', () => {
    const host = parsePageAddress('https://WWW.Example.com:8443/x')!.host;
    expect(hostMatches(host, 'example.com')).toBe(true);
    expect(hostMatches(host, 'other.com')).toBe(false);
  });
});
