import { describe, expect, it } from 'vitest';
import { parseHttpDate, parseRetryAfter } from '../../src/shared/retry-after';

/** Sunday 15 June 2025, 12:00:00 UTC: every test measures from this fixed clock. */
const NOW = Date.UTC(2025, 5, 15, 12, 0, 0);
/** The RFC 9110 §5.6.7 example instant, Sun, 06 Nov 1994 08:49:37 GMT. */
const RFC_EXAMPLE_MS = 784_111_777_000;

const NOT_A_DATE = { ok: false, reason: 'neither delay-seconds nor an HTTP-date' } as const;

describe('parseRetryAfter: delay-seconds', () => {
  it('reads "0" as no delay', () => {
    expect(parseRetryAfter('0', NOW)).toEqual({ ok: true, delayMs: 0, form: 'delay-seconds' });
  });

  it('reads "120" as 120 000 ms', () => {
    expect(parseRetryAfter('120', NOW)).toEqual({ ok: true, delayMs: 120_000, form: 'delay-seconds' });
  });

  it('does not depend on nowMs', () => {
    expect(parseRetryAfter('120', 0)).toEqual(parseRetryAfter('120', NOW));
  });

  it('reads leading zeros as a decimal number', () => {
    expect(parseRetryAfter('007', NOW)).toEqual({ ok: true, delayMs: 7_000, form: 'delay-seconds' });
  });

  it.each([' 120', '120 ', '  120  ', '\t120\r\n'])('ignores surrounding whitespace in %j', (value) => {
    expect(parseRetryAfter(value, NOW)).toEqual({ ok: true, delayMs: 120_000, form: 'delay-seconds' });
  });

  it('accepts the largest safe integer', () => {
    expect(parseRetryAfter(String(Number.MAX_SAFE_INTEGER), NOW)).toEqual({
      ok: true,
      delayMs: Number.MAX_SAFE_INTEGER * 1000,
      form: 'delay-seconds',
    });
  });

  it.each([String(Number.MAX_SAFE_INTEGER + 1), '99999999999999999999', '9'.repeat(64)])(
    'refuses %s, beyond a safe integer',
    (value) => {
      expect(parseRetryAfter(value, NOW)).toEqual({ ok: false, reason: 'delay-seconds out of range' });
    },
  );

  it.each(['-1', '-0', '-120'])('refuses the negative number %s', (value) => {
    expect(parseRetryAfter(value, NOW)).toEqual(NOT_A_DATE);
  });

  it.each([
    ['1.5', 2_000],
    ['0.000', 0],
    ['10.752', 11_000],
    ['2.0', 2_000],
    ['292.052427053', 293_000],
  ])('rounds the decimal fraction %s up to whole seconds (real servers send them)', (value, delayMs) => {
    expect(parseRetryAfter(value, NOW)).toEqual({ ok: true, delayMs, form: 'delay-seconds' });
  });

  it.each(['1,5', '.5', '1.', '1.2.3', '-0.5', '1e3', '+5', '0x10', '12 0', '١٢٠' /* Arabic-Indic digits */, '１２０' /* full-width */])(
    'refuses %j, which is neither 1*DIGIT nor digits.digits',
    (value) => {
      expect(parseRetryAfter(value, NOW)).toEqual(NOT_A_DATE);
    },
  );
});

