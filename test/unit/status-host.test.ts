import fc from 'fast-check';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { isPrivateAddress, isPrivateHost, isWithheldHost, loadPublicSuffixList, normaliseHost, registrableDomain, statusPageDomain } from '../../src/status/host';

beforeAll(loadPublicSuffixList);

describe('the Public Suffix List, loaded on demand', () => {
  it('says clearly that it is not loaded yet; IP literals and single labels need no list', async () => {
    vi.resetModules();
    const fresh = await import('../../src/status/host');
    expect(() => fresh.registrableDomain('api.github.com')).toThrow('the Public Suffix List is not loaded: await loadPublicSuffixList() first');
    expect(fresh.isPrivateHost('10.0.0.5')).toBe(true);
    expect(fresh.isPrivateHost('router')).toBe(true);
    await fresh.loadPublicSuffixList();
    expect(fresh.registrableDomain('api.github.com')).toEqual({ domain: 'github.com', name: 'github' });
  });
});

describe('isPrivateHost: IP literals', () => {
  it.each([
    ['10.0.0.1', 'RFC 1918 10/8'],
    ['172.16.5.4', 'RFC 1918 172.16/12'],
    ['172.31.255.255', 'RFC 1918 172.16/12 upper end'],
    ['192.168.1.1', 'RFC 1918 192.168/16'],
    ['127.0.0.1', 'loopback'],
    ['127.8.9.10', 'loopback /8'],
    ['169.254.169.254', 'link-local (cloud metadata)'],
    ['100.64.0.1', 'CGNAT 100.64/10'],
    ['100.127.255.254', 'CGNAT upper end'],
    ['224.0.0.251', 'multicast (mDNS)'],
    ['239.255.255.250', 'multicast (SSDP)'],
    ['0.0.0.0', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['192.0.2.10', 'documentation TEST-NET-1'],
    ['::1', 'IPv6 loopback'],
    ['::', 'IPv6 unspecified'],
    ['fe80::1', 'IPv6 link-local'],
    ['fc00::1', 'IPv6 unique-local fc00::/7'],
    ['fd12:3456:789a::1', 'IPv6 unique-local fd'],
    ['ff02::1', 'IPv6 multicast'],
    ['::ffff:10.0.0.1', 'IPv4-mapped private'],
    ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
    ['::ffff:192.168.0.1', 'IPv4-mapped private 192.168'],
    ['2001:db8::1', 'IPv6 documentation'],
  ])('%s is private (%s)', (host) => {
    expect(isPrivateHost(host)).toBe(true);
  });

  it.each([
    ['8.8.8.8'],
    ['1.1.1.1'],
    ['2001:4860:4860::8888'],
    ['2606:4700:4700::1111'],
    ['::ffff:8.8.8.8'],
    ['172.32.0.1'], // just outside 172.16/12
    ['100.128.0.1'], // just outside CGNAT
    ['11.0.0.1'],
  ])('%s is public', (host) => {
    expect(isPrivateHost(host)).toBe(false);
  });

  it('reads bracketed IPv6 with and without a port', () => {
    expect(isPrivateHost('[::1]')).toBe(true);
    expect(isPrivateHost('[::1]:8080')).toBe(true);
    expect(isPrivateHost('[fd00::5]:443')).toBe(true);
    expect(isPrivateHost('[2001:4860:4860::8888]')).toBe(false);
    expect(isPrivateHost('[2001:4860:4860::8888]:443')).toBe(false);
    expect(normaliseHost('[2001:4860:4860::8888]:443')).toBe('2001:4860:4860::8888');
    expect(normaliseHost('[::1]:8080')).toBe('::1');
  });

  it('sees through odd IPv4 forms the URL parser accepts', () => {
    expect(normaliseHost('0x7f.1')).toBe('127.0.0.1');
    expect(isPrivateHost('0x7f.1')).toBe(true);
    expect(normaliseHost('2130706433')).toBe('127.0.0.1');
    expect(isPrivateHost('2130706433')).toBe(true);
    expect(normaliseHost('0177.0.0.1')).toBe('127.0.0.1');
    expect(isPrivateHost('0177.0.0.1')).toBe(true);
    expect(isPrivateHost('0xa000001')).toBe(true); // 10.0.0.1
    expect(normaliseHost('134744072')).toBe('8.8.8.8');
    expect(isPrivateHost('134744072')).toBe(false);
  });

  it('treats an IPv6 zone id (not a URL host) as unusable, hence private', () => {
    expect(normaliseHost('fe80::1%eth0')).toBeNull();
    expect(isPrivateHost('fe80::1%eth0')).toBe(true);
  });
});

describe('isPrivateAddress: every spelling of a private address', () => {
  it.each([
    ['::c0a8:101', 'IPv4-compatible ::192.168.1.1 (what the URL parser makes of [::192.168.1.1])'],
    ['::a00:5', 'IPv4-compatible ::10.0.0.5'],
    ['::ffff:c0a8:101', 'IPv4-mapped, hex'],
    ['::ffff:0:192.168.1.1', 'IPv4-translated (RFC 2765)'],
    ['::ffff:0:7f00:1', 'IPv4-translated loopback, hex'],
    ['2002:c0a8:101::1', '6to4 of 192.168.1.1 (RFC 3056)'],
    ['2002:a00:5::', '6to4 of 10.0.0.5'],
    ['2002:7f00:1::1', '6to4 of 127.0.0.1'],
    ['64:ff9b::10.0.0.5', 'NAT64 well-known prefix of 10.0.0.5 (RFC 6052)'],
    ['64:ff9b::c0a8:101', 'NAT64 well-known prefix of 192.168.1.1, hex'],
    ['64:ff9b:1::8.8.8.8', 'NAT64 local-use prefix (RFC 8215): one network\'s own'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'Teredo (RFC 4380): a host behind a NAT'],
    ['[::1]', 'brackets are read'],
    ['fe80::1%eth0', 'a zone id is link-local'],
    ['100::1', 'discard prefix'],
    ['fec0::1', 'deprecated site-local'],
    ['3fff::1', 'documentation (RFC 9637)'],
    ['', 'empty'],
    ['garbage', 'unparseable'],
    ['10.0.0.256', 'out of range'],
  ])('%s is private (%s)', (ip) => {
    expect(isPrivateAddress(ip)).toBe(true);
  });

  it.each([
    ['93.184.216.34', 'public IPv4'],
    ['2606:2800:220:1:248:1893:25c8:1946', 'public IPv6'],
    ['::ffff:8.8.8.8', 'IPv4-mapped public'],
    ['::808:808', 'IPv4-compatible public: judged by its IPv4 address'],
    ['2002:808:808::1', '6to4 of a public address'],
    ['64:ff9b::8.8.8.8', 'NAT64 of a public address'],
    ['::ffff:0:8.8.8.8', 'IPv4-translated public'],
  ])('%s is public (%s)', (ip) => {
    expect(isPrivateAddress(ip)).toBe(false);
  });

  it('ipaddr.js reads `::8.8.8.8` as IPv4-mapped; both readings carry the same IPv4 address', () => {
    expect(isPrivateAddress('::8.8.8.8')).toBe(false);
    expect(isPrivateAddress('::192.168.1.1')).toBe(true);
  });

  it('IP literals in hosts go through it: [::c0a8:101] and [2002:c0a8:101::1] are private', () => {
    expect(isPrivateHost('[::c0a8:101]')).toBe(true);
    expect(isPrivateHost('[::192.168.1.1]')).toBe(true);
    expect(isPrivateHost('[2002:c0a8:101::1]:8443')).toBe(true);
    expect(isPrivateHost('[64:ff9b::a00:5]')).toBe(true);
    expect(isPrivateHost('[2002:808:808::1]')).toBe(false);
  });

  it('never throws', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.ipV4(), fc.ipV4Extended(), fc.ipV6()), (s) => {
        expect(typeof isPrivateAddress(s)).toBe('boolean');
      }),
      { numRuns: 2000 },
    );
    expect(isPrivateAddress(undefined as unknown as string)).toBe(true);
  });
});

