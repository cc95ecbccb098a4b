/**
 * What the browser itself knows (issue 12, points 2 and 3): the server address and proxy of a webRequest detail, the
 * cookieless comparison's judgement, the address comparison with outside locations, and the private-address rule.
 *
 * The detail shapes follow the documentation (MDN webRequest.onCompleted `ip`, `proxyInfo`; MDN proxy.ProxyInfo
 * for its fields; Firefox's WebRequest.sys.mjs adds `username`, `proxyDNS`, `failoverTimeout`). They are built from
 * those pages, not captured from a browser: they count as our own construction, not as real captures.
 */
import { describe, expect, it } from 'vitest';
import { classifyCompletion } from '../../src/recovery/classify';
import { proxyLabel, readConnection, siteAddress } from '../../src/recovery/connection';
import { judgeCookieless } from '../../src/recovery/cookieless';
import { compareAddresses } from '../../src/status/addresses';
import { isPrivateAddress } from '../../src/status/host';

describe('reading the connection of a webRequest detail', () => {
  it('keeps a valid server address, normalised', () => {
    expect(readConnection({ ip: '93.184.216.34' })).toEqual({ ip: '93.184.216.34' });
    expect(readConnection({ ip: '2606:2800:0220:0001:0248:1893:25C8:1946' })).toEqual({ ip: '2606:2800:220:1:248:1893:25c8:1946' });
    expect(readConnection({ ip: '[2001:db8::1]' })).toEqual({ ip: '2001:db8::1' });
    // An IPv4-mapped IPv6 address is the IPv4 address it carries.
    expect(readConnection({ ip: '::ffff:10.0.0.5' })).toEqual({ ip: '10.0.0.5' });
  });

  it('drops what is not an address: never trusted as given', () => {
    for (const ip of [undefined, null, '', 'example.com', '999.1.1.1', '0x7f.1', '127.1', 42, '1.2.3.4; rm -rf', 'x'.repeat(500), {}]) {
      expect(readConnection({ ip }), String(ip)).toBeUndefined();
    }
  });

  it('never throws, even on a detail whose fields throw when read', () => {
    const hostile = Object.defineProperty({}, 'ip', { get: () => { throw new Error('boom'); } });
    expect(readConnection(hostile)).toBeUndefined();
    const proxyInfo = Object.defineProperty({}, 'type', { get: () => { throw new Error('boom'); } });
    expect(readConnection({ ip: '93.184.216.34', proxyInfo })).toBeUndefined();
  });

  it("keeps Firefox's proxy (type, host, port) and nothing else of it; `direct` and `null` are no proxy", () => {
    const proxyInfo = { host: 'proxy.corp.example', port: 3128, type: 'http', username: 'alice', proxyDNS: false, failoverTimeout: 10 };
    expect(readConnection({ ip: '10.1.2.3', proxyInfo })).toEqual({ ip: '10.1.2.3', proxy: { type: 'http', host: 'proxy.corp.example', port: 3128 } });
    expect(readConnection({ ip: '203.0.113.9', proxyInfo: null })).toEqual({ ip: '203.0.113.9' });
    expect(readConnection({ proxyInfo: { type: 'direct' } })).toBeUndefined();
    expect(readConnection({ proxyInfo: { type: 'SOCKS', host: '127.0.0.1', port: 9050, proxyDNS: true } })).toEqual({
      proxy: { type: 'socks', host: '127.0.0.1', port: 9050 },
    });
    // Odd parts are dropped one by one; an unknown type drops the proxy.
    expect(readConnection({ proxyInfo: { type: 'http', host: '<b>x</b>', port: 70_000 } })).toEqual({ proxy: { type: 'http' } });
    expect(readConnection({ proxyInfo: { type: 'carrier-pigeon', host: 'p', port: 1 } })).toBeUndefined();
    expect(readConnection({ proxyInfo: 'http://proxy:3128' })).toBeUndefined();
  });

  it("the site's address is the ip only when no proxy is known (through one, ip is the proxy's)", () => {
    expect(siteAddress({ ip: '10.0.0.5' })).toBe('10.0.0.5');
    expect(siteAddress({ ip: '10.0.0.5', proxy: { type: 'http', host: 'proxy', port: 3128 } })).toBeUndefined();
    expect(siteAddress(undefined)).toBeUndefined();
    // A proxy's own error page in the headers: what the browser reached is that proxy (Chromium has no proxyInfo).
    expect(siteAddress({ ip: '10.0.0.5' }, true)).toBeUndefined();
    expect(proxyLabel({ type: 'http', host: 'proxy.corp.example', port: 3128 })).toBe('http proxy.corp.example:3128');
    expect(proxyLabel({ type: 'socks', host: '::1', port: 1080 })).toBe('socks [::1]:1080');
    expect(proxyLabel({ type: 'https' })).toBe('https');
  });

  it('classification carries the connection of a main frame only', () => {
    const base = { url: 'https://shop.example.com/', method: 'GET', statusCode: 502, tabId: 3, responseHeaders: [{ name: 'Server', value: 'nginx' }] };
    const main = classifyCompletion({ ...base, type: 'main_frame', ip: '10.0.0.5', proxyInfo: null }, { nowMs: 0 });
    expect(main).toMatchObject({ action: 'gateway-error', connection: { ip: '10.0.0.5' } });
    const frame = classifyCompletion({ ...base, type: 'sub_frame', ip: '10.0.0.5' }, { nowMs: 0 });
    expect(frame.action === 'gateway-error' && frame.connection).toBe(undefined);
    const cached = classifyCompletion({ ...base, type: 'main_frame' }, { nowMs: 0 });
    expect(cached.action === 'gateway-error' && 'connection' in cached).toBe(false);
  });
});

