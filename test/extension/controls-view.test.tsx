// @vitest-environment happy-dom
/**
 * The popup's controls (`extension/popup/controls.tsx`) render the background's `ControlsView` and send what the user
 * chose: found by role and text, as a user and a screen reader find them.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { Controls, type ControlsProps } from '../../extension/popup/controls';
import { strictT } from '../locale';
import type { ControlsView } from '../../src/view/controls-view';

const NOW = Date.UTC(2026, 11, 7, 13);
const VIEW: ControlsView = {
  pausedUntil: null,
  offerPause: true,
  tomorrowAt: Date.UTC(2026, 11, 8, 7),
  site: { host: 'shop.example.com', listedAs: [], locked: false },
  notify: 'every-change',
};

function show(view: Partial<ControlsView> = {}, props: Partial<ControlsProps> = {}) {
  const onPause = vi.fn(async () => undefined);
  const onNeverRetry = vi.fn(async () => ({ ok: true as const, host: 'shop.example.com' }));
  const onNotifySettings = vi.fn();
  const result = render(
    <Controls controls={{ ...VIEW, ...view }} t={strictT} now={NOW} locale="en-GB" onPause={onPause} onNeverRetry={onNeverRetry} onNotifySettings={onNotifySettings} {...props} />,
  );
  return { ...result, onPause, onNeverRetry, onNotifySettings };
}

afterEach(cleanup);

describe('popup controls', () => {
  it('offers a pause for 1 hour or until tomorrow (naming the time), and sends the choice', () => {
    const { onPause } = show();
    expect(screen.getByRole('heading', { name: 'Retries and notifications' })).toBeTruthy();
    fireEvent.click(screen.getByText('Pause all retries'));
    const tomorrow = screen.getByRole('button', { name: /^Until tomorrow, / });
    expect(tomorrow.textContent).toBe(`Until tomorrow, ${new Intl.DateTimeFormat('en-GB', { hour: 'numeric', minute: '2-digit' }).format(VIEW.tomorrowAt)}`);
    fireEvent.click(screen.getByRole('button', { name: 'For 1 hour' }));
    expect(onPause).toHaveBeenCalledWith('hour');
    fireEvent.click(tomorrow);
    expect(onPause).toHaveBeenLastCalledWith('tomorrow');
  });

  it('paused: says until when, that errors are still recorded, and offers "Resume now"', () => {
    const { onPause } = show({ pausedUntil: NOW + 3_600_000 });
    const time = new Intl.DateTimeFormat('en-GB', { hour: 'numeric', minute: '2-digit' }).format(NOW + 3_600_000);
    expect(screen.getByRole('status').textContent).toBe(`All retries paused until ${time}.`);
    expect(screen.getByText(/Errors are still recorded/)).toBeTruthy();
    expect(screen.queryByText('Pause all retries')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Resume now' }));
    expect(onPause).toHaveBeenCalledWith('off');
  });

  it('never retry this site: asks first, then sends; Cancel sends nothing', async () => {
    const { onNeverRetry } = show();
    fireEvent.click(screen.getByRole('button', { name: 'Never retry shop.example.com' }));
    expect(screen.getByRole('alertdialog').textContent).toContain('Never retry shop.example.com? Retrying stops now');
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(onNeverRetry).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: 'Never retry shop.example.com' }));
    fireEvent.click(screen.getByRole('button', { name: 'Never retry' }));
    expect(onNeverRetry).toHaveBeenCalledWith(true);
    await waitFor(() => expect((screen.getByRole('button', { name: 'Never retry shop.example.com' }) as HTMLButtonElement).disabled).toBe(false));
  });

  it('listed: says so, as which entry, and takes it off', () => {
    const { onNeverRetry } = show({ site: { host: 'shop.example.com', listedAs: ['example.com'], locked: false } });
    expect(screen.getByRole('status').textContent).toBe('shop.example.com is on your never-retry list (as example.com): it is not retried.');
    fireEvent.click(screen.getByRole('button', { name: 'Retry this site again' }));
    expect(onNeverRetry).toHaveBeenCalledWith(false);
  });

  it('a refused change says so; a list set by an administrator offers no change', async () => {
    show({}, { onNeverRetry: async () => ({ ok: false, reason: 'full' }) });
    fireEvent.click(screen.getByRole('button', { name: 'Never retry shop.example.com' }));
    fireEvent.click(screen.getByRole('button', { name: 'Never retry' }));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe('The never-retry list could not be changed.'));
    cleanup();
    show({ site: { host: 'shop.example.com', listedAs: ['example.com'], locked: true } });
    expect(screen.getByText('Your administrator sets the never-retry list.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Retry this site again' })).toBeNull();
  });

  it('no site (a browser page, a private window): the pause and the notifications only', () => {
    show({ site: null });
    expect(screen.queryByRole('button', { name: /Never retry/ })).toBeNull();
    expect(screen.getByText('Pause all retries')).toBeTruthy();
  });

  it('nothing wrong anywhere: nothing at all', () => {
    const { container } = show({ offerPause: false, site: null, notify: null });
    expect(container.textContent).toBe('');
  });

  it.each([
    ['every-change', 'Notifications: when a site fails and when it is back'],
    ['back-only', 'Notifications: only when a site is back'],
    ['never', 'Notifications: off'],
  ] as const)('notifications "%s": says the mode and links to the options', (notify, words) => {
    const { onNotifySettings } = show({ notify });
    expect(screen.getByTestId('notify-mode').textContent).toBe(`${words} Change`);
    fireEvent.click(screen.getByRole('button', { name: 'Change' }));
    expect(onNotifySettings).toHaveBeenCalled();
  });
});
