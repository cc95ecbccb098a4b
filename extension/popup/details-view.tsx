/**
 * The popup's folded "Details" for the person who runs the site, or helps one: renders the view model's `details`
 * (`src/view/details-view.ts`) and derives nothing. Folded by default: a visitor needs none of it to get the page back.
 */
import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import type { I18nText, Translate } from '../../src/shared/text';
import type { DetailsView } from '../../src/view/details-view';
import type { GuideActions } from './guide-actions';

export interface DetailsSectionProps {
  readonly details: DetailsView;
  readonly t: Translate;
  /** Puts text on the clipboard (the guide's `copy`); false when the browser refused. */
  readonly copy: GuideActions['copy'];
  /** Unfolded on first paint (tests and screenshots); default folded. */
  readonly open?: boolean;
}

export function DetailsSection({ details, t, copy, open = false }: DetailsSectionProps) {
  const [copied, setCopied] = useState<boolean | null>(null);
  // Its content is made only once unfolded: a folded section costs the popup's first paint nothing, and holds no
  // button a reader of the popup's actions could come across.
  const [unfolded, setUnfolded] = useState(open);
  return (
    <details class="details" data-testid="details" open={unfolded} onToggle={(e) => setUnfolded(e.currentTarget.open)}>
      <summary>{t('detailsTitle')}</summary>
      {unfolded && <Content details={details} t={t} copy={copy} copied={copied} setCopied={setCopied} />}
    </details>
  );
}

function Content({ details, t, copy, copied, setCopied }: Omit<DetailsSectionProps, 'open'> & { copied: boolean | null; setCopied: (x: boolean) => void }) {
  const render = (x: I18nText) => t(x.key, x.subs);
  return (
    <>
      <dl data-testid="details-facts">
        {details.facts.map((f) => (
          <Fragment key={f.id}>
            <dt>{render(f.label)}</dt>
            <dd data-testid={`detail-${f.id}`}>{f.value}</dd>
          </Fragment>
        ))}
      </dl>
      <h3>{t('detailsHeadersTitle')}</h3>
      {details.headers.length > 0 && (
        <dl class="headers" data-testid="details-headers">
          {details.headers.map((h, i) => (
            <Fragment key={i}>
              <dt>{h.name}</dt>
              <dd>{h.value}</dd>
            </Fragment>
          ))}
        </dl>
      )}
      {details.headerNotes.map((n) => (
        <p class="muted small" key={n.key} data-testid="details-header-note">
          {render(n)}
        </p>
      ))}
      {details.curl !== null && (
        <div class="curl" data-testid="details-curl">
          {details.curlNotes.map((n) => (
            <p class="muted small" key={n.key}>
              {render(n)}
            </p>
          ))}
          <pre data-testid="curl-command">
            {details.curl}
          </pre>
          <div class="row">
            <button type="button" class="secondary small" data-testid="copy-curl" onClick={() => void copy(details.curl!).then(setCopied)}>
              {t('detailsCurlButton')}
            </button>
            <span class="small" role="status" aria-live="polite">
              {copied === null ? '' : copied ? t('guideCopied') : t('guideCopyFailed')}
            </span>
          </div>
        </div>
      )}
    </>
  );
}
