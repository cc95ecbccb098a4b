/**
 * Reading what the user typed on the options page. Pure: no browser, no DOM. Each reader either gives a value the
 * settings schema accepts, or says what is wrong, so an invalid entry is never stored.
 */
import * as v from 'valibot';
import { DEFAULT_GATEWAY_CODES } from '../../src/recovery/classify';
import {
  CUSTOM_ENDPOINT_PROBLEMS,
  customEndpointSchema,
  HOST_PATTERN,
  MAX_HOST_LENGTH,
  MAX_NEVER_RETRY_HOSTS,
  MAX_NEVER_SEND_HOSTS,
  SETTINGS_FIELDS,
  type CustomEndpoint,
  type CustomEndpointFormat,
  type CustomEndpointProblem,
} from '../../src/settings/settings';

export type { CustomEndpointProblem } from '../../src/settings/settings';

export type CustomEndpointInput =
  | {
      readonly ok: true;
      readonly endpoint: CustomEndpoint;
      /** `scheme://host` of the server contacted, for people. */
      readonly origin: string;
      /**
       * The host permission to hold for it. Without the port: match patterns take none in Firefox (MDN, "Match
       * patterns"), and in Chrome a pattern without a port matches every port.
       */
      readonly pattern: string;
    }
  | { readonly ok: false; readonly problem: CustomEndpointProblem };

/** The schema's messages, back to the problem each names. */
const PROBLEM_OF_MESSAGE = new Map(Object.entries(CUSTOM_ENDPOINT_PROBLEMS).map(([problem, message]) => [message, problem as CustomEndpointProblem]));

/**
 * Checks a custom endpoint as typed, by the settings schema itself (`customEndpointSchema`, which holds the
 * fixed-server rule), so the page never accepts what the settings would refuse, nor the reverse.
 *
 * @param template - for Gatus an https URL (http only to this machine) in which `{host}` stands, in the path or
 *   query, for the site's host name; for Uptime Kuma the address of one status page
 *   (`https://kuma.example/status/<slug>`, see `src/settings/kuma-page.ts`)
 */
export function readCustomEndpoint(template: string, format: CustomEndpointFormat): CustomEndpointInput {
  const parsed = v.safeParse(customEndpointSchema, { template, format });
  if (!parsed.success) return { ok: false, problem: PROBLEM_OF_MESSAGE.get(parsed.issues[0]?.message ?? '') ?? 'invalid' };
  const endpoint = parsed.output;
  const url = new URL(endpoint.template.replace(/\{(host|domain|name)\}/g, 'placeholder'));
  return {
    ok: true,
    endpoint,
    origin: url.origin,
    pattern: `${url.protocol}//${url.hostname}/*`,
  };
}

/** The most entries each host-list setting keeps (the schema's limits). */
const HOST_LIST_LIMITS = { neverRetry: MAX_NEVER_RETRY_HOSTS, neverSend: MAX_NEVER_SEND_HOSTS } as const;

/**
 * Reads a host list (the never-retry or the never-send list), one host per line. Blank lines are skipped; a pasted
 * address (`https://example.com/a`) gives its host name; an international name is stored in the punycode form the
 * browser reports hosts in; lines past the list's limit are refused.
 *
 * @returns the host names (deduplicated, in order) and the lines that are not host names
 */
export function readHostList(text: string, field: keyof typeof HOST_LIST_LIMITS = 'neverRetry'): { hosts: string[]; invalid: string[] } {
  const hosts: string[] = [];
  const invalid: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') continue;
    const host = hostOf(line);
    if (host === null) invalid.push(line);
    else if (!hosts.includes(host)) hosts.push(host);
  }
  if (hosts.length > HOST_LIST_LIMITS[field]) invalid.push(...hosts.splice(HOST_LIST_LIMITS[field]));
  return { hosts, invalid };
}

function hostOf(line: string): string | null {
  let host: string;
  try {
    host = new URL(line.includes('://') ? line : `http://${line}`).hostname;
  } catch {
    return null;
  }
  host = host.toLowerCase().replace(/\.$/, '');
  return host.length > 0 && host.length <= MAX_HOST_LENGTH && HOST_PATTERN.test(host) ? host : null;
}

/** The settings typed as a whole number in a text field. */
export type NumberSetting = 'maxVisibleRetries' | 'historyRetentionDays';

/**
 * Reads a whole number typed for `key`.
 *
 * @returns the number when the settings schema accepts it for `key` (its range: see `MAX_VISIBLE_RETRIES`,
 *   `MAX_HISTORY_RETENTION_DAYS`), or `null` for anything else: a fraction, a sign, an exponent, a blank
 */
export function readNumberSetting(key: NumberSetting, text: string): number | null {
  if (!/^\s*\d{1,6}\s*$/.test(text)) return null;
  const n = Number(text);
  return v.is(SETTINGS_FIELDS[key], n) ? n : null;
}

/**
 * The codes the options page offers as checkboxes: a choice of the page, the default set. The schema's bounds
 * (`MIN_GATEWAY_CODE`..`MAX_GATEWAY_CODE`, at most `MAX_GATEWAY_CODES`) hold for it; a unit test checks that.
 */
export const OFFERED_CODES: readonly number[] = DEFAULT_GATEWAY_CODES;

/** `codes` with `code` turned on or off; codes the page does not offer (set by policy or an older version) are kept. */
export function toggleCode(codes: readonly number[], code: number, on: boolean): number[] {
  const rest = codes.filter((c) => c !== code);
  return (on ? [...rest, code] : rest).sort((a, b) => a - b);
}
