/**
 * The error itself: who answered, from the response headers. Sends nothing anywhere. It cannot tell "everyone" from
 * "just me", but it does tell where the fault is not: a gateway the browser reached answered, so the user's DNS and
 * route to the site worked (the 502 was produced behind it).
 */
import type { GatewayInfo } from '../../recovery/classify';
import { isCloudflare, type StatusProvider, type StatusQuery } from '../provider';
import { cleanText, type SourceReport } from '../verdict';

/** Cloudflare's 52x: its edge reached out to the site's own server and got no good answer (Cloudflare's docs). */
const CLOUDFLARE_ORIGIN_CODES = new Set([520, 521, 522, 523, 524, 525, 526, 527]);

/** Reads the headers of the error. Pure; `now` is epoch ms. */
export function readGateway(query: Pick<StatusQuery, 'code' | 'gateway'>, now: number): SourceReport {
  const g: GatewayInfo = query.gateway ?? {};
  const code = query.code === undefined ? '' : String(query.code);
  const base = { provider: 'gateway' as const, verdict: 'unknown' as const, checkedAt: now };
  const reason = { code: 'no-signal' as const, detail: 'headers tell who answered, not whether others reach the site' };
  if (isCloudflare(g)) {
    if (query.code !== undefined && CLOUDFLARE_ORIGIN_CODES.has(query.code)) {
      return { ...base, reason, hint: 'cdn-origin-failed', evidence: { key: 'evidenceCloudflareOrigin', subs: [code] } };
    }
    return { ...base, reason, hint: 'site-gateway', evidence: { key: 'evidenceSiteGateway', subs: ['Cloudflare', code] } };
  }
  if (g.server !== undefined && g.server.trim() !== '') {
    return { ...base, reason, hint: 'site-gateway', evidence: { key: 'evidenceSiteGateway', subs: [cleanText(g.server, 60), code] } };
  }
  if (g.via !== undefined && g.via.trim() !== '') {
    return { ...base, reason, hint: 'user-proxy', evidence: { key: 'evidenceProxy', subs: [cleanText(g.via, 60), code] } };
  }
  return { ...base, reason, evidence: { key: 'evidenceNoServer', subs: [code] } };
}

export const gatewayHeadersProvider: StatusProvider = {
  id: 'gateway',
  sendsSite: false,
  applies: () => true,
  check: async (query, ctx) => ({ report: readGateway(query, ctx.now()) }),
};
