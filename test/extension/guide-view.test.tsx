// @vitest-environment happy-dom
/**
 * The guide's views against fixtures: every step of the chosen guides renders what it must, with no browser. Read
 * the way a user (or a screen reader) meets them: by role and accessible name, and by the text shown.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/preact';
import { GuideSection } from '../../extension/popup/guide-section';
import { StepCard } from '../../extension/popup/step-card';
import type { GuideActions } from '../../extension/popup/guide-actions';
import { chooseSteps, keyNames, type GuideContext, type StepId } from '../../src/guide/steps';
import { strictT as t } from '../locale';

const CTX: GuideContext = {
  host: 'shop.example.com',
  cookieDomain: 'example.com',
  code: 502,
  gateway: { server: 'nginx' },
  verdict: null,
  browser: 'chromium',
  os: 'win',
  keys: keyNames((x) => t(x.key, x.subs)),
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

// Vitest runs without globals here, so @testing-library cannot register its own cleanup.
afterEach(cleanup);

/** Renders step `id` of the guide chosen for `ctx` (over {@link CTX}) on its own, and returns the card's queries. */
function card(ctx: Partial<GuideContext>, id: StepId, archiveOffered = false) {
  const steps = chooseSteps({ ...CTX, ...ctx }).steps;
  const index = steps.findIndex((s) => s.id === id);
  if (index < 0) throw new Error(`no step ${id}`);
  const noop = () => {};
  const { container } = render(
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
  return within(container as HTMLElement);
}

describe('guide views', () => {
  it('the section: the summary, every step in the table of contents, the first step open', () => {
    const guide = chooseSteps(CTX);
    render(<GuideSection guide={guide} t={t} actions={NO_ACTIONS} pageUrl="https://shop.example.com/" report={REPORT} archiveOffered={false} onCheckNow={() => {}} underWay />);
    const section = screen.getByRole('region', { name: 'What you can try' });
    // The site's own gateway answered: the guide takes the side "likely the site's fault", and says so.
    expect(section.dataset.side).toBe('likely-site');
    within(section).getByText(/^The site's own gateway answered you/);
    // Folded, so the current step stays in view at the popup's size; a click on its summary unfolds it.
    const summary = within(section).getByText('All 7 steps', { selector: 'summary' });
    const toc = summary.closest('details')!;
    expect(toc.open).toBe(false);
    fireEvent.click(summary);
    expect(toc.open).toBe(true);
    const entries = within(within(toc).getByRole('list', { name: 'All 7 steps' })).getAllByRole('button');
    expect(entries.map((b) => b.textContent)).toEqual(guide.steps.map((s) => t(s.title.key, s.title.subs)));
    expect(entries).toHaveLength(7);
    // The first step is the current one, in the list and on the card.
    expect(within(toc).getByRole('button', { current: 'step' }).textContent).toBe('Refresh without the cache');
    within(section).getByRole('heading', { level: 3, name: 'Step 1 of 7 Refresh without the cache' });
  });

  it('a failed form: "check whether it went through" first, with its own question; "yes" closes with its own line', () => {
    const guide = chooseSteps({ ...CTX, formFailed: true });
    render(<GuideSection guide={guide} t={t} actions={NO_ACTIONS} pageUrl="https://shop.example.com/" report={REPORT} archiveOffered={false} onCheckNow={() => {}} underWay={false} />);
    const section = screen.getByRole('region', { name: 'What you can try' });
    within(section).getByRole('heading', { level: 3, name: /^Step 1 of \d+ Check whether it went through$/ });
    // Where to look, as a list, before any button.
    const places = within(within(section).getByTestId('step-hints')).getAllByRole('listitem');
    expect(places.map((li) => li.textContent)).toEqual([
      'a confirmation e-mail (look in the spam folder too; it can take a few minutes)',
      'your order history or account page on shop.example.com, once the site loads again',
      "for a payment: your bank's app or your card statement (a pending charge counts too)",
    ]);
    const ask = within(section).getByRole('group', { name: 'Did it go through?' });
    expect(within(section).queryByRole('button', { name: 'Send the form again…' })).toBeNull();
    fireEvent.click(within(ask).getByRole('button', { name: 'Yes, it went through' }));
    expect(within(section).getByTestId('guide-done').textContent).toBe('Good: then do not send it again. Keep the confirmation in case you need to contact the site.');
    // Not sure: sending it again is the next step.
    fireEvent.click(within(section).getByRole('button', { name: 'Start the steps again' }));
    fireEvent.click(within(within(section).getByRole('group', { name: 'Did it go through?' })).getByRole('button', { name: "No, or I can't tell" }));
    within(section).getByRole('heading', { level: 3, name: /^Step 2 of \d+ Send the form again$/ });
    within(section).getByRole('button', { name: 'Send the form again…' });
  });

  it('sending the form again asks first, with the safe choice focused, then says what happened', async () => {
    const sent: string[] = [];
    const actions = { ...NO_ACTIONS, resendForm: async () => (sent.push('resend'), true) } as GuideActions;
    const steps = chooseSteps({ ...CTX, formFailed: true }).steps;
    render(
      <StepCard
        step={steps[1]!}
        index={1}
        total={steps.length}
        t={t}
        actions={actions}
        pageUrl="https://shop.example.com/order"
        report={REPORT}
        archiveOffered={false}
        onCheckNow={() => {}}
        underWay={false}
        asked={false}
        focusOnShow={false}
        onActed={() => {}}
        onHelped={() => {}}
        onNext={() => {}}
      />,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Send the form again…' }));
    expect(sent).toEqual([]);
    screen.getByText(/an order, a payment or a message may go through twice/);
    expect(document.activeElement?.textContent).toBe('Cancel');
    fireEvent.click(screen.getByTestId('confirm-resend'));
    await screen.findByText('Asked the browser to send the form again; it may ask you to confirm.');
    expect(sent).toEqual(['resend']);
  });

  it('refresh: why, what with the shortcut, one button, a way to skip', () => {
    const view = card({}, 'refresh');
    view.getByText(/^Why: a gateway error can be/);
    view.getByText(/Ctrl \+ Shift \+ R/);
    view.getByRole('button', { name: 'Refresh now' });
    view.getByRole('button', { name: 'Skip this step' });
    expect(view.queryByRole('button', { name: 'Yes, it works' })).toBeNull();
  });

  it('cookies: the basket warning shows before the button, stronger for a form', () => {
    card({}, 'cookies').getByText('Clearing them signs you out of the site, and a shopping basket kept in its cookies may be emptied.');
    cleanup();
    card({ formFailed: true }, 'cookies').getByText(/^Careful with an order under way/);
  });

  it('cookies: the button asks first (the confirmation is a second click)', () => {
    const view = card({}, 'cookies');
    view.getByRole('heading', { name: /Clear the cookies of example\.com$/ });
    view.getByRole('button', { name: 'Clear cookies…' });
    expect(view.queryByText(/signed out/)).toBeNull();
    expect(view.queryByRole('alertdialog')).toBeNull();
  });

  it('cookies on a public suffix: no button, and the words say why and where to do it instead', () => {
    const view = card({ host: 'github.io', cookieDomain: null }, 'cookies');
    view.getByRole('heading', { name: /Clear the cookies of github\.io$/ });
    expect(view.queryByRole('button', { name: 'Clear cookies…' })).toBeNull();
    view.getByText(/^github\.io is a public suffix/);
    view.getByText(/use your browser's site settings/);
  });

  it('private window: opened when allowed, with the link to copy for Firefox', () => {
    const view = card({}, 'private-window');
    view.getByRole('button', { name: 'Open in a private window' });
    view.getByRole('button', { name: 'Copy the link' });
    view.getByText(/open it in Firefox/);
    cleanup();
    expect(card({ canOpenPrivate: false }, 'private-window').queryByRole('button', { name: 'Open in a private window' })).toBeNull();
  });

  it('in a private window already: another browser, by its name, with the link to copy', () => {
    const view = card({ incognito: true }, 'private-window');
    view.getByRole('heading', { name: /Try another browser$/ });
    view.getByText('Copy the link and open it in Firefox.');
    view.getByRole('button', { name: 'Copy the link' });
    cleanup();
    card({ incognito: true, browser: 'firefox' }, 'private-window').getByText(/open it in Chrome\.$/);
  });

  it('DNS: done by hand, so it asks "Did that help?" at once; each command has a copy button', () => {
    const view = card({ gateway: {}, verdict: 'up-elsewhere' }, 'dns');
    view.getByText('ipconfig /flushdns');
    view.getByText('chrome://net-internals/#dns');
    const commands = view.getAllByText((_, el) => el?.tagName === 'CODE');
    expect(commands).toHaveLength(3);
    // Each copy button names what it copies.
    for (const code of commands) view.getByRole('button', { name: `Copy: ${code.textContent}` });
    expect(view.getAllByRole('button', { name: /^Copy: / })).toHaveLength(3);
    within(view.getByRole('group', { name: 'Did that help?' })).getByRole('button', { name: 'Yes, it works' });
  });

  it('down for everyone: "Check now" while unknown; when down, the archived copy and what it sends', () => {
    card({}, 'down-for-everyone').getByRole('button', { name: 'Check now' });
    cleanup();
    const down = card({ verdict: 'down-for-everyone' }, 'down-for-everyone', true);
    down.getByRole('heading', { name: /It's not you$/ });
    expect(down.queryByRole('button', { name: 'Check now' })).toBeNull();
    down.getByRole('button', { name: 'Find an archived copy' });
    down.getByText(/to archive\.org\.$/);
    // Nothing was there to try, so nothing to ask: the next step is offered instead.
    expect(down.queryByText('Did that help?')).toBeNull();
    expect(down.queryByRole('group', { name: 'Did that help?' })).toBeNull();
    down.getByRole('button', { name: 'Next step' });
  });

  it('tell the site: the report is shown before it is copied', () => {
    const view = card({}, 'tell-site');
    const preview = view.getByText('The report', { selector: 'summary' }).closest('details')!;
    // The whole report, line breaks and all, exactly as it will be copied.
    expect(within(preview).getByText(/^Gateway error report for shop\.example\.com/, { normalizer: (s) => s }).textContent).toBe(REPORT);
    view.getByRole('button', { name: 'Copy the report' });
  });

  it('tell the site: where to send it, the status page as a link, the Ray ID behind Cloudflare', () => {
    const plain = card({}, 'tell-site');
    plain.getByText(/does not know where the site takes reports/);
    plain.getByText(/“Impressum”/);
    expect(plain.queryByRole('link')).toBeNull();
    cleanup();
    const view = card({ statusPage: 'https://status.example.com/', code: 522, gateway: { server: 'cloudflare', cfRay: '8a1b2c3d4e5f-AMS' } }, 'tell-site');
    const link = view.getByRole('link', { name: 'Status page: status.example.com' });
    expect(link.getAttribute('href')).toBe('https://status.example.com/');
    expect(link.getAttribute('rel')).toBe('noreferrer noopener');
    view.getByText(/quote the Ray ID 8a1b2c3d4e5f-AMS/);
  });

  it('every step of every guide renders with a live result line reserved (no layout jump)', () => {
    const verdicts = [null, 'down-for-everyone', 'up-elsewhere', 'partial', 'unknown'] as const;
    for (const [verdict, formFailed] of verdicts.flatMap((v) => [[v, false], [v, true]] as const)) {
      for (const s of chooseSteps({ ...CTX, verdict, formFailed, gateway: verdict === 'up-elsewhere' ? {} : CTX.gateway }).steps) {
        const view = card({ verdict, formFailed, gateway: verdict === 'up-elsewhere' ? {} : CTX.gateway }, s.id, true);
        // The result line is there before any result, empty, and a live region: a result fills it in place.
        const line = view.getByTestId('step-result');
        expect(view.getAllByRole('status'), `${verdict} ${s.id}`).toContain(line);
        expect(line.textContent, `${verdict} ${s.id}`).toBe('');
        cleanup();
      }
    }
  });
});
