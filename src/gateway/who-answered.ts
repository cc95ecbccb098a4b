/**
 * The error itself: who answered, from the response headers and the signature table (`signatures.ts`). Sends nothing
 * anywhere. It cannot tell "everyone" from "just me", but it does tell where the fault is not: when the site's edge
 * or gateway answered, the user's DNS and route to the site worked (the 502 was produced behind it); when a proxy
 * answered with its own error page, the request never got past that proxy.
 */
import { clipWords, type EvidenceKey, type I18nText } from '../shared/text';
import { type GatewayHint, type GatewayInfo, storedHeaderView } from './headers';
import { matchParty, saysOriginFailed, signatureById, type Side, type Signature } from './signatures';

/** Longest name of a party shown to people, characters (cut at a word, never inside one). */
const MAX_LABEL = 60;

/** What the headers of one error say: where the fault is not (`hint`, absent when they do not tell) and why. */
export interface GatewayReading {
  readonly hint?: GatewayHint;
  /** For people, e.g. "The site's gateway (nginx) answered 502". */
  readonly evidence: I18nText<EvidenceKey>;
  /** Who answered, for people: a product name from the table, or the (cut) `Server`; absent when unknown. */
  readonly label?: string;
  /** The table entry that answered, when one did. */
  readonly party?: { readonly id: string; readonly side: Side };
}

function partyOf(g: GatewayInfo): Signature | undefined {
  // An id this version knows wins; an entry stored before `party` existed (or by another version) is matched again.
  return signatureById(g.party) ?? matchParty(storedHeaderView(g))?.signature;
}

/**
 * Reads the headers of an error. Pure; never throws.
 *
 * @param code - the HTTP status of the error, if known
 * @param gateway - what `readGatewayHeaders` kept of its headers (possibly read back from storage)
 */
export function whoAnswered(code: number | undefined, gateway: GatewayInfo | undefined): GatewayReading {
  const g: GatewayInfo = gateway ?? {};
  const shown = code === undefined ? '' : String(code);
  const sig = partyOf(g);
  if (sig !== undefined) {
    const party = { id: sig.id, side: sig.side };
    // The generic Proxy-Agent entry has no product name: the header's own value names the proxy.
    const label = sig.label !== '' ? sig.label : clipWords(g.ownError ?? 'Proxy-Agent', MAX_LABEL);
    switch (sig.side) {
      case 'user-proxy':
        return g.ownError !== undefined
          ? { hint: 'user-proxy', evidence: { key: 'evidenceProxyError', subs: [label, shown] }, label, party }
          : // A proxy that only passed the answer on (its Via or Server, no error of its own): whose it is, and
            // where the answer came from, the headers do not say.
            { evidence: { key: 'evidenceCannotTell', subs: [label, shown] }, label, party };
      case 'site-edge':
        if (saysOriginFailed(sig, code, storedHeaderView(g))) {
          return sig.id === 'cloudflare'
            ? { hint: 'cdn-origin-failed', evidence: { key: 'evidenceCloudflareOrigin', subs: [shown] }, label, party }
            : { hint: 'cdn-origin-failed', evidence: { key: 'evidenceEdgeOriginFailed', subs: [label, shown] }, label, party };
        }
        return { hint: 'site-edge', evidence: { key: 'evidenceSiteEdge', subs: [label, shown] }, label, party };
      case 'site-host':
        return { hint: 'site-gateway', evidence: { key: 'evidenceSiteHost', subs: [label, shown] }, label, party };
      case 'site-gateway':
        return { hint: 'site-gateway', evidence: { key: 'evidenceSiteGateway', subs: [label, shown] }, label, party };
    }
  }
  if (g.server !== undefined && g.server.trim() !== '') {
    // A bare Server this table does not know: still the site's own server or its gateway, the one that answered.
    const label = clipWords(g.server, MAX_LABEL);
    return { hint: 'site-gateway', evidence: { key: 'evidenceSiteGateway', subs: [label, shown] }, label };
  }
  if (g.via !== undefined && g.via.trim() !== '') {
    // Via alone is not "your proxy": CDNs put it on every answer. An unknown one cannot tell.
    return { evidence: { key: 'evidenceUnknownVia', subs: [clipWords(g.via, MAX_LABEL), shown] } };
  }
  return { evidence: { key: 'evidenceNoServer', subs: [shown] } };
}

/**
 * The site's own edge, host or gateway answered the error, so the user's DNS and route to the site demonstrably
 * work: the one rule for "the fault is on the site's side" that the guide, the status advice and the notification
 * all follow. A proxy's own error (`user-proxy`) and "can't tell" (`undefined`) are not the site's side.
 */
export function isSiteSide(hint: GatewayHint | undefined): boolean {
  return hint === 'site-gateway' || hint === 'cdn-origin-failed' || hint === 'site-edge';
}

/** A proxy between the user and the site answered with its own error: the proxy, a VPN or the network are candidates. */
export function isUserProxy(hint: GatewayHint | undefined): boolean {
  return hint === 'user-proxy';
}
