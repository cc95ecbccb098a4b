/**
 * The one interface every status provider implements, and what a provider may use while it checks.
 */
import type { GatewayInfo } from '../gateway/headers';

export { isCloudflare } from '../gateway/headers';
import type { Settings } from '../settings/settings';
import type { HttpClient } from './http';
import * as v from 'valibot';
import { cleanText, type ProviderId, type SourceReport } from './verdict';

/** What is asked about. Only `origin` (scheme, host, port) ever leaves the browser; never a path or query. */
export interface StatusQuery {
  /** Normalised host name (lowercase, punycode, no brackets). */
  readonly host: string;
  /** `scheme://host[:port]`. */
  readonly origin: string;
  /** The gateway status the page got, if a page failed. */
  readonly code?: number;
  /** Who answered, from the error's headers. */
  readonly gateway?: GatewayInfo;
}

const StatusPageVendorSchema = v.picklist(['statuspage', 'instatus', 'betterstack']);
export type StatusPageVendor = v.InferOutput<typeof StatusPageVendorSchema>;

/** Where a site's status page was found, and which vendor's API it speaks. Remembered in `storage.session`. */
export const StatusPageRefSchema = v.pipe(
  v.object({
    /** The page's base URL, no trailing slash. */
    base: v.string(),
    vendor: StatusPageVendorSchema,
    /**
     * The guess on a name the site does not control (`https://<name>.statuspage.io`) whose `page.url` pointed to
     * `base`, the site's own origin; absent when `base` is itself a candidate. Says which template found the page, so
     * that it is forgotten when that template goes.
     */
    via: v.optional(v.string()),
  }),
  v.readonly(),
);
export type StatusPageRef = v.InferOutput<typeof StatusPageRefSchema>;

export interface ProviderContext {
  readonly http: HttpClient;
  /** Epoch ms. */
  readonly now: () => number;
  /** Waits `ms` ms; rejects when `signal` aborts. */
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Aborts at the whole check's deadline. */
  readonly signal: AbortSignal;
  readonly settings: Settings;
  /** Status pages found (or not) earlier, by registrable domain: `undefined` unknown, `null` none. */
  readonly statusPages: {
    get(domain: string): StatusPageRef | null | undefined;
    /** `ttlMs` defaults to a day (`STATUS_PAGE_TTL_MS`). */
    remember(domain: string, page: StatusPageRef | null, ttlMs?: number): void;
  };
}

/** A provider that answered 429 without `Retry-After` is left alone this long, ms. */
export const RATE_LIMITED_HOLD_MS = 60_000;
/** A provider that answered 5xx without `Retry-After` is left alone this long, ms: it is struggling. */
export const SERVER_ERROR_HOLD_MS = 30_000;

/**
 * How long a failed answer asks the provider to be left alone, ms: its `Retry-After` (RFC 9110 §10.2.3), else a
 * default after a 429 or a 5xx (callers of check-host back off on both).
 */
export function holdAfter(result: { readonly status?: number; readonly retryAfterMs?: number }): { retryAfterMs?: number } {
  if (result.retryAfterMs !== undefined) return { retryAfterMs: result.retryAfterMs };
  if (result.status === 429) return { retryAfterMs: RATE_LIMITED_HOLD_MS };
  return (result.status ?? 0) >= 500 ? { retryAfterMs: SERVER_ERROR_HOLD_MS } : {};
}

/** A provider's answer, plus what the checker needs to be a good citizen. */
export interface ProviderOutcome {
  readonly report: SourceReport;
  /** The provider asked to be left alone this long (`Retry-After`), ms. */
  readonly retryAfterMs?: number;
}

export interface StatusProvider {
  readonly id: ProviderId;
  /** Whether it has anything to say about this query with these settings (e.g. CDN status only for Cloudflare). */
  applies(query: StatusQuery, settings: Settings): boolean;
  /** Checks; resolves with an `unknown` report on any failure, never rejects on a provider's bad answer. */
  check(query: StatusQuery, ctx: ProviderContext): Promise<ProviderOutcome>;
}

/** The first schema issue of a rejected answer, with its path, for the log ("status.indicator: Invalid type"). */
export function describeIssue(issues: readonly { message: string; path?: readonly { key: unknown }[] | undefined }[]): string {
  const first = issues[0];
  if (first === undefined) return 'invalid';
  const path = first.path?.map((p) => String(p.key)).join('.') ?? '';
  return cleanText(`${path === '' ? '' : `${path}: `}${first.message}`, 150);
}

/**
 * A JSON object used as a map (`{"<key>": value}`). valibot's `record` also accepts arrays, whose indices pass as
 * keys; a provider that answers an array where the docs give a map has answered something else.
 */
export function jsonMap<TValue extends v.GenericSchema>(value: TValue) {
  return v.pipe(
    v.custom<unknown>((x) => !Array.isArray(x), 'expected an object, got an array'),
    v.record(v.pipe(v.string(), v.maxLength(253)), value),
  );
}
