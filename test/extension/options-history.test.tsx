/** The options page's History section renders from fixtures: the table, the retention field and the clear steps. */
import { describe, expect, it } from 'vitest';
import { renderToString } from 'preact-render-to-string';
import { ClearHistoryControls, HistoryTable, OptionsView, type HistoryModel } from '../../extension/options/options-view';
import { readRetentionDays } from '../../extension/options/options-input';
import { managedFields } from '../../extension/shared/settings-store';
import { createHistoryClient } from '../../extension/options/history-client';
import { DEFAULT_SETTINGS, type Settings } from '../../src/settings/settings';
import type { HistoryEntry } from '../../src/history/history';
import { strictT } from '../locale';

const t = strictT;
const NOW = 1_700_000_000_000;
/** A fixed "local time", so the test does not depend on the machine's time zone. */
const formatTime = (ms: number) => `T+${(ms - NOW) / 1000}s`;

const ENTRIES: HistoryEntry[] = [
  { id: 'i3', host: 'shop.example.com', code: 502, server: 'nginx', startedAt: NOW - 42_000, endedAt: NOW, outcome: 'recovered', attempts: 3, probes: 0, verdict: 'down-for-everyone' },
  { id: 'i2', host: 'api.example.org', code: 522, server: 'cloudflare', startedAt: NOW - 3 * 3_600_000, endedAt: NOW - 3_600_000, outcome: 'gave-up', attempts: 5, probes: 14 },
  { id: 'i1', host: 'forms.example.net', code: 503, startedAt: NOW - 5 * 3_600_000, endedAt: NOW - 5 * 3_600_000, outcome: 'not-retried', notRetriedReason: 'non-get', attempts: 0, probes: 0 },
];

function model(entries: readonly HistoryEntry[] | null, extra: Partial<HistoryModel> = {}): HistoryModel {
  return { entries, clear: async () => {}, formatTime, ...extra };
}

const html = (history: HistoryModel | undefined, settings: Settings = DEFAULT_SETTINGS, managed = new Set<never>() as ReadonlySet<never>) =>
  renderToString(
    <OptionsView
      settings={settings}
      managed={managed}
      t={t}
      onChange={async () => {}}
      requestDataConsent={async () => true}
      hostAccess={{ contains: async () => true, request: async () => true }}
      {...(history !== undefined ? { history } : {})}
    />,
  );

function tag(out: string, testid: string): string {
  const m = new RegExp(`<[a-z]+[^>]*data-testid="${testid}"[^>]*>`).exec(out);
  if (m === null) throw new Error(`no element ${testid}`);
  return m[0];
}