describe('isPrivateHost: names that embed or always mean a private address', () => {
  it.each([
    '10.0.0.5.nip.io',
    'app.10.0.0.5.nip.io',
    'app-10-0-0-5.nip.io',
    'app-0a000005.nip.io',
    'customer2-app-127-0-0-1.nip.io',
    '10-0-0-5.sslip.io',
    'www-192-168-0-1.sslip.io',
    '--1.sslip.io',
    'fe80--1.sslip.io',
    'filer.7f000001.sslip.io',
    'www.00000000000000000000000000000001.nip.io',
    'foo.nip.io', // no address: sslip.io answers nothing, and we cannot tell
    '10.0.0.1.traefik.me',
    'app-10-0-0-1.traefik.me',
    'mysite.traefik.me', // no address: traefik.me answers 127.0.0.1
    '10.0.0.1.xip.io',
    'localtest.me',
    'app.localtest.me',
    'lvh.me',
    'sub.lvh.me',
    'vcap.me',
    'lacolhost.com',
    'localh.st',
    'x.local.gd',
    'mysite.ddev.site',
    'localhost.example.nl',
    'localhost.localdomain',
    'host.tail1234.ts.net',
    'tail1234.ts.net',
    'pangolin.tailfe8c.ts.net',
    'webserver.example2.com.beta.tailscale.net',
    '10-10-10-10.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.plex.direct',
    '1-2-3-4.625d406a00ac415b978ddb368c0d1289.plex.direct',
  ])('%s is private', (h) => {
    expect(isPrivateHost(h)).toBe(true);
  });

  it.each([
    '52-0-56-137.sslip.io',
    'www-78-46-204-247.nip.io',
    '2a01-4f8-c17-b8f--2.nip.io',
    '34003889.nip.io',
    'ubuntu20.04.52.0.56.137.181-notify.sslip.io', // sslip.io answers 52.0.56.137, not 0.56.137.181
    'foo.bar.208.132.27.194.traefik.me',
    'nip.io',
    'www.sslip.io',
    'readme.localtest.me',
  ])('%s is public: the address it spells is public, or it is the service\'s own site', (h) => {
    expect(isPrivateHost(h)).toBe(false);
  });

  it('a wildcard-DNS name takes sslip.io\'s leftmost address, dashes before dots before hex', () => {
    expect(isPrivateHost('nono.io.172.16.0.30.172.31.255.255.sslip.io')).toBe(true);
    expect(isPrivateHost('www.127-0-0-53.76543210.nip.io')).toBe(true);
    expect(isPrivateHost('www.76543210.127.0.0.53.nip.io')).toBe(true);
    expect(isPrivateHost('www.76543210.nip.io')).toBe(false);
  });

  it('an intranet name under a public domain cannot be told by its name', () => {
    expect(isPrivateHost('ci.brave.com')).toBe(false);
    expect(isPrivateHost('intranet.example.org')).toBe(false);
  });
});

