/**
 * The popup's "Details" for the site's operator, in real Chromium and Firefox during a real nginx 502: unfolded by a
 * click, it shows nginx's real response headers (`Server: nginx/...`), webRequest's timings in ms and the server
 * address the browser reached (127.0.0.1, the lab's nginx); axe-core finds no serious or critical issue there; and
 * "Copy as curl" puts on the clipboard a command that, run by a POSIX shell as a person pastes it, asks the lab's nginx
 * for the page again and gets its 502 (seen in curl's output and in nginx's log, with `Cache-Control: no-cache`). The
 * page's address holds a `'`, so the command's quoting is put to the test by a real shell. In the dark theme too,
 * axe-core finds nothing serious with the details open.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import axe from 'axe-core';
import { afterEach, describe, expect, it } from 'vitest';
import { launchDriver, openMore, SHOP_HOST, waitForText, type BrowserName, type Driver, type TabPage } from './driver';
import { useSite } from './site-fixture';
import { startGateway, type Gateway } from '../lab/gateway';
import { startUpstream, type Upstream } from '../lab/upstream';
import { waitFor } from '../lab/wait';

const BROWSERS: BrowserName[] = ['chromium', 'firefox'];
const FAILING_IMPACTS: ReadonlySet<string> = new Set(['serious', 'critical']);
const run = promisify(execFile);

/** A path with a `'` (browsers leave it unencoded in a path) and a query. */
const PAGE = "/shop/it's?item=1";

