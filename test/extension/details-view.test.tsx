// @vitest-environment happy-dom
/**
 * The popup's folded "Details": rendered from the view model the background builds (`buildIncidentView`), found the
 * way a user finds it (a disclosure, then its text), and "Copy as curl" hands the shown command to the clipboard.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { DetailsSection } from '../../extension/popup/details-view';
import { PopupView } from '../../extension/popup/popup-view';
import type { GuideActions } from '../../extension/popup/guide-actions';
import { strictT, strictTIn } from '../locale';
import { shopIncident } from '../unit/incident-fixture';
import type { Incident, TabEntry } from '../../src/recovery/incident-machine';
import { readErrorResponse } from '../../src/recovery/error-response';
import { buildIncidentView, type TabView } from '../../src/view/incident-view';

const NOW = Date.UTC(2026, 11, 7, 14, 0, 0);
const t = strictT;

const HEADERS = [
  { name: 'Server', value: 'nginx/1.22.1' },
  { name: 'Content-Type', value: 'text/html' },
  { name: 'Set-Cookie', value: 'sid=s3cret' },
];

function view(overrides: Partial<Incident> = {}, tr: (key: string, subs?: readonly string[]) => string = t): TabView {
  const incident = shopIncident(NOW, {
    connection: { ip: '127.0.0.1' },
    response: readErrorResponse({ timeStamp: NOW, responseHeaders: HEADERS }, { requestAt: NOW - 9, headersAt: NOW - 3, completedAt: NOW }),
    ...overrides,
  });
  const tab = { tabId: 3, incidentId: incident.id, url: incident.url, status: 'waiting', since: NOW } as TabEntry;
  const input = { incident, tab, now: NOW, maxVisibleRetries: 5, check: null, siteDomain: 'example.com', browser: null };
  return { incident: buildIncidentView(input, (x) => tr(x.key, x.subs)), subresources: null, now: NOW };
}

afterEach(cleanup);

describe('details view', () => {
  it('is folded in the popup, last, with nothing inside until it opens on its summary', async () => {
    const copy = vi.fn(async () => true);
    const actions = { copy } as unknown as GuideActions;
    render(
      <PopupView view={view()} watchable t={t} now={NOW} onRetryNow={() => {}} onStop={() => {}} onWatchSite={async () => {}} onCheckNow={() => {}} actions={actions} />,
    );
    const details = screen.getByTestId('details') as HTMLDetailsElement;
    expect(details.open).toBe(false);
    expect(details.parentElement?.lastElementChild).toBe(details);
    expect(screen.queryByRole('button', { name: 'Copy as curl' })).toBeNull();
    fireEvent.click(screen.getByText("Details for the site's operator"));
    expect(details.open).toBe(true);
    await waitFor(() => expect(screen.getByRole('button', { name: 'Copy as curl' })).toBeDefined());
    expect(screen.getByTestId('details-headers').textContent).toContain('nginx/1.22.1');
  });

  it('shows the facts, the raw headers without the cookie, and copies the command it shows', async () => {
    const copy = vi.fn(async (_text: string) => true);
    const v = view();
    render(<DetailsSection details={v.incident!.details} t={t} copy={copy} open />);
    expect(screen.getByTestId('detail-address').textContent).toBe('127.0.0.1');
    expect(screen.getByTestId('detail-headers-after').textContent).toBe('6 ms');
    expect(screen.getByTestId('detail-completed-after').textContent).toBe('9 ms');
    const headers = screen.getByTestId('details-headers').textContent ?? '';
    expect(headers).toContain('Servernginx/1.22.1');
    expect(headers).not.toMatch(/Set-Cookie|s3cret/);
    expect(screen.getByTestId('details-header-note').textContent).toBe('Not shown, because they carry cookies or credentials: Set-Cookie.');
    const shown = screen.getByTestId('curl-command').textContent;
    expect(shown).toContain("--resolve 'shop.example.com:443:127.0.0.1' 'https://shop.example.com/cart'");
    fireEvent.click(screen.getByRole('button', { name: 'Copy as curl' }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Copied.'));
    expect(copy).toHaveBeenCalledWith(shown);
  });

  it('says so when the clipboard refuses', async () => {
    render(<DetailsSection details={view().incident!.details} t={t} copy={async () => false} open />);
    fireEvent.click(screen.getByRole('button', { name: 'Copy as curl' }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Could not copy. Select the text and copy it yourself.'));
  });

  it('renders in German, every key there', () => {
    const de = strictTIn('de');
    render(<DetailsSection details={view({ method: 'POST' }, de).incident!.details} t={de} copy={async () => true} open />);
    expect(screen.getByTestId('details').querySelector('summary')?.textContent).toBe('Details für den Betreiber der Website');
    expect(screen.getByText('Als curl-Befehl kopieren')).toBeDefined();
    expect(screen.getByTestId('details-curl').textContent).toContain('mit GET statt mit POST');
  });
});
