// @vitest-environment happy-dom
/** The onboarding page, rendered from fixtures and used by role: what the extension does, the consent question, the way to the options. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { OnboardingView, type OnboardingViewProps } from '../../extension/onboarding/onboarding-view';
import type { SettingKey } from '../../extension/shared/settings-store';
import { consentScope, DEFAULT_SETTINGS, type Settings } from '../../src/settings/settings';
import { strictT } from '../locale';

const t = strictT;

afterEach(cleanup);

function show(settings: Settings = DEFAULT_SETTINGS, managed: ReadonlySet<SettingKey> = new Set(), extra: Partial<OnboardingViewProps> = {}) {
  const props: OnboardingViewProps = {
    settings,
    managed,
    t,
    onChange: vi.fn(async () => {}),
    requestDataConsent: vi.fn(async () => true),
    openOptions: vi.fn(),
    pin: 'unpinned',
    family: 'chrome',
    onCheckPin: vi.fn(),
    ...extra,
  };
  render(<OnboardingView {...props} />);
  return props;
}

const pageText = () => document.body.textContent ?? '';
const accept = () => screen.getByRole('button', { name: 'Turn on automatic checks' });
const decline = () => screen.getByRole('button', { name: 'Not now' });
/** The consent's live region (the pin check has one of its own). */
const consentStatus = () => within(screen.getByRole('region', { name: 'Check whether a site is down for everyone?' })).getByRole('status');

