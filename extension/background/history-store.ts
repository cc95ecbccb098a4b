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
  /** Epoch ms. */
  readonly now: () => number;
  /** The user's `historyRetentionDays`. */
  readonly retentionDays: () => Promise<number>;
  /** The latest status check of a host, if any (the checker's `latest`). */
  readonly latestStatus: (host: string) => Promise<StatusReport | null>;
  readonly log: Pick<Console, 'warn'>;
}

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

  return {
    /** Adds an incident that has just ended (`recordEnded` leaves out a private window's). */
    record(incident: Incident): Promise<void> {
      return logged('recording an incident', async () => {
        const [days, status, before] = await Promise.all([
          deps.retentionDays(),
          deps.latestStatus(incident.host).catch(() => null),
          read(),
        ]);
        const after = recordEnded(before, incident, { now: deps.now(), retentionDays: days }, status);
        // Nothing recorded (a private window's incident): nothing written, so not even the file's time tells of it.
        if (after.length === before.length && after.every((e, i) => e === before[i])) return;
        await write(after);
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