describe('isWithheldHost: private, or on the never-send list', () => {
  it('withholds a listed domain and every name under it', () => {
    expect(isWithheldHost('intranet.example.org', ['example.org'])).toBe(true);
    expect(isWithheldHost('example.org', ['example.org'])).toBe(true);
    expect(isWithheldHost('https://INTRANET.example.org:8443/x', ['example.org'])).toBe(true);
    expect(isWithheldHost('notexample.org', ['example.org'])).toBe(false);
    expect(isWithheldHost('example.com', ['example.org'])).toBe(false);
  });

  it('withholds private hosts whatever the list says, and garbage', () => {
    expect(isWithheldHost('10.0.0.5.nip.io', [])).toBe(true);
    expect(isWithheldHost('', [])).toBe(true);
  });
});

describe('statusPageDomain: guesses only from a public site\'s ICANN registrable domain', () => {
  it('gives the registrable domain of a public site', () => {
    expect(statusPageDomain('api.github.com')).toEqual({ domain: 'github.com', name: 'github' });
    expect(statusPageDomain('www.bbc.co.uk')).toEqual({ domain: 'bbc.co.uk', name: 'bbc' });
  });

  it('gives nothing for a private host, a private-section suffix or a wildcard-DNS name', () => {
    for (const h of ['host.tail1234.ts.net', 'tail1234.ts.net', 'user.github.io', 'x.y.github.io', 'myapp.vercel.app', 'box.myfritz.net', '10.0.0.5.nip.io', '52-0-56-137.sslip.io', '8.8.8.8', 'router.lan', 'co.uk', '']) {
      expect(statusPageDomain(h), h).toBeNull();
    }
  });
});

