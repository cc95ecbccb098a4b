/** The onboarding page renders from fixtures: what the extension does, the consent question, the way to the options. */
import { describe, expect, it } from 'vitest';
import { renderToString } from 'preact-render-to-string';
import { OnboardingView } from '../../extension/onboarding/onboarding-view';
import type { SettingKey } from '../../extension/shared/settings-store';
import { DEFAULT_SETTINGS, type Settings } from '../../src/settings/settings';
import { strictT } from '../locale';

const t = strictT;

const html = (settings: Settings = DEFAULT_SETTINGS, managed: ReadonlySet<SettingKey> = new Set()) =>
  renderToString(
    <OnboardingView
      settings={settings}
      managed={managed}
      t={t}
      onChange={async () => {}}
      requestDataConsent={async () => true}
      openOptions={() => {}}
    />,
  );

describe('onboarding view', () => {
  it('welcomes, says what the extension does, and that forms are never re-sent', () => {
    const out = html();
    expect(out).toContain('<h1>Welcome to Gateway Recovery</h1>');
    expect(out).toContain('502 Bad Gateway');
    expect(out).toContain('cache bypassed');
    expect(out).toContain('never re-sends a form');
  });

  it('asks for consent with both buttons after naming every endpoint the settings contact', () => {
    const settings: Settings = {
      ...DEFAULT_SETTINGS,
      statusEndpoints: { ...DEFAULT_SETTINGS.statusEndpoints, checkHost: 'http://127.0.0.1:4101', statusPageTemplates: ['http://127.0.0.1:4103/{domain}'] },
      statusProviders: { ...DEFAULT_SETTINGS.statusProviders, custom: true },
      customEndpoint: { template: 'https://kuma.example/api/{host}', format: 'uptime-kuma' },
    };
    const out = html(settings);
    const list = /data-testid="consent-endpoints"[\s\S]*?<h3>/.exec(out)?.[0] ?? '';
    for (const a of ['http://127.0.0.1:4101', 'http://127.0.0.1:4103/{domain}', 'https://www.cloudflarestatus.com', 'https://kuma.example/api/{host}']) {
      expect(list).toContain(`<code>${a}</code>`);
    }
    expect(list).not.toContain('https://check-host.net');
    // The explanation comes before the buttons.
    expect(out.indexOf('data-testid="consent-endpoints"')).toBeLessThan(out.indexOf('data-testid="consent-accept"'));
    expect(out).toMatch(/<button type="button" data-testid="consent-accept"[^>]*>Turn on automatic checks<\/button>/);
    expect(out).toMatch(/<button type="button" class="secondary" data-testid="consent-decline"[^>]*>Not now<\/button>/);
  });

  it('leaves the custom endpoint out when none is set', () => {
    const out = html();
    expect(out).not.toContain('data-provider="custom"');
    expect(out).not.toContain('Your own checker');
  });

  it('has an empty live region for the outcome and a link to the options', () => {
    const out = html();
    expect(out).toMatch(/<p role="status" aria-live="polite" data-testid="consent-result"[^>]*><\/p>/);
    expect(out).toMatch(/<a href="..\/options\/index.html" data-testid="open-options">Open the options<\/a>/);
  });

  it('does not ask when an administrator decided', () => {
    const out = html({ ...DEFAULT_SETTINGS, statusAutoCheck: true }, new Set<SettingKey>(['statusAutoCheck']));
    expect(out).not.toContain('data-testid="consent-accept"');
    expect(out).toContain('Your administrator has turned automatic checks on.');
  });
});
