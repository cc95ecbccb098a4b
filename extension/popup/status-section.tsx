/** "Down for everyone, or just you?" in the popup: the verdict with its evidence, its age, and "Check now". */
import type { StatusView } from '../../src/messages';
import { durationText, type Text } from '../../src/view/describe';
import type { MessageKey } from '../../src/shared/text';
import { verdictHeadline } from '../../src/status/describe-status';
import type { GatewayHint, ProviderId, Verdict } from '../../src/status/verdict';

export interface StatusSectionProps {
  readonly status: StatusView | null;
  readonly host: string;
  readonly t: (key: MessageKey, subs?: readonly string[]) => string;
  /** Epoch ms. */
  readonly now: number;
  readonly onCheckNow: () => void;
  /** The extension still retries or watches, so it will reload the page by itself (default true). */
  readonly stillWatching?: boolean;
}

const PROVIDER_KEY: Record<ProviderId, MessageKey> = {
  gateway: 'providerGateway',
  checkHost: 'providerCheckHost',
  statusPage: 'providerStatusPage',
  cdnStatus: 'providerCdnStatus',
  custom: 'providerCustom',
};

const ADVICE_KEY: Record<Verdict, MessageKey> = {
  'down-for-everyone': 'verdictDownAdvice',
  'up-elsewhere': 'verdictUpAdvice',
  partial: 'verdictPartialAdvice',
  unknown: 'verdictUnknownAdvice',
};

/**
 * What to tell the user, from the verdict and from who answered the error: when the site's own gateway (or
 * Cloudflare) answered, the user's DNS and connection demonstrably work, so "up elsewhere" cannot be blamed on them
 * and "can't tell" still means the fault is on the site's side.
 */
export function adviceKey(verdict: Verdict, hint: GatewayHint | undefined, stillWatching = true): MessageKey {
  // Nothing promises a reload by itself once the retries ended.
  if (verdict === 'down-for-everyone' && !stillWatching) return 'verdictDownAdviceStopped';
  const siteSide = hint === 'site-gateway' || hint === 'cdn-origin-failed';
  if (verdict === 'up-elsewhere' && siteSide) return 'verdictUpAdviceSiteGateway';
  if (verdict === 'up-elsewhere' && hint === 'user-proxy') return 'verdictUpAdviceProxy';
  if (verdict === 'unknown' && siteSide) return 'verdictUnknownAdviceSiteGateway';
  return ADVICE_KEY[verdict];
}

export function StatusSection({ status, host, t, now, onCheckNow, stillWatching = true }: StatusSectionProps) {
  if (status === null) return null;
  const render = (x: Text) => t(x.key, x.subs);
  const { report, checking, privateHost } = status;
  const shown = report !== null && report.limitedBy === undefined ? report : null;
  return (
    <section class="status" aria-labelledby="status-heading" data-testid="status">
      <h2 id="status-heading">{t('popupStatusHeading')}</h2>
      {/* One live region for the outcome, so a screen reader hears "Checking…" and then the verdict. */}
      <div role="status" aria-live="polite" aria-busy={checking}>
        {checking && <p data-testid="status-checking">{t('popupStatusChecking')}</p>}
        {!checking && shown !== null && (
          <>
            <p class={`verdict verdict-${shown.verdict}`} data-testid="verdict" data-verdict={shown.verdict}>
              <strong>{render(verdictHeadline(shown.verdict))}</strong>{' '}
              {t(adviceKey(shown.verdict, shown.sources.find((x) => x.provider === 'gateway')?.hint, stillWatching))}
            </p>
            <ul class="evidence" data-testid="evidence">
              {shown.sources.map((s) => (
                <li key={s.provider} data-provider={s.provider} data-verdict={s.verdict}>
                  <span class="muted">{t(PROVIDER_KEY[s.provider])}:</span> {render(s.evidence)}
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
              {t('popupStatusCheckedAgo', [render(durationText(now - shown.checkedAt))])}
            </p>
          </>
        )}
      </div>
      {privateHost ? (
        <p class="muted" data-testid="status-private">
          {t('popupStatusPrivate', [host])}
        </p>
      ) : (
        !checking && (
          <>
            <button type="button" class="secondary" onClick={onCheckNow} data-testid="check-now">
              {t(shown === null ? 'popupStatusCheckNow' : 'popupStatusCheckAgain')}
            </button>
            {!status.autoCheck && <p class="muted small">{t('popupStatusWhatIsSent', [host])}</p>}
          </>
        )
      )}
    </section>
  );
}