describe('isPrivateHost: names', () => {
  it('IDN names are public and normalised to punycode', () => {
    expect(normaliseHost('bücher.de')).toBe('xn--bcher-kva.de');
    expect(isPrivateHost('bücher.de')).toBe(false);
    expect(isPrivateHost('xn--bcher-kva.de')).toBe(false);
    expect(normaliseHost('BÜCHER.DE')).toBe('xn--bcher-kva.de');
  });

  it('drops one trailing dot, ports, userinfo, scheme and path', () => {
    expect(normaliseHost('example.com.')).toBe('example.com');
    expect(normaliseHost('Example.COM:8443')).toBe('example.com');
    expect(normaliseHost('user:pw@example.com')).toBe('example.com');
    expect(normaliseHost('https://user:pw@Example.com:8443/a?b#c')).toBe('example.com');
    expect(isPrivateHost('example.com.')).toBe(false);
    expect(isPrivateHost('example.com:8443')).toBe(false);
  });

  it('userinfo does not hide a private address', () => {
    expect(normaliseHost('user:pw@10.0.0.1')).toBe('10.0.0.1');
    expect(isPrivateHost('user:pw@10.0.0.1')).toBe(true);
    expect(isPrivateHost('user:pw@10.0.0.1:8080')).toBe(true);
    expect(isPrivateHost('8.8.8.8@10.0.0.1')).toBe(true);
    expect(isPrivateHost('http://example.com@192.168.0.1/')).toBe(true);
  });

  it('single-label names are private', () => {
    for (const h of ['intranet', 'router', 'localhost', 'LOCALHOST', 'wpad', 'printer:631']) expect(isPrivateHost(h), h).toBe(true);
  });

  it('special-use and home-network suffixes are private, with or without a trailing dot', () => {
    for (const h of [
      'printer.local',
      'printer.local.',
      'a.internal',
      'router.lan',
      'nas.home.arpa',
      'nas.home.arpa.',
      'home.arpa',
      'app.localhost',
      'localhost.',
      'x.test',
      'fritz.box',
      'svc.corp',
      'abc.onion',
    ]) {
      expect(isPrivateHost(h), h).toBe(true);
    }
  });

  it('a name with several trailing dots is still private when its suffix is', () => {
    // `nas.home.arpa..` and `fritz.box..` are valid URL hosts (`new URL('http://fritz.box../').hostname`).
    expect(isPrivateHost('nas.home.arpa..')).toBe(true);
    expect(isPrivateHost('fritz.box..')).toBe(true);
    expect(isPrivateHost('printer.local..')).toBe(true);
  });

  it('names under a TLD that is not delegated are private', () => {
    expect(isPrivateHost('foo.notatld')).toBe(true);
    expect(isPrivateHost('server.mycompany-internal')).toBe(true);
  });

  it('a bare public suffix is not a site', () => {
    expect(isPrivateHost('co.uk')).toBe(true);
    expect(isPrivateHost('com')).toBe(true);
    expect(isPrivateHost('github.io')).toBe(true);
  });

  it('ordinary public names are public', () => {
    for (const h of ['example.com', 'www.bbc.co.uk', 'a.github.io', 'api.github.com', 'sub.domain.example.org']) {
      expect(isPrivateHost(h), h).toBe(false);
    }
  });

  it('garbage and empty strings are private (send nothing when unsure) and do not normalise', () => {
    for (const h of ['', ' ', '   ', 'a b.com', 'http://', '%%%', '[::1', '::1]', 'exa\u0000mple.com', 'a'.repeat(1001), `${'a'.repeat(63)}.`.repeat(5) + 'com']) {
      expect(normaliseHost(h), JSON.stringify(h)).toBeNull();
      expect(isPrivateHost(h), JSON.stringify(h)).toBe(true);
    }
  });

  it('does not accept non-strings', () => {
    expect(normaliseHost(undefined as unknown as string)).toBeNull();
    expect(isPrivateHost(42 as unknown as string)).toBe(true);
  });

  it('normalises several trailing dots to the same host as one (or refuses it)', () => {
    expect([null, 'example.com']).toContain(normaliseHost('example.com..'));
  });
});

