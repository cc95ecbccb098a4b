/**
 * Bounded JSON GETs to status providers. A provider is untrusted: it may answer HTML, a truncated or 10 MB body, a
 * deeply nested document, drip one byte a second, or never answer. Every such case ends as a failed
 * {@link HttpResult} with a reason, within the time limit and the size cap; nothing here throws.
 */
import { parseRetryAfter } from '../shared/retry-after';
import type { UnknownReason } from './verdict';

/** The part of the Fetch API used here; the browser's `fetch` in the extension, Node's in tests. */
type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export type HttpResult =
  | { readonly ok: true; readonly status: number; readonly json: unknown }
  | {
      readonly ok: false;
      readonly reason: UnknownReason;
      /** The provider's HTTP status, when it answered. */
      readonly status?: number;
      /** The wait the provider asked for (`Retry-After` on 429/503), ms. */
      readonly retryAfterMs?: number;
    };

/** Per-request options of {@link HttpClient.getJson}. */
export interface GetJsonOptions {
  /**
   * Follow no redirect: a 3xx ends as a failed request (`redirect: 'error'`). For an address the user configured,
   * whose server the consent text names and the host permission covers: a redirect would take the site's host name
   * somewhere else.
   */
  readonly pinned?: boolean;
}

export interface HttpClient {
  /**
   * GETs `url` expecting JSON. Sends no cookies and no referrer, follows no redirect to another scheme silently
   * (the Fetch standard's default `follow` is kept unless `options.pinned`: status pages often redirect to `www.`).
   *
   * @param signal - aborts the request (the whole status check's deadline)
   */
  getJson(url: string, signal?: AbortSignal, options?: GetJsonOptions): Promise<HttpResult>;
}

export interface HttpClientDeps {
  readonly fetch: FetchLike;
  /** Epoch ms, for HTTP-date `Retry-After`. */
  readonly now: () => number;
  /** Largest body read, bytes. Default 1 MiB: Statuspage summaries of large sites are about 100 kB. */
  readonly maxBytes?: number;
  /** One request's time limit, ms. Default 8000. */
  readonly timeoutMs?: number;
}

export const DEFAULT_MAX_BYTES = 1024 * 1024;
export const DEFAULT_REQUEST_TIMEOUT_MS = 8_000;

export function createHttpClient(deps: HttpClientDeps): HttpClient {
  const maxBytes = deps.maxBytes ?? DEFAULT_MAX_BYTES;
  const timeoutMs = deps.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;

  return {
    async getJson(url, signal, options) {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(new DOMException('request timed out', 'TimeoutError')), timeoutMs);
      const onAbort = () => controller.abort(signal?.reason);
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
      try {
        let res: Response;
        try {
          res = await deps.fetch(url, {
            method: 'GET',
            headers: { Accept: 'application/json' },
            credentials: 'omit',
            referrerPolicy: 'no-referrer',
            cache: 'no-store',
            redirect: options?.pinned === true ? 'error' : 'follow',
            signal: controller.signal,
          });
        } catch (err) {
          return failure(err, controller.signal, 'network');
        }
        if (!res.ok) {
          void res.body?.cancel().catch(() => undefined);
          const ra = parseRetryAfter(res.headers.get('retry-after'), deps.now());
          const limited = res.status === 429 || (res.status === 503 && ra.ok);
          return {
            ok: false,
            status: res.status,
            reason: { code: limited ? 'rate-limited' : 'http-error', detail: `HTTP ${res.status} from ${hostOf(url)}` },
            ...(ra.ok ? { retryAfterMs: ra.delayMs } : {}),
          };
        }
        const declared = Number(res.headers.get('content-length'));
        if (Number.isFinite(declared) && declared > maxBytes) {
          void res.body?.cancel().catch(() => undefined);
          return { ok: false, status: res.status, reason: { code: 'too-large', detail: `answer of ${declared} bytes exceeds ${maxBytes}` } };
        }
        let text: string;
        try {
          const body = await readCapped(res, maxBytes);
          if (body === null) {
            return { ok: false, status: res.status, reason: { code: 'too-large', detail: `answer exceeds ${maxBytes} bytes` } };
          }
          text = body;
        } catch (err) {
          return failure(err, controller.signal, 'network');
        }
        try {
          return { ok: true, status: res.status, json: JSON.parse(text) as unknown };
        } catch (err) {
          // A RangeError here is a document nested deeper than the parser's stack.
          const what = text.trimStart().startsWith('<') ? 'HTML, not JSON' : err instanceof Error ? err.message : 'unparseable';
          return { ok: false, status: res.status, reason: { code: 'not-json', detail: `answer is ${what}`.slice(0, 200) } };
        }
      } finally {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      }
    },
  };
}

/** Reads the body as UTF-8, stopping (and cancelling the stream) once more than `maxBytes` arrived; `null` then. */
async function readCapped(res: Response, maxBytes: number): Promise<string | null> {
  if (res.body === null) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      void reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.byteLength;
  }
  return new TextDecoder('utf-8', { fatal: false }).decode(all);
}

function failure(err: unknown, signal: AbortSignal, fallback: 'network'): HttpResult {
  if (signal.aborted) {
    const reason = signal.reason as { name?: string } | undefined;
    return { ok: false, reason: { code: 'timeout', detail: reason?.name === 'TimeoutError' ? 'no answer in time' : 'check was stopped' } };
  }
  const detail = err instanceof Error ? `${err.name}: ${err.message}` : 'fetch failed';
  return { ok: false, reason: { code: fallback, detail: detail.slice(0, 200) } };
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'provider';
  }
}
