/**
 * The background's side of the notification limit (`src/view/notification-limit.ts`): the log of pops in memory, one
 * decision at a time (two incidents opening at once must not both pass on the same count), and a copy without private
 * windows' incidents in `storage.session`, so a worker stopped between two hops of a hostile site does not start
 * counting again.
 */
import type { Incident } from '../../src/recovery/incident-machine';
import { createSerialQueue } from '../../src/shared/serial-queue';
import { decidePop, withoutPrivatePops, type PopLog } from '../../src/view/notification-limit';

interface PopLimiterDeps {
  /** Where the log outlives the worker (`storage.session`); never handed a private window's incident. */
  readonly store: { load(): Promise<PopLog>; save(log: PopLog): Promise<void> };
  /** Epoch ms. */
  readonly now: () => number;
  /** The registrable domain of `host`, or `host` itself when it has none. */
  readonly domainOf: (host: string) => Promise<string>;
  readonly log: Pick<Console, 'warn'>;
}

export type PopLimiter = ReturnType<typeof createPopLimiter>;

export function createPopLimiter(deps: PopLimiterDeps) {
  const queue = createSerialQueue();
  let current: PopLog | null = null;
  return {
    /**
     * Whether `incident`'s notification may pop up now (see `decidePop`); records it when it may. Never rejects: when
     * the limit cannot be worked out, the notification is not popped (it is still updated in place, and the badge and
     * popup show the incident).
     */
    mayPop(incident: Pick<Incident, 'id' | 'host' | 'incognito'>, tabIds: readonly number[]): Promise<boolean> {
      return queue
        .run(async () => {
          current ??= await deps.store.load().catch(() => []);
          const domain = await deps.domainOf(incident.host);
          const request = { incidentId: incident.id, domain, tabId: tabIds[0] ?? null, incognito: incident.incognito === true };
          const decided = decidePop(current, request, deps.now());
          if (decided.log !== current) {
            const before = withoutPrivatePops(current);
            current = decided.log;
            const stored = withoutPrivatePops(current);
            // A private window's pop changes nothing that is stored: nothing is written for it.
            if (stored.length !== before.length || stored.some((r, i) => r !== before[i])) {
              await deps.store.save(stored).catch((err: unknown) => deps.log.warn('notifications: storing the pop log failed', err));
            }
          }
          return decided.pop;
        })
        .catch((err: unknown) => {
          deps.log.warn('notifications: the pop limit could not be worked out', err);
          return false;
        });
    },
  };
}
