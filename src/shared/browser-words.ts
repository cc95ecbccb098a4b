/**
 * The browsers' own words. Chrome calls a private window an "Incognito window" ("Inkognitofenster", "fenêtre de
 * navigation privée" in its French UI), Firefox a "private window" ("privates Fenster", "fenêtre privée"); a guide
 * step that says "private window" in Chrome names a menu item the user will not find. Every message that names a
 * private window therefore has a Chromium variant, and {@link keyForBrowser} picks it: the extension's one i18n lookup
 * (`extension/shared/i18n.ts`) applies it to every message it renders, so `src` keeps one key per meaning and the
 * browser's word is chosen in this one place.
 *
 * Sources: Chrome Help "Browse in Incognito mode" (support.google.com/chrome/answer/95464; German: "Neues
 * Inkognitofenster", "Im Inkognitomodus zulassen" on chrome://extensions); Firefox Help "Private Browsing"
 * (support.mozilla.org/kb/private-browsing-use-firefox-without-history; German: "Neues privates Fenster", "In
 * privaten Fenstern ausführen" in the add-on manager).
 */
import type { MessageKey } from './text';

/** The browser a build is for (`__BROWSER__`, see `extension/shared/browser-family.ts`): Chrome is `chromium`. */
export type BrowserFamily = 'chromium' | 'firefox';

/**
 * The messages that name a private window, each with its Chromium variant. The base key holds Firefox's word
 * ("private window", which is also the browsers' generic term); the variant Chrome's ("Incognito window").
 * `test/unit/browser-words.test.ts` checks that every English message naming a private window is listed here.
 */
export const CHROMIUM_WORDS = {
  notifPrivateSite: 'notifPrivateSiteChromium',
  notifWatchingPrivate: 'notifWatchingPrivateChromium',
  notifReloadCapPrivate: 'notifReloadCapPrivateChromium',
  popupPhaseWatchingPrivate: 'popupPhaseWatchingPrivateChromium',
  popupPhaseReloadCapPrivate: 'popupPhaseReloadCapPrivateChromium',
  consentWhenNotIncognito: 'consentWhenNotIncognitoChromium',
  guidePrivateTitle: 'guidePrivateTitleChromium',
  guidePrivateWhy: 'guidePrivateWhyChromium',
  guidePrivateWhatAllowed: 'guidePrivateWhatAllowedChromium',
  guidePrivateWhatByHand: 'guidePrivateWhatByHandChromium',
  guidePrivateButton: 'guidePrivateButtonChromium',
  guidePrivateOpened: 'guidePrivateOpenedChromium',
  guidePrivateFailed: 'guidePrivateFailedChromium',
} as const satisfies Partial<Record<MessageKey, MessageKey>>;

const VARIANTS: Partial<Record<MessageKey, MessageKey>> = CHROMIUM_WORDS;

/** The key to render for `key` in `browser`: its Chromium variant where it has one, else `key` itself. */
export function keyForBrowser(key: MessageKey, browser: BrowserFamily): MessageKey {
  return browser === 'chromium' ? (VARIANTS[key] ?? key) : key;
}
