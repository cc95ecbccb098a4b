/**
 * A real nginx reverse proxy ("gateway") in front of the test upstream.
 *
 * The extension must recognise the 502/503/504 pages that real gateways produce, with real headers
 * (`Server: nginx`) and real timing, so the suite uses Debian's nginx rather than a fake. It runs
 * unprivileged-style: its own prefix directory in /tmp holds the config, pid file, logs and every
 * `*_temp_path`, so nothing under /etc, /var or /run is touched and parallel gateways do not collide.
 *
 * Proxy behaviour chosen on purpose:
 * - upstream status codes and headers (e.g. `Retry-After`) pass through unchanged
 *   (`proxy_intercept_errors` stays off);
 * - `proxy_next_upstream off`: nginx itself never retries, in particular never re-sends a POST,
 *   so every retry the upstream sees comes from the browser (i.e. from the extension);
 * - a short `proxy_connect_timeout`, so a down upstream is a fast 502;
 * - `Server: nginx` without version (`server_tokens off`), the way many production sites look.
 *
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NGINX_PATH, requireBinary } from './binaries';
import { isAlive, killQuietly, removeDirQuietly, trackForExitCleanup } from './cleanup';
import { canConnect, getFreePort, sleep } from './wait';
import { announceLoopbackPort } from './ports';

/** util-linux `setpriv`, present on Debian; optional. */
const SETPRIV_PATH = '/usr/bin/setpriv';

/** Options for {@link startGateway}. */
export interface GatewayOptions {
  /** Port of the upstream on 127.0.0.1 (see `startUpstream`). */
  upstreamPort: number;
  /** nginx executable. Default `/usr/sbin/nginx` (Debian package `nginx`). */
  nginxPath?: string;
  /** `proxy_connect_timeout` in ms. Default 2000. ECONNREFUSED is immediate anyway; this bounds black holes. */
  connectTimeoutMs?: number;
  /** `proxy_read_timeout` in ms. Default 10 000. An upstream slower than this yields a genuine `504`. */
  readTimeoutMs?: number;
  /** Extra directives inserted into the `location /` block, e.g. to add headers. */
  extraLocationConfig?: string;
  /** Serve HTTPS with this certificate (see `createTestCertificate`) instead of plain HTTP. */
  tls?: { readonly certPath: string; readonly keyPath: string };
}

/** One line of the gateway's access log. */
export interface AccessLogEntry {
  /** Request time, milliseconds since the epoch (from nginx `$msec`, i.e. when the response was logged). */
  time: number;
  /** HTTP method. */
  method: string;
  /** Request target as sent by the client (`$request_uri`, with query string). */
  path: string;
  /** Status sent to the client (`502` when nginx could not reach the upstream). */
  status: number;
  /** Status(es) the upstream returned (`$upstream_status`); empty or `502` when it was unreachable. */
  upstreamStatus: string;
  /** `Host` header the client sent. */
  host: string;
  /** `Cache-Control` request header (`no-cache` on a cache-bypassing reload). */
  cacheControl: string;
  /** `User-Agent` request header, handy to tell Chromium from Firefox requests. */
  userAgent: string;
  /**
   * The request was a tab's load or reload: its `Accept` asks for HTML. The background's probes and its one cookieless
   * comparison are plain fetches that accept anything. (`Sec-Fetch-Mode` would say it directly, but browsers
   * send Fetch Metadata only to secure origins, and the lab's sites are plain HTTP.)
   */
  navigation: boolean;
}

/** Handle returned by {@link startGateway}. */
export interface Gateway {
  /** Port nginx listens on (127.0.0.1). */
  readonly port: number;
  /** `http://127.0.0.1:<port>` (`https:` with `tls`). */
  readonly origin: string;
  /** Prefix directory with nginx.conf, logs and temp dirs (removed by {@link Gateway.stop}). */
  readonly prefix: string;
  /** Absolute gateway URL for `path` (which should start with `/`). */
  url(path?: string): string;
  /** Parsed access log, oldest first. nginx writes each line when the response completes. */
  accessLog(): AccessLogEntry[];
  /** Raw error log, for diagnostics ("connect() failed (111: Connection refused)"). */
  errorLog(): string;
  /** Stops nginx (SIGTERM, then SIGKILL after 5 s) and removes the prefix directory. Idempotent. */
  stop(): Promise<void>;
}