/** The text of each cell of each body row. */
function rows(out: string): string[][] {
  return [...out.matchAll(/<tr[^>]*data-testid="history-row"[^>]*>([\s\S]*?)<\/tr>/g)].map((m) =>
    [...m[1]!.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((c) => c[1]!.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim()),
  );
}

describe('options: History section', () => {
  it('lists each incident: site, code and who answered, start, outcome and how long, reloads, probes, verdict', () => {
    const out = html(model(ENTRIES));
    expect(out).toContain('<h2 id="history-heading" tabindex="-1">History</h2>');
    expect(rows(out)).toEqual([
      ['shop.example.com', '502 Bad Gateway answered by nginx', 'T+-42s', 'Recovered after 42 s', '3', '0', 'Down for everyone'],
      ['api.example.org', '522 Connection Timed Out answered by cloudflare', 'T+-10800s', 'Gave up after 2 h', '5', '14', 'Not checked'],
      ['forms.example.net', '503 Service Unavailable', 'T+-18000s', 'Not retried: a form was sent', '0', '0', 'Not checked'],
    ]);
    // Headers for screen readers, the start as a machine-readable time, and a caption.
    for (const col of ['Site', 'Error', 'Started', 'Outcome', 'Reloads', 'Probes', 'Down for everyone?']) expect(out).toMatch(new RegExp(`<th scope="col"[^>]*>${col.replace('?', '\\?')}</th>`));
    expect(out).toContain('<th scope="row">shop.example.com</th>');
    expect(out).toContain(`<time datetime="${new Date(NOW - 42_000).toISOString()}">T+-42s</time>`);
    expect(out).toContain('<caption id="history-caption">Recent incidents, newest first</caption>');
    expect(tag(out, 'history-clear')).not.toMatch(/\bdisabled\b/);
  });

  it('says when there is nothing yet, while it loads, when reading failed, and when the history is off', () => {
    const empty = html(model([]));
    expect(empty).toContain('No incidents recorded yet.');
    expect(empty).not.toContain('data-testid="history-table"');
    expect(tag(empty, 'history-clear')).toMatch(/\bdisabled\b/);
    expect(html(model(null))).toContain('Loading the history…');
    expect(html(undefined)).toContain('Loading the history…');
    expect(html(model(null, { error: true }))).toContain('The history could not be read.');
    const off = html(model([]), { ...DEFAULT_SETTINGS, historyRetentionDays: 0 });
    expect(off).toContain('The history is off: ended incidents are not recorded.');
    expect(off).not.toContain('No incidents recorded yet.');
  });

  it('has a labelled retention field holding the setting, locked when an administrator set it', () => {
    const out = html(model([]), { ...DEFAULT_SETTINGS, historyRetentionDays: 14 });
    expect(tag(out, 'history-retention')).toContain('value="14"');
    expect(tag(out, 'history-retention')).toContain('id="history-retention"');
    expect(out).toContain('<label for="history-retention">Keep incidents for (days)</label>');
    expect(tag(out, 'history-retention')).not.toMatch(/\bdisabled\b/);
    const managed = managedFields({ historyRetentionDays: 90 });
    expect([...managed]).toEqual(['historyRetentionDays']);
    const locked = html(model([]), { ...DEFAULT_SETTINGS, historyRetentionDays: 90 }, managed as ReadonlySet<never>);
    expect(tag(locked, 'history-retention')).toMatch(/\bdisabled\b/);
    expect(locked).toContain('data-testid="managed-historyRetentionDays"');
  });

  it('clearing asks first, in the page: how many go, a destructive button and a way out', () => {
    const props = { count: 3, busy: false, t, onAsk: () => {}, onConfirm: () => {}, onCancel: () => {} };
    const asking = renderToString(<ClearHistoryControls {...props} confirming={false} />);
    expect(asking).toContain('Clear history…');
    expect(asking).not.toContain('history-clear-confirm');
    const confirming = renderToString(<ClearHistoryControls {...props} confirming />);
    expect(confirming).toMatch(/role="group" aria-labelledby="history-clear-question"/);
    expect(confirming).toContain('<p id="history-clear-question">Delete every incident in the history (3)? This cannot be undone.</p>');
    expect(tag(confirming, 'history-clear-confirm')).toContain('type="button"');
    expect(confirming).toContain('>Delete history</button>');
    expect(confirming).toContain('>Keep it</button>');
    expect(confirming).not.toContain('data-testid="history-clear"');
    const busy = renderToString(<ClearHistoryControls {...props} confirming busy />);
    expect(tag(busy, 'history-clear-confirm')).toMatch(/\bdisabled\b/);
  });

  it('a table shows only hosts, so a URL cannot show even if one were passed in', () => {
    const out = renderToString(<HistoryTable entries={ENTRIES} t={t} formatTime={formatTime} />);
    expect(out).not.toMatch(/https?:\/\//);
  });
});

describe('options: history input and client', () => {
  it('reads the retention from 0 to 365 whole days only', () => {
    expect(readRetentionDays('0')).toBe(0);
    expect(readRetentionDays(' 365 ')).toBe(365);
    expect(readRetentionDays('30')).toBe(30);
    for (const bad of ['366', '-1', '7.5', '', 'week', '1e2', '0x10']) expect(readRetentionDays(bad)).toBeNull();
  });

  it('the client sends typed envelopes, and turns a refusal into a rejection', async () => {
    const sent: unknown[] = [];
    const answers: unknown[] = [{ entries: ENTRIES }, { ok: true }, { error: 'getHistory: bad' }, undefined];
    const listeners: ((c: Record<string, unknown>, area: string) => void)[] = [];
    const client = createHistoryClient({
      sendMessage: async (m) => {
        sent.push(m);
        return answers.shift();
      },
      onChanged: { addListener: (fn) => listeners.push(fn), removeListener: () => {} },
    });
    expect(await client.list()).toEqual(ENTRIES);
    await client.clear();
    await expect(client.list()).rejects.toThrow('getHistory: bad');
    await expect(client.clear()).rejects.toThrow('no answer');
    expect(sent).toEqual([
      { type: 'getHistory', payload: {} },
      { type: 'clearHistory', payload: {} },
      { type: 'getHistory', payload: {} },
      { type: 'clearHistory', payload: {} },
    ]);

    let calls = 0;
    client.watch(() => calls++);
    listeners[0]!({ history: {} }, 'local');
    listeners[0]!({ historyRetentionDays: {} }, 'sync');
    listeners[0]!({ statusAutoCheck: {} }, 'local');
    listeners[0]!({ notifications: {} }, 'sync');
    expect(calls).toBe(2);
  });
});
