import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { chooseSteps, faultSide, hardReloadShortcut, keyNames, privateWindowShortcut, statusPageLink, type GuideContext } from '../../src/guide/steps';
import { buildReport, utcTime } from '../../src/guide/report';
import { readGatewayHeaders } from '../../src/gateway/headers';
import { archiveAddress, findArchivedCopy } from '../../src/guide/archive';
import type { HttpClient, HttpResult } from '../../src/status/http';
import type { StatusReport } from '../../src/status/verdict';
import { strictT, strictTIn } from '../locale';

const IN = { en: strictT, de: strictTIn('de'), fr: strictTIn('fr') };

const BASE: GuideContext = {
  host: 'shop.example.com',
  cookieDomain: 'example.com',
  code: 502,
  gateway: { server: 'nginx' },
  verdict: null,
  browser: 'chromium',
  os: 'linux',
  keys: keyNames((x) => strictT(x.key, x.subs)),
  incognito: false,
  canOpenPrivate: false,
  underWay: true,
  formFailed: false,
};
const ids = (ctx: Partial<GuideContext>) => chooseSteps({ ...BASE, ...ctx }).steps.map((s) => s.id);
const render = (x: { key: string; subs?: readonly string[] }) => strictT(x.key, x.subs);

describe('guide: which steps, in which order', () => {
  it('down for everyone: no chores, only the evidence, "try later" and the report', () => {
    const g = chooseSteps({ ...BASE, verdict: 'down-for-everyone' });
    expect(g.side).toBe('site');
    expect(g.steps.map((s) => s.id)).toEqual(['down-for-everyone', 'try-later', 'tell-site']);
    // "Try later" is nothing to click: no "Did that help?".
    expect(g.steps[1]!.informational).toBe(true);
    expect(render(g.steps[1]!.what)).toContain('reloads the page by itself');
    expect(render(chooseSteps({ ...BASE, verdict: 'down-for-everyone', underWay: false }).steps[1]!.what)).toContain('no longer trying');
    expect(render(g.summary)).toContain("It's not you");
    expect(render(g.steps[0]!.title)).toBe("It's not you");
    // No "Check now" on a question already answered.
    expect(g.steps[0]!.action).toBeUndefined();
    expect(chooseSteps(BASE).steps.find((s) => s.id === 'down-for-everyone')!.action).toEqual({ kind: 'check-status' });
  });

  it("the site's gateway answered: DNS goes last and says it is unlikely to help", () => {
    const g = chooseSteps(BASE);
    expect(g.side).toBe('likely-site');
    // The visitor's connection worked: nothing about the router or another network; a private window before the
    // cookies (it tests the same without signing out); the report and "try later" before the unlikely DNS.
    expect(g.steps.map((s) => s.id)).toEqual(['refresh', 'down-for-everyone', 'private-window', 'cookies', 'tell-site', 'try-later', 'dns']);
    expect(render(g.steps.at(-1)!.why)).toContain('unlikely to help');
  });

  it("a corporate squid's own 502 (issue 12): the proxy step first, DNS next and not called unlikely, the IT department named", () => {
    const squid = { server: 'squid', via: '1.1 proxy.corp.example (squid)', party: 'squid', ownError: 'ERR_CONNECT_FAIL 111' };
    for (const verdict of [null, 'unknown', 'up-elsewhere', 'partial'] as const) {
      const g = chooseSteps({ ...BASE, verdict, gateway: squid });
      // Another network goes around the proxy: right after the refresh.
      expect(g.steps.map((s) => s.id), String(verdict)).toEqual(['proxy', 'refresh', 'other-network', 'dns', 'down-for-everyone', 'private-window', 'cookies', 'tell-site']);
      expect(render(g.summary)).toContain('IT department');
      expect(render(g.steps[0]!.why)).toContain('a proxy on the way answered the error');
      expect(render(g.steps[0]!.what)).toContain('VPN');
      expect(g.steps[0]!.hints!.map(render).join(' ')).toContain('ask the IT department whether its proxy can reach shop.example.com');
      expect(render(g.steps[3]!.why)).not.toContain('unlikely');
    }
    // Down for everyone outranks the proxy: nothing on the visitor's side helps.
    expect(ids({ verdict: 'down-for-everyone', gateway: squid })).toEqual(['down-for-everyone', 'try-later', 'tell-site']);
    // The same headers read from the wire give the same guide.
    const wire = readGatewayHeaders([{ name: 'Server', value: 'squid' }, { name: 'X-Squid-Error', value: 'ERR_CONNECT_FAIL 111' }, { name: 'Via', value: '1.1 proxy.corp.example (squid)' }], 502);
    expect(ids({ gateway: wire })[0]).toBe('proxy');
  });

  it('CloudFront in front of an API (no Server, a CloudFront Via): the site\'s side, never a proxy step', () => {
    const g = chooseSteps({ ...BASE, gateway: { via: '1.1 0123456789abcdef0123456789abcdef.cloudfront.net (CloudFront)', requestId: 'abc==' } });
    expect(g.side).toBe('likely-site');
    expect(g.steps.map((s) => s.id)).not.toContain('proxy');
  });

  it("up elsewhere with no sign of the site: the visitor's network, VPN, browser, DNS, and the router last", () => {
    expect(faultSide('up-elsewhere', 'user-proxy')).toBe('likely-you');
    // A bare Via is not "your proxy" (CDNs send one too): the VPN/proxy step only asks "if you use one".
    const g = chooseSteps({ ...BASE, verdict: 'up-elsewhere', gateway: { via: '1.1 corp-proxy' } });
    expect(g.steps.map((s) => s.id)).toEqual(['refresh', 'proxy', 'other-network', 'private-window', 'cookies', 'dns', 'router', 'down-for-everyone', 'tell-site']);
    expect(render(g.steps[1]!.why)).toContain('if you use a VPN');
    expect(render(g.steps[1]!.why)).not.toContain('corp-proxy');
    expect(render(g.steps[2]!.what)).toContain('hotspot');
    expect(render(g.steps[6]!.title)).toBe('Restart your router or modem');
    expect(render(chooseSteps({ ...BASE, verdict: 'up-elsewhere', gateway: {} }).steps.find((s) => s.id === 'dns')!.why)).not.toContain('unlikely');
  });

  it('no promise: no summary says the steps fix most cases, in any context', () => {
    for (const verdict of [null, 'down-for-everyone', 'up-elsewhere', 'partial', 'unknown'] as const) {
      for (const gateway of [{}, { server: 'nginx' }, { server: 'squid', party: 'squid', ownError: 'ERR_CONNECT_FAIL 111' }]) {
        for (const formFailed of [false, true]) {
          const text = render(chooseSteps({ ...BASE, verdict, gateway, formFailed }).summary);
          expect(text).not.toMatch(/fix most|most of those|beheben die meisten/i);
          expect(IN.de(chooseSteps({ ...BASE, verdict, gateway, formFailed }).summary.key, ['x'])).not.toMatch(/die meisten/);
        }
      }
    }
  });

  it("Cloudflare's 52x counts as the site's side; nothing known at all keeps DNS before the report", () => {
    expect(chooseSteps({ ...BASE, code: 522, gateway: { server: 'cloudflare', cfRay: '8a1b2c3d4e5f-AMS' } }).side).toBe('likely-site');
    expect(chooseSteps({ ...BASE, gateway: {} }).side).toBe('unknown');
    // Nothing known: find out first (the check), then the browser, the network, and last the report and "try later".
    expect(ids({ gateway: {} })).toEqual(['refresh', 'down-for-everyone', 'private-window', 'cookies', 'other-network', 'dns', 'router', 'tell-site', 'try-later']);
  });

  it('the router and another network only where the visitor\'s side is possible', () => {
    const sides: [Partial<GuideContext>, boolean][] = [
      [{ verdict: 'down-for-everyone' }, false],
      [{ gateway: { server: 'nginx' } }, false],
      [{ code: 522, gateway: { server: 'cloudflare', cfRay: 'x' } }, false],
      [{ verdict: 'up-elsewhere', gateway: {} }, true],
      [{ gateway: {} }, true],
    ];
    for (const [ctx, shown] of sides) {
      const got = ids(ctx);
      expect(got.includes('router'), JSON.stringify(ctx)).toBe(shown);
      expect(got.includes('other-network'), JSON.stringify(ctx)).toBe(shown);
    }
  });

  it("a failed form: first whether it went through, then sending it again; no step reloads it", () => {
    const g = chooseSteps({ ...BASE, formFailed: true });
    expect(g.steps.map((s) => s.id)).not.toContain('refresh');
    expect(render(g.steps.find((s) => s.id === 'cookies')!.what)).toContain('is not reloaded');
    // For every side: the check first, the resend second.
    for (const ctx of [{}, { verdict: 'down-for-everyone' }, { verdict: 'up-elsewhere', gateway: {} }, { gateway: {} }, { gateway: { server: 'squid', party: 'squid', ownError: 'E' } }, { local: { answersWithoutCookies: true } }] as Partial<GuideContext>[]) {
      expect(ids({ ...ctx, formFailed: true }).slice(0, 2), JSON.stringify(ctx)).toEqual(['form-check', 'resend-form']);
      expect(ids({ ...ctx, formFailed: false })).not.toContain('form-check');
      expect(ids({ ...ctx, formFailed: false })).not.toContain('resend-form');
    }
    const check = g.steps[0]!;
    expect(render(check.title)).toBe('Check whether it went through');
    expect(check.action).toBeUndefined();
    const places = check.hints!.map(render).join('\n');
    expect(places).toContain('confirmation e-mail');
    expect(places).toContain('order history or account page on shop.example.com');
    expect(places).toContain("bank's app or your card statement");
    expect(render(check.ask!.question)).toBe('Did it go through?');
    expect(render(check.ask!.done)).toContain('do not send it again');
    const resend = g.steps[1]!;
    expect(resend.action).toEqual({ kind: 'resend-form', confirm: { key: 'popupResendConfirm' } });
    if (resend.action?.kind !== 'resend-form') throw new Error('no resend action');
    expect(render(resend.action.confirm)).toContain('twice');
  });

  it('a failed form: no summary suggests a refresh or "Retry now", whatever the side', () => {
    fc.assert(
      fc.property(
        fc.record({
          verdict: fc.constantFrom(null, 'down-for-everyone', 'up-elsewhere', 'partial', 'unknown'),
          gateway: fc.constantFrom({}, { server: 'nginx' }, { via: 'proxy' }, { server: 'cloudflare', cfRay: 'x' }, { server: 'squid', party: 'squid', ownError: 'E' }),
          underWay: fc.boolean(),
          local: fc.constantFrom(undefined, { answersWithoutCookies: true }, { proxy: 'http p:3128' }, { intranet: true }, { addressElsewhere: true }),
        }),
        (ctx) => {
          const g = chooseSteps({ ...BASE, ...(ctx as Partial<GuideContext>), formFailed: true });
          for (const lang of ['en', 'de', 'fr'] as const) {
            const text = IN[lang](g.summary.key, g.summary.subs);
            expect(text, `${g.summary.key} ${lang}`).not.toMatch(/refresh|reload|Retry now|neu laden|neu geladen|Neuladen|erneut versuchen|recharg|actualis|réessayer/i);
          }
          for (const s of g.steps) for (const x of [s.what, s.why]) expect(render(x), s.id).not.toMatch(/reloads the page by itself/);
        },
      ),
    );
  });

  it('cookies: the step warns about the basket before its button, more strongly for a form', () => {
    const plain = chooseSteps(BASE).steps.find((s) => s.id === 'cookies')!;
    expect(render(plain.hints![0]!)).toContain('shopping basket');
    const form = chooseSteps({ ...BASE, formFailed: true }).steps.find((s) => s.id === 'cookies')!;
    expect(render(form.hints![0]!)).toContain('will likely empty your basket');
    if (form.action?.kind !== 'clear-cookies') throw new Error('no clear-cookies action');
    expect(render(form.action.confirm)).toContain('basket will likely be emptied');
    // A public suffix has no button, but the warning stays.
    expect(render(chooseSteps({ ...BASE, host: 'github.io', cookieDomain: null }).steps.find((s) => s.id === 'cookies')!.hints![0]!)).toContain('basket');
  });

  it('tell the site: where to look, the status page the check found, the Ray ID behind Cloudflare', () => {
    const tell = (ctx: Partial<GuideContext>) => chooseSteps({ ...BASE, ...ctx }).steps.find((s) => s.id === 'tell-site')!;
    const plain = tell({});
    expect(render(plain.what)).toContain('does not know where the site takes reports');
    const where = plain.hints!.map(render).join('\n');
    expect(where).toContain('“Impressum”');
    expect(where).toContain('search the web for “shop.example.com contact”');
    expect(where).toContain('social media');
    expect(where).not.toContain('status page');
    expect(where).not.toContain('Ray ID');
    expect(plain.link).toBeUndefined();
    const found = tell({ statusPage: 'https://status.example.com/', code: 522, gateway: { server: 'cloudflare', cfRay: '8a1b2c3d4e5f-AMS' } });
    expect(found.link).toEqual({ label: { key: 'guideTellStatusLink', subs: ['status.example.com'] }, url: 'https://status.example.com/' });
    const lines = found.hints!.map(render);
    expect(lines[0]).toContain('status page');
    expect(lines.at(-1)).toContain('Ray ID 8a1b2c3d4e5f-AMS');
  });

  it("the status page for the guide: a read statusPage source's http(s) link only", () => {
    const src = (provider: string, verdict: 'up-elsewhere' | 'unknown', link?: string) => ({ provider, verdict, ...(link !== undefined ? { link } : {}) });
    expect(statusPageLink(null)).toBeUndefined();
    expect(statusPageLink({ sources: [src('checkHost', 'up-elsewhere', 'https://check-host.net/r/1'), src('statusPage', 'up-elsewhere', 'https://status.example.com')] })).toBe('https://status.example.com/');
    expect(statusPageLink({ sources: [src('statusPage', 'unknown', 'https://status.example.com')] })).toBeUndefined();
    expect(statusPageLink({ sources: [src('statusPage', 'up-elsewhere', 'javascript:alert(1)')] })).toBeUndefined();
    expect(statusPageLink({ sources: [src('statusPage', 'up-elsewhere', 'not a url')] })).toBeUndefined();
    expect(statusPageLink({ sources: [src('cdnStatus', 'up-elsewhere', 'https://www.cloudflarestatus.com')] })).toBeUndefined();
  });

  it('once retries have ended, nothing promises an automatic reload', () => {
    const g = chooseSteps({ ...BASE, verdict: 'down-for-everyone', underWay: false });
    expect(render(g.summary)).toContain('no longer retrying');
    for (const s of g.steps) expect(render(s.what)).not.toContain('by itself');
    expect(render(chooseSteps({ ...BASE, verdict: 'down-for-everyone' }).summary)).toContain('reload by itself');
  });

  it('cookies: the confirmation names the domain whose sign-in goes', () => {
    const step = chooseSteps(BASE).steps.find((s) => s.id === 'cookies')!;
    expect(step.action).toMatchObject({ kind: 'clear-cookies', domain: 'example.com' });
    if (step.action?.kind !== 'clear-cookies') throw new Error('no clear-cookies action');
    expect(render(step.action.confirm)).toContain('signed out of example.com');
  });

  it('cookies on a public suffix (github.io): the advice stays, the button goes, and the words say why', () => {
    const step = chooseSteps({ ...BASE, host: 'github.io', cookieDomain: null }).steps.find((s) => s.id === 'cookies')!;
    expect(step.action).toBeUndefined();
    expect(render(step.title)).toContain('github.io');
    expect(render(step.what)).toContain('github.io is a public suffix');
  });

  it('private window: opened for the user only when allowed; in a private window already, another browser', () => {
    const step = (ctx: Partial<GuideContext>) => chooseSteps({ ...BASE, ...ctx }).steps.find((s) => s.id === 'private-window')!;
    expect(step({ canOpenPrivate: true }).action).toEqual({ kind: 'open-private' });
    expect(step({ canOpenPrivate: false }).action).toBeUndefined();
    expect(render(step({ canOpenPrivate: false }).what)).toContain('Ctrl + Shift + N');
    expect(render(step({ browser: 'firefox', os: 'mac' }).what)).toContain('⌘ Cmd + ⇧ Shift + P');
    expect(render(step({ browser: 'firefox' }).what)).toContain('open it in Chrome');
    const other = step({ incognito: true });
    expect(render(other.title)).toBe('Try another browser');
    expect(other.action).toEqual({ kind: 'copy-link' });
  });

  it('DNS: the exact command for each OS, and the browser\'s own cache page', () => {
    const snippets = (ctx: Partial<GuideContext>) => chooseSteps({ ...BASE, ...ctx }).steps.find((s) => s.id === 'dns')!.snippets!.map((s) => s.text);
    expect(snippets({ os: 'win' })).toEqual(['ipconfig /flushdns', 'chrome://net-internals/#dns', 'chrome://settings/security']);
    expect(snippets({ os: 'mac', browser: 'firefox' })).toEqual([
      'sudo dscacheutil -flushcache; sudo killall -HUP mDNSResponder',
      'about:networking#dns',
      'about:preferences#privacy',
    ]);
    expect(snippets({ os: 'linux' })[0]).toBe('resolvectl flush-caches');
    // ChromeOS has no resolver command a user can run: only the browser's pages.
    expect(snippets({ os: 'cros' })).toEqual(['chrome://net-internals/#dns', 'chrome://settings/security']);
  });

  it('every step of every context renders with keys that exist', () => {
    fc.assert(
      fc.property(
        fc.record({
          verdict: fc.constantFrom(null, 'down-for-everyone', 'up-elsewhere', 'partial', 'unknown'),
          browser: fc.constantFrom('chromium', 'firefox'),
          os: fc.constantFrom('mac', 'win', 'android', 'cros', 'linux', 'openbsd', 'fuchsia'),
          incognito: fc.boolean(),
          canOpenPrivate: fc.boolean(),
          gateway: fc.constantFrom({}, { server: 'nginx' }, { via: 'proxy' }, { server: 'cloudflare', cfRay: 'x' }),
          code: fc.constantFrom(502, 503, 504, 520, 522),
          formFailed: fc.boolean(),
          statusPage: fc.constantFrom(undefined, 'https://status.example.com/'),
        }),
        (ctx) => {
          const g = chooseSteps({ ...BASE, ...(ctx as Partial<GuideContext>) });
          render(g.summary);
          expect(new Set(g.steps.map((s) => s.id)).size).toBe(g.steps.length);
          for (const s of g.steps) {
            const ask = s.ask === undefined ? [] : [s.ask.question, s.ask.yes, s.ask.no, s.ask.done];
            const confirm = s.action !== undefined && 'confirm' in s.action ? [s.action.confirm] : [];
            for (const x of [s.title, s.why, s.what, ...(s.snippets ?? []).map((n) => n.label), ...(s.hints ?? []), ...ask, ...confirm, ...(s.link ? [s.link.label] : [])]) {
              expect(render(x)).not.toMatch(/\$\d/);
            }
          }
        },
      ),
    );
  });

  it('shortcuts, with the keys named in the user\'s language', () => {
    const en = BASE.keys;
    expect(hardReloadShortcut('win', en)).toBe('Ctrl + Shift + R');
    expect(hardReloadShortcut('mac', en)).toBe('⌘ Cmd + ⇧ Shift + R');
    expect(privateWindowShortcut('chromium', 'linux', en)).toBe('Ctrl + Shift + N');
    expect(privateWindowShortcut('firefox', 'win', en)).toBe('Ctrl + Shift + P');
    // A German keyboard says Strg and Umschalt; a Mac, Befehl and Umschalt with their symbols.
    const deT = strictTIn('de');
    const de = keyNames((x) => deT(x.key, x.subs));
    expect(hardReloadShortcut('win', de)).toBe('Strg + Umschalt + R');
    expect(hardReloadShortcut('mac', de)).toBe('⌘ Befehl + ⇧ Umschalt + R');
    expect(privateWindowShortcut('firefox', 'linux', de)).toBe('Strg + Umschalt + P');
    const step = chooseSteps({ ...BASE, keys: de }).steps.find((s) => s.id === 'refresh')!;
    expect(deT(step.what.key, step.what.subs)).toContain('Strg + Umschalt + R');
  });
});