describe('parseRetryAfter: HTTP-date (RFC 9110 §5.6.7)', () => {
  it('reads an IMF-fixdate in the future as the delay until it', () => {
    expect(parseRetryAfter('Sun, 15 Jun 2025 12:02:00 GMT', NOW)).toEqual({ ok: true, delayMs: 120_000, form: 'http-date' });
  });

  it('reads an IMF-fixdate a day ahead', () => {
    expect(parseRetryAfter('Mon, 16 Jun 2025 12:00:00 GMT', NOW)).toEqual({ ok: true, delayMs: 86_400_000, form: 'http-date' });
  });

  it('reads the RFC example IMF-fixdate to the right instant', () => {
    expect(parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT', NOW)).toBe(RFC_EXAMPLE_MS);
    expect(parseRetryAfter('Sun, 06 Nov 1994 08:49:37 GMT', RFC_EXAMPLE_MS - 37_000)).toEqual({
      ok: true,
      delayMs: 37_000,
      form: 'http-date',
    });
  });

  it('reads the RFC 850 form', () => {
    expect(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT', NOW)).toBe(RFC_EXAMPLE_MS);
    expect(parseRetryAfter('Tuesday, 15-Jul-25 12:00:00 GMT', NOW)).toEqual({
      ok: true,
      delayMs: 30 * 86_400_000,
      form: 'http-date',
    });
  });

  describe('RFC 850 two-digit years (the 50-year rule), now = mid-2025', () => {
    it.each([
      ['Saturday, 01-Jan-00 00:00:00 GMT', Date.UTC(2000, 0, 1)],
      ['Friday, 01-Jan-49 00:00:00 GMT', Date.UTC(2049, 0, 1)],
      // 2075 is 50 years ahead, not more: it stays in this century.
      ['Tuesday, 01-Jan-75 00:00:00 GMT', Date.UTC(2075, 0, 1)],
      // 2076 would be more than 50 years ahead: the most recent past year ending in 76 is 1976.
      ['Thursday, 01-Jan-76 00:00:00 GMT', Date.UTC(1976, 0, 1)],
      ['Sunday, 06-Nov-94 08:49:37 GMT', RFC_EXAMPLE_MS],
      ['Friday, 31-Dec-99 23:59:59 GMT', Date.UTC(1999, 11, 31, 23, 59, 59)],
    ])('%s', (value, expected) => {
      expect(parseHttpDate(value, NOW)).toBe(expected);
    });

    it('reads a year beyond the 50-year window as a past date, so the delay is 0', () => {
      expect(parseRetryAfter('Thursday, 01-Jan-76 00:00:00 GMT', NOW)).toEqual({ ok: true, delayMs: 0, form: 'http-date' });
    });

    it('moves the window with nowMs', () => {
      const in2080 = Date.UTC(2080, 0, 1);
      expect(parseHttpDate('Saturday, 06-Nov-94 08:49:37 GMT', in2080)).toBe(Date.UTC(2094, 10, 6, 8, 49, 37));
      expect(parseHttpDate('Thursday, 01-Jan-76 00:00:00 GMT', in2080)).toBe(Date.UTC(2076, 0, 1));
    });
  });

  it('reads the asctime form with a space-padded day', () => {
    expect(parseHttpDate('Sun Nov  6 08:49:37 1994', NOW)).toBe(RFC_EXAMPLE_MS);
  });

  it('reads the asctime form with a two-digit day', () => {
    expect(parseRetryAfter('Sun Jun 15 12:00:30 2025', NOW)).toEqual({ ok: true, delayMs: 30_000, form: 'http-date' });
  });

  it('reads the asctime form with a zero-padded day', () => {
    expect(parseHttpDate('Sun Nov 06 08:49:37 1994', NOW)).toBe(RFC_EXAMPLE_MS);
  });

  it('refuses asctime without the padding space before a one-digit day', () => {
    expect(parseHttpDate('Sun Nov 6 08:49:37 1994', NOW)).toBeNull();
  });

  it.each([
    ['IMF-fixdate', 'Sun, 06 Nov 1994 08:49:37 GMT'],
    ['RFC 850', 'Sunday, 06-Nov-94 08:49:37 GMT'],
    ['asctime', 'Sun Nov  6 08:49:37 1994'],
    ['IMF-fixdate one second ago', 'Sun, 15 Jun 2025 11:59:59 GMT'],
    ['IMF-fixdate exactly now', 'Sun, 15 Jun 2025 12:00:00 GMT'],
  ])('gives 0 for a date in the past (%s)', (_form, value) => {
    expect(parseRetryAfter(value, NOW)).toEqual({ ok: true, delayMs: 0, form: 'http-date' });
  });

  it('trims whitespace around a date', () => {
    expect(parseRetryAfter('  Sun, 15 Jun 2025 12:02:00 GMT\t', NOW)).toEqual({ ok: true, delayMs: 120_000, form: 'http-date' });
  });

  it('reads a leap second as the second before it', () => {
    expect(parseHttpDate('Wed, 31 Dec 2025 23:59:60 GMT', NOW)).toBe(Date.UTC(2025, 11, 31, 23, 59, 59));
  });

  it('accepts 29 Feb in a leap year', () => {
    expect(parseHttpDate('Tue, 29 Feb 2028 00:00:00 GMT', NOW)).toBe(Date.UTC(2028, 1, 29));
  });

  it.each([
    ['31 Feb', 'Fri, 31 Feb 2025 12:00:00 GMT'],
    ['29 Feb in a common year', 'Sat, 29 Feb 2025 12:00:00 GMT'],
    ['31 Jun', 'Tue, 31 Jun 2025 12:00:00 GMT'],
    ['31 Apr (RFC 850)', 'Thursday, 31-Apr-25 12:00:00 GMT'],
    ['30 Feb (asctime)', 'Sun Feb 30 12:00:00 2025'],
    ['day 00', 'Sun, 00 Jun 2025 12:00:00 GMT'],
    ['day 32', 'Sun, 32 Jan 2025 12:00:00 GMT'],
    ['hour 24', 'Sun, 15 Jun 2025 24:00:00 GMT'],
    ['hour 25', 'Sun, 15 Jun 2025 25:00:00 GMT'],
    ['minute 60', 'Sun, 15 Jun 2025 12:60:00 GMT'],
    ['second 61', 'Sun, 15 Jun 2025 12:00:61 GMT'],
    ['hour 99 (asctime)', 'Sun Jun 15 99:00:00 2025'],
  ])('refuses an impossible date: %s', (_what, value) => {
    expect(parseHttpDate(value, NOW)).toBeNull();
    expect(parseRetryAfter(value, NOW)).toEqual(NOT_A_DATE);
  });

  it.each([
    ['a zone other than GMT', 'Sun, 15 Jun 2025 12:02:00 UTC'],
    ['a numeric zone', 'Sun, 15 Jun 2025 12:02:00 +0000'],
    ['lowercase month and day', 'sun, 15 jun 2025 12:02:00 GMT'],
    ['a long day name in IMF-fixdate', 'Sunday, 15 Jun 2025 12:02:00 GMT'],
    ['a short day name in RFC 850', 'Sun, 15-Jun-25 12:02:00 GMT'],
    ['a four-digit year in RFC 850', 'Sunday, 15-Jun-2025 12:02:00 GMT'],
    ['a two-digit year in IMF-fixdate', 'Sun, 15 Jun 25 12:02:00 GMT'],
    ['a one-digit day in IMF-fixdate', 'Sun, 5 Jun 2025 12:02:00 GMT'],
    ['a missing seconds field', 'Sun, 15 Jun 2025 12:02 GMT'],
    ['a full month name', 'Sun, 15 June 2025 12:02:00 GMT'],
    ['an ISO 8601 date', '2025-06-15T12:02:00Z'],
    ['a date without time', 'Sun, 15 Jun 2025'],
    ['an asctime with a zone', 'Sun Jun 15 12:00:30 2025 GMT'],
  ])('refuses %s', (_what, value) => {
    expect(parseRetryAfter(value, NOW)).toEqual(NOT_A_DATE);
  });
});

describe('parseRetryAfter: refused values', () => {
  it.each(['soon', 'later please', 'null', 'NaN', 'Infinity', '120s', '2 minutes', '<script>', '"120"'])(
    'refuses the garbage %j',
    (value) => {
      expect(parseRetryAfter(value, NOW)).toEqual(NOT_A_DATE);
    },
  );

  it.each(['12\u00000', '120\u0000', '\u0007120', '1\u001b[2J', '120\u007f', 'Sun, 15 Jun 2025 12:02:00 GMT\u0000'])(
    'refuses a value with a control character inside or outside it: %j',
    (value) => {
      expect(parseRetryAfter(value, NOW)).toEqual(NOT_A_DATE);
    },
  );

  it.each(['', ' ', '\t\r\n '])('calls %j empty', (value) => {
    expect(parseRetryAfter(value, NOW)).toEqual({ ok: false, reason: 'empty' });
  });

  it('calls undefined absent', () => {
    expect(parseRetryAfter(undefined, NOW)).toEqual({ ok: false, reason: 'absent' });
  });

  it('calls null absent', () => {
    expect(parseRetryAfter(null, NOW)).toEqual({ ok: false, reason: 'absent' });
  });

  it('reads a value of exactly 64 characters', () => {
    const value = '0'.repeat(63) + '1';
    expect(value).toHaveLength(64);
    expect(parseRetryAfter(value, NOW)).toEqual({ ok: true, delayMs: 1_000, form: 'delay-seconds' });
  });

  it('refuses a value of 65 characters', () => {
    expect(parseRetryAfter('0'.repeat(64) + '1', NOW)).toEqual({ ok: false, reason: 'longer than 64 characters' });
  });

  it('measures the length before trimming, so padding cannot smuggle in a long value', () => {
    const padded = `${' '.repeat(40)}Sun, 15 Jun 2025 12:02:00 GMT`;
    expect(padded.length).toBeGreaterThan(64);
    expect(parseRetryAfter(padded, NOW)).toEqual({ ok: false, reason: 'longer than 64 characters' });
  });

  it('refuses a megabyte of digits without trying to read it', () => {
    expect(parseRetryAfter('9'.repeat(1_000_000), NOW)).toEqual({ ok: false, reason: 'longer than 64 characters' });
  });

  it('never throws and always returns a well-formed result', () => {
    const odd = ['\uD800', '\u{1F600}', '0'.repeat(64), ' 0 ', ',', 'Sun,', 'GMT', '00:00:00', '\u2028120', '1\n2'];
    for (const value of odd) {
      const r = parseRetryAfter(value, NOW);
      if (r.ok) {
        expect(Number.isFinite(r.delayMs)).toBe(true);
        expect(r.delayMs).toBeGreaterThanOrEqual(0);
      } else {
        expect(typeof r.reason).toBe('string');
        expect(r.reason.length).toBeGreaterThan(0);
      }
    }
  });
});
