/**
 * Small polling and networking helpers shared by the e2e support modules.
 *
 * E2E tests observe real processes (nginx, browsers, a service worker) that have no "ready" callback
 * we can hook into, so most synchronisation is polling with a deadline. Centralising it here keeps
 * timeouts explicit and error messages useful ("timed out after 5000 ms waiting for X").
 *
 * @module
 */
import net from 'node:net';

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Options for {@link waitFor}. */
export interface WaitForOptions {
  /** Give up after this many milliseconds. Default 10 000. */
  timeoutMs?: number;
  /** Delay between attempts. Default 100 ms: short enough for tests, cheap on a 2-core machine. */
  intervalMs?: number;
  /** Describes what is awaited; used in the timeout error message. */
  message?: string;
}

/**
 * Polls `probe` until it returns a value other than `undefined`, `null` or `false`, and returns that value.
 *
 * Exceptions thrown by `probe` count as "not yet" (the target may simply not exist yet); the last one is
 * included in the timeout error so a persistent failure is not hidden.
 */
export async function waitFor<T>(
  probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  options: WaitForOptions = {},
): Promise<T> {
  const { timeoutMs = 10_000, intervalMs = 100, message = 'condition' } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== null && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${message}${cause}`, { cause: lastError });
    }
    await sleep(intervalMs);
  }
}

/**
 * Asks the kernel for a currently free TCP port on `host`.
 *
 * There is an unavoidable race between closing this probe socket and the real server binding the port;
 * callers that start external servers (nginx) retry with a new port if the bind fails.
 */
export function getFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves `true` if a TCP connection to `host:port` succeeds within `timeoutMs`, otherwise `false`. */
export function canConnect(port: number, host = '127.0.0.1', timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
