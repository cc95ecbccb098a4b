/**
 * A squid-style forward proxy on loopback: the "corporate proxy" of the e2e suite.
 *
 * A plain Node HTTP proxy on 127.0.0.1 that takes the browser's absolute-form requests (`GET http://host:port/path`).
 * For a host it has been told is failing it answers the way squid itself does when it cannot get the page, with the
 * headers of real captures (see `SOURCES.md`): `Server: squid/<ver>`, `Mime-Version: 1.0`, `X-Squid-Error`,
 * `X-Cache: MISS from <proxy host>`, `X-Cache-Lookup`, `Via: 1.1 <proxy host> (squid/<ver>)` and squid's error page.
 * Any other request it forwards to `127.0.0.1:<port of the URL>` (every lab site lives on loopback: the proxy does
 * its own name resolution, as a real one does), adding its `Via`.
 *
 * Browsers send only the hosts listed in a PAC script to it ({@link proxyPacScript}), so one browser can have a
 * proxied site and direct ones side by side: Chromium `--proxy-pac-url=data:...`, Firefox `network.proxy.type=2` +
 * `network.proxy.autoconfig_url` (see `../e2e/driver.ts`).
 *
 * @module
 */
import http, { type IncomingHttpHeaders } from 'node:http';
import { announceLoopbackPort } from './ports';

/** The squid error answers the proxy can give, each from a real capture (`SOURCES.md`). */
export const SQUID_ERRORS = {
  /** squid 4.15: the next hop closed the connection without a byte (`ERR_ZERO_SIZE_OBJECT`): `502 Bad Gateway`. */
  'zero-size': { status: 502, version: '4.15', error: 'ERR_ZERO_SIZE_OBJECT 0', title: 'Zero Sized Reply' },
  /** squid 3.5.12: the connection to the site was refused (`ERR_CONNECT_FAIL 111`, ECONNREFUSED): `503`. */
  'connect-fail': { status: 503, version: '3.5.12', error: 'ERR_CONNECT_FAIL 111', title: 'Connection to the site failed.' },
} as const;

export type SquidError = keyof typeof SQUID_ERRORS;

/** One request the proxy received. */
export interface ProxiedRequest {
  time: number;
  method: string;
  /** The absolute URL the browser asked for. */
  url: string;
  host: string;
  headers: IncomingHttpHeaders;
  /** What the proxy did: forwarded it, or answered with a squid error. */
  outcome: 'forwarded' | SquidError;
}

/** Handle returned by {@link startSquidProxy}. */
export interface SquidProxy {
  readonly port: number;
  /** The name the proxy gives itself in `Via` and `X-Cache` (a corporate proxy's host name). */
  readonly hostname: string;
  readonly requests: readonly ProxiedRequest[];
  /** Requests for `host` (without port). */
  requestsFor(host: string): ProxiedRequest[];
  /** From now on answer requests for `host` (without port) with squid's `error`; `null` forwards them again. */
  setFailing(host: string, error: SquidError | null): void;
  close(): Promise<void>;
}

/**
 * Starts the proxy on a free 127.0.0.1 port.
 *
 * @param options.hostname the proxy's name in its headers. Default `proxy-instance` (as in the squid 4.15 capture).
 */
