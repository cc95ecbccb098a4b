/**
 * Sites whose server address is public, without any traffic leaving the machine.
 *
 * The extension treats a site whose server address (webRequest's `ip`) is private or loopback as an intranet site
 * and never sends its name to a status service. The e2e suite's sites run on loopback, so a test that expects a
 * status check needs the browser to connect to a *public* address, while the connection still ends at a lab
 * server on 127.0.0.1. This module gives the test run such an address:
 *
 * - a network namespace of its own (`e2elab<i>-<pid>`) joined to the host by a veth pair
 *   (host side `169.254.199.<4i+1>/30`, namespace side `.<4i+2>/30`);
 * - the namespace side also holds {@link PUBLIC_PREFIX}`.<i>`, a public unicast address (ipaddr.js `range()` is
 *   `unicast`), and the host routes just that /32 into the namespace. No packet to it leaves the machine: the only
 *   route to it ends in a namespace the test run made, and it is removed with the namespace. For the length of the
 *   run, the machine cannot reach the real owner of that one address, which none of the lab's traffic needs;
 * - inside the namespace a small Node forwarder (`ip netns exec <ns> node ...`) listens on `<public>:<port>` for
 *   every port a lab server announced (`ports.ts`), and hands each connection to a Unix socket in a temp directory
 *   (namespaces share the file system), where this process connects it to `127.0.0.1:<port>`. No lab server binds
 *   anything but loopback.
 *
 * So the browser really connects to the public address (webRequest reports it as `ip`), and the bytes reach the
 * same nginx, upstream or stand-in as before. Caveat: when the loopback server is down, the browser sees the
 * connection accepted and then closed (ERR_EMPTY_RESPONSE / NS_ERROR_NET_RESET), not "connection refused".
 *
 * Needs root (CAP_NET_ADMIN) and iproute2. If the namespace cannot be made, {@link publicAddress} throws an error
 * that says why: tests that need a public server address fail, never skip.
 *
 * @module
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ipaddr from 'ipaddr.js';
import { isAlive, killQuietly, removeDirQuietly, trackForExitCleanup } from './cleanup';
import { onLoopbackPort } from './ports';

/**
 * The /24 the run's public address comes from: `192.0.3.0/24`, allocated (ARIN) public unicast space just outside
 * the reserved `192.0.0.0/24` and TEST-NET-1 `192.0.2.0/24` (both of which the extension rightly counts as
 * non-public, like TEST-NET-2/3 and 198.18.0.0/15).
 */
export const PUBLIC_PREFIX = '192.0.3';
const LINK_PREFIX = '169.254.199';
/** At most this many test runs on one machine at once (each takes one index). */
const MAX_RUNS = 60;
const SETPRIV_PATH = '/usr/bin/setpriv';

/** The test run's public address. */
export interface PublicAddress {
  /** The public IPv4 address, e.g. `192.0.3.1`. */
  readonly address: string;
  /** The network namespace's name. */
  readonly namespace: string;
  /** Resolves once every port announced so far is reachable at {@link PublicAddress.address}. */
  ready(): Promise<void>;
  /** Makes `127.0.0.1:<port>` reachable at `<address>:<port>` (what announced ports get by themselves). */
  publish(port: number): Promise<void>;
  /** Connections forwarded so far, per port (for the lab's self-test). */
  forwarded(port: number): number;
}

let instance: Promise<PublicAddress> | undefined;

/**
 * The test run's public address, created on first use and kept until the process exits (the cleanup in
 * `cleanup.ts` removes the namespace, its veth pair and route, and the forwarder).
 *
 * @throws Error naming the failed `ip` command and its message when the namespace cannot be created (not root,
 *   no iproute2, no network namespaces in the kernel).
 */
export function publicAddress(): Promise<PublicAddress> {
  instance ??= create().catch((error: unknown) => {
    instance = undefined;
    throw error;
  });
  return instance;
}

