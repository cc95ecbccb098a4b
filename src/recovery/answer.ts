/**
 * What a site's answer says about an outage, for every request recovery makes on its own (the watch-mode probe and
 * the cookieless comparison): one rule, so "back" means the same wherever it is judged (issue 13, "Back means back").
 *
 * A cookieless GET that gets a page proves only that the site answers; the tab, with its cookies, may still fail. So
 * "works" here is a reason to reload the tab, never the recovery itself: that is proven by the tab's own reload
 * (`incident-machine.ts`).
 */
import * as v from 'valibot';

/** An HTTP answer to one of recovery's own requests, as the extension reads it. */
export interface HttpAnswer {
  /** The status; 0 for a redirect the request did not follow (Fetch standard: an opaque-redirect response). */
  readonly code: number;
  /** The headers mark an anti-bot challenge (`readGatewayHeaders(...).challenge`, e.g. `cf-mitigated: challenge`). */
  readonly challenge: boolean;
}

/**
 * The kinds of answer:
 * - `works`: a page the user would see as working: a 2xx, a redirect (a login redirect included), or a 401, 403 or
 *   404 that is not a challenge;
 * - `busy`: 429 Too Many Requests: the site answers but asks to wait (RFC 6585 §4, with its `Retry-After`);
 * - `challenge`: a bot check answered the request: it tells nothing of the origin behind it;
 * - `server-error`: another 5xx (500, 501, 505, ...): the site answers again, with an error of its own;
 * - `other`: any other status (400, 405, 410, ...), or none HTTP has: the site answers, but not with a page.
 */
export const ANSWER_KINDS = ['works', 'busy', 'challenge', 'server-error', 'other'] as const;
export type AnswerKind = (typeof ANSWER_KINDS)[number];

/** Statuses besides 2xx and 3xx that still prove a site answers normally: it wants a login, refuses, or has no page. */
const NORMAL_REFUSALS = new Set([401, 403, 404]);

/** Judges an answer that is not one of the gateway codes recovery acts on (those mean "still down"). */
export function judgeAnswer(answer: HttpAnswer): AnswerKind {
  const { code } = answer;
  if (!Number.isInteger(code) || code < 0 || code > 599) return 'other';
  if (answer.challenge) return 'challenge';
  if (code === 0 || (code >= 200 && code < 400) || NORMAL_REFUSALS.has(code)) return 'works';
  if (code === 429) return 'busy';
  if (code >= 500) return 'server-error';
  return 'other';
}

/**
 * The latest answer a probe got that was not a gateway error (`Incident.answer`):
 * `works` while the tabs are being reloaded to prove it, `busy`, `challenge`, `server-error` or `other` otherwise.
 * `reloaded` marks an answer that already cost the tabs their one reload (a `server-error` or `other` gets one).
 */
export const PROBE_ANSWER = v.object({
  kind: v.picklist(ANSWER_KINDS),
  code: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(599)),
  /** Epoch ms, when it arrived. */
  at: v.pipe(v.number(), v.finite(), v.minValue(0)),
  reloaded: v.optional(v.literal(true)),
});

export type ProbeAnswer = v.InferOutput<typeof PROBE_ANSWER>;
