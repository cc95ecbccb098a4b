/**
 * The recovery service's batched writes, against an in-memory store whose writes can be held: a flood of events costs
 * a write per burst, not one per event; the last state is always written; and a change that has effects is stored
 * before the effects run, so a worker stopped at any moment finds the try it sent.
 */
import { describe, expect, it, vi } from 'vitest';
import { createRecoveryService, type RecoveryEffects, type StateStore } from '../../extension/background/recovery-service';
import { EMPTY_STATE, type RecoveryState } from '../../src/recovery/incident-machine';
import { MAX_SUBRESOURCE_ERRORS, MAX_SUBRESOURCE_ERRORS_PER_TAB } from '../../src/recovery/state-schema';
import { DEFAULT_SETTINGS } from '../../src/settings/settings';

const PAGE = 'https://shop.example.com/cart';
const silent = { warn: vi.fn(), error: vi.fn() };

/** A store in memory (copies in and out, as storage does); `hold()` keeps the next writes pending until released. */
function createStore() {
  let stored: RecoveryState = EMPTY_STATE;
  let held: Promise<void> | null = null;
  let failNext = false;
  const store = {
    load: vi.fn(async () => structuredClone(stored)),
    save: vi.fn(async (state: RecoveryState) => {
      if (held !== null) await held;
      if (failNext) {
        failNext = false;
        throw new Error('quota');
      }
      stored = structuredClone(state);
    }),
  } satisfies StateStore;
  return {
    store,
    stored: () => stored,
    hold(): () => void {
      let release!: () => void;
      held = new Promise((resolve) => (release = resolve));
      return () => {
        held = null;
        release();
      };
    },
    failNextSave() {
      failNext = true;
    },
  };
}

function createService(store: StateStore, now: () => number, effects: Partial<RecoveryEffects> = {}) {
  return createRecoveryService({
    now,
    random: () => 0.5,
    store,
    settings: async () => DEFAULT_SETTINGS,
    effects: {
      reload: vi.fn(async () => ({ kind: 'reloaded' as const })),
      probe: vi.fn(async () => ({ kind: 'network-error' as const, reason: 'test' })),
      compareCookieless: vi.fn(async () => ({ kind: 'skipped' as const })),
      notify: vi.fn(async () => undefined),
      badge: vi.fn(async () => undefined),
      readDocument: vi.fn(async () => null),
      tabPresence: vi.fn(async () => 'shown' as const),
      ...effects,
    } as RecoveryEffects,
    scheduleWake: () => undefined,
    isOnline: () => true,
    ownOrigins: ['chrome-extension://test-extension-id'],
    describe: { incident: () => null, badge: () => null },
    log: silent,
  });
}

/** A sub-frame of tab `tabId` answered 502 (webRequest details as both browsers give them). */
const frame502 = (tabId: number, n: number) => ({
  requestId: `f${tabId}-${n}`,
  url: `https://f${n}.example.net/`,
  method: 'GET',
  statusCode: 502,
  type: 'sub_frame',
  tabId,
  frameId: n + 1,
});
const page502 = (tabId: number) => ({
  requestId: `p${tabId}`,
  url: PAGE,
  method: 'GET',
  statusCode: 502,
  type: 'main_frame',
  tabId,
  frameId: 0,
  responseHeaders: [{ name: 'Server', value: 'nginx' }],
});

