/**
 * The typed protocol between the extension's pages (popup, options) and the background. One {@link ProtocolMap}:
 * each key is a message type, its `request` and `response` the shapes on both sides; any request may instead be
 * answered with an {@link ErrorReply}. Incoming requests are validated with valibot in the background, since any
 * extension page can send anything. What travels is the view (`src/view/`), never the stored state.
 */
import * as v from 'valibot';
import type { ArchiveResult } from './guide/archive';
import type { HistoryEntry } from './history/history';
import type { StatusReport } from './status/verdict';
import type { TabView } from './view/incident-view';

export type { TabView } from './view/incident-view';

/** What a "Retry now" did: `started` a reload; found one `under-way` (ours or the user's); `none` to make (no failed page, or a form). */
export type ReloadStart = 'started' | 'under-way' | 'none';

export interface ProtocolMap {
  getTabView: { request: { tabId: number }; response: TabView };
  /** `reload`: whether a cache-bypassing reload was started now, one was under way already, or there was none to make. */
  retryNow: { request: { tabId: number }; response: { ok: boolean; reload: ReloadStart } };
  stopRetrying: { request: { incidentId: string }; response: { ok: boolean } };
  /**
   * "Tell me when it's back": the tab's incident goes on watching its site (probes only) after the tab is closed,
   * until the site answers or 24 h pass, then tells the user once. `ok` is false when the tab has no incident under way.
   */
  watchSite: { request: { tabId: number }; response: { ok: boolean } };
  /** The user clicked "Check now": consent for this one check of the tab's incident site. */
  checkStatus: { request: { tabId: number }; response: { report: StatusReport | null } };
  /** The options page: the recent incidents within the retention setting, newest first. */
  getHistory: { request: Record<string, never>; response: { entries: HistoryEntry[] } };
  /** The options page's "Clear history", after the user confirmed. */
  clearHistory: { request: Record<string, never>; response: { ok: boolean } };
  /**
   * "Clear this site's cookies" (the guide): removes the cookies of the incident's registrable domain from the tab's
   * store, then reloads the tab with the cache bypassed. Waits up to 60 s for the optional `cookies` permission the
   * popup asked for.
   */
  clearSiteCookies: {
    /** `domain` is the one the user confirmed; a tab that has since moved to another site is refused. */
    request: { tabId: number; domain: string };
    /**
     * `reloaded` is false for a failed form's page, which is never reloaded for the user. Refused, clearing nothing:
     * `public-suffix` (the site's host is one, `github.io`: its cookies are every site's under it) and `no-store` (the
     * browser named no cookie store for the tab: the default store is never assumed).
     */
    response:
      | { ok: true; domain: string; removed: number; reloaded: boolean }
      | { ok: false; reason: 'no-incident' | 'site-changed' | 'no-permission' | 'public-suffix' | 'no-store' | 'failed'; detail?: string };
  };
  /** The Internet Archive's closest copy of the incident's page (asked only on the user's click). */
  findArchivedCopy: { request: { tabId: number }; response: ArchiveResult };
  /** "Send the form again", after the user confirmed: reloads a tab whose non-GET answer was a gateway error. */
  resendForm: { request: { tabId: number }; response: { ok: boolean } };
  /**
   * The popup's "Pause": `hour` or `tomorrow` (see `pauseEnd` in `src/recovery/pause.ts`) pauses every retry, probe and
   * automatic check of every site; `off` ("Resume now") ends the pause at once, and the tries that fell due go out.
   * `pausedUntil`: the end now in force, epoch ms, or `null`.
   */
  setPause: { request: { pause: 'hour' | 'tomorrow' | 'off' }; response: { ok: boolean; pausedUntil: number | null } };
  /**
   * The popup's "Never retry this site" (`listed: true`, after the user confirmed) or "Retry this site again"
   * (`false`), for the site the tab shows (its incident's host, else its page's): adds the host to the never-retry
   * list, or removes every entry that covers it (`src/recovery/never-retry.ts`). Added, the site's incident under way
   * ends at once. Refused: `no-site` (no http(s) page, or a private window's, whose site is never written to the synced
   * list), `full` (the list holds its most), `managed` (an administrator set the list), `failed` (not stored).
   */
  setNeverRetry: {
    request: { tabId: number; listed: boolean };
    response: { ok: true; host: string } | { ok: false; reason: 'no-site' | 'full' | 'managed' | 'failed' };
  };
}

export type MessageType = keyof ProtocolMap;

/** The background's answer to a message it refused (unknown type, invalid payload). */
export interface ErrorReply {
  /** Why, in English, at most 200 characters; for the log, never shown as the main text. */
  readonly error: string;
}

/** What a request of type `K` is answered with. */
export type Reply<K extends MessageType> = Response<K> | ErrorReply;

/** True for an {@link ErrorReply}: an object whose `error` is a string. */
export function isErrorReply(x: unknown): x is ErrorReply {
  return x !== null && typeof x === 'object' && typeof (x as { error?: unknown }).error === 'string';
}
export type Request<K extends MessageType> = ProtocolMap[K]['request'];
export type Response<K extends MessageType> = ProtocolMap[K]['response'];

/** A message on the wire. */
export interface Envelope<K extends MessageType = MessageType> {
  readonly type: K;
  readonly payload: Request<K>;
}

const tabId = v.pipe(v.number(), v.integer(), v.minValue(0));

/** Schemas of every request; keep in step with {@link ProtocolMap} (the `satisfies` below checks the keys). */
const REQUEST_SCHEMAS = {
  getTabView: v.object({ tabId }),
  retryNow: v.object({ tabId }),
  stopRetrying: v.object({ incidentId: v.pipe(v.string(), v.maxLength(200)) }),
  watchSite: v.object({ tabId }),
  checkStatus: v.object({ tabId }),
  getHistory: v.object({}),
  clearHistory: v.object({}),
  clearSiteCookies: v.object({ tabId, domain: v.pipe(v.string(), v.maxLength(253)) }),
  findArchivedCopy: v.object({ tabId }),
  resendForm: v.object({ tabId }),
  setPause: v.object({ pause: v.picklist(['hour', 'tomorrow', 'off']) }),
  setNeverRetry: v.object({ tabId, listed: v.boolean() }),
} satisfies { [K in MessageType]: v.GenericSchema<unknown, Request<K>> };

/**
 * Checks an incoming message. Returns the typed envelope, or an error string naming what was wrong; never throws.
 */
export function parseEnvelope(raw: unknown): { ok: true; envelope: Envelope } | { ok: false; error: string } {
  if (raw === null || typeof raw !== 'object') return { ok: false, error: 'message is not an object' };
  const type = (raw as { type?: unknown }).type;
  if (typeof type !== 'string' || !Object.hasOwn(REQUEST_SCHEMAS, type)) {
    return { ok: false, error: `unknown message type ${describeValue(type)}` };
  }
  const schema = REQUEST_SCHEMAS[type as MessageType];
  const result = v.safeParse(schema, (raw as { payload?: unknown }).payload);
  // valibot's message quotes the value it received, which may be a megabyte: the reason stays short.
  if (!result.success) return { ok: false, error: `${type}: ${result.issues[0]?.message ?? 'invalid payload'}`.slice(0, 200) };
  return { ok: true, envelope: { type: type as MessageType, payload: result.output } as Envelope };
}

/** A short printable form of an untrusted value; a structured-cloned message (Firefox) may hold a BigInt or a cycle. */
function describeValue(x: unknown): string {
  try {
    return String(JSON.stringify(x)).slice(0, 40);
  } catch {
    return typeof x;
  }
}
