/**
 * How a multi-location check (check-host.net's nodes, Globalping's probes) turns what each location saw into one
 * source verdict. One rule for both, so the two sources can only disagree about the site, never about counting.
 */
import type { EvidenceKey, I18nText } from '../../shared/text';
import { unknownReport, type ProviderId, type SourceReport } from '../verdict';

/** What one location saw; `null` while it has not reported, or when its answer is unreadable or its own failure. */
export type LocationOutcome = { readonly up: true } | { readonly up: false; readonly code?: number } | null;

/** Fewest reporting locations for a vote: one or two are not "everyone". */
export const MIN_REPORTED = 3;
/** Share of reporting locations that must agree for "down for everyone" or "up elsewhere"; between is "partial". */
export const AGREEMENT = 2 / 3;

/**
 * A location's outcome from the HTTP status it got: 5xx is down (the gateway errors this extension acts on), any other
 * status is up (a 3xx, 4xx or 429 proves the server answers).
 */
export function outcomeOfStatus(code: number): LocationOutcome {
  return code >= 500 ? { up: false, code } : { up: true };
}

/**
 * Counts the locations' outcomes and votes.
 *
 * @param asked - how many locations the check started with
 * @param extra - the report's link and the addresses the locations reached (already validated, see `collectAddresses`)
 */
export function voteLocations(
  provider: ProviderId,
  outcomes: readonly LocationOutcome[],
  asked: number,
  checkedAt: number,
  extra: { readonly link?: string; readonly addresses?: readonly string[] } = {},
): SourceReport {
  let up = 0;
  let down = 0;
  const codes = new Map<string, number>();
  for (const o of outcomes) {
    if (o === null) continue;
    if (o.up) up += 1;
    else {
      down += 1;
      const k = o.code === undefined ? 'none' : String(o.code);
      codes.set(k, (codes.get(k) ?? 0) + 1);
    }
  }
  const reported = up + down;
  const locations = { down, up, reported, asked };
  const more = {
    locations,
    ...(extra.link !== undefined ? { link: extra.link } : {}),
    ...(extra.addresses !== undefined && extra.addresses.length > 0 ? { addresses: extra.addresses } : {}),
  };
  if (reported < MIN_REPORTED) {
    return {
      ...unknownReport(provider, { code: 'too-few-locations', detail: `${reported} of ${asked} locations reported` }, checkedAt, {
        key: 'evidenceTooFewLocations',
        subs: [String(reported), String(asked)],
      }),
      ...more,
    };
  }
  const common = [...codes.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  const downText: I18nText<EvidenceKey> = common === undefined || common === 'none'
    ? { key: 'evidenceLocationsNoConnection', subs: [String(down), String(reported)] }
    : { key: 'evidenceLocationsDown', subs: [String(down), String(reported), common] };
  if (down / reported >= AGREEMENT) return { provider, verdict: 'down-for-everyone', evidence: downText, checkedAt, ...more };
  if (up / reported >= AGREEMENT) {
    return { provider, verdict: 'up-elsewhere', evidence: { key: 'evidenceLocationsUp', subs: [String(up), String(reported)] }, checkedAt, ...more };
  }
  return {
    provider,
    verdict: 'partial',
    evidence: { key: 'evidenceLocationsMixed', subs: [String(down), String(reported), String(up)] },
    checkedAt,
    ...more,
  };
}
