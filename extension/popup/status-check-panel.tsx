/** "Down for everyone, or just you?" in the popup: renders the view's status panel (`src/view/status-panel.ts`). */
import { durationText, type I18nText, type Translate } from '../../src/shared/text';
import { agreementText, type StatusPanel } from '../../src/view/status-panel';

export interface StatusCheckPanelProps {
  readonly panel: StatusPanel;
  readonly t: Translate;
  /** Epoch ms: the answer's age is said from it. */
  readonly now: number;
  readonly onCheckNow: () => void;
  /** Opens the options, where the user agrees again (see `StatusPanel.consentOutdated`). */
  readonly onReviewConsent?: () => void;
}

export function StatusCheckPanel({ panel, t, now, onCheckNow, onReviewConsent }: StatusCheckPanelProps) {
  const render = (x: I18nText) => t(x.key, x.subs);
  const { verdict, checking } = panel;
  return (
    <section class="status" aria-labelledby="status-check-heading" data-testid="status">
      <h2 id="status-check-heading">{t('popupStatusHeading')}</h2>
      {/* One live region for the outcome, so a screen reader hears "Checking…" and then the verdict. */}
      <div role="status" aria-live="polite" aria-busy={checking}>
        {checking && <p data-testid="status-checking">{t('popupStatusChecking')}</p>}
        {!checking && verdict !== null && (
          <>
            <p class={`verdict verdict-${verdict.verdict}`} data-testid="verdict" data-verdict={verdict.verdict}>
              <strong>{render(verdict.headline)}</strong> {render(verdict.advice)}
            </p>
            {verdict.agreement !== null && (
              <p data-testid="status-agreement" data-key={verdict.agreement.key}>
                {agreementText(verdict.agreement, render)}
              </p>
            )}
            <ul class="evidence" data-testid="evidence">
              {verdict.evidence.map((s) => (
                <li key={s.provider} data-provider={s.provider} data-verdict={s.verdict}>
                  <span class="muted">{render(s.label)}:</span> {render(s.evidence)}
                  {s.link !== undefined && (
                    <>
                      {' '}
                      <a href={s.link} target="_blank" rel="noreferrer noopener">
                        {t('popupStatusReport')}
                      </a>
                    </>
                  )}
                </li>
              ))}
            </ul>
            <p class="muted" data-testid="status-age">
              {t('popupStatusCheckedAgo', [durationText(now - verdict.checkedAt, render)])}
            </p>
          </>
        )}
      </div>
      {panel.privateNote !== null ? (
        <p class="muted" data-testid="status-private">
          {render(panel.privateNote)}
        </p>
      ) : panel.consentOutdated !== null ? (
        <div class="consent-outdated" data-testid="consent-outdated">
          <p>
            <strong>{t('consentOutdatedTitle')}</strong> {t('consentOutdatedIntro')}
          </p>
          <ul>
            {panel.consentOutdated.map((line) => (
              <li key={line.key}>{render(line)}</li>
            ))}
          </ul>
          {onReviewConsent !== undefined && (
            <button type="button" class="secondary" onClick={onReviewConsent} data-testid="consent-review">
              {t('popupConsentReview')}
            </button>
          )}
        </div>
      ) : (
        !checking && (
          <>
            <button type="button" class="secondary" onClick={onCheckNow} data-testid="check-now">
              {render(panel.checkLabel)}
            </button>
            {panel.whatIsSent !== null && <p class="muted small">{render(panel.whatIsSent)}</p>}
          </>
        )
      )}
    </section>
  );
}