describe('registrableDomain', () => {
  it('uses the PSL ICANN section', () => {
    expect(registrableDomain('api.github.com')).toEqual({ domain: 'github.com', name: 'github' });
    expect(registrableDomain('www.bbc.co.uk')).toEqual({ domain: 'bbc.co.uk', name: 'bbc' });
    expect(registrableDomain('bbc.co.uk')).toEqual({ domain: 'bbc.co.uk', name: 'bbc' });
  });

  it('uses the PSL private section: a.github.io and b.github.io are different sites', () => {
    expect(registrableDomain('a.github.io')).toEqual({ domain: 'a.github.io', name: 'a' });
    expect(registrableDomain('x.b.github.io')).toEqual({ domain: 'b.github.io', name: 'b' });
    expect(registrableDomain('a.github.io')!.domain).not.toBe(registrableDomain('b.github.io')!.domain);
  });

  it('normalises its input first', () => {
    expect(registrableDomain('https://API.GitHub.com:443/x')).toEqual({ domain: 'github.com', name: 'github' });
    expect(registrableDomain('shop.bücher.de.')).toEqual({ domain: 'xn--bcher-kva.de', name: 'xn--bcher-kva' });
  });

  it('is null for IPs, bare suffixes and garbage', () => {
    for (const h of ['8.8.8.8', '[2001:4860:4860::8888]', 'co.uk', 'com', 'github.io', '', 'a b']) {
      expect(registrableDomain(h), h).toBeNull();
    }
  });
});

describe('host properties', () => {
  const hostish = fc.oneof(
    fc.string(),
    fc.string({ unit: 'grapheme' }),
    fc.string({ unit: 'binary' }),
    fc.domain(),
    fc.ipV4(),
    fc.ipV4Extended(),
    fc.ipV6(),
    fc.webUrl(),
    fc
      .array(fc.constantFrom('a', 'b', 'ü', '.', ':', '[', ']', '@', '%', '0x', '1', '::', '/', '#', '?', 'xn--', '-', '..', ' '), { maxLength: 12 })
      .map((xs) => xs.join('')),
  );

  it('isPrivateHost and normaliseHost never throw', () => {
    fc.assert(
      fc.property(hostish, (s) => {
        const n = normaliseHost(s);
        expect(n === null || typeof n === 'string').toBe(true);
        expect(typeof isPrivateHost(s)).toBe('boolean');
        registrableDomain(s);
      }),
      { numRuns: 3000 },
    );
  });

  it('normaliseHost is idempotent on its output', () => {
    fc.assert(
      fc.property(hostish, (s) => {
        const n = normaliseHost(s);
        if (n !== null) expect(normaliseHost(n)).toBe(n);
      }),
      { numRuns: 3000 },
    );
  });

  it('the private verdict does not change when the normalised host is asked again', () => {
    fc.assert(
      fc.property(hostish, (s) => {
        const n = normaliseHost(s);
        if (n !== null) expect(isPrivateHost(n)).toBe(isPrivateHost(s));
      }),
      { numRuns: 3000 },
    );
  });
});
