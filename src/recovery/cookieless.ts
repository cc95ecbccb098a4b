/**
 * The cookieless comparison: soon after an incident opens, one GET of the failed page without cookies (pinned: the
 * same URL, redirects not followed, cache bypassed). When the tab fails with its cookies and this request gets a normal
 * answer, the site's cookies in this browser are the likely cause, the strongest "it's you" signal there is.
 *
 * The request itself is made by the extension (`compareCookieless` in `extension/background/browser-effects.ts`),
 * never for a tab in a private window (the design: no request for a private window's site from the regular profile).
 */
import * as v from 'valibot';
import { judgeAnswer } from './answer';

/** What the cookieless request got, as the extension reports it. */
export type CookielessAnswer =
  /**
   * An HTTP answer that is not a gateway error. `code` 0 is a redirect the request did not follow (Fetch standard:
   * an opaque-redirect response has status 0). `challenge`: the headers mark an anti-bot challenge
   * (`cf-mitigated: challenge`, see `readGatewayHeaders`).
   */
  | { readonly kind: 'answered'; readonly code: number; readonly challenge: boolean }
  /** One of the statuses recovery acts on (a 502 again). */
  | { readonly kind: 'gateway-error'; readonly code: number }
  | { readonly kind: 'network-error'; readonly reason: string }
  /** Not sent: the tab is in a private window, or is gone (when unsure, send nothing). */
  | { readonly kind: 'skipped' };

/**
 * The stored outcome (`Incident.cookieless`):
 * - `pending`: asked for, no outcome yet (also what keeps it to one request per incident: a worker that stops before
 *   the outcome loses it, and it is not sent again);
 * - `normal`: a 2xx, a redirect, or a 401/403/404 that is not a challenge: the site answers without cookies;
 * - `gateway-error`: it failed the same way without cookies, so cookies are not the cause;
 * - `challenge`: a bot check answered: it tells nothing about cookies;
 * - `other`: another status (a 500, a 429, ...): tells nothing either way;
 * - `network-error`: no HTTP answer at all;
 * - `skipped`: not sent (private window, tab gone).
 */
export const COOKIELESS = v.object({
  result: v.picklist(['pending', 'normal', 'gateway-error', 'challenge', 'other', 'network-error', 'skipped']),
  /** The HTTP status it got; 0 for a redirect not followed; absent without an HTTP answer. */
  code: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(599))),
  /** Epoch ms when the outcome arrived (for `pending`: when the request was asked for). */
  at: v.pipe(v.number(), v.finite(), v.minValue(0)),
  /**
   * Epoch ms when a tab of the incident failed again with its cookies after a `normal` outcome. Only then does the
   * finding count: a site that was back by the time the comparison went out (a blip of a second) answers it normally
   * too, and its next reload works: that is a recovery, not a cookie problem.
   */
  confirmedAt: v.optional(v.pipe(v.number(), v.finite(), v.minValue(0))),
});

export type Cookieless = v.InferOutput<typeof COOKIELESS>;
export type CookielessResult = Cookieless['result'];

/**
 * Judges a cookieless answer. A "normal answer" is one that `judgeAnswer` finds `works` (issue 12, "Your cookies"): a
 * site that answers at all without cookies is up for this browser.
 *
 * @param at - epoch ms, when the answer arrived
 */
export function judgeCookieless(answer: CookielessAnswer, at: number): Cookieless {
  switch (answer.kind) {
    case 'skipped':
      return { result: 'skipped', at };
    case 'network-error':
      return { result: 'network-error', at };
    case 'gateway-error':
      return { result: 'gateway-error', ...(isCode(answer.code) ? { code: answer.code } : {}), at };
    case 'answered': {
      // A status outside HTTP's range is not an answer this rule can read.
      if (!isCode(answer.code)) return { result: 'other', at };
      const code = answer.code;
      const kind = judgeAnswer(answer);
      return { result: kind === 'works' ? 'normal' : kind === 'challenge' ? 'challenge' : 'other', code, at };
    }
  }
}

/**
 * True when the cookieless comparison says the site answers without this browser's cookies, and a tab failed with
 * them after that (`confirmedAt`): the cookies are then the likely cause.
 */
export function answersWithoutCookies(incident: { readonly cookieless?: Cookieless; readonly quiet?: string }): boolean {
  // The same finding, reached by the watch-mode probe: it got a page, and the tab's reload right after failed again.
  if (incident.quiet === 'cookies') return true;
  return incident.cookieless?.result === 'normal' && incident.cookieless.confirmedAt !== undefined;
}

function isCode(code: number): boolean {
  return Number.isInteger(code) && code >= 0 && code <= 599;
}
