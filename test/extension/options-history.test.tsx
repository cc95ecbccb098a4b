// @vitest-environment happy-dom
/** The options page's History section, rendered from fixtures and used by role: the table, the retention field, and the clear steps. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { OptionsView, type HistoryModel } from '../../extension/options/options-view';
import { HistoryTable } from '../../extension/options/history-section';
import { readNumberSetting } from '../../extension/options/options-input';
import { managedFields, type SettingKey } from '../../extension/shared/settings-store';
import { createHistoryClient } from '../../extension/options/history-client';
import { DEFAULT_SETTINGS, type Settings } from '../../src/settings/settings';
import type { HistoryEntry } from '../../src/history/history';
import { strictT } from '../locale';

const t = strictT;
const NOW = 1_700_000_000_000;
/** A fixed "local time", so the test does not depend on the machine's time zone. */
const formatTime = (ms: number) => `T+${(ms - NOW) / 1000}s`;

afterEach(cleanup);

const ENTRIES: HistoryEntry[] = [
  { id: 'i3', host: 'shop.example.com', code: 502, server: 'nginx', startedAt: NOW - 42_000, endedAt: NOW, outcome: 'recovered', attempts: 3, probes: 0, verdict: 'down-for-everyone' },
  { id: 'i2', host: 'api.example.org', code: 522, server: 'cloudflare', startedAt: NOW - 3 * 3_600_000, endedAt: NOW - 3_600_000, outcome: 'gave-up', attempts: 5, probes: 14 },
  { id: 'i1', host: 'forms.example.net', code: 503, startedAt: NOW - 5 * 3_600_000, endedAt: NOW - 5 * 3_600_000, outcome: 'not-retried', notRetriedReason: 'non-get', attempts: 0, probes: 0 },
];

function model(entries: readonly HistoryEntry[] | null, extra: Partial<HistoryModel> = {}): HistoryModel {
  return { entries, clear: async () => {}, formatTime, ...extra };
}

function show(history: HistoryModel | undefined, settings: Settings = DEFAULT_SETTINGS, managed: ReadonlySet<SettingKey> = new Set()) {
  render(
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
}

/** An element's text, its parts spaced as a screen reader reads them. */
function spoken(el: Element): string {
  const parts: string[] = [];
  const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n !== null; n = walk.nextNode()) parts.push(n.textContent ?? '');
  return parts.join(' ').replace(/\s+/g, ' ').trim();
}

/** The text of each cell of each body row. */
function rows(): string[][] {
  const table = screen.getByRole('table', { name: t('optionsHistoryCaption') });
  return within(table)
    .getAllByRole('row')
    .slice(1)
    .map((row) => within(row).getAllByRole(/^(cell|rowheader)$/).map(spoken));
}

const clearButton = () => screen.getByRole<HTMLButtonElement>('button', { name: t('optionsHistoryClear') });