/**
 * JSON log format so that parsing is trivial and robust against spaces in user agents.
 * `$msec` gives sub-second epoch time, which tests compare with upstream arrival times.
 */
const LOG_FORMAT =
  `escape=json '{"msec":"$msec","method":"$request_method","uri":"$request_uri","status":"$status",` +
  `"upstream_status":"$upstream_status","host":"$http_host","cache_control":"$http_cache_control",` +
  `"user_agent":"$http_user_agent","accept":"$http_accept"}'`;

function nginxConfig(
  prefix: string,
  port: number,
  options: Required<Omit<GatewayOptions, 'nginxPath' | 'tls'>> & { tls: NonNullable<GatewayOptions['tls']> | null },
): string {
  const tls = options.tls === null ? '' : `\n    ssl_certificate ${options.tls.certPath};\n    ssl_certificate_key ${options.tls.keyPath};`;
  const temp = (name: string) => join(prefix, 'temp', name);
  return `# Generated by test/lab/gateway.ts
# Single process: nothing to setuid (so it runs the same as root or not) and one pid to kill.
master_process off;
worker_processes 1;
pid ${join(prefix, 'nginx.pid')};
error_log ${join(prefix, 'error.log')} info;

events {
  worker_connections 256;
}

http {
  log_format e2e ${LOG_FORMAT};
  access_log ${join(prefix, 'access.log')} e2e;

  client_body_temp_path ${temp('client_body')};
  proxy_temp_path ${temp('proxy')};
  fastcgi_temp_path ${temp('fastcgi')};
  uwsgi_temp_path ${temp('uwsgi')};
  scgi_temp_path ${temp('scgi')};

  server_tokens off;
  # nginx's own 502 page is what real users see; keep it, do not add custom error pages.

  server {
    listen 127.0.0.1:${port}${options.tls === null ? '' : ' ssl'};
    server_name _;${tls}

    location / {
      proxy_pass http://127.0.0.1:${options.upstreamPort};
      # $http_host is the Host header exactly as the browser sent it (with port), unlike $host.
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $remote_addr;
      # Never retry on our own: the upstream must see only the browser's (the extension's) retries.
      proxy_next_upstream off;
      proxy_connect_timeout ${options.connectTimeoutMs}ms;
      proxy_read_timeout ${options.readTimeoutMs}ms;
      proxy_send_timeout ${options.readTimeoutMs}ms;
      # Stream responses as they come so upstream delays are visible to the browser unchanged.
      proxy_buffering off;
      proxy_request_buffering off;
      ${options.extraLocationConfig}
    }
  }
}
`;
}

/**
 * Starts nginx on a free 127.0.0.1 port, proxying to `127.0.0.1:<upstreamPort>`.
 * Resolves once the port accepts connections.
 *
 * @throws Error `nginx is not installed: apt-get install -y nginx ...` if the binary is missing.
 * @throws Error with nginx's stderr and error log if it fails to start.
 */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const nginxPath = requireBinary(options.nginxPath ?? NGINX_PATH, 'nginx');
  const settings = {
    upstreamPort: options.upstreamPort,
    connectTimeoutMs: options.connectTimeoutMs ?? 2_000,
    readTimeoutMs: options.readTimeoutMs ?? 10_000,
    extraLocationConfig: options.extraLocationConfig ?? '',
    tls: options.tls ?? null,
  };

  const prefix = mkdtempSync(join(tmpdir(), 'e2e-nginx-'));
  const untrackDir = trackForExitCleanup({ dir: prefix });
  for (const name of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) {
    mkdirSync(join(prefix, 'temp', name), { recursive: true });
  }

  // getFreePort() races with other processes; if nginx cannot bind, try again with another port.
  let lastError: Error | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await getFreePort();
    const confPath = join(prefix, 'nginx.conf');
    writeFileSync(confPath, nginxConfig(prefix, port, settings));
    try {
      const child = await launchNginx(nginxPath, prefix, confPath, port);
      announceLoopbackPort(port);
      return makeGateway(child, prefix, port, untrackDir, settings.tls === null ? 'http' : 'https');
    } catch (error) {
      lastError = error as Error;
      if (!/Address already in use/.test(lastError.message)) break;
    }
  }
  removeDirQuietly(prefix);
  untrackDir();
  throw lastError ?? new Error('nginx failed to start');
}

