/**
 * The recent-incidents history in `storage.local` (it must outlive the browser session; `storage.session` holds only
 * the live state). The background is its only writer: every change is a read-modify-write run one at a time here, so
 * "Clear history" cannot be undone by an incident recorded at the same moment. The storage area comes in as a
 * dependency, so tests hand it a fake.
 */
import { attachVerdict, HISTORY_KEY, parseHistory, pruneHistory, recordEnded, toStored, type HistoryEntry } from '../../src/history/history';
import type { Incident } from '../../src/recovery/incident-machine';
import { createSerialQueue } from '../../src/shared/serial-queue';
import type { StatusReport } from '../../src/status/verdict';

/** The part of a `storage.local` area the history uses. */
interface HistoryArea {
  get(key: string): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(key: string): Promise<void>;
}

interface HistoryStoreDeps {
  /** `storage.local`: where the history lives. */
  readonly area: HistoryArea;
  /** `storage.session`: which incidents began in a private window (gone when the browser closes). */
  readonly session: HistoryArea;
  /** Whether a tab is in a private window; a tab that is gone counts as private. */
  readonly isPrivateTab: (tabId: number) => Promise<boolean>;
  /** Epoch ms. */
  readonly now: () => number;
  /** The user's `historyRetentionDays`. */
  readonly retentionDays: () => Promise<number>;
  /** The latest status check of a host, if any (the checker's `latest`). */
  readonly latestStatus: (host: string) => Promise<StatusReport | null>;
  readonly log: Pick<Console, 'warn'>;
}

/** `storage.session` key of the ids of incidents that began in a private window. */
const PRIVATE_KEY = 'historyPrivate';
/** Private incident ids remembered at most (an incident is forgotten once it ends, unless it recovered). */
const MAX_PRIVATE_IDS = 200;

export function createHistoryStore(deps: HistoryStoreDeps) {
  const queue = createSerialQueue();

  /** Runs `task` after every earlier one has settled. */
  function serial<T>(task: () => Promise<T>): Promise<T> {
    return queue.run(task);
  }

  /** {@link serial} for the background's own writes: a failure is logged, never thrown at the recovery. */
  function logged(what: string, task: () => Promise<void>): Promise<void> {
    return serial(task).catch((err: unknown) => deps.log.warn(`history: ${what} failed`, err));
  }

  async function read(): Promise<HistoryEntry[]> {
    const got = await deps.area.get(HISTORY_KEY);
    const { entries, dropped } = parseHistory(got[HISTORY_KEY]);
    if (dropped > 0) deps.log.warn(`history: ${dropped} stored item(s) were not entries and were dropped`);
    return entries;
  }

  async function write(entries: readonly HistoryEntry[]): Promise<void> {
    if (entries.length === 0) await deps.area.remove(HISTORY_KEY);
    else await deps.area.set({ [HISTORY_KEY]: toStored(entries) });
  }

  /** Private-window checks under way in this worker, by incident id. */
  const checking = new Map<string, Promise<boolean>>();

  async function privateIds(): Promise<string[]> {
    const raw = (await deps.session.get(PRIVATE_KEY))[PRIVATE_KEY];
    return Array.isArray(raw) ? raw.filter((x): x is string => typeof x === 'string') : [];
  }

  /** True when incident `id` began in a private window, as {@link opened} found (or is finding) out. */
  async function isPrivate(id: string): Promise<boolean> {
    const pending = checking.get(id);
    if (pending !== undefined) return pending;
    return (await privateIds()).includes(id);
  }

  return {
    /**
     * An incident opened: finds out whether its tab is in a private window and remembers it for the session. A
     * private window's incidents are never written to `storage.local`, which outlives the window.
     */
    opened(incident: Incident, tabIds: readonly number[]): Promise<void> {
      const check = (async () => {
        const tabId = tabIds[0];
        return tabId === undefined ? true : deps.isPrivateTab(tabId).catch(() => true);
      })();
      checking.set(incident.id, check);
      return logged('marking a private incident', async () => {
        try {
          if (!(await check)) return;
          const ids = await privateIds();
          await deps.session.set({ [PRIVATE_KEY]: [...ids.filter((x) => x !== incident.id), incident.id].slice(-MAX_PRIVATE_IDS) });
        } finally {
          checking.delete(incident.id);
        }
      });
    },

    /** Adds an incident that has just ended, unless it began in a private window. */
    record(incident: Incident): Promise<void> {
      return logged('recording an incident', async () => {
        if (await isPrivate(incident.id)) {
          // A recovered incident may continue (a new error within `REOPEN_WINDOW_MS`) and end again: it stays known
          // as private, or its second ending would be recorded.
          if (incident.phase === 'recovered') return;
          const ids = await privateIds();
          await deps.session.set({ [PRIVATE_KEY]: ids.filter((x) => x !== incident.id) });
          return;
        }
        const [days, status, before] = await Promise.all([
          deps.retentionDays(),
          deps.latestStatus(incident.host).catch(() => null),
          read(),
        ]);
        const after = recordEnded(before, incident, { now: deps.now(), retentionDays: days }, status);
        if (after.length > 0 || before.length > 0) await write(after);
      });
    },

    /** A status check made for incident `id` finished: its entry, if it has none yet, takes the verdict. */
    noteVerdict(id: string, report: StatusReport | null): Promise<void> {
      return logged('noting a verdict', async () => {
        const before = await read();
        const after = attachVerdict(before, id, report);
        if (after !== before) await write(after);
      });
    },

    /**
     * The entries within today's limits, newest first; what fell out of them is deleted from storage too. Rejects
     * when storage cannot be read, so the page can say so rather than show an empty history.
     */
    list(): Promise<HistoryEntry[]> {
      return serial(async () => {
        const [days, before] = await Promise.all([deps.retentionDays(), read()]);
        const after = pruneHistory(before, { now: deps.now(), retentionDays: days });
        if (after.length !== before.length) await write(after);
        return after;
      });
    },

    /** Deletes every entry. Rejects when storage refused, so the page can say it did not work. */
    clear(): Promise<void> {
      return serial(() => deps.area.remove(HISTORY_KEY));
    },
  };
}
