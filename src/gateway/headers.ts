/**
 * Who answered a gateway error, read from its response headers: the one place headers are classified, used by
 * recovery (what to keep of an error), the status check (the headers' own evidence) and the guide (which steps fit).
 * Headers are untrusted: each value is cleaned and capped, and nothing here throws.
 */
/** Response header as webRequest gives it (`value` may be absent when the header was binary). */
export interface HeaderLike {
  readonly name: string;
  readonly value?: string;
}

/** Who answered the gateway error, read from response headers; each value is cleaned and capped. */
export interface GatewayInfo {
  readonly server?: string;
  readonly via?: string;
  readonly cfRay?: string;
  /** `x-request-id`, `x-amz-cf-id` or `x-served-by`: an id the site's support can look up. */
  readonly requestId?: string;
  readonly xCache?: string;
  /** The raw `Retry-After` value, cleaned. */
  readonly retryAfter?: string;
}

/** What the error's own headers say about where the fault is. */
export type GatewayHint =
  /** The site's own gateway (CDN, load balancer, reverse proxy) answered: DNS and the route to the site work. */
  | 'site-gateway'
  /** Cloudflare answered with a 52x: it reached out to the site's server and got no good answer. */
  | 'cdn-origin-failed'
  /** A proxy answered that may sit on the user's side (a `via` header and no server of the site's). */
  | 'user-proxy';

const MAX_HEADER_VALUE = 200;

/** Strips control characters and caps length: header values end up in notifications and storage. */
export function cleanHeaderValue(value: string | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  // Control characters (C0 and DEL) would break the line the value is shown on.
  const v = value.replace(/[\u0000-\u001f\u007f]/g, ' ').trim().slice(0, MAX_HEADER_VALUE);
  return v === '' ? undefined : v;
}

/** Reads the first value of each header we care about (names compared case-insensitively). */
export function readGatewayHeaders(headers: readonly HeaderLike[] | undefined): GatewayInfo & { mitigated?: string } {
  // A Map, not an object literal: a header named `constructor` or `__proto__` must find nothing.
  const wanted = new Map<string, string>([
    ['server', 'server'],
    ['via', 'via'],
    ['cf-ray', 'cfRay'],
    ['x-request-id', 'requestId'],
    ['x-amz-cf-id', 'requestId'],
    ['x-served-by', 'requestId'],
    ['x-cache', 'xCache'],
    ['retry-after', 'retryAfter'],
    ['cf-mitigated', 'mitigated'],
  ]);
  const out: Record<string, string> = {};
  if (!Array.isArray(headers)) return out;
  for (const h of headers) {
    if (h === null || typeof h !== 'object' || typeof h.name !== 'string') continue;
    const key = wanted.get(h.name.toLowerCase());
    if (key === undefined || key in out) continue;
    const v = cleanHeaderValue(h.value);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/** True when the error's headers say Cloudflare answered. */
export function isCloudflare(gateway: GatewayInfo | undefined): boolean {
  return gateway?.cfRay !== undefined || gateway?.server?.trim().toLowerCase() === 'cloudflare';
}
