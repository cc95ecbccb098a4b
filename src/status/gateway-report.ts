/** The error's own headers as one source of the status report: it says who answered, never whether others reach the site. */
import { whoAnswered } from '../gateway/who-answered';
import type { StatusQuery } from './provider';
import type { SourceReport } from './verdict';

/** The stored part of the reading: the report's schema keeps `hint` and `evidence` only. */
function reading(query: Pick<StatusQuery, 'code' | 'gateway'>): Pick<SourceReport, 'hint' | 'evidence'> {
  const { hint, evidence } = whoAnswered(query.code, query.gateway);
  return { ...(hint !== undefined ? { hint } : {}), evidence };
}

/** The headers' reading as an `unknown` source (they cannot tell "everyone" from "just me"); `now` is epoch ms. */
export function readGateway(query: Pick<StatusQuery, 'code' | 'gateway'>, now: number): SourceReport {
  return {
    provider: 'gateway',
    verdict: 'unknown',
    checkedAt: now,
    reason: { code: 'no-signal', detail: 'headers tell who answered, not whether others reach the site' },
    ...reading(query),
  };
}
