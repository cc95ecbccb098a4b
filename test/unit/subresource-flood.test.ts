/**
 * A page with hundreds of failing frames: each tab keeps at most MAX_SUBRESOURCE_ERRORS_PER_TAB records, so one page
 * cannot push out another tab's, and the events past the bound change nothing (the same state object comes back, so
 * the background writes nothing).
 */
import { describe, expect, it } from 'vitest';
import {
  EMPTY_STATE,
  MAX_SUBRESOURCE_ERRORS,
  reduce,
  type RecoveryEvent,
  type RecoveryState,
} from '../../src/recovery/incident-machine';
import { MAX_SUBRESOURCE_ERRORS_PER_TAB } from '../../src/recovery/state-schema';
import { DEFAULT_POLICY } from '../../src/recovery/schedule';

const ctx = { now: 1_700_000_000_000, policy: DEFAULT_POLICY, random: () => 0.5 };
const frame = (tabId: number, n: number, host = `f${n}.example.net`): RecoveryEvent => ({
  type: 'subresource-error',
  tabId,
  origin: `https://${host}`,
  host,
  code: 502,
  scope: 'sub-frame',
});
const send = (state: RecoveryState, event: RecoveryEvent) => reduce(state, event, ctx).state;

describe('frame records under a flood', () => {
  it('one tab keeps its first MAX_SUBRESOURCE_ERRORS_PER_TAB; the rest change nothing', () => {
    let state = EMPTY_STATE;
    for (let n = 0; n < MAX_SUBRESOURCE_ERRORS_PER_TAB; n++) state = send(state, frame(1, n));
    expect(state.subresourceErrors).toHaveLength(MAX_SUBRESOURCE_ERRORS_PER_TAB);
    for (let n = MAX_SUBRESOURCE_ERRORS_PER_TAB; n < 1_000; n++) expect(send(state, frame(1, n))).toBe(state);
    expect(state.subresourceErrors?.map((x) => x.host)).toEqual(Array.from({ length: MAX_SUBRESOURCE_ERRORS_PER_TAB }, (_, n) => `f${n}.example.net`));
  });

  it("a flood in one tab leaves another tab's records in place", () => {
    let state = send(EMPTY_STATE, frame(2, 0, 'cdn.other.example'));
    for (let n = 0; n < 1_000; n++) state = send(state, frame(1, n));
    expect(state.subresourceErrors?.filter((x) => x.tabId === 2).map((x) => x.host)).toEqual(['cdn.other.example']);
    expect(state.subresourceErrors?.length).toBeLessThanOrEqual(MAX_SUBRESOURCE_ERRORS);
  });

  it('a new page in the tab starts its count again', () => {
    let state = EMPTY_STATE;
    for (let n = 0; n < 50; n++) state = send(state, frame(1, n));
    state = send(state, { type: 'main-frame-start', tabId: 1, url: 'https://shop.example.com/', requestId: 'r2' });
    expect(state.subresourceErrors).toBeUndefined();
    const next = send(state, frame(1, 99));
    expect(next.subresourceErrors?.map((x) => x.host)).toEqual(['f99.example.net']);
  });
});
