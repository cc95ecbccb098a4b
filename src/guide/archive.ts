/**
 * An archived copy of the failed page, from the Internet Archive's Wayback availability API
 * (`GET {base}/wayback/available?url=<address>`, documented at archive.org/help/wayback_api.php). Asked only when
 * the user clicks: the address goes to archive.org. It is sent without credentials, query string or fragment, which
 * may carry tokens.
 */
import * as v from 'valibot';
import type { HttpClient } from '../status/http';
import { describeIssue } from '../status/provider';
import { loadPublicSuffixList } from '../status/host';
import { pinnedLink } from '../status/pinning';
import type { UnknownReason } from '../status/verdict';

export type ArchiveResult =
  | { readonly found: true; readonly url: string; /** Epoch ms of the snapshot. */ readonly takenAt: number | null }
  | { readonly found: false; readonly reason?: UnknownReason };

/** The documented answer: `archived_snapshots.closest` when there is one, `{}` when there is none. */
const AvailabilitySchema = v.object({
  archived_snapshots: v.object({
    closest: v.optional(
      v.object({
        available: v.boolean(),
        url: v.pipe(v.string(), v.maxLength(4096)),
        timestamp: v.optional(v.pipe(v.string(), v.regex(/^\d{14}$/))),
        status: v.optional(v.string()),
      }),
    ),
  }),
});

/** The address as sent to the archive: scheme, host, port and path only; `null` for anything not http(s). */
export function archiveAddress(pageUrl: string): string | null {
  let u: URL;
  try {
    u = new URL(pageUrl);
  } catch {
    return null;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
  return `${u.protocol}//${u.host}${u.pathname}`;
}

/** `20130919044612` → epoch ms (UTC), or `null`. */
function snapshotTime(ts: string | undefined): number | null {
  if (ts === undefined) return null;
  const ms = Date.UTC(+ts.slice(0, 4), +ts.slice(4, 6) - 1, +ts.slice(6, 8), +ts.slice(8, 10), +ts.slice(10, 12), +ts.slice(12, 14));
  return Number.isFinite(ms) ? ms : null;
}

/**
 * Looks up the closest archived copy of `pageUrl`. Never throws: a broken answer is `found: false` with a reason,
 * never a made-up link.
 *
 * @param base - the archive's base URL, no trailing slash (settings `statusEndpoints.archive`)
 */
export async function findArchivedCopy(http: HttpClient, base: string, pageUrl: string, signal?: AbortSignal): Promise<ArchiveResult> {
  const address = archiveAddress(pageUrl);
  if (address === null) return { found: false, reason: { code: 'not-applicable', detail: 'not an http(s) address' } };
  // The link rule reads the Public Suffix List (a test's client may not have loaded it).
  await loadPublicSuffixList();
  const res = await http.getJson(`${base}/wayback/available?url=${encodeURIComponent(address)}`, signal, { configured: true });
  if (!res.ok) return { found: false, reason: res.reason };
  const parsed = v.safeParse(AvailabilitySchema, res.json);
  if (!parsed.success) return { found: false, reason: { code: 'invalid-answer', detail: describeIssue(parsed.issues) } };
  const closest = parsed.output.archived_snapshots.closest;
  // The snapshot's link is shown as a button: only one on the archive's own site (`web.archive.org` for `archive.org`).
  const link = closest?.available === true ? pinnedLink(closest.url, base) : undefined;
  if (link === undefined) return { found: false };
  return { found: true, url: link, takenAt: snapshotTime(closest?.timestamp) };
}