async function launchNginx(nginxPath: string, prefix: string, confPath: string, port: number): Promise<ChildProcess> {
  // -e: errors before the config is read go to a file in the prefix, not /var/log/nginx.
  const nginxArgs = ['-p', prefix, '-c', confPath, '-e', join(prefix, 'startup-error.log'), '-g', 'daemon off;'];
  // If the test runner is SIGKILLed no JS cleanup runs; util-linux's setpriv sets the kernel's
  // parent-death signal and then execs nginx (same pid), so nginx dies with us instead of lingering.
  const [command, args] = existsSync(SETPRIV_PATH)
    ? [SETPRIV_PATH, ['--pdeathsig', 'KILL', '--', nginxPath, ...nginxArgs]]
    : [nginxPath, nginxArgs];
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const untrack = trackForExitCleanup({ pid: child.pid ?? -1 });
  child.once('exit', untrack);
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));

  const deadline = Date.now() + 10_000;
  for (;;) {
    const failure = await Promise.race([spawnError, sleep(50).then(() => undefined)]);
    if (failure) throw new Error(`nginx could not be spawned: ${failure.message}`);
    if (exited) {
      const logs = [stderr, readIfExists(join(prefix, 'startup-error.log')), readIfExists(join(prefix, 'error.log'))]
        .join('\n')
        .trim();
      throw new Error(`nginx exited during startup (port ${port}):\n${logs}`);
    }
    if (await canConnect(port)) return child;
    if (Date.now() > deadline) {
      killQuietly(child.pid ?? -1);
      throw new Error(`nginx did not accept connections on 127.0.0.1:${port} within 10 s:\n${stderr}`);
    }
  }
}

function makeGateway(child: ChildProcess, prefix: string, port: number, untrackDir: () => void, scheme: 'http' | 'https'): Gateway {
  const origin = `${scheme}://127.0.0.1:${port}`;
  const accessLogPath = join(prefix, 'access.log');
  let stopped: Promise<void> | undefined;

  return {
    port,
    origin,
    prefix,
    url(path = '/') {
      return origin + (path.startsWith('/') ? path : `/${path}`);
    },
    accessLog() {
      return readIfExists(accessLogPath)
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map(parseAccessLogLine);
    },
    errorLog() {
      return readIfExists(join(prefix, 'error.log'));
    },
    stop() {
      stopped ??= (async () => {
        const pid = child.pid;
        if (pid !== undefined && child.exitCode === null && child.signalCode === null) {
          const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
          killQuietly(pid, 'SIGTERM');
          const timedOut = await Promise.race([exited.then(() => false), sleep(5_000).then(() => true)]);
          if (timedOut && isAlive(pid)) {
            killQuietly(pid, 'SIGKILL');
            await exited;
          }
        }
        removeDirQuietly(prefix);
        untrackDir();
      })();
      return stopped;
    },
  };
}

function parseAccessLogLine(line: string): AccessLogEntry {
  const raw = JSON.parse(line) as Record<string, string>;
  return {
    time: Math.round(Number(raw.msec) * 1000),
    method: raw.method ?? '',
    path: raw.uri ?? '',
    status: Number(raw.status),
    upstreamStatus: raw.upstream_status ?? '',
    host: raw.host ?? '',
    cacheControl: raw.cache_control ?? '',
    userAgent: raw.user_agent ?? '',
    navigation: (raw.accept ?? '').includes('text/html'),
  };
}

function readIfExists(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}
