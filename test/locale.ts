/**
 * The English messages as `browser.i18n.getMessage` serves them, for code that runs outside a browser (tests with a
 * fake browser, the demo's timeline).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const MESSAGES: Readonly<Record<string, { message: string }>> = JSON.parse(
  // A path, not `new URL(..., import.meta.url)`: Vite rewrites that pattern into a served asset's http URL in the
  // happy-dom environment of the view tests.
  readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../public/_locales/en/messages.json'), 'utf8'),
);

/** `$1..$9` in `message` take `subs` in order, as chrome.i18n does. */
export function substitute(message: string, subs?: string | readonly string[]): string {
  const list = subs === undefined ? [] : typeof subs === 'string' ? [subs] : subs;
  return message.replace(/\$(\d)/g, (_, n: string) => list[Number(n) - 1] ?? '');
}

/** Like `browser.i18n.getMessage`: an unknown key gives an empty string. */
export function getMessage(key: string, subs?: string | readonly string[]): string {
  return substitute(MESSAGES[key]?.message ?? '', subs);
}

/** Like {@link getMessage}, but a missing key throws: a view test then fails on a string that is not in the locale. */
export function strictT(key: string, subs?: readonly string[]): string {
  const m = MESSAGES[key]?.message;
  if (m === undefined) throw new Error(`missing message ${key}`);
  return substitute(m, subs);
}

/**
 * Like {@link strictT}, in the locale `locale` (a folder of `public/_locales`): a key missing there throws, so a view
 * test in German fails on a string that was never translated rather than showing English.
 */
export function strictTIn(locale: string): (key: string, subs?: readonly string[]) => string {
  const messages: Readonly<Record<string, { message: string }>> = JSON.parse(
    readFileSync(join(dirname(fileURLToPath(import.meta.url)), `../public/_locales/${locale}/messages.json`), 'utf8'),
  );
  return (key, subs) => {
    const m = messages[key]?.message;
    if (m === undefined) throw new Error(`missing ${locale} message ${key}`);
    return substitute(m, subs);
  };
}
