/**
 * Who answered a gateway error, read from its response headers: the one place headers are classified, used by
 * recovery (what to keep of an error), the status check (the headers' own evidence) and the guide (which steps fit).
 * Who is who comes from the signature table (`signatures.ts`). Headers are untrusted: each value is cleaned and
 * capped, a header name is only ever a key of a `Map` (so `__proto__` finds nothing), and nothing here throws.
 */
import { findRequestId, isReadHeader, matchChallenge, matchParty, signatureById, type HeaderView } from './signatures';

/** Response header as webRequest gives it (`value` may be absent when the header was binary). */
export interface HeaderLike {
  readonly name: string;
  readonly value?: string;
}

/**
 * Who answered the gateway error, as kept with an incident (`state-schema.ts` GATEWAY): each value cleaned and at
 * most {@link MAX_HEADER_VALUE} characters. Entries stored before `party` and `ownError` existed still read: the
 * party is then matched again from `server`, `via`, `cfRay` and `xCache`.
 */
export interface GatewayInfo {
  readonly server?: string;
  readonly via?: string;
  readonly cfRay?: string;
  /** An id the site's support can look up (`x-amz-cf-id`, `x-vercel-id`, `x-azure-ref`, `x-request-id`, …). */
  readonly requestId?: string;
  readonly xCache?: string;
  /** The raw `Retry-After` value, cleaned. */
  readonly retryAfter?: string;
  /** Id of the signature that answered (`signatures.ts`), e.g. `squid`, `cloudfront`. */
  readonly party?: string;
  /** The answering proxy's own error signature, e.g. `ERR_CONNECT_FAIL 111` from `X-Squid-Error`. */
  readonly ownError?: string;
}

/** What the error's own headers say about where the fault is; `isSiteSide` is the one rule over them. */
export type GatewayHint =
  /** The site's own gateway or hosting platform answered: DNS and the route to the site work; its server failed. */
  | 'site-gateway'
  /** The site's CDN or edge answered and says the origin behind it failed (Cloudflare 52x, "Error from cloudfront"). */
  | 'cdn-origin-failed'
  /** The site's CDN or edge answered: the visitor reaches the site's edge; the fault is at the edge or behind it. */
  | 'site-edge'
  /** A proxy between the visitor and the site answered with its own error page (squid's `X-Squid-Error`, …). */
  | 'user-proxy';

/** Longest header value kept, characters: values end up in notifications and storage. */
export const MAX_HEADER_VALUE = 200;
/** Longest header value matched against signatures, characters (a browser may join several `Set-Cookie` values). */
const MAX_MATCHED_VALUE = 4096;
/** Most values kept per header name (a browser may repeat `Set-Cookie`; a hostile server, anything). */
const MAX_VALUES_PER_NAME = 16;

function clean(value: unknown, max: number): string | undefined {
  if (typeof value !== 'string') return undefined;
  // Control characters (C0 and DEL) would break the line the value is shown on.
  const v = value.slice(0, max * 2).replace(/[\u0000-\u001f\u007f]/g, ' ').trim().slice(0, max);
  return v === '' ? undefined : v;
}

/** Strips control characters and caps length: header values end up in notifications and storage. */
export function cleanHeaderValue(value: string | undefined): string | undefined {
  return clean(value, MAX_HEADER_VALUE);
}

/**
 * The headers as the signature matcher reads them (lowercase names, cleaned values), keeping only the headers some
 * rule or stored field reads: a hostile server's 10 000 other headers cost a name lookup each. Never throws.
 */
export function readHeaderView(headers: readonly HeaderLike[] | undefined): HeaderView {
  const view = new Map<string, string[]>();
  if (!Array.isArray(headers)) return view;
  for (const h of headers) {
    if (h === null || typeof h !== 'object' || typeof h.name !== 'string' || h.name.length > 100) continue;
    const name = h.name.toLowerCase();
    if (!isReadHeader(name)) continue;
    const values = view.get(name);
    if (values !== undefined && values.length >= MAX_VALUES_PER_NAME) continue;
    const v = clean(h.value, MAX_MATCHED_VALUE);
    if (v === undefined) continue;
    if (values === undefined) view.set(name, [v]);
    else values.push(v);
  }
  return view;
}

/** The stored fields as a header view, so an incident read back from storage is matched the same way. */
export function storedHeaderView(g: GatewayInfo | undefined): HeaderView {
  const view = new Map<string, string[]>();
  const put = (name: string, v: string | undefined) => {
    if (typeof v === 'string' && v.trim() !== '') view.set(name, [v]);
  };
  put('server', g?.server);
  put('via', g?.via);
  put('cf-ray', g?.cfRay);
  put('x-cache', g?.xCache);
  return view;
}

/**
 * Reads what recovery keeps of an error's headers: the first value of each header we show, the party that
 * answered, its request id, and whether the answer is a challenge page.
 *
 * @param headers - webRequest's `responseHeaders` (untrusted; anything that is not an array reads as none)
 * @param code - the answer's HTTP status; challenge rules bound to a status (Jiasule's 521) need it
 * @returns the {@link GatewayInfo}, plus `challenge`: the id of the party whose challenge or block page this is
 */
export function readGatewayHeaders(headers: readonly HeaderLike[] | undefined, code?: number): GatewayInfo & { challenge?: string } {
  const view = readHeaderView(headers);
  const first = (name: string) => cleanHeaderValue(view.get(name)?.[0]);
  const party = matchParty(view);
  const requestId = cleanHeaderValue(findRequestId(view, party?.signature));
  const challenge = matchChallenge(view, code);
  const out = {
    server: first('server'),
    via: first('via'),
    cfRay: first('cf-ray'),
    requestId,
    xCache: first('x-cache'),
    retryAfter: first('retry-after'),
    party: party?.signature.id,
    ownError: cleanHeaderValue(party?.ownError),
    challenge: challenge?.id,
  };
  // Only keys with a value: the stored shape stays small and `{}` means "nothing known".
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined)) as GatewayInfo & { challenge?: string };
}

/** True when the error's headers say Cloudflare answered. */
export function isCloudflare(gateway: GatewayInfo | undefined): boolean {
  // A party this version knows decides; otherwise (older entries, another version's id) the stored headers do.
  if (signatureById(gateway?.party) !== undefined) return gateway?.party === 'cloudflare';
  return gateway?.cfRay !== undefined || /^cloudflare\b/i.test(gateway?.server?.trim() ?? '');
}
