/**
 * A desktop notification server of our own, so a test can see every notification a browser shows and close one the
 * way a person does.
 *
 * On Linux, Chromium shows notifications through the desktop's notification server, the D-Bus service
 * `org.freedesktop.Notifications` on the session bus (Desktop Notifications Specification 1.2), when one is there;
 * headless Chromium does too. {@link startNotificationDaemon} runs a private session bus (`dbus-daemon --session`) with
 * a small server on it (Debian's python3-dbus and python3-gi) that records each `Notify` call and, when the test asks,
 * emits `NotificationClosed` with reason 2, "dismissed by the user": Chromium then reports the notification closed with
 * `byUser: true`, exactly as when a person clicks its close button. The same for a click (`ActionInvoked` with the
 * `default` action, which Chromium reports as `notifications.onClicked`). The browser learns the bus from
 * `DBUS_SESSION_BUS_ADDRESS` in its environment.
 *
 * Seen with Chromium 156: it asks `GetCapabilities`, then `Notify` once per notification it shows; an update in place
 * (`notifications.update`) is a `Notify` with `replaces_id` set to the shown one's id; a clear is `CloseNotification`.
 *
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { killQuietly, trackForExitCleanup } from './cleanup';
import { waitFor } from './wait';

/** Debian's `dbus-daemon` (package `dbus-daemon`). */
const DBUS_DAEMON_PATH = '/usr/bin/dbus-daemon';
/** Debian's Python, with `python3-dbus` and `python3-gi` (not a pyenv or venv Python, which lack them). */
const PYTHON_PATH = '/usr/bin/python3';

/** One `Notify` call the server received. */
export interface ShownNotification {
  /** The server's id of the notification (a fresh one, or `replacesId` for an update in place). */
  readonly id: number;
  /** 0 for a new notification; the id of the notification it updates in place otherwise. */
  readonly replacesId: number;
  readonly summary: string;
  readonly body: string;
  /** Epoch ms when the call arrived. */
  readonly at: number;
}

/** A running private session bus with our notification server on it. */
export interface NotificationDaemon {
  /** The bus address, for the browser's `DBUS_SESSION_BUS_ADDRESS`. */
  readonly address: string;
  /** Every `Notify` call so far, oldest first (new notifications and updates in place). */
  readonly calls: readonly ShownNotification[];
  /**
   * Every close so far, oldest first, with the specification's reason: 2 dismissed by the user (`dismiss`), 3 closed
   * by the browser (`CloseNotification`: a clear, or a replace that is not in place).
   */
  readonly closes: readonly { id: number; reason: number; at: number }[];
  /** Ids of the notifications on screen now (shown and not closed by anyone). */
  open(): number[];
  /**
   * Closes notification `id` as the user does ("dismissed by the user", reason 2 of the specification) and resolves
   * once the server has sent the signal.
   */
  dismiss(id: number): Promise<void>;
  /** Clicks notification `id` (its `default` action) and resolves once the server has sent the signal. */
  click(id: number): Promise<void>;
  /** Stops the server and the bus. Idempotent. */
  close(): Promise<void>;
}

/** The server: JSON lines out (what happened), commands in (`dismiss <id>`, `click <id>`). */
const SERVER_SOURCE = String.raw`
import json, sys, time, threading
import dbus, dbus.service, dbus.mainloop.glib
from gi.repository import GLib

dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
bus = dbus.SessionBus()
name = dbus.service.BusName('org.freedesktop.Notifications', bus)

def out(**event):
    event['at'] = int(time.time() * 1000)
    sys.stdout.write(json.dumps(event) + '\n')
    sys.stdout.flush()

class Server(dbus.service.Object):
    def __init__(self):
        super().__init__(bus, '/org/freedesktop/Notifications')
        self.last = 0
        self.open = set()

    @dbus.service.method('org.freedesktop.Notifications', out_signature='as')
    def GetCapabilities(self):
        return ['body', 'actions']

    @dbus.service.method('org.freedesktop.Notifications', in_signature='susssasa{sv}i', out_signature='u')
    def Notify(self, app, replaces, icon, summary, body, actions, hints, timeout):
        nid = int(replaces)
        if nid == 0:
            self.last += 1
            nid = self.last
        self.open.add(nid)
        out(event='notify', id=nid, replaces=int(replaces), summary=str(summary), body=str(body))
        return nid

    @dbus.service.method('org.freedesktop.Notifications', in_signature='u')
    def CloseNotification(self, nid):
        self.open.discard(int(nid))
        out(event='closed', id=int(nid), reason=3)
        self.NotificationClosed(nid, 3)

    @dbus.service.method('org.freedesktop.Notifications', out_signature='ssss')
    def GetServerInformation(self):
        return ('e2e-lab', 'e2e', '1', '1.2')

    @dbus.service.signal('org.freedesktop.Notifications', signature='uu')
    def NotificationClosed(self, nid, reason):
        pass

    @dbus.service.signal('org.freedesktop.Notifications', signature='us')
    def ActionInvoked(self, nid, key):
        pass

server = Server()

def command(line):
    verb, nid = line.split()
    nid = int(nid)
    if verb == 'dismiss':
        server.open.discard(nid)
        server.NotificationClosed(nid, 2)
        out(event='closed', id=nid, reason=2)
    elif verb == 'click':
        server.ActionInvoked(nid, 'default')
        out(event='clicked', id=nid)
    return False

def read():
    for line in sys.stdin:
        if line.strip():
            GLib.idle_add(command, line.strip())
    GLib.idle_add(loop.quit)

loop = GLib.MainLoop()
threading.Thread(target=read, daemon=True).start()
out(event='ready')
loop.run()
`;

