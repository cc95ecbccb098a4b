/** The recent-incidents history: what an entry keeps (host only), its bounds (count, bytes, age) and reading it back. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  attachVerdict,
  byteLength,
  codeText,
  DAY_MS,
  entryOf,
  HISTORY_VERSION,
  MAX_HISTORY_BYTES,
  MAX_HISTORY_ENTRIES,
  outcomeText,
  parseHistory,
  pruneHistory,
  recordEnded,
  toStored,
  verdictFor,
  verdictText,
  type HistoryEntry,
} from '../../src/history/history';
import type { Incident } from '../../src/recovery/incident-machine';
import type { StatusReport } from '../../src/status/verdict';
import type { I18nText } from '../../src/shared/text';
import { getMessage } from '../locale';

const NOW = 1_700_000_000_000;
const render = (x: I18nText) => getMessage(x.key, x.subs);

function incident(over: { [K in keyof Incident]?: Incident[K] } = {}): Incident {
  return {
    id: 'incident-1',
    origin: 'https://shop.example.com',
    host: 'shop.example.com',
    url: 'https://shop.example.com/',
    code: 502,
    method: 'GET',
    gateway: { server: 'nginx' },
    startedAt: NOW - 42_000,
    phase: 'recovered',
    attempts: 3,
    probes: 0,
    nextAt: null,
    awaiting: null,
    endedAt: NOW,
    ...over,
  } as Incident;
}

function entry(i: number, over: Partial<HistoryEntry> = {}): HistoryEntry {
  return {
    id: `incident-${i}`,
    host: 'shop.example.com',
    code: 502,
    server: 'nginx',
    startedAt: NOW - i * 60_000 - 10_000,
    endedAt: NOW - i * 60_000,
    outcome: 'recovered',
    attempts: 2,
    probes: 0,
    ...over,
  };
}

function report(over: Partial<StatusReport> = {}): StatusReport {
  return { host: 'shop.example.com', verdict: 'down-for-everyone', sources: [], checkedAt: NOW - 30_000, expiresAt: NOW + 30_000, ...over };
}

const limits = { now: NOW, retentionDays: 30 };

describe('recordEnded', () => {
  it('keeps the host, never the URL: no scheme, port, path, query or fragment', () => {
    const secretUrl = 'https://shop.example.com:8443/account/orders?token=s3cr3t&email=a%40b.example#pay';
    const [e] = recordEnded([], incident({ url: secretUrl, origin: 'https://shop.example.com:8443', gateway: { server: 'nginx', requestId: 'req-77', cfRay: 'ray-88' } }), limits);
    const json = JSON.stringify(e);
    for (const leak of ['s3cr3t', 'token', 'email', '/account', '8443', 'https:', '#pay', 'req-77', 'ray-88']) expect(json).not.toContain(leak);
    expect(e).toEqual({
      id: 'incident-1',
      host: 'shop.example.com',
      code: 502,
      server: 'nginx',
      startedAt: NOW - 42_000,
      endedAt: NOW,
      outcome: 'recovered',
      attempts: 3,
      probes: 0,
    });
  });

  it('records every way an incident ends, with its reason when it was never retried', () => {
    for (const phase of ['recovered', 'gave-up', 'cancelled', 'abandoned'] as const) {
      expect(recordEnded([], incident({ phase }), limits)[0]?.outcome).toBe(phase);
    }
    const form = recordEnded([], incident({ phase: 'not-retried', notRetriedReason: 'non-get', method: 'POST', attempts: 0 }), limits)[0];
    expect(form).toMatchObject({ outcome: 'not-retried', notRetriedReason: 'non-get', attempts: 0 });
  });

  it('leaves the history alone for an incident still under way', () => {
    const before = [entry(1)];
    expect(recordEnded(before, incident({ phase: 'retrying', endedAt: undefined }), limits)).toEqual(before);
    expect(recordEnded(before, incident({ phase: 'watching', endedAt: undefined }), limits)).toEqual(before);
  });

  it('puts the newest first, replaces an earlier entry of the same incident, and does not modify its input', () => {
    const before = [entry(1), entry(2)];
    const copy = structuredClone(before);
    const after = recordEnded(before, incident({ id: 'incident-2', attempts: 9 }), limits);
    expect(after.map((e) => [e.id, e.attempts])).toEqual([
      ['incident-2', 9],
      ['incident-1', 2],
    ]);
    expect(before).toEqual(copy);
  });

  it('uses "via" when there is no server header, and cleans and caps what it keeps', () => {
    expect(entryOf(incident({ gateway: { via: '1.1 varnish' } }), NOW).server).toBe('1.1 varnish');
    expect(entryOf(incident({ gateway: {} }), NOW)).not.toHaveProperty('server');
    const odd = entryOf(incident({ gateway: { server: `evil\u202e\u0007${'x'.repeat(300)}` } }), NOW).server!;
    expect(odd.length).toBeLessThanOrEqual(100);
    expect(odd).not.toMatch(/[\u0000-\u001f\u202e]/);
  });
});

describe('the verdict an entry keeps', () => {
  it('a check made during the incident, or one still fresh when it began', () => {
    const started = NOW - 42_000;
    expect(verdictFor(report({ checkedAt: started + 1_000, expiresAt: started + 61_000 }), started, NOW)).toBe('down-for-everyone');
    expect(verdictFor(report({ verdict: 'up-elsewhere', checkedAt: started - 60_000, expiresAt: NOW + 1 }), started, NOW)).toBe('up-elsewhere');
  });

  it('not a stale answer from before, not a check that asked no third party, not none', () => {
    const started = NOW - 42_000;
    expect(verdictFor(report({ checkedAt: started - 3_600_000, expiresAt: started - 3_300_000 }), started, NOW)).toBeUndefined();
    expect(verdictFor(report({ verdict: 'unknown', limitedBy: 'no-consent' }), started, NOW)).toBeUndefined();
    expect(verdictFor(null, started, NOW)).toBeUndefined();
    expect(recordEnded([], incident(), limits, report({ limitedBy: 'private-host' }))[0]).not.toHaveProperty('verdict');
    expect(recordEnded([], incident(), limits, report())[0]?.verdict).toBe('down-for-everyone');
  });

  it('a check that answers after the incident ended fills in the entry, once', () => {
    const before = [entry(1), entry(2)];
    const after = attachVerdict(before, 'incident-2', report({ verdict: 'partial' }));
    expect(after.map((e) => e.verdict)).toEqual([undefined, 'partial']);
    expect(attachVerdict(after, 'incident-2', report({ verdict: 'up-elsewhere' }))).toBe(after);
    expect(attachVerdict(before, 'incident-9', report())).toBe(before);
    expect(attachVerdict(before, 'incident-1', report({ limitedBy: 'incognito' }))).toBe(before);
  });
});

describe('pruneHistory: the bounds', () => {
  it(`keeps at most ${MAX_HISTORY_ENTRIES} entries, the newest`, () => {
    let history: HistoryEntry[] = [];
    for (let i = 0; i < 250; i++) history = recordEnded(history, incident({ id: `incident-${i}`, startedAt: NOW - 1000 + i, endedAt: NOW + i }), { now: NOW + 250, retentionDays: 30 });
    expect(history).toHaveLength(MAX_HISTORY_ENTRIES);
    expect(history[0]?.id).toBe('incident-249');
    expect(history.at(-1)?.id).toBe('incident-50');
  });

  it('200 ordinary entries fit well within the byte bound; long hosts and server headers hit it, and the oldest go', () => {
    const ordinary = Array.from({ length: MAX_HISTORY_ENTRIES }, (_, i) =>
      entryOf(
        incident({ id: `incident-${(NOW + i).toString(36)}-${(2 ** 31 + i).toString(36)}`, host: `www.shop-${i}.example.com`, phase: 'gave-up', attempts: 5, probes: 12, endedAt: NOW - i }),
        NOW,
        report({ verdict: 'up-elsewhere' }),
      ),
    );
    const ordinaryBytes = byteLength(JSON.stringify(ordinary));
    expect(pruneHistory(ordinary, limits)).toHaveLength(MAX_HISTORY_ENTRIES);
    expect(ordinaryBytes).toBeLessThan(MAX_HISTORY_BYTES);

    const label = 'a'.repeat(63);
    const longHost = `${label}.${label}.${label}.${'b'.repeat(57)}.example`.slice(0, 253);
    const worst = Array.from({ length: MAX_HISTORY_ENTRIES }, (_, i) =>
      entry(i, { id: `incident-${'z'.repeat(180)}-${i}`, host: longHost, server: 'ü'.repeat(100), verdict: 'down-for-everyone', notRetriedReason: 'never-retry', outcome: 'not-retried' }),
    );
    const kept = pruneHistory(worst, limits);
    const keptBytes = byteLength(JSON.stringify(kept));
    expect(keptBytes).toBeLessThanOrEqual(MAX_HISTORY_BYTES);
    expect(kept.length).toBeLessThan(MAX_HISTORY_ENTRIES);
    expect(kept[0]?.id).toBe(worst[0]?.id);
    // One more would not have fitted.
    expect(byteLength(JSON.stringify(worst.slice(0, kept.length + 1)))).toBeGreaterThan(MAX_HISTORY_BYTES);
    // The figures the README and the closing note give.
    console.log(
      `history size: 200 ordinary entries ${ordinaryBytes} bytes (${Math.round(ordinaryBytes / 200)} per entry); worst-case entries ${Math.round(keptBytes / kept.length)} bytes each, ${kept.length} fit in ${MAX_HISTORY_BYTES}; stored with its key ${byteLength(JSON.stringify({ history: toStored(kept) }))} bytes`,
    );
  });

  it('drops what ended longer ago than the retention period; 0 days keeps nothing', () => {
    const history = [entry(0, { endedAt: NOW - 1 }), entry(1, { endedAt: NOW - 7 * DAY_MS + 1 }), entry(2, { endedAt: NOW - 7 * DAY_MS }), entry(3, { endedAt: NOW - 40 * DAY_MS })];
    expect(pruneHistory(history, { now: NOW, retentionDays: 7 }).map((e) => e.id)).toEqual(['incident-0', 'incident-1']);
    expect(pruneHistory(history, { now: NOW, retentionDays: 30 }).map((e) => e.id)).toEqual(['incident-0', 'incident-1', 'incident-2']);
    expect(pruneHistory(history, { now: NOW, retentionDays: 0 })).toEqual([]);
    expect(pruneHistory(history, { now: NOW, retentionDays: Number.NaN })).toEqual([]);
    expect(recordEnded(history, incident(), { now: NOW, retentionDays: 0 })).toEqual([]);
  });

  it('sorts newest first and keeps one entry per incident', () => {
    const out = pruneHistory([entry(3), entry(1), entry(2), entry(1, { attempts: 7 })], limits);
    expect(out.map((e) => e.id)).toEqual(['incident-1', 'incident-2', 'incident-3']);
  });
});

describe('parseHistory: what storage holds is untrusted', () => {
  const stored = (entries: unknown[]) => ({ version: HISTORY_VERSION, entries });

  it('reads back what was written', () => {
    const history = [entry(1, { verdict: 'partial' }), entry(2, { outcome: 'not-retried', notRetriedReason: 'never-retry' })];
    expect(parseHistory(JSON.parse(JSON.stringify(toStored(history))))).toEqual({ entries: history, dropped: 0 });
  });

  it('nothing stored is an empty history; any other shape is an empty history too, never an exception', () => {
    expect(parseHistory(undefined)).toEqual({ entries: [], dropped: 0 });
    for (const raw of [null, 'history', 42, [entry(1)], {}, { version: 2, entries: [entry(1)] }, { version: 1, entries: 'no' }, { version: '1', entries: [] }]) {
      expect(parseHistory(raw).entries).toEqual([]);
    }
  });

  it('drops each entry that is not one and keeps the rest', () => {
    const good = entry(1);
    const bad: unknown[] = [
      null,
      'incident',
      [],
      { ...good, attempts: 99 },
      { ...entry(2), host: 'https://shop.example.com/cart?token=1' },
      { ...entry(3), host: 'shop.example.com/cart' },
      { ...entry(4), host: 'shop.example.com?x=1' },
      { ...entry(5), host: 'user@shop.example.com' },
      { ...entry(6), host: 'shop.example.com:8443' },
      { ...entry(7), host: 'x'.repeat(254) },
      { ...entry(8), code: 999 },
      { ...entry(9), code: '502' },
      { ...entry(10), attempts: -1 },
      { ...entry(11), probes: 1.5 },
      { ...entry(12), startedAt: Number.NaN },
      { ...entry(13), endedAt: NOW - 1e9, startedAt: NOW },
      { ...entry(14), outcome: 'exploded' },
      { ...entry(15), verdict: 'fine' },
      { ...entry(16), notRetriedReason: 'because' },
      { ...entry(17), server: 42 },
      { ...entry(18), id: '' },
      { ...entry(19), id: 'i'.repeat(201) },
      (({ host: _, ...rest }) => rest)(entry(20)),
    ];
    const { entries, dropped } = parseHistory(stored([good, ...bad]));
    expect(entries).toEqual([good]);
    expect(dropped).toBe(bad.length);
  });

  it('cleans a stored server header and ignores unknown fields (a URL smuggled in is not kept)', () => {
    const { entries } = parseHistory(stored([{ ...entry(1), server: `a\u0000b${'c'.repeat(500)}`, url: 'https://shop.example.com/?token=1', cookie: 'x' }]));
    expect(entries[0]?.server).toMatch(/^a bc+$/);
    expect(entries[0]?.server?.length).toBe(100);
    expect(JSON.stringify(entries)).not.toContain('token');
    expect(entries[0]).not.toHaveProperty('cookie');
  });

  it('accepts IDN (punycode), IPv4 and IPv6 hosts as the URL parser gives them', () => {
    const hosts = ['xn--bcher-kva.example', '192.0.2.1', '[2001:db8::1]', 'localhost', 'shop.example.com.'];
    const { entries } = parseHistory(stored(hosts.map((host, i) => entry(i, { host }))));
    expect(entries.map((e) => e.host)).toEqual(hosts);
  });

  it('reads a bounded number of stored items, however many there are', () => {
    const many = Array.from({ length: 100_000 }, (_, i) => entry(i));
    const started = performance.now();
    const { entries } = parseHistory(stored(many));
    expect(entries).toHaveLength(1_000);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('any JSON at all: never throws, and every entry read has a bare host', () => {
    const host = /^(?:[a-z0-9_-]+(?:\.[a-z0-9_-]+)*\.?|\[[0-9a-f:.]+\])$/;
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.record({ version: fc.constant(1), entries: fc.array(fc.oneof(fc.jsonValue(), fc.constant(entry(1)))) })), (raw) => {
        const { entries } = parseHistory(raw);
        for (const e of entries) expect(e.host).toMatch(host);
      }),
      { numRuns: 300 },
    );
  });
});

describe('what the options page says about an entry', () => {
  it('outcome and how long it took', () => {
    expect(render(outcomeText(entry(1, { startedAt: NOW - 42_000, endedAt: NOW }), render))).toBe('Recovered after 42 seconds');
    expect(render(outcomeText(entry(1, { outcome: 'gave-up', startedAt: NOW - 2 * 3_600_000, endedAt: NOW }), render))).toBe('Gave up after 2 hours');
    expect(render(outcomeText(entry(1, { outcome: 'cancelled', startedAt: NOW - 5 * 60_000, endedAt: NOW }), render))).toBe('Stopped by you after 5 minutes');
    expect(render(outcomeText(entry(1, { outcome: 'abandoned' }), render))).toBe('Tab closed or left after 10 seconds');
    expect(render(outcomeText(entry(1, { outcome: 'not-retried', notRetriedReason: 'non-get' }), render))).toBe('Not retried: a form was sent');
    expect(render(outcomeText(entry(1, { outcome: 'not-retried', notRetriedReason: 'never-retry' }), render))).toBe('Not retried: on your never-retry list');
  });

  it('a site that answered again with its own 500 is not called recovered (issue 13: "back" means a page)', () => {
    const ended = entryOf(incident({ endedAt: NOW, answer: { kind: 'server-error', code: 500, at: NOW } }), NOW);
    expect(ended.answeredWith).toBe(500);
    expect(render(outcomeText(ended, render))).toBe('Answered again with 500 Internal Server Error after 42 seconds');
    // Back for real: a tab's own reload got a page, so no answer is kept.
    const back = entryOf(incident({ endedAt: NOW }), NOW);
    expect(back.answeredWith).toBeUndefined();
    expect(render(outcomeText(back, render))).toBe('Recovered after 42 seconds');
    // What storage holds is read back with it.
    expect(parseHistory({ version: 1, entries: [ended] }).entries[0]?.answeredWith).toBe(500);
    // A status no HTTP server may send is not kept, so the entry stays readable.
    const odd = entryOf(incident({ endedAt: NOW, answer: { kind: 'other', code: 999, at: NOW } }), NOW);
    expect(odd).not.toHaveProperty('answeredWith');
    expect(parseHistory({ version: 1, entries: [odd] }).entries).toHaveLength(1);
  });

  it('the code with its name, and the verdict or "Not checked"', () => {
    expect(render(codeText(entry(1, { code: 522 }), render))).toBe('522 Connection Timed Out');
    expect(render(verdictText(entry(1)))).toBe('Not checked');
    expect(render(verdictText(entry(1, { verdict: 'down-for-everyone' })))).toBe('Down for everyone');
    expect(render(verdictText(entry(1, { verdict: 'unknown' })))).toBe("Can't tell");
  });
});