/** axe-core's serious and critical violations on `page`, one line each (empty when none). */
async function seriousViolations(page: TabPage): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in globalThis, null))) await page.runScript(axe.source);
  return page.evaluate(async (failing) => {
    const g = globalThis as unknown as { axe: typeof axe };
    const results = await g.axe.run(document, { resultTypes: ['violations'] });
    return results.violations
      .filter((v) => v.impact != null && failing.includes(v.impact))
      .map((v) => `[${v.impact}] ${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  }, [...FAILING_IMPACTS]);
}

/** Opens the popup of the tab showing `url`'s 502 and unfolds its details. */
async function openDetails(driver: Driver, url: string): Promise<TabPage> {
  const popup = await driver.openExtensionPage(`extension/popup/index.html?tabId=${await driver.tabIdOf(url)}`);
  // In the popup's fold ("What you can try, and details"), then folded again within it.
  await openMore(popup);
  await waitForText(popup, "Details for the site's operator", 10_000);
  await popup.click('[data-testid="details"] summary');
  await waitFor(() => popup.evaluate(() => document.querySelector('[data-testid="details-headers"]') !== null, null), {
    timeoutMs: 5_000,
    message: 'the details unfolded',
  });
  return popup;
}

describe.each(BROWSERS)('%s: the details view for the site\'s operator', (browserName) => {
  const site = useSite(browserName);

  it('shows nginx\'s real headers, timings and 127.0.0.1; "Copy as curl" reproduces the 502', async () => {
    const { driver, gateway, upstream } = site;
    await driver.setSettings({ notify: 'never' });
    await upstream.setDown();
    const url = site.url(PAGE);
    const tab = await driver.openTab(url);
    await waitForText(tab, '502 Bad Gateway');
    const incident = await driver.waitForIncident('shop.example.com', (i) => i.response !== undefined);
    const tabId = await driver.tabIdOf(incident.url);

    const popup = await driver.openExtensionPage(`extension/popup/index.html?tabId=${tabId}`);
    await openMore(popup);
    await waitForText(popup, "Details for the site's operator", 10_000);
    // Folded: nothing of it in the page until the click.
    expect(await popup.evaluate(() => document.querySelector('[data-testid="details-headers"]') === null, null)).toBe(true);
    await popup.click('[data-testid="details"] summary');
    await waitFor(() => popup.evaluate(() => document.querySelector('[data-testid="details-headers"]') !== null, null), {
      timeoutMs: 5_000,
      message: 'the details unfolded',
    });

    const shown = await popup.evaluate(() => {
      const text = (id: string) => document.querySelector(`[data-testid="${id}"]`)?.textContent ?? '';
      const headers = [...document.querySelectorAll('[data-testid="details-headers"] dt')].map((dt) => [dt.textContent ?? '', dt.nextElementSibling?.textContent ?? '']);
      return {
        headers,
        address: text('detail-address'),
        headersAfter: text('detail-headers-after'),
        completedAfter: text('detail-completed-after'),
        errorAt: text('detail-error-at'),
        errors: text('detail-errors'),
        proxy: text('detail-proxy'),
        curl: text('curl-command'),
      };
    }, null);
    console.log(`${browserName}: details shown ${JSON.stringify(shown)}`);
    // nginx's own headers, as the browser got them (Chromium keeps their case over HTTP/1.1, and so does Firefox).
    const server = shown.headers.find(([name]) => name!.toLowerCase() === 'server');
    expect(server?.[1]).toMatch(/^nginx(\/[\d.]+)?$/);
    expect(shown.headers.map(([name]) => name!.toLowerCase())).toEqual(expect.arrayContaining(['date', 'content-type']));
    expect(shown.address).toBe('127.0.0.1');
    expect(shown.headersAfter).toMatch(/^\d+ ms$/);
    expect(shown.completedAfter).toMatch(/^\d+ ms$/);
    expect(Number.parseInt(shown.completedAfter, 10)).toBeGreaterThanOrEqual(Number.parseInt(shown.headersAfter, 10));
    expect(shown.errorAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    // The tries so far, each with its time (UTC, to the ms) and code: at least the first load's 502.
    expect(shown.errors).toMatch(/^\d\d:\d\d:\d\d\.\d{3}Z 502(\n\d\d:\d\d:\d\d\.\d{3}Z 502)*$/);
    // Only Firefox tells whether a proxy was used; the lab's browsers go direct.
    expect(shown.proxy).toBe(browserName === 'firefox' ? 'none: a direct connection' : 'not reported by this browser');

    const violations = await seriousViolations(popup);
    expect(violations.join('\n'), 'serious or critical axe-core violations with the details open').toBe('');

    // The clipboard gets exactly the command shown; the browser's own clipboard takes it ("Copied.").
    await popup.evaluate(() => {
      const clipboard = navigator.clipboard;
      const write = clipboard.writeText.bind(clipboard);
      const g = globalThis as unknown as { copiedText?: string };
      clipboard.writeText = (text: string) => {
        g.copiedText = text;
        return write(text);
      };
    }, null);
    await popup.click('[data-testid="copy-curl"]');
    await waitForText(popup, 'Copied.', 5_000);
    const command = await popup.evaluate(() => (globalThis as unknown as { copiedText?: string }).copiedText ?? '', null);
    expect(command).toBe(shown.curl);
    expect(command).toMatch(/^curl -sS -D - -o \/dev\/null /);
    expect(command).toContain("-H 'Cache-Control: no-cache'");
    expect(command).toContain(`--resolve 'shop.example.com:${gateway.port}:127.0.0.1'`);
    expect(command).not.toMatch(/cookie|authorization/i);

    // Run as a person runs a pasted command: by a POSIX shell, which must read the quoted `'` back as part of the URL.
    const before = gateway.accessLog().length;
    const { stdout } = await run('sh', ['-c', command], { timeout: 15_000 });
    expect(stdout).toMatch(/^HTTP\/1\.1 502 Bad Gateway\r?$/m);
    expect(stdout).toMatch(/^Server: nginx/m);
    const asked = gateway.accessLog().slice(before).filter((e) => e.userAgent.startsWith('curl/'));
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatchObject({ method: 'GET', path: new URL(incident.url).pathname + new URL(incident.url).search, status: 502, cacheControl: 'no-cache' });
    expect(asked[0]!.host).toBe(`shop.example.com:${gateway.port}`);
  });
});

describe.each(BROWSERS)('%s: the details view in the dark theme', (browserName) => {
  let upstream: Upstream | undefined;
  let gateway: Gateway | undefined;
  let driver: Driver | undefined;
  afterEach(async () => {
    await driver?.close();
    await gateway?.stop();
    await upstream?.close();
  });

  it('axe-core finds no serious or critical violation with the details open', async () => {
    upstream = await startUpstream();
    gateway = await startGateway({ upstreamPort: upstream.port });
    driver = await launchDriver(browserName, { colorScheme: 'dark' });
    await driver.setSettings({ notify: 'never' });
    await upstream.setDown();
    const url = `http://${SHOP_HOST}:${gateway.port}/dark`;
    await waitForText(await driver.openTab(url), '502 Bad Gateway');
    await driver.waitForIncident(SHOP_HOST, (i) => i.response !== undefined);
    const popup = await openDetails(driver, url);
    expect(await popup.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches, null)).toBe(true);
    expect((await seriousViolations(popup)).join('\n'), 'serious or critical axe-core violations, dark theme').toBe('');
  });
});
