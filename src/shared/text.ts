/**
 * Words for people travel from `src` as i18n keys, so every string lives in `public/_locales`; and the helpers that
 * keep untrusted text (headers, provider answers) printable and short before it is stored or shown.
 */

import type messages from '../../public/_locales/en/messages.json';

/**
 * A key of `public/_locales/en/messages.json` (English is the default locale; `test/unit/locales.test.ts` checks the
 * others have the same keys). Only the type is imported: no message text reaches a bundle this way. A misspelt key,
 * or one built at run time that may not exist, is a type error.
 */
export type MessageKey = keyof typeof messages;

/** The keys a status source's evidence may use: its own `evidence...` lines and the `reason_...` of an `unknown`. */
/** The i18n lookup a view renders with: `browser.i18n.getMessage` in the extension, the English messages in tests. */
export type Translate = (key: MessageKey, subs?: readonly string[]) => string;

export type EvidenceKey = Extract<MessageKey, `evidence${string}` | `reason_${string}`>;

/** An i18n message key with its substitutions (`$1..$9`, in order); `K` narrows the keys allowed. */
export interface I18nText<K extends MessageKey = MessageKey> {
  readonly key: K;
  readonly subs?: readonly string[];
}

/** Keeps untrusted free text (a provider's, a header's) printable and at most `max` characters long. */
export function cleanText(x: string, max = 120): string {
  // Control characters (C0, DEL, C1), line and paragraph separators, and bidi overrides and isolates: each could
  // break a line of the page or make the text read as something else.
  return x.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, ' ').replace(/\s+/g, ' ').trim().slice(0, max);
}

/**
 * Like {@link cleanText}, but a text longer than `max` is cut at the last space or `/` before it and ends in `…`:
 * a label is never cut mid-word ("(CloudFr", issue 12). A single word longer than `max` is cut where it must be.
 */
export function clipWords(x: string, max = 60): string {
  const text = cleanText(x, Number.MAX_SAFE_INTEGER);
  if (text.length <= max) return text;
  const room = text.slice(0, Math.max(1, max - 1));
  const at = Math.max(room.lastIndexOf(' '), room.lastIndexOf('/'));
  return `${(at >= max / 3 ? room.slice(0, at) : room).trimEnd()}…`;
}

/** `link` if it is an absolute http(s) URL without credentials, else `undefined` (a provider's link is untrusted). */
export function safeLink(link: unknown): string | undefined {
  if (typeof link !== 'string' || link.length > 2000) return undefined;
  try {
    const u = new URL(link);
    if ((u.protocol !== 'https:' && u.protocol !== 'http:') || u.username !== '' || u.password !== '') return undefined;
    return u.href;
  } catch {
    return undefined;
  }
}

/**
 * Statuses with a known name: the gateway codes, and the answers a probe may get instead (a 403 challenge, a 429, a
 * 501). Each has the key of its name in the user's language and its reason phrase as the protocol spells it: RFC 9110
 * §15.5-15.6, RFC 6585 §4 for 429, and Cloudflare's 5xx error documentation for 520-524
 * (https://developers.cloudflare.com/support/troubleshooting/http-status-codes/cloudflare-5xx-errors/). The German
 * names and their sources are listed in `public/_locales/SOURCES.md`.
 */
const STATUS_NAMES = new Map<number, { readonly key: MessageKey; readonly reason: string }>([
  [403, { key: 'status403', reason: 'Forbidden' }],
  [429, { key: 'status429', reason: 'Too Many Requests' }],
  [500, { key: 'status500', reason: 'Internal Server Error' }],
  [501, { key: 'status501', reason: 'Not Implemented' }],
  [502, { key: 'status502', reason: 'Bad Gateway' }],
  [503, { key: 'status503', reason: 'Service Unavailable' }],
  [504, { key: 'status504', reason: 'Gateway Timeout' }],
  [520, { key: 'status520', reason: 'Web Server Returned an Unknown Error' }],
  [521, { key: 'status521', reason: 'Web Server Is Down' }],
  [522, { key: 'status522', reason: 'Connection Timed Out' }],
  [523, { key: 'status523', reason: 'Origin Is Unreachable' }],
  [524, { key: 'status524', reason: 'A Timeout Occurred' }],
]);

