/**
 * What an incident means for the user, worked out once: every surface (popup, notification, badge, report) reads these
 * rather than deriving its own. Pure.
 */
import type { Incident } from '../recovery/incident-machine';
import { whoAnswered } from '../gateway/who-answered';
import { faultSide, type FaultSide } from '../guide/steps';
import { isCurrentFor } from '../status/describe-status';
import type { GatewayHint, StatusReport } from '../status/verdict';

/** The incident still retries or watches, and will reload the page by itself when the site is back. */
export function isUnderWay(incident: Pick<Incident, 'phase'>): boolean {
  return incident.phase === 'retrying' || incident.phase === 'watching';
}

/**
 * The visible attempt the user is told about: the one under way, else the next one, capped at the number of visible
 * retries (watch mode follows the last).
 */
export function attemptShown(incident: Pick<Incident, 'attempts' | 'awaiting'>, maxVisibleRetries: number): number {
  return Math.min(incident.attempts + (incident.awaiting !== null ? 0 : 1), maxVisibleRetries);
}

/**
 * The status check that speaks for an incident: answered (not held back by consent, a private host or a limit) since
 * the incident began, or still fresh. `null` otherwise.
 *
 * @param now - epoch ms
 */
export function currentReport(report: StatusReport | null | undefined, incident: Pick<Incident, 'startedAt'>, now: number): StatusReport | null {
  return report != null && report.limitedBy === undefined && isCurrentFor(report, incident.startedAt, now) ? report : null;
}

/** What the error's own headers say about where the fault is not; `undefined` when they do not tell. */
export function gatewayHint(incident: Pick<Incident, 'code' | 'gateway'>): GatewayHint | undefined {
  return whoAnswered(incident.code, incident.gateway).hint;
}

/** Where the fault is, from the current verdict and who answered: the one answer every surface gives. */
export function incidentFaultSide(incident: Pick<Incident, 'code' | 'gateway'>, report: StatusReport | null): FaultSide {
  return faultSide(report?.verdict ?? null, gatewayHint(incident));
}
