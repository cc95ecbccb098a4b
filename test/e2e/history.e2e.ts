/**
 * The recent-incidents history in real Chromium and real Firefox: a real nginx 502 that recovers is kept in
 * `storage.local` by its host only, the options page lists it (site, code, who answered, outcome), axe-core finds no
 * serious or critical violation in the table or the confirmation, and "Clear history" (confirmed in the page) empties
 * it, in storage too.
 */
import axe from 'axe-core';
import { afterAll, describe, expect, it } from 'vitest';
import { getMessage } from '../locale';
import { SHOP_HOST, waitForText, type BrowserName, type TabPage } from './driver';
import { useSite } from './site-fixture';
import { UPSTREAM_OK_MARKER } from '../lab/upstream';
import { sleep, waitFor } from '../lab/wait';
import type { HistoryEntry, StoredHistory } from '../../src/history/history';

const BROWSERS: BrowserName[] = ['chromium', 'firefox'];
const timings: Record<string, number> = {};

/** The cells' text of each row of the History table. */
function historyRows(page: TabPage): Promise<string[][]> {
  return page.evaluate(
    () => [...document.querySelectorAll('[data-testid="history-row"]')].map((tr) => [...tr.children].map((c) => (c.textContent ?? '').trim())),
    null,
  );
}

/** Serious and critical axe-core violations in the page, as lines; empty when there are none. */
async function seriousViolations(page: TabPage): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in globalThis, null))) await page.runScript(axe.source);
  return page.evaluate(async () => {
    const g = globalThis as unknown as { axe: typeof axe };
    const { violations } = await g.axe.run(document, { resultTypes: ['violations'] });
    return violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  }, null);
}

describe.each(BROWSERS)('%s: recent incidents history', (browserName) => {
  const site = useSite(browserName);

  it('a real 502 that recovers is listed on the options page by its host; Clear history, confirmed, empties it', async () => {
    const startedAt = Date.now();
    await site.upstream.setDown();
    const url = site.url('/history/orders?order=12345&token=s3cr3t');
    const tab = await site.driver.openTab(url);
    expect(await tab.text()).toContain('502 Bad Gateway');
    await site.driver.waitForIncident(SHOP_HOST, undefined, { timeoutMs: 5_000 });
    // The site stays down 2 s, so the history says "after N s" with N > 0.
    await sleep(2_000);
    await site.upstream.setUp();
    await waitForText(tab, UPSTREAM_OK_MARKER, 30_000);
    // The tab shows the page before the background has taken in its outcome.
    const incident = await site.driver.waitForPhase(SHOP_HOST, 'recovered');

    // Stored in storage.local (it outlives the browser session), by host only.
    let stored: StoredHistory | undefined;
    await waitFor(async () => ((stored = (await site.driver.storedSettings()).history as StoredHistory | undefined)?.entries.length ?? 0) === 1, {
      timeoutMs: 5_000,
      message: 'the history entry in storage.local',
    });
    const entry: HistoryEntry = stored!.entries[0]!;
    expect(entry).toMatchObject({ id: incident.id, host: SHOP_HOST, code: 502, server: 'nginx', outcome: 'recovered', startedAt: incident.startedAt, endedAt: incident.endedAt, attempts: incident.attempts });
    const raw = JSON.stringify(stored);
    for (const leak of ['s3cr3t', 'token', 'order', '/history', String(site.gateway.port), 'http:']) expect(raw).not.toContain(leak);

    const options = await site.driver.openExtensionPage('extension/options/index.html');
    await waitFor(async () => (await historyRows(options).catch(() => [])).length === 1, { timeoutMs: 10_000, message: 'the history table' });
    const [row] = await historyRows(options);
    expect(row![0]).toBe(SHOP_HOST);
    expect(row![1]).toBe('502 Bad Gateway' + 'answered by nginx');
    expect(row![2]).not.toBe('');
    // Durations are written out by Intl (issue 14): "5 seconds".
    expect(row![3]).toMatch(/^Recovered after \d+ seconds?$/);
    const seconds = new Intl.NumberFormat('en', { style: 'unit', unit: 'second', unitDisplay: 'long' }).format(Math.round((incident.endedAt! - incident.startedAt) / 1000));
    expect(row![3]).toBe(`Recovered after ${seconds}`);
    expect(row![4]).toBe(String(incident.attempts));
    expect(row![5]).toBe('0');
    expect(row![6]).toBe(getMessage('historyVerdictNone'));
    // The start is the incident's, as a machine-readable time next to the local one.
    expect(await options.evaluate(() => document.querySelector('[data-testid="history-row"] time')?.getAttribute('datetime'), null)).toBe(
      new Date(incident.startedAt).toISOString(),
    );
    expect(await options.text()).not.toContain('s3cr3t');
    expect(await seriousViolations(options)).toEqual([]);

    // Clear asks first, in the page, with the focus on the safe choice.
    await options.click('[data-testid="history-clear"]');
    await waitForText(options, getMessage('optionsHistoryClearConfirm', ['1']), 5_000);
    expect(await options.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.testid, null)).toBe('history-clear-cancel');
    expect(await seriousViolations(options)).toEqual([]);
    await options.click('[data-testid="history-clear-cancel"]');
    await waitFor(async () => (await options.evaluate(() => document.querySelector('[data-testid="history-clear-confirmation"]') === null, null)), {
      timeoutMs: 5_000,
      message: 'the confirmation to go',
    });
    expect(await historyRows(options)).toHaveLength(1);
    expect((await site.driver.storedSettings()).history).toBeDefined();

    await options.click('[data-testid="history-clear"]');
    await waitForText(options, getMessage('optionsHistoryClearYes'), 5_000);
    await options.click('[data-testid="history-clear-confirm"]');
    await waitForText(options, getMessage('optionsHistoryEmpty'), 5_000);
    await waitForText(options, getMessage('optionsHistoryCleared'), 5_000);
    expect(await historyRows(options)).toEqual([]);
    expect((await site.driver.storedSettings()).history).toBeUndefined();
    await options.close();

    // A fresh options page asks the background again: still empty.
    const again = await site.driver.openExtensionPage('extension/options/index.html');
    await waitForText(again, getMessage('optionsHistoryEmpty'), 10_000);
    await again.close();
    timings[browserName] = Date.now() - startedAt;
  });
});

afterAll(() => {
  console.log(`history e2e, time per browser (after launch): ${Object.entries(timings).map(([k, ms]) => `${k} ${(ms / 1000).toFixed(1)} s`).join(', ')}`);
});