describe('batched state writes', () => {
  it('a flood of events while a write is under way costs one more write, holding all of them; state is read once', async () => {
    const s = createStore();
    const service = createService(s.store, () => 1_700_000_000_000);
    const release = s.hold();
    // 200 tabs, one failing frame each: every event changes the state.
    const done = Array.from({ length: 200 }, (_, tab) => service.onCompleted(frame502(tab + 1, 0)));
    await vi.waitFor(() => expect(s.store.save).toHaveBeenCalled());
    release();
    await Promise.all(done);
    expect(s.store.load).toHaveBeenCalledTimes(1);
    expect(s.store.save.mock.calls.length).toBeLessThanOrEqual(2);
    // The last state is the one stored: the newest MAX_SUBRESOURCE_ERRORS records, in order.
    expect(s.stored().subresourceErrors?.map((x) => x.tabId)).toEqual(Array.from({ length: MAX_SUBRESOURCE_ERRORS }, (_, i) => 200 - MAX_SUBRESOURCE_ERRORS + 1 + i));
  });

  it('frame errors past the per-tab bound write nothing', async () => {
    const s = createStore();
    const service = createService(s.store, () => 1_700_000_000_000);
    for (let n = 0; n < 300; n++) await service.onCompleted(frame502(7, n));
    expect(s.store.save.mock.calls.length).toBe(MAX_SUBRESOURCE_ERRORS_PER_TAB);
    expect(s.stored().subresourceErrors).toHaveLength(MAX_SUBRESOURCE_ERRORS_PER_TAB);
  });

  it('effects run only once the state they come from is stored, even amid a flood', async () => {
    let clock = 1_700_000_000_000;
    const s = createStore();
    const seenAtReload: (string | undefined)[] = [];
    const seenAtNotify: number[] = [];
    const service = createService(s.store, () => clock, {
      reload: vi.fn(async () => {
        seenAtReload.push(s.stored().incidents[0]?.awaiting?.kind);
        return { kind: 'reloaded' as const };
      }),
      notify: vi.fn(async () => {
        seenAtNotify.push(s.stored().incidents.length);
      }),
    });
    const release = s.hold();
    const flood = Array.from({ length: 100 }, (_, tab) => service.onCompleted(frame502(100 + tab, 0)));
    const opened = service.onCompleted(page502(1));
    await vi.waitFor(() => expect(s.store.save).toHaveBeenCalled());
    expect(seenAtNotify).toEqual([]);
    release();
    await Promise.all([...flood, opened]);
    await vi.waitFor(() => expect(seenAtNotify.length).toBeGreaterThan(0));
    expect(seenAtNotify.every((n) => n === 1)).toBe(true);
    // The first try is due: the reload goes out only after "awaiting reload" is stored.
    clock += 60_000;
    const release2 = s.hold();
    const due = service.wake();
    await vi.waitFor(() => expect(s.store.save.mock.calls.length).toBeGreaterThan(2));
    expect(seenAtReload).toEqual([]);
    release2();
    await due;
    await vi.waitFor(() => expect(seenAtReload).toEqual(['reload']));
  });

  it('a failed write is made again with the next one, and the last state lands', async () => {
    const s = createStore();
    const service = createService(s.store, () => 1_700_000_000_000);
    s.failNextSave();
    await service.onCompleted(frame502(1, 0));
    expect(s.stored().subresourceErrors).toBeUndefined();
    await service.onCompleted(frame502(2, 0));
    expect(s.stored().subresourceErrors?.map((x) => x.tabId)).toEqual([1, 2]);
  });

  it('a new worker reads what the old one stored', async () => {
    const s = createStore();
    const first = createService(s.store, () => 1_700_000_000_000);
    await Promise.all(Array.from({ length: 20 }, (_, tab) => first.onCompleted(frame502(tab + 1, 0))));
    const second = createService(s.store, () => 1_700_000_000_000);
    expect((await second.tabView(20)).subresourceErrors).toHaveLength(1);
    expect((await second.tabView(1)).subresourceErrors).toHaveLength(1);
  });

  it('an abort of a tab the browser dropped (closed, discarded) is left to the tab\'s own event; the user\'s Stop still counts', async () => {
    const s = createStore();
    let clock = 1_700_000_000_000;
    let presence: 'shown' | 'discarded' | 'gone' = 'gone';
    const service = createService(s.store, () => clock, { tabPresence: vi.fn(async () => presence) });
    await service.onCompleted(page502(3));
    // Our reload is under way when the browser drops it.
    clock += 60_000;
    await service.wake();
    expect(s.stored().tabs['3']).toMatchObject({ status: 'reloading' });
    const abort = { requestId: 'r2', url: PAGE, type: 'main_frame', tabId: 3, error: 'net::ERR_ABORTED' };
    // Chromium discards under a new id: the old one is gone, and its replacement comes next.
    await service.onMainFrameError(abort);
    expect(s.stored().tabs['3']).toMatchObject({ status: 'reloading' });
    presence = 'discarded';
    await service.onTabReplaced(9, 3);
    expect(s.stored().tabs['3']).toBeUndefined();
    expect(s.stored().tabs['9']).toMatchObject({ tabId: 9, discarded: true });
    expect(s.stored().incidents[0]?.phase).toBe('retrying');
    // The user's Stop of a load in a tab that is shown ends retrying there, as before.
    presence = 'shown';
    await service.onMainFrameStart({ requestId: 'r3', url: PAGE, type: 'main_frame', tabId: 9 });
    await service.onMainFrameError({ ...abort, tabId: 9, requestId: 'r3' });
    expect(s.stored().tabs['9']).toBeUndefined();
  });

  it('a replacement is worked out in its turn: an event after it waits for it', async () => {
    const s = createStore();
    let answer!: (p: 'shown' | 'discarded' | 'gone') => void;
    const service = createService(s.store, () => 1_700_000_000_000, {
      tabPresence: vi.fn(() => new Promise<'shown' | 'discarded' | 'gone'>((resolve) => (answer = resolve))),
    });
    await service.onCompleted(page502(3));
    const replaced = service.onTabReplaced(9, 3);
    // The new id's own discard comes while the browser is still asked about it.
    const discarded = service.dispatch({ type: 'tab-discarded', tabId: 9, discarded: true });
    await vi.waitFor(() => expect(answer).toBeDefined());
    answer('discarded');
    await Promise.all([replaced, discarded]);
    expect(s.stored().tabs['9']).toMatchObject({ status: 'waiting', discarded: true });
    expect(s.stored().incidents[0]?.phase).toBe('retrying');
  });
});