describe('onboarding view', () => {
  it('welcomes, says what the extension does, and that forms are never re-sent', () => {
    show();
    expect(screen.getByRole('heading', { level: 1, name: 'Welcome to Gateway Recovery' })).toBeTruthy();
    // The three steps of a 502 say that a form is never sent again (issue 14 folded the separate paragraph into them).
    for (const words of ['502 Bad Gateway', 'cache bypassed', 'A form you sent is never sent again']) expect(pageText()).toContain(words);
  });

  it('asks for consent with both buttons after naming every endpoint the settings contact', () => {
    show({
      ...DEFAULT_SETTINGS,
      statusEndpoints: { ...DEFAULT_SETTINGS.statusEndpoints, checkHost: 'http://127.0.0.1:4101', statusPageTemplates: ['http://127.0.0.1:4103/{domain}'] },
      statusProviders: { ...DEFAULT_SETTINGS.statusProviders, custom: true },
      customEndpoint: { template: 'https://kuma.example/api/{host}', format: 'gatus' },
    });
    const list = screen.getByTestId('consent-endpoints');
    for (const a of ['http://127.0.0.1:4101', 'http://127.0.0.1:4103/{domain}', 'https://www.cloudflarestatus.com', 'https://kuma.example/api/{host}']) {
      expect(within(list).getByText(a, { selector: 'code' })).toBeTruthy();
    }
    expect(within(list).queryByText('https://check-host.net', { selector: 'code' })).toBeNull();
    // The explanation comes before the buttons.
    expect(list.compareDocumentPosition(accept()) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(accept().getAttribute('type')).toBe('button');
    expect(decline().getAttribute('type')).toBe('button');
  });

  it('links to the privacy policy shipped in the extension', () => {
    show();
    const link = screen.getByRole('link', { name: 'Privacy policy' });
    expect(link.getAttribute('href')).toBe('../../privacy.html');
  });

  it('leaves the custom endpoint out when none is set', () => {
    show();
    expect(pageText()).not.toContain('Your own checker');
  });

  it('has an empty live region for the outcome and a link to the options', () => {
    const props = show();
    const live = consentStatus();
    expect(live.getAttribute('aria-live')).toBe('polite');
    expect(live.textContent).toBe('');
    const link = screen.getByRole('link', { name: 'Open the options' });
    expect(link.getAttribute('href')).toBe('../options/index.html');
    fireEvent.click(link);
    expect(props.openOptions).toHaveBeenCalledTimes(1);
  });

  it('"Turn on" asks the browser first, then stores the consent and says so', async () => {
    const props = show();
    fireEvent.click(accept());
    expect(props.requestDataConsent).toHaveBeenCalledTimes(1);
    await waitFor(() => expect(consentStatus().textContent).toContain(t('onboardingChoseOn')));
    // Stored with what it covers: the settings the page listed.
    expect(props.onChange).toHaveBeenCalledWith({ statusAutoCheck: true, statusConsentScope: consentScope(props.settings) });
  });

  it('a refused browser consent stores nothing; "Not now" stores "no"', async () => {
    const refused = show(DEFAULT_SETTINGS, new Set(), { requestDataConsent: vi.fn(async () => false) });
    fireEvent.click(accept());
    await waitFor(() => expect(consentStatus().textContent).toContain(t('consentDenied')));
    expect(refused.onChange).not.toHaveBeenCalled();
    cleanup();
    const props = show();
    fireEvent.click(decline());
    await waitFor(() => expect(consentStatus().textContent).toContain(t('onboardingChoseOff')));
    expect(props.onChange).toHaveBeenCalledWith({ statusAutoCheck: false });
    expect(props.requestDataConsent).not.toHaveBeenCalled();
  });

  it('does not ask when an administrator decided', () => {
    show({ ...DEFAULT_SETTINGS, statusAutoCheck: true }, new Set<SettingKey>(['statusAutoCheck']));
    expect(screen.queryByRole('button', { name: 'Turn on automatic checks' })).toBeNull();
    expect(screen.getByText('Your administrator has turned automatic checks on.')).toBeTruthy();
  });
});

describe('onboarding: what happens on a 502, and the pin check', () => {
  it('shows the three steps of a 502 in order, as a list a screen reader counts', () => {
    show();
    const strip = screen.getByRole('region', { name: 'What happens on a 502' });
    const steps = within(strip).getAllByRole('listitem').map((li) => li.textContent ?? '');
    expect(steps).toHaveLength(3);
    expect(steps[0]).toContain('502 Bad Gateway');
    expect(steps[1]).toContain('cache bypassed');
    expect(steps[2]).toContain('comes back by itself');
  });

  it('not pinned in Chrome: the puzzle-piece steps and "Not pinned yet"; "Check again" asks again', () => {
    const props = show(DEFAULT_SETTINGS, new Set(), { pin: 'unpinned', family: 'chrome' });
    const section = screen.getByRole('region', { name: 'Pin the button to your toolbar' });
    expect(within(section).getByText(/puzzle piece.*then the pin next to Gateway Recovery/)).toBeTruthy();
    expect(within(section).getByRole('status').textContent).toContain('Not pinned yet.');
    fireEvent.click(within(section).getByRole('button', { name: 'Check again' }));
    expect(props.onCheckPin).toHaveBeenCalledTimes(1);
  });

  it('Firefox names its own menus: the gear and "Pin to Toolbar"', () => {
    show(DEFAULT_SETTINGS, new Set(), { pin: 'unpinned', family: 'firefox' });
    expect(screen.getByTestId('pin-steps').textContent).toContain('the gear next to Gateway Recovery, and choose “Pin to Toolbar”');
  });

  it('pinned: says so, and the steps are gone', () => {
    show(DEFAULT_SETTINGS, new Set(), { pin: 'pinned' });
    expect(screen.getByTestId('pin-state').textContent).toContain('The button is on your toolbar.');
    expect(screen.queryByTestId('pin-steps')).toBeNull();
  });

  it('a browser that cannot tell is never reported as pinned, nor as not pinned', () => {
    show(DEFAULT_SETTINGS, new Set(), { pin: 'unknown' });
    const state = screen.getByTestId('pin-state').textContent ?? '';
    expect(state).toContain('does not tell extensions');
    expect(state).not.toContain('on your toolbar.');
    expect(state).not.toContain('Not pinned yet');
    expect(screen.getByTestId('pin-steps')).toBeTruthy();
  });

  it('while the browser is being asked it says so, and claims nothing', () => {
    show(DEFAULT_SETTINGS, new Set(), { pin: null });
    expect(screen.getByTestId('pin-state').textContent).toContain('Checking…');
  });
});