function ip(...args: string[]): string {
  try {
    return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const e = error as { stderr?: string; message: string; code?: string };
    const why = e.code === 'ENOENT' ? 'the ip command is missing (apt-get install -y iproute2)' : (e.stderr ?? e.message).trim();
    throw new Error(
      `The e2e sites with a public server address need a network namespace of the test run's own, and \`ip ${args.join(' ')}\` failed: ${why}. ` +
        'Run the e2e suite as root (CAP_NET_ADMIN) on Linux with iproute2, as .ci/run does.',
    );
  }
}

/** Deletes namespaces (and so their veth pairs and routes) left by test runs that were killed. */
function removeStaleNamespaces(): Set<number> {
  const used = new Set<number>();
  for (const line of ip('netns', 'list').split('\n')) {
    const match = /^e2elab(\d+)-(\d+)\b/.exec(line.trim());
    if (!match) continue;
    const [name, index, pid] = [match[0], Number(match[1]), Number(match[2])];
    if (pid !== process.pid && isAlive(pid)) {
      used.add(index);
      continue;
    }
    try {
      ip('netns', 'del', name);
    } catch {
      used.add(index); // someone else's, or already going: leave its index alone
    }
  }
  return used;
}

async function create(): Promise<PublicAddress> {
  const used = removeStaleNamespaces();
  let index = 0;
  let namespace = '';
  for (let candidate = 1; candidate <= MAX_RUNS && namespace === ''; candidate++) {
    if (used.has(candidate)) continue;
    try {
      // The host-side veth name is the lock: a second run picking the same index fails here and tries the next.
      ip('link', 'add', `e2elab${candidate}h`, 'type', 'veth', 'peer', 'name', `e2elab${candidate}n`);
    } catch {
      continue;
    }
    index = candidate;
    namespace = `e2elab${candidate}-${process.pid}`;
  }
  if (namespace === '') throw new Error(`No free index for a test network namespace (${MAX_RUNS} in use?): see \`ip netns list\`.`);

  const hostSide = `e2elab${index}h`;
  const nsSide = `e2elab${index}n`;
  const hostLink = `${LINK_PREFIX}.${4 * index + 1}`;
  const nsLink = `${LINK_PREFIX}.${4 * index + 2}`;
  const address = `${PUBLIC_PREFIX}.${index}`;
  // The point of the exercise: the extension must see a public unicast address, not a reserved or private one.
  if (ipaddr.parse(address).range() !== 'unicast') throw new Error(`${address} is not public unicast (${ipaddr.parse(address).range()})`);

  const sockets = mkdtempSync(join(tmpdir(), 'e2e-public-'));
  let child: ChildProcess | undefined;
  const teardown = () => {
    if (child?.pid !== undefined) killQuietly(child.pid, 'SIGKILL');
    try {
      execFileSync('ip', ['netns', 'del', namespace], { stdio: 'ignore' });
    } catch {
      // not made yet, or gone
    }
    try {
      execFileSync('ip', ['link', 'del', hostSide], { stdio: 'ignore' });
    } catch {
      // went with the namespace
    }
    removeDirQuietly(sockets);
  };
  trackForExitCleanup({ run: teardown });

  try {
    ip('netns', 'add', namespace);
    ip('link', 'set', nsSide, 'netns', namespace);
    ip('addr', 'add', `${hostLink}/30`, 'dev', hostSide);
    ip('link', 'set', hostSide, 'up');
    ip('-n', namespace, 'link', 'set', 'lo', 'up');
    ip('-n', namespace, 'addr', 'add', `${nsLink}/30`, 'dev', nsSide);
    ip('-n', namespace, 'addr', 'add', `${address}/32`, 'dev', nsSide);
    ip('-n', namespace, 'link', 'set', nsSide, 'up');
    ip('-n', namespace, 'route', 'add', 'default', 'via', hostLink);
    ip('route', 'add', `${address}/32`, 'via', nsLink, 'dev', hostSide);
  } catch (error) {
    teardown();
    throw error;
  }

  // Connections the forwarder hands over: <sockets>/<port>.sock -> 127.0.0.1:<port>.
  const counts = new Map<number, number>();
  const bridges = new Map<number, Promise<void>>();
  const bridge = (port: number) => {
    let made = bridges.get(port);
    if (made) return made;
    made = new Promise<void>((resolve, reject) => {
      const server = net.createServer((inbound) => {
        counts.set(port, (counts.get(port) ?? 0) + 1);
        const outbound = net.connect(port, '127.0.0.1');
        pipeBoth(inbound, outbound);
      });
      server.unref();
      server.once('error', reject);
      server.listen(join(sockets, `${port}.sock`), () => resolve());
    });
    bridges.set(port, made);
    return made;
  };

  const script = join(sockets, 'forwarder.cjs');
  writeFileSync(script, FORWARDER_JS);
  const command = [process.execPath, script, address, sockets];
  const argv = existsSync(SETPRIV_PATH) ? ['netns', 'exec', namespace, SETPRIV_PATH, '--pdeathsig', 'KILL', '--', ...command] : ['netns', 'exec', namespace, ...command];
  child = spawn('ip', argv, { stdio: ['pipe', 'pipe', 'pipe'] });
  child.unref();
  (child.stdout as unknown as { unref?: () => void }).unref?.();
  (child.stderr as unknown as { unref?: () => void }).unref?.();
  (child.stdin as unknown as { unref?: () => void }).unref?.();
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const waiting = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  let buffered = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    let newline;
    while ((newline = buffered.indexOf('\n')) !== -1) {
      const [word, port, ...rest] = buffered.slice(0, newline).split(' ');
      buffered = buffered.slice(newline + 1);
      const waiter = waiting.get(Number(port));
      if (word === 'listening') waiter?.resolve();
      else waiter?.reject(new Error(`the forwarder in ${namespace} could not listen on ${address}:${port}: ${rest.join(' ')}`));
    }
  });
  const exited = new Promise<never>((_, reject) =>
    child!.once('exit', (code, signal) => reject(new Error(`the forwarder in ${namespace} exited (${code ?? signal}): ${stderr.trim()}`))),
  );
  exited.catch(() => {});

  const published = new Map<number, Promise<void>>();
  const publish = (port: number): Promise<void> => {
    let done = published.get(port);
    if (done) return done;
    done = (async () => {
      await bridge(port);
      const listening = new Promise<void>((resolve, reject) => waiting.set(port, { resolve, reject }));
      child!.stdin!.write(`${port}\n`);
      await Promise.race([listening, exited]);
    })();
    published.set(port, done);
    return done;
  };
  onLoopbackPort((port) => {
    publish(port).catch(() => {}); // reported by ready()
  });

  return {
    address,
    namespace,
    publish,
    async ready() {
      await Promise.all(published.values());
    },
    forwarded: (port) => counts.get(port) ?? 0,
  };
}