export async function startSquidProxy(options: { hostname?: string } = {}): Promise<SquidProxy> {
  const hostname = options.hostname ?? 'proxy-instance';
  const requests: ProxiedRequest[] = [];
  const failing = new Map<string, SquidError>();
  let port = 0;

  const server = http.createServer((req, res) => {
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      res.writeHead(400, { 'Content-Type': 'text/plain' }).end('squid-style proxy: absolute-form requests only');
      return;
    }
    const error = failing.get(target.hostname);
    requests.push({ time: Date.now(), method: req.method ?? 'GET', url: target.href, host: target.hostname, headers: req.headers, outcome: error ?? 'forwarded' });
    if (error !== undefined) {
      req.resume();
      const e = SQUID_ERRORS[error];
      const body = squidErrorPage(e.title, target.href, e.version);
      res.writeHead(e.status, {
        Server: `squid/${e.version}`,
        'Mime-Version': '1.0',
        Date: new Date().toUTCString(),
        'Content-Type': 'text/html;charset=utf-8',
        'Content-Length': Buffer.byteLength(body),
        'X-Squid-Error': e.error,
        Vary: 'Accept-Language',
        'Content-Language': 'en',
        'X-Cache': `MISS from ${hostname}`,
        'X-Cache-Lookup': `MISS from ${hostname}:${port}`,
        Via: `1.1 ${hostname} (squid/${e.version})`,
        Connection: 'keep-alive',
      });
      res.end(body);
      return;
    }
    const ownVia = `1.1 ${hostname} (squid/${SQUID_ERRORS['zero-size'].version})`;
    // squid adds its Via to the request it forwards and to the answer it passes back (RFC 9110, section 7.6.3).
    const headers: IncomingHttpHeaders = { ...req.headers, via: [req.headers.via, ownVia].filter(Boolean).join(', ') };
    delete headers['proxy-connection'];
    const upstream = http.request(
      { host: '127.0.0.1', port: Number(target.port || 80), method: req.method, path: `${target.pathname}${target.search}`, headers },
      (answer) => {
        const via = [answer.headers.via, ownVia].filter(Boolean).join(', ');
        res.writeHead(answer.statusCode ?? 502, { ...answer.headers, via, 'x-cache': `MISS from ${hostname}` });
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { Server: 'squid', 'X-Squid-Error': 'ERR_READ_ERROR 104' });
      res.end();
    });
    req.pipe(upstream);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('squid-style proxy: unexpected server address');
  port = address.port;
  announceLoopbackPort(port);

  return {
    port,
    hostname,
    get requests() {
      return requests;
    },
    requestsFor: (host) => requests.filter((r) => r.host === host),
    setFailing(host, error) {
      if (error === null) failing.delete(host);
      else failing.set(host, error);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * A PAC script that sends the listed hosts to the proxy at `127.0.0.1:<port>` and everything else direct
 * (`FindProxyForURL`, the format both browsers read).
 */
export function proxyPacScript(port: number, hosts: readonly string[]): string {
  return `function FindProxyForURL(url, host) {
  var proxied = ${JSON.stringify(hosts)};
  for (var i = 0; i < proxied.length; i++) if (host === proxied[i]) return "PROXY 127.0.0.1:${port}";
  return "DIRECT";
}`;
}

/** `data:` URL of {@link proxyPacScript}, for `--proxy-pac-url` and `network.proxy.autoconfig_url`. */
export function proxyPacUrl(port: number, hosts: readonly string[]): string {
  return `data:application/x-ns-proxy-autoconfig;base64,${Buffer.from(proxyPacScript(port, hosts)).toString('base64')}`;
}

/** The shape of squid's own error page (`ERR_*` templates), shortened; the text names the proxy and the URL. */
function squidErrorPage(title: string, url: string, version: string): string {
  const escaped = url.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!DOCTYPE html PUBLIC "-//W3C//DTD HTML 4.01//EN" "http://www.w3.org/TR/html4/strict.dtd">
<html><head>
<meta type="copyright" content="Copyright (C) 1996-2021 The Squid Software Foundation and contributors">
<meta http-equiv="Content-Type" CONTENT="text/html; charset=utf-8">
<title>ERROR: The requested URL could not be retrieved</title>
</head><body id="ERR">
<div id="titles"><h1>ERROR</h1><h2>The requested URL could not be retrieved</h2></div>
<hr>
<div id="content">
<p>The following error was encountered while trying to retrieve the URL: <a href="${escaped}">${escaped}</a></p>
<blockquote id="error"><p><b>${title}</b></p></blockquote>
<p>Your cache administrator is <a href="mailto:webmaster">webmaster</a>.</p>
<br>
</div>
<hr>
<div id="footer"><p>Generated by proxy-instance (squid/${version})</p></div>
</body></html>
`;
}