describe('guide: the report for the site', () => {
  const incident = {
    host: 'shop.example.com',
    code: 522,
    gateway: { server: 'cloudflare', cfRay: '8a1b2c3d4e5f-AMS', requestId: 'req-42\u0007' },
    startedAt: Date.UTC(2026, 10, 22, 9, 30, 5, 123),
    attempts: 3,
    probes: 1,
    phase: 'retrying' as const,
  };
  const status: StatusReport = { host: 'shop.example.com', verdict: 'down-for-everyone', sources: [], checkedAt: Date.UTC(2026, 10, 22, 9, 30, 7), expiresAt: 0 };

  it('holds the time in UTC, the code, who answered, the ids, the tries and the verdict', () => {
    const text = buildReport({ incident, status, now: Date.UTC(2026, 10, 22, 9, 31, 0), browser: 'Firefox 153' }, render);
    expect(text.split('\n')).toEqual([
      'Gateway error report for shop.example.com',
      'Send to: the support of shop.example.com (its contact or help page)',
      'First seen (UTC): 2026-11-22T09:30:05Z',
      'Report made (UTC): 2026-11-22T09:31:00Z',
      'Site: shop.example.com',
      'Error: 522 Connection Timed Out',
      'Answered by: Cloudflare',
      'Cloudflare Ray ID: 8a1b2c3d4e5f-AMS',
      'Request id: req-42',
      'Tries: reloads 3, background checks 1',
      'Down for everyone?: ' + render({ key: 'verdictDown' }) + ' (2026-11-22T09:30:07Z)',
      'Browser: Firefox 153',
    ]);
  });

  it('says where to send it under the title: the contact page, and the status page when the check read one', () => {
    const found: StatusReport = {
      ...status,
      verdict: 'partial',
      sources: [{ provider: 'statusPage', verdict: 'down-for-everyone', evidence: { key: 'evidencePageMajor', subs: ['Example'] }, link: 'https://status.example.com', checkedAt: 0 }],
    };
    const lines = buildReport({ incident, status: found, now: 0, browser: 'x' }, render).split('\n');
    expect(lines[1]).toBe('Send to: the support of shop.example.com (its contact or help page); its status page: https://status.example.com/');
    const de = strictTIn('de');
    expect(buildReport({ incident, status: null, now: 0, browser: 'x' }, (x) => de(x.key, x.subs)).split('\n')[1]).toBe('Senden an: den Support von shop.example.com (Kontakt- oder Hilfeseite der Website)');
  });

  it('in German: German labels, and the status as the protocol spells it with its German name beside it', () => {
    const deT = strictTIn('de');
    const text = buildReport({ incident, status: null, now: Date.UTC(2026, 10, 22, 9, 31, 0), browser: 'Firefox 153' }, (x) => deT(x.key, x.subs));
    expect(text.split('\n')).toEqual([
      'Bericht über einen Gateway-Fehler bei shop.example.com',
      'Senden an: den Support von shop.example.com (Kontakt- oder Hilfeseite der Website)',
      'Erstmals aufgetreten (UTC): 2026-11-22T09:30:05Z',
      'Bericht erstellt (UTC): 2026-11-22T09:31:00Z',
      'Website: shop.example.com',
      // An operator searches logs and docs for "522 Connection Timed Out"; the reader gets the German name too.
      'Fehler: 522 Connection Timed Out (Zeitüberschreitung beim Verbindungsaufbau)',
      'Antwort von: Cloudflare',
      'Cloudflare Ray ID: 8a1b2c3d4e5f-AMS',
      'Anfrage-ID: req-42',
      'Versuche: Neuladeversuche: 3, Prüfungen im Hintergrund: 1',
      'Für alle nicht erreichbar?: nicht geprüft',
      'Browser: Firefox 153',
    ]);
    // A code without a known name keeps the generic name, in the reader's language.
    expect(buildReport({ incident: { ...incident, code: 599 }, status: null, now: 0, browser: 'x' }, (x) => deT(x.key, x.subs))).toContain('Fehler: 599 Gateway-Fehler');
    expect(buildReport({ incident: { ...incident, code: 502 }, status: null, now: 0, browser: 'x' }, render)).toContain('Error: 502 Bad Gateway\n');
  });

  it("never copies a Via into the report (it may name a host of the visitor's network); a product name is fine", () => {
    const text = buildReport({ incident: { ...incident, code: 502, gateway: { via: '1.1 proxy.corp.internal (squid)' } }, status: null, now: 0, browser: 'x' }, render);
    expect(text).not.toContain('proxy.corp');
    expect(text).toContain('Answered by: Squid\n');
    const unknown = buildReport({ incident: { ...incident, code: 502, gateway: { via: '1.1 gw.corp.internal' } }, status: null, now: 0, browser: 'x' }, render);
    expect(unknown).not.toContain('gw.corp');
    expect(unknown).not.toContain('Answered by');
  });

  it("keeps a proxy's own error code for its IT department", () => {
    const gateway = { server: 'squid/5.5', via: '1.1 proxy.corp.internal (squid/5.5)', party: 'squid', ownError: 'ERR_CONNECT_FAIL 111' };
    const text = buildReport({ incident: { ...incident, code: 503, gateway }, status: null, now: 0, browser: 'x' }, render);
    expect(text).toContain('Answered by: Squid (ERR_CONNECT_FAIL 111)');
    expect(text).not.toContain('proxy.corp');
  });

  it('says what the cookieless comparison found, and nothing of the visitor (no address, no proxy)', () => {
    const normal = buildReport({ incident: { ...incident, cookieless: { result: 'normal', code: 200, at: 0, confirmedAt: 1 } }, status: null, now: 0, browser: 'x' }, render);
    expect(normal).toContain('\nWithout cookies: a normal answer (200): the tab fails only with its cookies\n');
    const redirect = buildReport({ incident: { ...incident, cookieless: { result: 'normal', code: 0, at: 0, confirmedAt: 1 } }, status: null, now: 0, browser: 'x' }, render);
    // Not confirmed by a later failure with cookies (the site may just have come back): not said.
    const early = buildReport({ incident: { ...incident, cookieless: { result: 'normal', code: 200, at: 0 } }, status: null, now: 0, browser: 'x' }, render);
    expect(early).not.toContain('Without cookies');
    expect(redirect).toContain('Without cookies: a normal answer (redirect)');
    const same = buildReport({ incident: { ...incident, cookieless: { result: 'gateway-error', code: 522, at: 0 } }, status: null, now: 0, browser: 'x' }, render);
    expect(same).toContain('\nWithout cookies: the same error (522)\n');
    for (const result of ['challenge', 'other', 'network-error', 'skipped'] as const) {
      expect(buildReport({ incident: { ...incident, cookieless: { result, at: 0 } }, status: null, now: 0, browser: 'x' }, render)).not.toContain('Without cookies');
    }
  });

  it('says "not checked" for a verdict that was never asked for, or none at all', () => {
    for (const none of [{ ...status, limitedBy: 'no-consent' as const }, null]) {
      const text = buildReport({ incident, status: none, now: 0, browser: 'Chromium 156' }, render);
      expect(text).toContain('Down for everyone?: not checked\n');
      expect(text).not.toContain(render({ key: 'verdictDown' }));
    }
    expect(utcTime(0)).toBe('1970-01-01T00:00:00Z');
  });
});