function pipeBoth(a: net.Socket, b: net.Socket): void {
  a.pipe(b);
  b.pipe(a);
  const end = () => {
    a.destroy();
    b.destroy();
  };
  a.on('error', end);
  b.on('error', end);
  a.on('close', end);
  b.on('close', end);
}

/**
 * Runs inside the namespace: reads port numbers on stdin, listens on `<address>:<port>` for each, and pipes every
 * connection to `<dir>/<port>.sock`. Answers `listening <port>` or `error <port> <code>` on stdout.
 */
const FORWARDER_JS = String.raw`'use strict';
// Generated by test/lab/public-address.ts; runs inside the test run's network namespace.
const net = require('node:net');
const path = require('node:path');
const [address, dir] = process.argv.slice(2);
const say = (line) => process.stdout.write(line + '\n');
let pending = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  pending += chunk;
  let newline;
  while ((newline = pending.indexOf('\n')) !== -1) {
    const port = Number(pending.slice(0, newline));
    pending = pending.slice(newline + 1);
    const server = net.createServer((inbound) => {
      const outbound = net.connect(path.join(dir, port + '.sock'));
      const end = () => { inbound.destroy(); outbound.destroy(); };
      inbound.pipe(outbound);
      outbound.pipe(inbound);
      for (const socket of [inbound, outbound]) { socket.on('error', end); socket.on('close', end); }
    });
    server.once('error', (error) => say('error ' + port + ' ' + (error.code || error.message)));
    server.listen(port, address, () => say('listening ' + port));
  }
});
// The test process went away: so do we.
process.stdin.on('end', () => process.exit(0));
`;
