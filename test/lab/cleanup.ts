/**
 * Last-resort cleanup for processes and temp directories that the e2e support library creates.
 *
 * Every factory in this folder has its own `close()`/`stop()`, and tests are expected to call it (usually in
 * `afterAll`). This module exists for the cases where that does not happen: a test throws before its
 * `afterAll` is registered, a hook times out, or the Vitest worker exits early. Without it a failed run
 * leaves nginx listening, Chromium/Firefox processes running and profile directories in /tmp, and on a
 * 2-core machine a few leaked browsers are enough to make the next run time out.
 *
 * The cleanup runs on the Node `exit` event and on SIGTERM/SIGINT/SIGHUP (Vitest stops its workers with
 * SIGTERM, which would otherwise skip `exit` handlers). It is synchronous: it only sends SIGKILL to the
 * recorded process ids (never by name) and removes the recorded directories with `rmSync`.
 *
 * @module
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';

/** Something to clean up when the Node process exits. */
export interface TrackedResource {
  /** Process id to SIGKILL at exit, if still alive. */
  pid?: number;
  /**
   * Also kill the whole process group `pid` leads. Only correct for processes spawned with `detached: true`
   * (Playwright and Puppeteer spawn browsers that way), because only then is the pid a group leader and the
   * group does not contain the test runner itself.
   */
  group?: boolean;
  /** Directory to delete recursively at exit. */
  dir?: string;
  /**
   * Synchronous teardown to run at exit, after the kills and before the directories go (e.g. `ip netns del` for
   * the namespace of `public-address.ts`). It must not throw.
   */
  run?: () => void;
}

const tracked = new Set<TrackedResource>();
let exitHookInstalled = false;

/**
 * Registers a resource for cleanup at process exit and returns a function that unregisters it.
 * Call the returned function once the resource has been released normally, so that a recycled pid
 * is never killed by mistake.
 */
export function trackForExitCleanup(resource: TrackedResource): () => void {
  installExitHook();
  tracked.add(resource);
  return () => {
    tracked.delete(resource);
  };
}

/**
 * Sends `signal` to a process (or its process group), ignoring "no such process".
 *
 * @returns `true` if the signal was delivered, `false` if the process (group) no longer exists.
 */
export function killQuietly(pid: number, signal: NodeJS.Signals = 'SIGKILL', group = false): boolean {
  try {
    process.kill(group ? -pid : pid, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

/** `true` while a process with this pid exists (zombies included, which is fine for "not yet reaped"). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes a directory tree, retrying briefly because browsers may still be writing into their profile. */
export function removeDirQuietly(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 3, retryDelay: 100 });
  } catch {
    // Leaving a temp dir behind is not worth failing a test run over.
  }
}

/** A process seen in /proc. */
export interface ProcessInfo {
  pid: number;
  /** Parent pid. */
  ppid: number;
  /** Process group id. */
  pgid: number;
  /** Command line, arguments joined with spaces. */
  cmdline: string;
}

/**
 * Lists processes whose command line contains `needle` (Linux /proc only).
 *
 * Browsers are found this way by their unique temp profile path, which identifies exactly the processes
 * this test run started (Playwright does not expose the pid of a persistent context's browser).
 */
export function findProcesses(needle: string): ProcessInfo[] {
  const found: ProcessInfo[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return found;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim();
      if (!cmdline.includes(needle)) continue;
      // /proc/<pid>/stat: "pid (comm) state ppid pgrp ..."; comm may contain spaces, so split after ")".
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      found.push({ pid: Number(entry), ppid: Number(fields[1]), pgid: Number(fields[2]), cmdline });
    } catch {
      // The process exited while we looked at it.
    }
  }
  return found;
}

/** Kills and deletes everything still tracked. Synchronous, so it can run from an `exit` handler. */
function runExitCleanup(): void {
  for (const resource of tracked) {
    if (resource.pid !== undefined) {
      try {
        killQuietly(resource.pid, 'SIGKILL', resource.group ?? false);
      } catch {
        // Best effort only; the process may belong to someone else by now (EPERM).
      }
    }
  }
  for (const resource of tracked) {
    try {
      resource.run?.();
    } catch {
      // Best effort, like the kills.
    }
  }
  for (const resource of tracked) {
    if (resource.dir !== undefined) removeDirQuietly(resource.dir);
  }
  tracked.clear();
}

const SIGNAL_EXIT_CODES: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', runExitCleanup);
  // Vitest ends its worker processes with SIGTERM, and a signal's default action skips 'exit' handlers:
  // without these listeners every nginx and profile dir of a failed test file would be left behind.
  for (const [signal, code] of Object.entries(SIGNAL_EXIT_CODES) as [NodeJS.Signals, number][]) {
    process.on(signal, () => {
      runExitCleanup();
      // A listener suppresses the default "terminate"; restore it unless someone else (Playwright and
      // Puppeteer install their own handlers) has taken responsibility for exiting.
      if (process.listenerCount(signal) === 1) process.exit(code);
    });
  }
}
