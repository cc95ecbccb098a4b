/**
 * The details view's copy of an error's headers (`src/gateway/raw-headers.ts`) and timings
 * (`src/recovery/error-response.ts`): real captures (test/fixtures/headers, sources in SOURCES.md) are kept in order
 * and unchanged, credentials never, hostile sets bounded; what is kept passes the stored schema; the timings follow
 * webRequest's events.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { MAX_RAW_HEADER_VALUE, MAX_RAW_HEADERS, RAW_HEADERS, readRawHeaders, WITHHELD_HEADERS } from '../../src/gateway/raw-headers';
import { createRequestTimings, ERROR_RESPONSE, readErrorResponse } from '../../src/recovery/error-response';

interface Capture {
  id: string;
  real: boolean;
  status: number;
  headers: [string, string][];
}

const DIR = new URL('../fixtures/headers/', import.meta.url);
const captures: Capture[] = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(new URL(f, DIR), 'utf8')) as Capture);

const asWebRequest = (headers: [string, string][]) => headers.map(([name, value]) => ({ name, value }));

describe('readRawHeaders over real captures', () => {
  it.each(captures.filter((c) => c.real).map((c) => [c.id, c] as const))('%s: every header but credentials, in order, unchanged', (_id, c) => {
    const read = readRawHeaders(asWebRequest(c.headers));
    const expected = c.headers.filter(([name]) => !WITHHELD_HEADERS.has(name.toLowerCase())).map(([name, value]) => ({ name, value: value.trim() }));
    expect(read.list).toEqual(expected);
    expect(read.omitted).toBeUndefined();
    expect(v.is(RAW_HEADERS, read)).toBe(true);
  });

  it('Cloudflare 503 (adoptopenjdk): Set-Cookie is withheld, its name noted, its value nowhere', () => {
    const c = captures.find((x) => x.id === 'cloudflare-503-adoptopenjdk')!;
    const cookie = c.headers.find(([n]) => n.toLowerCase() === 'set-cookie')![1];
    const read = readRawHeaders(asWebRequest(c.headers));
    expect(read.withheld).toEqual(['set-cookie']);
    expect(JSON.stringify(read)).not.toContain(cookie.split(';')[0]!);
    expect(read.list.map((h) => h.name.toLowerCase())).toContain('cf-ray');
  });

  it('every capture with a cookie keeps none of it', () => {
    const withCookies = captures.filter((c) => c.headers.some(([n]) => n.toLowerCase() === 'set-cookie'));
    expect(withCookies.length).toBeGreaterThanOrEqual(5);
    for (const c of withCookies) {
      const read = readRawHeaders(asWebRequest(c.headers));
      expect(read.withheld, c.id).toEqual(['set-cookie']);
      for (const [n, value] of c.headers) if (n.toLowerCase() === 'set-cookie') expect(JSON.stringify(read), c.id).not.toContain(value.split(';')[0]!);
    }
  });
});

describe('readRawHeaders under hostile input', () => {
  it('drops every credential header in any spelling, keeps its name once', () => {
    const read = readRawHeaders([
      { name: 'SET-COOKIE', value: 'sid=secret1' },
      { name: 'set-cookie', value: 'other=secret2' },
      { name: 'Authorization', value: 'Bearer secret3' },
      { name: 'Proxy-Authorization', value: 'Basic secret4' },
      { name: 'Cookie', value: 'sid=secret5' },
      { name: 'X-CSRF-Token', value: 'secret6' },
      { name: 'Set-Cookie2', value: 'secret7' },
      { name: 'Server', value: 'nginx' },
    ]);
    expect(read.list).toEqual([{ name: 'Server', value: 'nginx' }]);
    expect(read.withheld).toEqual(['set-cookie', 'authorization', 'proxy-authorization', 'cookie', 'x-csrf-token', 'set-cookie2']);
    expect(JSON.stringify(read)).not.toMatch(/secret/);
  });

  it('bounds count and length, cleans control characters and bidi overrides, counts what it leaves out', () => {
    const headers: unknown[] = [
      { name: 'X-Evil', value: `a\r\nInjected: yes\u0000\u202Egnp.exe\u2028b` },
      { name: 'X-Long', value: 'x'.repeat(1_000_000) },
      { name: 'Bad Name', value: 'space in name' },
      { name: 'X-Binary', binaryValue: [0, 255] },
      { name: 'x'.repeat(65), value: 'long name' },
      null,
      42,
      { name: '__proto__', value: 'p' },
    ];
    for (let i = 0; i < 100; i++) headers.push({ name: `X-Filler-${i}`, value: String(i) });
    const read = readRawHeaders(headers);
    expect(read.list).toHaveLength(MAX_RAW_HEADERS);
    expect(read.list[0]).toEqual({ name: 'X-Evil', value: 'a Injected: yes gnp.exe b' });
    expect(read.list[1]!.value).toHaveLength(MAX_RAW_HEADER_VALUE);
    // `__proto__` is a token: kept as a plain entry of a list, so nothing of the prototype moves.
    expect(read.list[2]).toEqual({ name: '__proto__', value: 'p' });
    expect(read.omitted).toBe(5 + 100 - (MAX_RAW_HEADERS - 3));
    expect(v.is(RAW_HEADERS, read)).toBe(true);
    expect(({} as Record<string, unknown>).p).toBeUndefined();
  });

  it('anything that is not a list reads as no headers', () => {
    for (const x of [undefined, null, 'Server: nginx', 42, { name: 'Server', value: 'nginx' }]) expect(readRawHeaders(x)).toEqual({ list: [] });
  });

  it('a value cut mid-space reads back through the stored schema unchanged', () => {
    const read = readRawHeaders([{ name: 'Content-Security-Policy', value: `${'a'.repeat(MAX_RAW_HEADER_VALUE - 1)} b` }]);
    expect(read.list[0]!.value).toBe('a'.repeat(MAX_RAW_HEADER_VALUE - 1));
    expect(v.is(RAW_HEADERS, read)).toBe(true);
  });

  it('the stored schema refuses a credential or an uncleaned value written by anyone else', () => {
    expect(v.is(RAW_HEADERS, { list: [{ name: 'Set-Cookie', value: 'sid=1' }] })).toBe(false);
    expect(v.is(RAW_HEADERS, { list: [{ name: 'X', value: 'a\nb' }] })).toBe(false);
    expect(v.is(RAW_HEADERS, { list: [{ name: 'X', value: 'x'.repeat(MAX_RAW_HEADER_VALUE + 1) }] })).toBe(false);
  });
});

describe('request timings (webRequest timeStamps, ms)', () => {
  it('start, headers and completion of one request; forgotten once completed', () => {
    const timings = createRequestTimings();
    timings.started('7', 1_000.25);
    timings.headers('7', 1_012.5);
    expect(timings.finished('7', 1_015)).toEqual({ requestAt: 1_000.25, headersAt: 1_012.5, completedAt: 1_015 });
    expect(timings.finished('7', 1_020)).toEqual({ completedAt: 1_020 });
  });

  it('a redirect hop starts the timing again: the request that got the error counts', () => {
    const timings = createRequestTimings();
    timings.started('7', 1_000);
    timings.headers('7', 1_010);
    timings.started('7', 1_011);
    expect(timings.finished('7', 1_030)).toEqual({ requestAt: 1_011, completedAt: 1_030 });
  });

  it('out of order or garbage times are dropped, never trusted', () => {
    const timings = createRequestTimings();
    timings.started('1', 2_000);
    expect(timings.finished('1', 1_000)).toEqual({ completedAt: 1_000 });
    timings.started('2', NaN);
    timings.headers('2', 'soon');
    expect(timings.finished('2', 5)).toEqual({ completedAt: 5 });
    expect(timings.finished('3', -1)).toBeUndefined();
    // A time no `Date` can hold (past 8.64e15 ms) would make the view's `toISOString` throw.
    expect(timings.finished('5', 2 ** 53)).toBeUndefined();
    timings.started('4', 0);
    expect(timings.finished('4', 4_000_000)).toEqual({ completedAt: 4_000_000 });
  });

  it('remembers at most 64 requests: the oldest goes first', () => {
    const timings = createRequestTimings();
    for (let i = 0; i < 100; i++) timings.started(String(i), 1_000 + i);
    expect(timings.finished('0', 2_000)).toEqual({ completedAt: 2_000 });
    expect(timings.finished('99', 2_000)).toEqual({ requestAt: 1_099, completedAt: 2_000 });
  });

  it('readErrorResponse: only for a real webRequest event (it has a timeStamp)', () => {
    expect(readErrorResponse({ responseHeaders: [] }, undefined)).toBeUndefined();
    const response = readErrorResponse({ timeStamp: 5, responseHeaders: [{ name: 'Server', value: 'nginx' }] }, { completedAt: 5 });
    expect(response).toEqual({ headers: { list: [{ name: 'Server', value: 'nginx' }] }, timings: { completedAt: 5 } });
    expect(v.is(ERROR_RESPONSE, response)).toBe(true);
  });
});
