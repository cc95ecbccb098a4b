/**
 * The options page's history section: how long ended incidents are kept, the recent incidents as a table, and
 * "Clear history", confirmed in the page.
 */
import { useRef, useState } from 'preact/hooks';
import { codeText, outcomeText, verdictText, type HistoryEntry } from '../../src/history/history';
import type { I18nText } from '../../src/shared/text';
import { ConfirmDialog } from '../shared/confirm-dialog';
import type { Translate } from '../shared/status-consent';
import { NumberField } from './number-field';
import type { SectionProps } from './section';

/** The recent-incidents history as the page has it (the background keeps it; see `src/history/`). */
export interface HistoryModel {
  /** Newest first, within the retention setting; `null` while loading. */
  readonly entries: readonly HistoryEntry[] | null;
  /** Reading it failed. */
  readonly error?: boolean;
  /** Deletes every entry; called after the user confirmed, rejects when it did not work. */
  readonly clear: () => Promise<void>;
  /** Local date and time, in the browser's language, of an epoch ms. */
  readonly formatTime: (epochMs: number) => string;
}

export function HistorySection({
  settings,
  managed,
  t,
  save,
  history,
  announce,
}: SectionProps & { history: HistoryModel | undefined; announce: (text: string, error: boolean) => void }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const off = settings.historyRetentionDays === 0;
  const entries = history?.entries ?? null;
  const count = entries?.length ?? 0;

  const onConfirm = () => {
    if (history === undefined) return;
    setBusy(true);
    history.clear().then(
      () => {
        setBusy(false);
        setConfirming(false);
        announce(t('optionsHistoryCleared'), false);
        // The buttons are gone or disabled now: keep keyboard focus in the section rather than on the body.
        heading.current?.focus();
      },
      (err: unknown) => {
        setBusy(false);
        announce(t('optionsHistoryClearFailed', [err instanceof Error ? err.message : String(err)]), true);
      },
    );
  };

  return (
    <section aria-labelledby="history-heading" data-testid="history">
      <h2 id="history-heading" tabIndex={-1} ref={heading}>
        {t('optionsHistorySection')}
      </h2>
      <p class="muted">{t('optionsHistoryHelp')}</p>
      <NumberField
        key={settings.historyRetentionDays}
        field="historyRetentionDays"
        id="history-retention"
        labelKey="optionsHistoryRetention"
        helpKey="optionsHistoryRetentionHelp"
        invalidKey="optionsHistoryRetentionInvalid"
        settings={settings}
        managed={managed}
        t={t}
        save={save}
      />
      {off ? (
        <p data-testid="history-off">{t('optionsHistoryOff')}</p>
      ) : history?.error === true ? (
        <p class="error" data-testid="history-error">
          {t('optionsHistoryError')}
        </p>
      ) : entries === null || history === undefined ? (
        <p class="muted">{t('optionsHistoryLoading')}</p>
      ) : entries.length === 0 ? (
        <p data-testid="history-empty">{t('optionsHistoryEmpty')}</p>
      ) : (
        <HistoryTable entries={entries} t={t} formatTime={history.formatTime} />
      )}
      <ConfirmDialog
        open={confirming}
        id="history-clear"
        trigger={(ref) => (
          <div class="actions">
            <button type="button" class="secondary" data-testid="history-clear" ref={ref} disabled={count === 0 || busy} onClick={() => setConfirming(true)}>
              {t('optionsHistoryClear')}
            </button>
          </div>
        )}
        question={t('optionsHistoryClearConfirm', [String(count)])}
        confirmLabel={t('optionsHistoryClearYes')}
        cancelLabel={t('optionsHistoryClearNo')}
        confirmClass="danger"
        busy={busy}
        testIds={{ dialog: 'history-clear-confirmation', confirm: 'history-clear-confirm', cancel: 'history-clear-cancel' }}
        onConfirm={onConfirm}
        onCancel={() => setConfirming(false)}
      />
    </section>
  );
}

/** The history as a table: site, error and who answered, start (local time), outcome, reloads, probes, verdict. */
export function HistoryTable({
  entries,
  t,
  formatTime,
}: {
  entries: readonly HistoryEntry[];
  t: Translate;
  formatTime: (epochMs: number) => string;
}) {
  const render = (x: I18nText) => t(x.key, x.subs);
  return (
    // Scrolls sideways on a narrow window; focusable so a keyboard can scroll it too.
    <div class="table-scroll" role="region" aria-labelledby="history-caption" tabIndex={0}>
      <table class="history" data-testid="history-table">
        <caption id="history-caption">{t('optionsHistoryCaption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('historyColSite')}</th>
            <th scope="col">{t('historyColCode')}</th>
            <th scope="col">{t('historyColStarted')}</th>
            <th scope="col">{t('historyColOutcome')}</th>
            <th scope="col" class="num">
              {t('historyColReloads')}
            </th>
            <th scope="col" class="num">
              {t('historyColProbes')}
            </th>
            <th scope="col">{t('historyColVerdict')}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.id} data-testid="history-row" data-host={e.host} data-outcome={e.outcome}>
              <th scope="row">{e.host}</th>
              <td>
                {render(codeText(e, render))}
                {e.server !== undefined && <span class="muted hint">{t('historyServer', [e.server])}</span>}
              </td>
              <td>
                <time dateTime={new Date(e.startedAt).toISOString()}>{formatTime(e.startedAt)}</time>
              </td>
              <td>{render(outcomeText(e, render))}</td>
              <td class="num">{e.attempts}</td>
              <td class="num">{e.probes}</td>
              <td>{render(verdictText(e))}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