describe('guide: an archived copy', () => {
  const client = (result: HttpResult, seen: string[] = []): HttpClient => ({
    getJson: async (url) => {
      seen.push(url);
      return result;
    },
    postJson: async (url) => {
      seen.push(url);
      return result;
    },
  });

  it('sends the address without credentials, query or fragment', async () => {
    const seen: string[] = [];
    const json = { archived_snapshots: { closest: { available: true, url: 'http://web.archive.org/web/20260101000000/https://shop.example.com/a', timestamp: '20260101000000', status: '200' } } };
    const r = await findArchivedCopy(client({ ok: true, status: 200, json }, seen), 'https://archive.org', 'https://u:p@shop.example.com:8443/a/b?token=1#x');
    expect(seen).toEqual([`https://archive.org/wayback/available?url=${encodeURIComponent('https://shop.example.com:8443/a/b')}`]);
    // The API's http link on the archive's own domain, made https (issue 15: provider links are pinned).
    expect(r).toEqual({ found: true, url: 'https://web.archive.org/web/20260101000000/https://shop.example.com/a', takenAt: Date.UTC(2026, 0, 1) });
    expect(archiveAddress('javascript:alert(1)')).toBeNull();
  });

  it("shows only a snapshot link on the archive's own site (its origin, or https on its registrable domain)", async () => {
    const answer = (url: string) => ({ ok: true as const, status: 200, json: { archived_snapshots: { closest: { available: true, url, timestamp: '20260101000000' } } } });
    const found = async (url: string, base = 'https://archive.org') => findArchivedCopy(client(answer(url)), base, 'https://shop.example.com/');
    expect(await found('https://web.archive.org/web/2026/https://shop.example.com/')).toMatchObject({ found: true });
    for (const hostile of ['https://archive.org.evil.example/web/1', 'https://evil.example/web.archive.org', 'http://192.168.1.1/', 'https://127.0.0.1/web/1', 'http://web.archive.org:8080/x']) {
      expect(await found(hostile), hostile).toEqual({ found: false });
    }
    // A configured stand-in's own origin is its own site.
    expect(await found('http://127.0.0.1:9/web/1', 'http://127.0.0.1:9')).toMatchObject({ found: true, url: 'http://127.0.0.1:9/web/1' });
    expect(await found('http://web.archive.org/web/1', 'http://127.0.0.1:9')).toEqual({ found: false });
    expect(archiveAddress('javascript:alert(1)')).toBeNull();
  });

  it('no snapshot, a broken answer or a bad link: not found, never a made-up link', async () => {
    expect(await findArchivedCopy(client({ ok: true, status: 200, json: { archived_snapshots: {} } }), 'b', 'https://a.example/')).toEqual({ found: false });
    const broken = await findArchivedCopy(client({ ok: true, status: 200, json: [1, 2] }), 'b', 'https://a.example/');
    expect(broken).toMatchObject({ found: false, reason: { code: 'invalid-answer' } });
    const js = await findArchivedCopy(
      client({ ok: true, status: 200, json: { archived_snapshots: { closest: { available: true, url: 'javascript:alert(1)' } } } }),
      'b',
      'https://a.example/',
    );
    expect(js).toEqual({ found: false });
    const down = await findArchivedCopy(client({ ok: false, reason: { code: 'timeout', detail: 'after 8000 ms' } }), 'b', 'https://a.example/');
    expect(down).toEqual({ found: false, reason: { code: 'timeout', detail: 'after 8000 ms' } });
  });
});

