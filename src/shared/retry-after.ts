/**
 * `Retry-After` parsing, RFC 9110 §10.2.3: `Retry-After = HTTP-date / delay-seconds`.
 *
 * HTTP-date has three accepted forms (RFC 9110 §5.6.7): IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the obsolete
 * RFC 850 form (`Sunday, 06-Nov-94 08:49:37 GMT`) and ANSI C asctime (`Sun Nov  6 08:49:37 1994`). Anything else is
 * rejected with a reason; nothing here throws.
 *
 * delay-seconds is `1*DIGIT` in the RFC, but real servers send a decimal fraction: Sentry's rate limiter
 * (`292.052427053`, getsentry/sentry#7919), Microsoft Graph (`2.128` in its throttling docs, `2.542` in
 * microsoft/dotnet#955), the SpaceTraders API (`0.493`, SpaceTradersAPI/api-docs#24) and Spring-based servers (`2.0`,
 * OpenFeign/feign#980). Refusing them would throw away the server's own wait, so `digits.digits` is read and rounded
 * UP to whole seconds (waiting a little longer never breaks the server's request). Anything looser (`.5`, `1e3`,
 * `+5`, `1,5`) is still refused: no server was found sending it.
 */

/** Outcome of {@link parseRetryAfter}: a delay in ms from `nowMs`, or the reason the value was refused. */
type RetryAfter =
  | { readonly ok: true; readonly delayMs: number; readonly form: 'delay-seconds' | 'http-date' }
  | { readonly ok: false; readonly reason: string };

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const DAY_LONG = '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)';
const MONTH = `(${MONTHS.join('|')})`;
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';
const IMF_FIXDATE = new RegExp(`^${DAY}, (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`);
const RFC850_DATE = new RegExp(`^${DAY_LONG}, (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`);
const ASCTIME_DATE = new RegExp(`^${DAY} ${MONTH} ([ \\d]\\d) ${TIME} (\\d{4})$`);

/** Longest value we read; a real header is under 40 characters. */
const MAX_LENGTH = 64;

/**
 * Parses an HTTP-date (RFC 9110 §5.6.7) to epoch ms, or `null` when it is not one of the three forms or names an
 * impossible date (31 Feb, hour 25).
 */
export function parseHttpDate(value: string, nowMs: number): number | null {
  let day: number, month: number, year: number, hh: number, mm: number, ss: number;
  let m = IMF_FIXDATE.exec(value);
  if (m) {
    [day, month, year, hh, mm, ss] = [Number(m[1]), MONTHS.indexOf(m[2]!), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])];
  } else if ((m = RFC850_DATE.exec(value))) {
    [day, month, hh, mm, ss] = [Number(m[1]), MONTHS.indexOf(m[2]!), Number(m[4]), Number(m[5]), Number(m[6])];
    // RFC 9110 §5.6.7: a two-digit year more than 50 years in the future is read as the most recent past such year.
    const thisYear = new Date(nowMs).getUTCFullYear();
    year = Math.floor(thisYear / 100) * 100 + Number(m[3]);
    if (year > thisYear + 50) year -= 100;
  } else if ((m = ASCTIME_DATE.exec(value))) {
    [month, day, hh, mm, ss, year] = [MONTHS.indexOf(m[1]!), Number(m[2]!.trim()), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])];
  } else {
    return null;
  }
  if (hh > 23 || mm > 59 || ss > 60 || day < 1) return null;
  const ms = Date.UTC(year, month, day, hh, mm, Math.min(ss, 59));
  // Date.UTC rolls 31 Feb over into March: refuse instead of guessing.
  if (new Date(ms).getUTCDate() !== day) return null;
  return ms;
}

/**
 * Reads a `Retry-After` header value (RFC 9110 §10.2.3).
 *
 * @param value - the raw header value, untrusted (may be missing, huge, or hold control characters)
 * @param nowMs - the current time, epoch ms (an HTTP-date is turned into a delay from it)
 * @returns `delayMs` >= 0 (a date in the past gives 0), or `ok: false` with a reason. Never throws.
 */
export function parseRetryAfter(value: string | undefined | null, nowMs: number): RetryAfter {
  if (value == null) return { ok: false, reason: 'absent' };
  if (value.length > MAX_LENGTH) return { ok: false, reason: `longer than ${MAX_LENGTH} characters` };
  const v = value.trim();
  if (v === '') return { ok: false, reason: 'empty' };
  const m = /^(\d+)(?:\.(\d+))?$/.exec(v);
  if (m) {
    const whole = Number(m[1]);
    if (!Number.isSafeInteger(whole)) return { ok: false, reason: 'delay-seconds out of range' };
    // A fraction rounds the wait up to the next second (see the file comment); `0.000` stays 0.
    const seconds = m[2] !== undefined && /[1-9]/.test(m[2]) ? whole + 1 : whole;
    if (!Number.isSafeInteger(seconds)) return { ok: false, reason: 'delay-seconds out of range' };
    return { ok: true, delayMs: seconds * 1000, form: 'delay-seconds' };
  }
  const at = parseHttpDate(v, nowMs);
  if (at === null) return { ok: false, reason: 'neither delay-seconds nor an HTTP-date' };
  return { ok: true, delayMs: Math.max(0, at - nowMs), form: 'http-date' };
}