describe('options: History section', () => {
  it('lists each incident: site, code and who answered, start, outcome and how long, reloads, probes, verdict', () => {
    show(model(ENTRIES));
    expect(screen.getByRole('heading', { level: 2, name: 'History' }).getAttribute('tabindex')).toBe('-1');
    expect(rows()).toEqual([
      ['shop.example.com', '502 Bad Gateway answered by nginx', 'T+-42s', 'Recovered after 42 seconds', '3', '0', 'Down for everyone'],
      ['api.example.org', '522 Connection Timed Out answered by cloudflare', 'T+-10800s', 'Gave up after 2 hours', '5', '14', 'Not checked'],
      ['forms.example.net', '503 Service Unavailable', 'T+-18000s', 'Not retried: a form was sent', '0', '0', 'Not checked'],
    ]);
    // Headers for screen readers, the start as a machine-readable time, and a caption that names the table.
    expect(screen.getAllByRole('columnheader').map(spoken)).toEqual(['Site', 'Error', 'Started', 'Outcome', 'Reloads', 'Probes', 'Down for everyone?']);
    expect(screen.getByRole('rowheader', { name: 'shop.example.com' })).toBeTruthy();
    const time = screen.getByText('T+-42s');
    expect(time.tagName).toBe('TIME');
    expect(time.getAttribute('datetime')).toBe(new Date(NOW - 42_000).toISOString());
    expect(clearButton().disabled).toBe(false);
  });

  it('says when there is nothing yet, while it loads, when reading failed, and when the history is off', () => {
    show(model([]));
    expect(screen.getByText('No incidents recorded yet.')).toBeTruthy();
    expect(screen.queryByRole('table')).toBeNull();
    expect(clearButton().disabled).toBe(true);
    cleanup();
    show(model(null));
    expect(screen.getByText('Loading the history…')).toBeTruthy();
    cleanup();
    show(undefined);
    expect(screen.getByText('Loading the history…')).toBeTruthy();
    cleanup();
    show(model(null, { error: true }));
    expect(screen.getByText('The history could not be read.')).toBeTruthy();
    cleanup();
    show(model([]), { ...DEFAULT_SETTINGS, historyRetentionDays: 0 });
    expect(screen.getByText('The history is off: ended incidents are not recorded.')).toBeTruthy();
    expect(screen.queryByText('No incidents recorded yet.')).toBeNull();
  });

  it('has a labelled retention field holding the setting, locked when an administrator set it', () => {
    show(model([]), { ...DEFAULT_SETTINGS, historyRetentionDays: 14 });
    const field = screen.getByRole<HTMLInputElement>('spinbutton', { name: 'Keep incidents for (days)' });
    expect(field.value).toBe('14');
    expect(field.disabled).toBe(false);
    cleanup();
    const managed = managedFields({ historyRetentionDays: 90 });
    expect([...managed]).toEqual(['historyRetentionDays']);
    show(model([]), { ...DEFAULT_SETTINGS, historyRetentionDays: 90 }, managed);
    expect(screen.getByRole<HTMLInputElement>('spinbutton', { name: 'Keep incidents for (days)' }).disabled).toBe(true);
    expect(screen.getByTestId('managed-historyRetentionDays').textContent).toContain(t('optionsManaged'));
  });

  it('clearing asks first, in the page: how many go, a destructive button and a way out that takes the focus', () => {
    const clear = vi.fn(async () => {});
    show(model(ENTRIES, { clear }));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    fireEvent.click(clearButton());
    const dialog = screen.getByRole('alertdialog', { name: 'Delete every incident in the history (3)? This cannot be undone.' });
    const yes = within(dialog).getByRole('button', { name: 'Delete history' });
    expect(yes.getAttribute('type')).toBe('button');
    expect(yes.className).toBe('danger');
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Keep it' }));
    expect(screen.queryByRole('button', { name: t('optionsHistoryClear') })).toBeNull();
    // "Keep it" closes it, deletes nothing, and gives the focus back to the button that asked.
    fireEvent.click(within(dialog).getByRole('button', { name: 'Keep it' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(document.activeElement).toBe(clearButton());
    expect(clear).not.toHaveBeenCalled();
  });

  it('Escape cancels the confirmation', () => {
    const clear = vi.fn(async () => {});
    show(model(ENTRIES, { clear }));
    fireEvent.click(clearButton());
    fireEvent.keyDown(screen.getByRole('button', { name: 'Keep it' }), { key: 'Escape' });
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(document.activeElement).toBe(clearButton());
    expect(clear).not.toHaveBeenCalled();
  });

  it('confirmed, it deletes (the choices wait meanwhile) and says so; a failure is said too', async () => {
    let finish: () => void = () => {};
    const clear = vi.fn(() => new Promise<void>((resolve) => (finish = resolve)));
    show(model(ENTRIES, { clear }));
    fireEvent.click(clearButton());
    fireEvent.click(screen.getByRole('button', { name: 'Delete history' }));
    expect(clear).toHaveBeenCalledTimes(1);
    await waitFor(() => expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Delete history' }).disabled).toBe(true));
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Keep it' }).disabled).toBe(true);
    finish();
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe(t('optionsHistoryCleared')));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(document.activeElement).toBe(screen.getByRole('heading', { level: 2, name: 'History' }));
    cleanup();

    show(model(ENTRIES, { clear: async () => Promise.reject(new Error('storage is gone')) }));
    fireEvent.click(clearButton());
    fireEvent.click(screen.getByRole('button', { name: 'Delete history' }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe(t('optionsHistoryClearFailed', ['storage is gone'])));
    expect(screen.getByRole('alertdialog')).toBeTruthy();
  });

  it('a table shows only hosts, so a URL cannot show even if one were passed in', () => {
    const { container } = render(<HistoryTable entries={ENTRIES} t={t} formatTime={formatTime} />);
    expect(container.textContent).not.toMatch(/https?:\/\//);
  });
});

describe('options: history input and client', () => {
  it('reads the retention from 0 to 365 whole days only', () => {
    expect(readNumberSetting('historyRetentionDays', '0')).toBe(0);
    expect(readNumberSetting('historyRetentionDays', ' 365 ')).toBe(365);
    expect(readNumberSetting('historyRetentionDays', '30')).toBe(30);
    for (const bad of ['366', '-1', '7.5', '', 'week', '1e2', '0x10']) expect(readNumberSetting('historyRetentionDays', bad)).toBeNull();
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
