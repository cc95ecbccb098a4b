/** `browser.i18n` lookups for views and notifications. */
import browser from 'webextension-polyfill';
import type { MessageKey, I18nText } from '../../src/shared/text';
import { keyForBrowser } from '../../src/shared/browser-words';
import { browserFamily } from './browser-family';

/**
 * One message by key; `$1..$9` in the message take `subs`. Falls back to the key so a missing string is visible. A
 * message that names a private window is rendered in this browser's own word ("Incognito" in Chrome), see
 * `src/shared/browser-words.ts`.
 */
export function t(key: MessageKey, subs?: readonly string[]): string {
  const shown = keyForBrowser(key, browserFamily());
  return browser.i18n.getMessage(shown, subs ? [...subs] : undefined) || key;
}

/** Renders a {@link I18nText} from `src`. */
export function renderText(text: I18nText): string {
  return t(text.key, text.subs);
}

/**
 * Sets `<html lang>` to the language the messages are in (the browser falls back to English for a language without a
 * translation), so a screen reader reads them with the right voice.
 */
export function applyPageLanguage(): void {
  document.documentElement.lang = t('languageTag');
}