/**
 * Runs `launch` (a browser launch) with `DBUS_SESSION_BUS_ADDRESS` set to `daemon`'s bus, so the browser shows its
 * notifications there: Playwright and Puppeteer hand `process.env` to the browser. The variable is restored after.
 */
export async function onNotificationBus<T>(daemon: Pick<NotificationDaemon, 'address'>, launch: () => Promise<T>): Promise<T> {
  const saved = process.env['DBUS_SESSION_BUS_ADDRESS'];
  process.env['DBUS_SESSION_BUS_ADDRESS'] = daemon.address;
  try {
    return await launch();
  } finally {
    if (saved === undefined) delete process.env['DBUS_SESSION_BUS_ADDRESS'];
    else process.env['DBUS_SESSION_BUS_ADDRESS'] = saved;
  }
}

/**
 * Starts a private session bus and the notification server on it; resolves once the server owns its name.
 *
 * @throws Error naming the Debian packages to install when `dbus-daemon` or Python's D-Bus bindings are missing.
 */
export async function startNotificationDaemon(): Promise<NotificationDaemon> {
  if (!existsSync(DBUS_DAEMON_PATH) || !existsSync(PYTHON_PATH)) {
    throw new Error('the notification daemon needs dbus-daemon and Python 3: apt-get install -y dbus-daemon python3-dbus python3-gi');
  }
  const bus = spawn(DBUS_DAEMON_PATH, ['--session', '--nofork', '--nopidfile', '--print-address=1'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const untrackBus = trackForExitCleanup({ pid: bus.pid ?? -1 });
  let server: ChildProcess | undefined;
  let untrackServer = () => {};
  const stop = () => {
    if (server?.pid !== undefined) killQuietly(server.pid, 'SIGTERM');
    if (bus.pid !== undefined) killQuietly(bus.pid, 'SIGTERM');
    untrackServer();
    untrackBus();
  };
  try {
    const address = await new Promise<string>((resolve, reject) => {
      const lines = createInterface({ input: bus.stdout! });
      lines.once('line', (line) => resolve(line.trim()));
      bus.once('exit', (code) => reject(new Error(`dbus-daemon exited (${code}) before giving its address`)));
      bus.once('error', reject);
    });
    const calls: ShownNotification[] = [];
    const closes: { id: number; reason: number; at: number }[] = [];
    const open = new Set<number>();
    const acknowledged: string[] = [];
    let ready = false;
    let stderr = '';
    server = spawn(PYTHON_PATH, ['-c', SERVER_SOURCE], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: address },
    });
    untrackServer = trackForExitCleanup({ pid: server.pid ?? -1 });
    server.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    createInterface({ input: server.stdout! }).on('line', (line) => {
      const event = JSON.parse(line) as { event: string; id?: number; replaces?: number; summary?: string; body?: string; reason?: number; at: number };
      if (event.event === 'ready') ready = true;
      if (event.event === 'notify') {
        calls.push({ id: event.id!, replacesId: event.replaces!, summary: event.summary!, body: event.body!, at: event.at });
        open.add(event.id!);
      }
      if (event.event === 'closed') {
        open.delete(event.id!);
        closes.push({ id: event.id!, reason: event.reason!, at: event.at });
      }
      if (event.event === 'closed' || event.event === 'clicked') acknowledged.push(`${event.event} ${event.id}`);
    });
    await waitFor(() => ready || server!.exitCode !== null, { timeoutMs: 10_000, message: 'the notification server on the private bus' });
    if (!ready) throw new Error(`the notification server exited: ${stderr.trim()}`);
    const send = async (verb: 'dismiss' | 'click', id: number, ack: string) => {
      const before = acknowledged.filter((a) => a === ack).length;
      server!.stdin!.write(`${verb} ${id}\n`);
      await waitFor(() => acknowledged.filter((a) => a === ack).length > before, { timeoutMs: 5_000, message: `the server to ${verb} notification ${id}` });
    };
    let closed: Promise<void> | undefined;
    return {
      address,
      calls,
      closes,
      open: () => [...open],
      dismiss: (id) => send('dismiss', id, `closed ${id}`),
      click: (id) => send('click', id, `clicked ${id}`),
      close() {
        closed ??= (async () => {
          server?.stdin?.end();
          stop();
        })();
        return closed;
      },
    };
  } catch (error) {
    stop();
    throw error;
  }
}
