/** The guide's views against fixtures: every step of the chosen guides renders what it must, with no browser. */
import { describe, expect, it } from 'vitest';
import { renderToString } from 'preact-render-to-string';
import { GuideSection, StepCard } from '../../extension/popup/guide-section';
import type { GuideActions } from '../../extension/popup/guide-actions';
import { chooseSteps, type GuideContext, type StepId } from '../../src/guide/steps';
import { strictT as t } from '../locale';

const CTX: GuideContext = {
  host: 'shop.example.com',
  cookieDomain: 'example.com',
  code: 502,
  gateway: { server: 'nginx' },
  verdict: null,
  browser: 'chromium',
  os: 'win',
  incognito: false,
  canOpenPrivate: true,
  underWay: true,
  formFailed: false,
};
const NO_ACTIONS: GuideActions = new Proxy({} as GuideActions, {
  get: (_, name) => () => {
    throw new Error(`render called ${String(name)}`);
  },
});
const REPORT = 'Gateway error report for shop.example.com\nError: 502 Bad Gateway';

function card(ctx: Partial<GuideContext>, id: StepId, archiveOffered = false): string {
  const steps = chooseSteps({ ...CTX, ...ctx }).steps;
  const index = steps.findIndex((s) => s.id === id);
  if (index < 0) throw new Error(`no step ${id}`);
  const noop = () => {};
  return renderToString(
    <StepCard
      step={steps[index]!}
      index={index}
      total={steps.length}
      t={t}
      actions={NO_ACTIONS}
      pageUrl="https://shop.example.com/cart"
      report={REPORT}
      archiveOffered={archiveOffered}
      onCheckNow={noop}
      underWay
      asked={false}
      focusOnShow={false}
      onActed={noop}
      onHelped={noop}
      onNext={noop}
    />,
  );
}

describe('guide views', () => {
  it('the section: the summary, every step in the table of contents, the first step open', () => {
    const html = renderToString(
      <GuideSection guide={chooseSteps(CTX)} t={t} actions={NO_ACTIONS} pageUrl="https://shop.example.com/" report={REPORT} archiveOffered={false} onCheckNow={() => {}} underWay />,
    );
    expect(html).toContain('data-side="likely-site"');
    expect(html.match(/data-testid="toc-/g)).toHaveLength(6);
    // Folded, so the current step stays in view at the popup's size.
    expect(html).toMatch(/<details class="toc" data-testid="toc"><summary>All 6 steps<\/summary>/);
    expect(html).toContain('aria-current="step"');
    expect(html).toContain('data-step="refresh"');
    expect(html).toContain('Step 1 of 6');
  });

  it('refresh: why, what with the shortcut, one button, a way to skip', () => {
    const html = card({}, 'refresh');
    expect(html).toContain('Why: a gateway error can be');
    expect(html).toContain('Ctrl + Shift + R');
    expect(html).toContain('data-testid="action-reload"');
    expect(html).toContain('data-testid="skip"');
    expect(html).not.toContain('helped-yes');
  });

  it('cookies: the button asks first (the confirmation is a second click)', () => {
    const html = card({}, 'cookies');
    expect(html).toContain('Clear the cookies of example.com');
    expect(html).toContain('Clear cookies…');
    expect(html).not.toContain('signed out');
  });

  it('private window: opened when allowed, with the link to copy for Firefox', () => {
    const html = card({}, 'private-window');
    expect(html).toContain('data-testid="action-open-private"');
    expect(html).toContain('data-testid="action-copy-link"');
    expect(html).toContain('open it in Firefox');
    expect(card({ canOpenPrivate: false }, 'private-window')).not.toContain('action-open-private');
  });

  it('in a private window already: another browser, by its name, with the link to copy', () => {
    const html = card({ incognito: true }, 'private-window');
    expect(html).toContain('Try another browser');
    expect(html).toContain('Copy the link and open it in Firefox.');
    expect(html).toContain('data-testid="action-copy-link"');
    expect(card({ incognito: true, browser: 'firefox' }, 'private-window')).toContain('open it in Chrome.');
  });

  it('DNS: done by hand, so it asks "Did that help?" at once; each command has a copy button', () => {
    const html = card({ gateway: {}, verdict: 'up-elsewhere' }, 'dns');
    expect(html).toContain('ipconfig /flushdns');
    expect(html).toContain('chrome://net-internals/#dns');
    expect(html.match(/aria-label="Copy: /g)).toHaveLength(3);
    expect(html).toContain('data-testid="helped-yes"');
  });

  it('down for everyone: "Check now" while unknown; when down, the archived copy and what it sends', () => {
    expect(card({}, 'down-for-everyone')).toContain('data-testid="action-check-status"');
    const down = card({ verdict: 'down-for-everyone' }, 'down-for-everyone', true);
    expect(down).toContain("It's not you");
    expect(down).not.toContain('action-check-status');
    expect(down).toContain('data-testid="action-archive"');
    expect(down).toContain('to archive.org');
    // Nothing was there to try, so nothing to ask: the next step is offered instead.
    expect(down).not.toContain('Did that help?');
    expect(down).toContain('data-testid="next"');
  });

  it('tell the site: the report is shown before it is copied', () => {
    const html = card({}, 'tell-site');
    expect(html).toContain('data-testid="report-preview"');
    expect(html).toContain('Gateway error report for shop.example.com');
    expect(html).toContain('data-testid="action-copy-report"');
  });

  it('every step of every guide renders with a live result line reserved (no layout jump)', () => {
    for (const verdict of [null, 'down-for-everyone', 'up-elsewhere', 'partial', 'unknown'] as const) {
      for (const s of chooseSteps({ ...CTX, verdict }).steps) {
        const html = card({ verdict }, s.id, true);
        expect(html).toContain('role="status"');
        expect(html).toContain('data-testid="step-result"');
      }
    }
  });
});
