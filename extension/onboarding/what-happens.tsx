/**
 * What the extension does on a 502, in three steps a new user reads in a few seconds: the page fails, the extension
 * retries and says so on its button, the page comes back by itself (and a form is never sent again). Static text with
 * simple marks; the one bit of motion (the retry mark turning) runs only without `prefers-reduced-motion`.
 */
import type { Translate } from '../shared/status-consent';

export function WhatHappens({ t }: { t: Translate }) {
  return (
    <section aria-labelledby="what-heading" data-testid="what-happens">
      <h2 id="what-heading">{t('onboardingWhatTitle')}</h2>
      <ol class="strip">
        <li>
          <span class="strip-mark fail" aria-hidden="true">
            502
          </span>
          <span>{t('onboardingWhatFails')}</span>
        </li>
        <li>
          <span class="strip-mark retry" aria-hidden="true">
            <span class="turn">↻</span>
          </span>
          <span>{t('onboardingWhatRetries')}</span>
        </li>
        <li>
          <span class="strip-mark back" aria-hidden="true">
            ✓
          </span>
          <span>{t('onboardingWhatBack')}</span>
        </li>
      </ol>
    </section>
  );
}
