/** `browser.i18n` lookups for views and notifications. */
import browser from 'webextension-polyfill';
import type { MessageKey, I18nText } from '../../src/shared/text';

/** One message by key; `$1..$9` in the message take `subs`. Falls back to the key so a missing string is visible. */
export function t(key: MessageKey, subs?: readonly string[]): string {
  return browser.i18n.getMessage(key, subs ? [...subs] : undefined) || key;
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
