/**
 * A small reverse proxy for the demo when nginx is not installed: forwards every request to the upstream and, like
 * nginx, answers a genuine `502 Bad Gateway` when the upstream refuses the connection. Loopback only.
 */
import http from 'node:http';

/** One answered request, like a line of nginx's access log. */
export interface GatewayLogEntry {
  /** Epoch ms. */
  readonly time: number;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly cacheControl: string;
  /** A tab's load or reload (its `Accept` asks for HTML), not a fetch of the extension's. */
  readonly navigation: boolean;
}

export interface NodeGateway {
  readonly port: number;
  url(path?: string): string;
  accessLog(): GatewayLogEntry[];
  stop(): Promise<void>;
}

export async function startNodeGateway(upstreamPort: number): Promise<NodeGateway> {
  const log: GatewayLogEntry[] = [];
  const server = http.createServer((req, res) => {
    res.on('finish', () =>
      log.push({
        time: Date.now(),
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        status: res.statusCode,
        cacheControl: String(req.headers['cache-control'] ?? ''),
        navigation: String(req.headers.accept ?? '').includes('text/html'),
      }),
    );
    const forward = http.request(
      { host: '127.0.0.1', port: upstreamPort, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.statusMessage, up.headers);
        up.pipe(res);
      },
    );
    forward.on('error', () => {
      if (res.headersSent) return void res.destroy();
      const body = '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><p>demo-gateway</p></body></html>';
      res.writeHead(502, 'Bad Gateway', { 'content-type': 'text/html', server: 'demo-gateway', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    url: (path = '/') => `http://127.0.0.1:${port}${path}`,
    accessLog: () => [...log],
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