describe('judging the cookieless comparison', () => {
  const at = 1_700_000_000_000;
  it('a 2xx, a redirect not followed, a 401/403/404 are normal answers; a challenge is not', () => {
    for (const code of [200, 204, 0, 301, 302, 304, 401, 403, 404]) {
      expect(judgeCookieless({ kind: 'answered', code, challenge: false }, at).result, String(code)).toBe('normal');
    }
    expect(judgeCookieless({ kind: 'answered', code: 403, challenge: true }, at)).toEqual({ result: 'challenge', code: 403, at });
    expect(judgeCookieless({ kind: 'answered', code: 503, challenge: true }, at).result).toBe('challenge');
  });

  it('anything else says nothing about cookies', () => {
    for (const code of [400, 405, 429, 500, 501]) expect(judgeCookieless({ kind: 'answered', code, challenge: false }, at).result).toBe('other');
    expect(judgeCookieless({ kind: 'answered', code: 1234, challenge: false }, at)).toEqual({ result: 'other', at });
    expect(judgeCookieless({ kind: 'gateway-error', code: 502 }, at)).toEqual({ result: 'gateway-error', code: 502, at });
    expect(judgeCookieless({ kind: 'network-error', reason: 'TypeError: Failed to fetch' }, at)).toEqual({ result: 'network-error', at });
    expect(judgeCookieless({ kind: 'skipped' }, at)).toEqual({ result: 'skipped', at });
  });
});

describe('comparing the address the browser reached with the outside ones', () => {
  const from = (...addresses: string[]) => [{ addresses }];
  it('speaks only when every outside address of the same family is in another /24 (IPv4) or /48 (IPv6)', () => {
    expect(compareAddresses('203.0.113.10', from('198.51.100.7', '192.0.2.44'))).toEqual({
      kind: 'elsewhere',
      browser: '203.0.113.10',
      outside: ['198.51.100.7', '192.0.2.44'],
    });
    // A CDN's neighbour in the same /24 is the same network: no claim.
    expect(compareAddresses('203.0.113.10', from('198.51.100.7', '203.0.113.200'))).toEqual({ kind: 'same-network' });
    expect(compareAddresses('2001:db8:1:2::10', from('2001:db8:1:ffff::1'))).toEqual({ kind: 'same-network' });
    expect(compareAddresses('2001:db8:1:2::10', from('2001:db8:2::1')).kind).toBe('elsewhere');
  });

  it('cannot tell without an address, without outside addresses, or across families', () => {
    expect(compareAddresses(undefined, from('198.51.100.7')).kind).toBe('cannot-tell');
    expect(compareAddresses('203.0.113.10', [{}]).kind).toBe('cannot-tell');
    expect(compareAddresses('2001:db8::1', from('198.51.100.7')).kind).toBe('cannot-tell');
    expect(compareAddresses('203.0.113.10', from('not-an-ip', '')).kind).toBe('cannot-tell');
    // An IPv4-mapped outside address compares as IPv4.
    expect(compareAddresses('203.0.113.10', from('::ffff:203.0.113.99')).kind).toBe('same-network');
  });

  it('lists at most three outside addresses, each once', () => {
    const c = compareAddresses('203.0.113.10', from('198.51.100.1', '198.51.100.1', '198.51.100.2', '198.51.100.3', '198.51.100.4'));
    expect(c).toEqual({ kind: 'elsewhere', browser: '203.0.113.10', outside: ['198.51.100.1', '198.51.100.2', '198.51.100.3'] });
  });
});

describe('isPrivateAddress', () => {
  it('is true for anything but public unicast, and for what does not parse', () => {
    for (const ip of ['10.0.0.5', '172.16.3.4', '192.168.1.1', '127.0.0.1', '100.64.0.1', '169.254.1.1', '0.0.0.0', '::1', 'fe80::1', 'fd00::5', '::ffff:192.168.1.1', '::', '', 'shop.example.com', '[::1]']) {
      expect(isPrivateAddress(ip), ip).toBe(true);
    }
    for (const ip of ['93.184.216.34', '2606:4700::6810:84e5', '::ffff:93.184.216.34', '[2606:4700::6810:84e5]']) {
      expect(isPrivateAddress(ip), ip).toBe(false);
    }
  });
});