describe("guide: the browser's own facts (issue 12, points 2 and 3)", () => {
  it('the site answers without cookies: the cookie step comes first, whatever else is known', () => {
    for (const verdict of [null, 'up-elsewhere', 'down-for-everyone', 'unknown'] as const) {
      const g = chooseSteps({ ...BASE, verdict, local: { answersWithoutCookies: true } });
      expect(g.side, String(verdict)).toBe('likely-you');
      expect(g.steps[0]!.id).toBe('cookies');
      expect(render(g.steps[0]!.why)).toContain('without your cookies');
      expect(render(g.summary)).toBe('shop.example.com answers without your cookies for it: they are the likely cause. Clear them first.');
    }
    expect(ids({ local: { answersWithoutCookies: true } })).toEqual(['cookies', 'refresh', 'private-window', 'dns', 'down-for-everyone', 'tell-site']);
    // A form's answer is still never reloaded, and whether it went through comes first, before the cookies go.
    expect(ids({ formFailed: true, local: { answersWithoutCookies: true } })).toEqual(['form-check', 'resend-form', 'cookies', 'private-window', 'dns', 'down-for-everyone', 'tell-site']);
    expect(render(chooseSteps({ ...BASE, formFailed: true, local: { answersWithoutCookies: true } }).summary)).toContain('First check whether your form went through');
  });

  it('a proxy on the way: its step comes early, and the site gateway\'s headers no longer clear the visitor', () => {
    const local = { proxy: 'http proxy.corp.example:3128' };
    expect(ids({ verdict: 'up-elsewhere', local })).toEqual(['refresh', 'proxy', 'other-network', 'private-window', 'cookies', 'dns', 'router', 'down-for-everyone', 'tell-site']);
    const g = chooseSteps({ ...BASE, verdict: 'up-elsewhere', gateway: { server: 'nginx' }, local });
    expect(g.side).toBe('likely-you');
    const proxy = g.steps.find((s) => s.id === 'proxy')!;
    expect(render(proxy.why)).toContain('http proxy.corp.example:3128');
    expect(proxy.hints!.map(render).join(' ')).toContain('IT department');
    // Nothing known from elsewhere: the proxy step still comes before the check.
    expect(ids({ local })).toEqual(['refresh', 'proxy', 'down-for-everyone', 'private-window', 'cookies', 'other-network', 'dns', 'router', 'tell-site', 'try-later']);
    // No proxy known and the visitor's side not likely: no proxy step.
    expect(ids({})).not.toContain('proxy');
    expect(ids({ gateway: {} })).not.toContain('proxy');
  });

  it('an intranet site: no step offers the outside check', () => {
    // Nor another network: an intranet site is only reachable from inside.
    expect(ids({ local: { intranet: true } })).toEqual(['refresh', 'private-window', 'cookies', 'tell-site', 'try-later', 'dns']);
    expect(ids({ gateway: {}, local: { intranet: true } })).toEqual(['refresh', 'private-window', 'cookies', 'dns', 'router', 'tell-site', 'try-later']);
  });

  it('up elsewhere at another address: DNS early with the reason, even though a gateway answered', () => {
    const g = chooseSteps({ ...BASE, verdict: 'up-elsewhere', gateway: { server: 'nginx' }, local: { addressElsewhere: true } });
    expect(g.side).toBe('likely-you');
    expect(g.steps.map((s) => s.id)).toEqual(['refresh', 'dns', 'proxy', 'other-network', 'private-window', 'cookies', 'router', 'down-for-everyone', 'tell-site']);
    expect(render(g.steps[1]!.why)).toContain('an address no outside location reached');
  });
});