/** The key of a status' name, e.g. `status502` = "Bad Gateway" ("Fehlerhaftes Gateway"); unknown codes get a generic name. */
export function statusNameText(code: number): I18nText {
  return { key: STATUS_NAMES.get(code)?.key ?? 'statusOther' };
}

/**
 * A site's answer as words inside a sentence: "429 Too Many Requests" ("429 (Zu viele Anfragen)", through
 * `statusCodeAndName`) for a status with a known name, the bare code otherwise ("410"): unlike
 * {@link statusNameText}, never the generic "Gateway error", since the answer is not one.
 *
 * @param render - the i18n lookup
 */
export function answerCodeWords(code: number, render: (t: I18nText) => string): string {
  const known = STATUS_NAMES.get(code);
  return known === undefined ? String(code) : render({ key: 'statusCodeAndName', subs: [String(code), render({ key: known.key })] });
}

/**
 * A status for the report a user copies to the site's support: the code and its reason phrase as the protocol spells
 * it, "502 Bad Gateway", which is what an operator finds in logs and searches for, followed by the name in the
 * user's language when it differs: "502 Bad Gateway (Fehlerhaftes Gateway)". A code without a known name keeps the
 * generic name ("599 Gateway-Fehler").
 *
 * @param render - the i18n lookup
 */
export function reportStatusWords(code: number, render: (t: I18nText) => string): string {
  const known = STATUS_NAMES.get(code);
  if (known === undefined) return `${code} ${render({ key: 'statusOther' })}`;
  const local = render({ key: known.key });
  return local === known.reason ? `${code} ${known.reason}` : `${code} ${known.reason} (${local})`;
}

/**
 * The language the messages are in: the `languageTag` message of the locale the browser picked (its UI language, or
 * English when the extension has no translation for it), so a number or a unit formatted by `Intl` is in the same
 * language as the sentence around it (`browser.i18n.getUILanguage()` could name a language the messages are not in).
 *
 * @param render - the i18n lookup
 */
export function messagesLocale(render: (t: I18nText) => string): string {
  try {
    return Intl.getCanonicalLocales(render({ key: 'languageTag' }))[0] ?? 'en';
  } catch {
    // Not a language tag (a lookup that answers with the key, in a test): English, the default locale.
    return 'en';
  }
}

/** A duration in the one unit it is said in: seconds below 90 s, minutes below 90 min, hours above (rounded). */
function durationParts(ms: number, round: (x: number) => number): { value: number; unit: 'second' | 'minute' | 'hour' } {
  const s = Math.max(0, round(ms / 1000));
  if (s < 90) return { value: s, unit: 'second' };
  const min = Math.round(s / 60);
  if (min < 90) return { value: min, unit: 'minute' };
  return { value: Math.round(min / 60), unit: 'hour' };
}

/**
 * A duration in words, "42 seconds", "3 minutes", "2 hours", through `Intl.NumberFormat`'s long unit style (MDN:
 * "Intl.NumberFormat", `style: 'unit'`). The one formatter of a duration, for the popup, the notifications, the
 * history and the report.
 *
 * @param ms - the duration, ms (a negative one reads as 0)
 * @param render - the i18n lookup; its `languageTag` picks the language ({@link messagesLocale})
 */
export function durationText(ms: number, render: (t: I18nText) => string): string {
  const { value, unit } = durationParts(ms, Math.round);
  return new Intl.NumberFormat(messagesLocale(render), { style: 'unit', unit, unitDisplay: 'long' }).format(value);
}

/**
 * A wait from now in words, "in 20 seconds", "in 30 minutes", through `Intl.RelativeTimeFormat` (MDN:
 * "Intl.RelativeTimeFormat"); seconds are rounded up, so a countdown never says "in 0 seconds" while a wait is left.
 *
 * @param ms - the time left, ms
 * @param render - the i18n lookup; its `languageTag` picks the language ({@link messagesLocale})
 */
export function inDurationText(ms: number, render: (t: I18nText) => string): string {
  const { value, unit } = durationParts(ms, Math.ceil);
  return new Intl.RelativeTimeFormat(messagesLocale(render), { numeric: 'always' }).format(value, unit);
}
