/**
 * The gateway error's response headers as the browser reported them, kept for the popup's details view (the person who
 * runs the site, or helps one, reads them there). Unlike `headers.ts`, which keeps the few values that say who
 * answered, this keeps every header, in order, but bounded: a hostile server may send thousands of headers, values of
 * megabytes, control characters and bidi overrides. Credentials are never kept (see {@link WITHHELD_HEADERS}).
 * Nothing here throws.
 */
import * as v from 'valibot';
import { cleanText } from '../shared/text';

/** Headers kept per error, at most (real gateway errors send 4 to 20: nginx 5, Cloudflare about 12, Akamai 15). */
export const MAX_RAW_HEADERS = 32;
/** Longest header name kept, characters: longer ones are counted as left out. */
export const MAX_RAW_HEADER_NAME = 64;
/** Longest header value kept, characters (a `Content-Security-Policy` may run to kilobytes; its start is enough). */
export const MAX_RAW_HEADER_VALUE = 300;
/** Names of withheld headers kept, at most. */
const MAX_WITHHELD = 8;

/**
 * Headers whose values are credentials, never kept: `Set-Cookie` (and the obsolete `Set-Cookie2`, RFC 2965) hands this
 * browser a session: whoever holds the value is signed in as the user. `Cookie`, `Authorization` and
 * `Proxy-Authorization` are request headers (RFC 9110 §11.6.2, §11.7.2; RFC 6265 §5.4) that a response should never
 * carry, but a misconfigured proxy or debug page may echo them back. The CSRF tokens of common frameworks
 * (`X-CSRF-Token`, `X-XSRF-Token`) are bound to the session too. Only their names are kept, so the details view can say
 * that the error set a cookie without showing it.
 */
export const WITHHELD_HEADERS: ReadonlySet<string> = new Set([
  'set-cookie',
  'set-cookie2',
  'cookie',
  'authorization',
  'proxy-authorization',
  'x-csrf-token',
  'x-xsrf-token',
]);

/** An HTTP field name: a token (RFC 9110 §5.1, §5.6.2), at most {@link MAX_RAW_HEADER_NAME} characters. */
const headerName = v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_RAW_HEADER_NAME), v.regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/));

/** A value as {@link readRawHeaders} keeps it: printable (`cleanText`), at most {@link MAX_RAW_HEADER_VALUE} characters. */
const headerValue = v.pipe(
  v.string(),
  v.maxLength(MAX_RAW_HEADER_VALUE),
  v.check((x) => x === cleanText(x, MAX_RAW_HEADER_VALUE), 'not a cleaned header value'),
);

/** The stored headers of an error (see {@link readRawHeaders}); the state schema keeps them with the incident. */
export const RAW_HEADERS = v.object({
  /** In the order the browser gave them; names as given (HTTP/2 and HTTP/3 send them lowercase). */
  list: v.pipe(
    v.array(v.object({ name: headerName, value: headerValue })),
    v.maxLength(MAX_RAW_HEADERS),
    v.check((list) => list.every((h) => !WITHHELD_HEADERS.has(h.name.toLowerCase())), 'a withheld header'),
  ),
  /** Lowercased names of the {@link WITHHELD_HEADERS} the answer had (deduplicated), never their values. */
  withheld: v.optional(v.pipe(v.array(v.picklist([...WITHHELD_HEADERS])), v.maxLength(MAX_WITHHELD))),
  /** Headers left out for the bounds: past {@link MAX_RAW_HEADERS}, a name that is not a token, or no text value. */
  omitted: v.optional(v.pipe(v.number(), v.safeInteger(), v.minValue(1))),
});

export type RawHeaders = v.InferOutput<typeof RAW_HEADERS>;

/**
 * Reads webRequest's `responseHeaders` (untrusted: anything that is not an array reads as none, an entry that is not
 * `{name, value}` with text is counted as left out) into what the details view shows. Values are cleaned with
 * `cleanText` (control characters, line separators and bidi overrides become spaces, whitespace collapsed) and cut at
 * {@link MAX_RAW_HEADER_VALUE} characters; credentials ({@link WITHHELD_HEADERS}) are dropped, their names noted.
 * Chromium gives a value that is not valid UTF-8 as `binaryValue` only: such a header is left out.
 */
export function readRawHeaders(headers: unknown): RawHeaders {
  const list: RawHeaders['list'] = [];
  const withheld: string[] = [];
  let omitted = 0;
  if (Array.isArray(headers)) {
    // A hostile answer may send 100 000 headers: each past the cap costs a count, never a parse.
    for (let i = 0; i < headers.length; i++) {
      const h: unknown = headers[i];
      const name = h !== null && typeof h === 'object' ? (h as { name?: unknown }).name : undefined;
      const value = h !== null && typeof h === 'object' ? (h as { value?: unknown }).value : undefined;
      if (typeof name !== 'string' || name.length > MAX_RAW_HEADER_NAME) {
        omitted++;
        continue;
      }
      const lower = name.toLowerCase();
      if (WITHHELD_HEADERS.has(lower)) {
        if (!withheld.includes(lower) && withheld.length < MAX_WITHHELD) withheld.push(lower);
        continue;
      }
      if (list.length >= MAX_RAW_HEADERS || typeof value !== 'string' || !v.is(headerName, name)) {
        omitted++;
        continue;
      }
      // Trimmed again after the cut, so a stored value reads back unchanged through the schema's check.
      list.push({ name, value: cleanText(value.slice(0, MAX_RAW_HEADER_VALUE * 4), MAX_RAW_HEADER_VALUE).trimEnd() });
    }
  }
  return { list, ...(withheld.length > 0 ? { withheld } : {}), ...(omitted > 0 ? { omitted } : {}) };
}
