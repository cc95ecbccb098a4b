/**
 * The English messages as `browser.i18n.getMessage` serves them, for code that runs outside a browser (tests with a
 * fake browser, the demo's timeline).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// A path, not `new URL('…', import.meta.url)`: in a DOM test environment (happy-dom) Vite rewrites that pattern into
// the address of a web asset, which the file system cannot read.
export const MESSAGES: Readonly<Record<string, { message: string }>> = JSON.parse(
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
