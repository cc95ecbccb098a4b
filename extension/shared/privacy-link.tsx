/**
 * The link to the privacy policy. The policy ships inside the extension (`privacy.html` at the build's root, made from
 * `docs/privacy.md` by `scripts/build.mjs`), so it can be read offline and always matches the installed version. The
 * pages that link to it live two folders down (`extension/<page>/index.html`).
 */
import type { Translate } from './status-consent';

/** Where the policy is, seen from an extension page. */
export const PRIVACY_POLICY_HREF = '../../privacy.html';

export function PrivacyLink({ t }: { readonly t: Translate }) {
  return (
    <a href={PRIVACY_POLICY_HREF} target="_blank" rel="noopener" data-testid="privacy-policy">
      {t('privacyPolicyLink')}
    </a>
  );
}
