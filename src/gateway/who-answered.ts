/**
 * The error itself: who answered, from the response headers. Sends nothing anywhere. It cannot tell "everyone" from
 * "just me", but it does tell where the fault is not: a gateway the browser reached answered, so the user's DNS and
 * route to the site worked (the 502 was produced behind it).
 */
import { cleanText, type EvidenceKey, type I18nText } from '../shared/text';
import { isCloudflare, type GatewayHint, type GatewayInfo } from './headers';

/** Cloudflare's 52x: its edge reached out to the site's own server and got no good answer (Cloudflare's docs). */
const CLOUDFLARE_ORIGIN_CODES = new Set([520, 521, 522, 523, 524, 525, 526, 527]);

/** What the headers of one error say: where the fault is not (`hint`, absent when they do not tell) and why. */
export interface GatewayReading {
  readonly hint?: GatewayHint;
  /** For people, e.g. "The site's gateway (nginx) answered 502". */
  readonly evidence: I18nText<EvidenceKey>;
}

/**
 * Reads the headers of an error. Pure.
 *
 * @param code - the HTTP status of the error, if known
 * @param gateway - what `readGatewayHeaders` kept of its headers
 */
export function whoAnswered(code: number | undefined, gateway: GatewayInfo | undefined): GatewayReading {
  const g: GatewayInfo = gateway ?? {};
  const shown = code === undefined ? '' : String(code);
  if (isCloudflare(g)) {
    if (code !== undefined && CLOUDFLARE_ORIGIN_CODES.has(code)) {
      return { hint: 'cdn-origin-failed', evidence: { key: 'evidenceCloudflareOrigin', subs: [shown] } };
    }
    return { hint: 'site-gateway', evidence: { key: 'evidenceSiteGateway', subs: ['Cloudflare', shown] } };
  }
  if (g.server !== undefined && g.server.trim() !== '') {
    return { hint: 'site-gateway', evidence: { key: 'evidenceSiteGateway', subs: [cleanText(g.server, 60), shown] } };
  }
  if (g.via !== undefined && g.via.trim() !== '') {
    return { hint: 'user-proxy', evidence: { key: 'evidenceProxy', subs: [cleanText(g.via, 60), shown] } };
  }
  return { evidence: { key: 'evidenceNoServer', subs: [shown] } };
}

/**
 * The site's own gateway or CDN answered the error, so the user's DNS and route to the site demonstrably work: the one
 * rule for "the fault is on the site's side" that the guide, the status advice and the notification all follow.
 */
export function isSiteSide(hint: GatewayHint | undefined): boolean {
  return hint === 'site-gateway' || hint === 'cdn-origin-failed';
}
