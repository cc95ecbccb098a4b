/**
 * User settings: a typed schema with defaults, a version and ordered migrations. Stored values are untrusted (another
 * version of the extension, sync from another machine, a hand-edited policy): each field is validated on its own with
 * valibot, and an invalid field falls back to its default with a warning, never an exception.
 */
import * as v from 'valibot';
import { DEFAULT_GATEWAY_CODES } from '../recovery/classify';
import { DEFAULT_POLICY } from '../recovery/schedule';

export const SETTINGS_VERSION = 1;

export interface Settings {
  readonly version: number;
  /** HTTP statuses treated as gateway errors on a main frame. */
  readonly codes: readonly number[];
  /** Visible reloads before watch mode. */
  readonly maxVisibleRetries: number;
  /** Show incident notifications. */
  readonly notifications: boolean;
  /** Host names never retried (a name also covers its subdomains). */
  readonly neverRetry: readonly string[];
  /**
   * The user's consent to automatic status checks: when true, a gateway error sends the site's address (scheme,
   * host, port; never path, query or cookies) to the enabled third-party providers. False until the user says yes.
   */
  readonly statusAutoCheck: boolean;
  /** Which status providers may be asked; each can be turned off on its own. */
  readonly statusProviders: StatusProviderSwitches;
  /** Where the providers are reached; tests point them at loopback stand-ins. */
  readonly statusEndpoints: StatusEndpoints;
  /** A checker the user or their company runs, or `null`. Used only while `statusProviders.custom` is on. */
  readonly customEndpoint: CustomEndpoint | null;
  /** Days an ended incident stays in the recent-incidents history (`src/history/`); 0 keeps no history. */
  readonly historyRetentionDays: number;
}

/** The third-party status providers, by id. */
export type ThirdPartyProviderId = 'checkHost' | 'statusPage' | 'cdnStatus' | 'custom';

export type StatusProviderSwitches = { readonly [K in ThirdPartyProviderId]: boolean };

export interface StatusEndpoints {
  /** check-host.net API base, no trailing slash. */
  readonly checkHost: string;
  /** Cloudflare's Statuspage base; a fixed URL that reveals no visited site. */
  readonly cloudflareStatus: string;
  /**
   * Where a site's own status page may live, tried in order: `{domain}` is the registrable domain
   * (`github.com`), `{name}` the domain without its public suffix (`github`).
   */
  readonly statusPageTemplates: readonly string[];
  /** Locations check-host is asked to use. */
  readonly checkHostNodes: number;
  /** The Internet Archive's base (its Wayback availability API); asked only when the user clicks "archived copy". */
  readonly archive: string;
}

/** Answer formats a custom endpoint may speak (see `src/status/providers/custom-endpoint.ts`). */
export type CustomEndpointFormat = 'uptime-kuma' | 'gatus';

export interface CustomEndpoint {
  /** An http(s) URL; `{host}` is replaced by the site's host name. */
  readonly template: string;
  readonly format: CustomEndpointFormat;
}

export const DEFAULT_STATUS_ENDPOINTS: StatusEndpoints = {
  checkHost: 'https://check-host.net',
  cloudflareStatus: 'https://www.cloudflarestatus.com',
  statusPageTemplates: ['https://status.{domain}', 'https://{name}status.com', 'https://{name}.statuspage.io'],
  checkHostNodes: 7,
  archive: 'https://archive.org',
};

export const DEFAULT_SETTINGS: Settings = {
  version: SETTINGS_VERSION,
  codes: DEFAULT_GATEWAY_CODES,
  maxVisibleRetries: DEFAULT_POLICY.maxVisibleRetries,
  notifications: true,
  neverRetry: [],
  statusAutoCheck: false,
  statusProviders: { checkHost: true, statusPage: true, cdnStatus: true, custom: false },
  statusEndpoints: DEFAULT_STATUS_ENDPOINTS,
  customEndpoint: null,
  historyRetentionDays: 30,
};

/** Longest history retention the settings accept, days. */
export const MAX_HISTORY_RETENTION_DAYS = 365;

/** An absolute http(s) URL without credentials; `{host}`, `{domain}` and `{name}` may stand in the host. */
const endpointUrl = v.pipe(
  v.string(),
  v.trim(),
  v.maxLength(500),
  v.check((x) => isEndpointUrl(x), 'must be an http(s) URL without user name or password'),
);

/** True for an http(s) URL (placeholders allowed) that carries no credentials. */
export function isEndpointUrl(x: string): boolean {
  let u: URL;
  try {
    u = new URL(x.replace(/\{(host|domain|name)\}/g, 'placeholder'));
  } catch {
    return false;
  }
  return (u.protocol === 'https:' || u.protocol === 'http:') && u.username === '' && u.password === '';
}

const FIELDS = {
  codes: v.pipe(
    v.array(v.pipe(v.number(), v.integer(), v.minValue(400), v.maxValue(599))),
    v.maxLength(50),
  ),
  maxVisibleRetries: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(20)),
  notifications: v.boolean(),
  neverRetry: v.pipe(
    v.array(v.pipe(v.string(), v.trim(), v.toLowerCase(), v.minLength(1), v.maxLength(253), v.regex(/^[a-z0-9.\-:[\]]+$/))),
    v.maxLength(500),
  ),
  statusAutoCheck: v.boolean(),
  statusProviders: v.object({
    checkHost: v.optional(v.boolean(), DEFAULT_SETTINGS.statusProviders.checkHost),
    statusPage: v.optional(v.boolean(), DEFAULT_SETTINGS.statusProviders.statusPage),
    cdnStatus: v.optional(v.boolean(), DEFAULT_SETTINGS.statusProviders.cdnStatus),
    custom: v.optional(v.boolean(), DEFAULT_SETTINGS.statusProviders.custom),
  }),
  statusEndpoints: v.object({
    checkHost: v.optional(v.pipe(endpointUrl, v.transform((x) => x.replace(/\/+$/, ''))), DEFAULT_STATUS_ENDPOINTS.checkHost),
    cloudflareStatus: v.optional(
      v.pipe(endpointUrl, v.transform((x) => x.replace(/\/+$/, ''))),
      DEFAULT_STATUS_ENDPOINTS.cloudflareStatus,
    ),
    statusPageTemplates: v.optional(v.pipe(v.array(endpointUrl), v.maxLength(10)), [...DEFAULT_STATUS_ENDPOINTS.statusPageTemplates]),
    checkHostNodes: v.optional(v.pipe(v.number(), v.integer(), v.minValue(3), v.maxValue(20)), DEFAULT_STATUS_ENDPOINTS.checkHostNodes),
    archive: v.optional(v.pipe(endpointUrl, v.transform((x) => x.replace(/\/+$/, ''))), DEFAULT_STATUS_ENDPOINTS.archive),
  }),
  customEndpoint: v.nullable(
    v.object({
      template: endpointUrl,
      format: v.picklist(['uptime-kuma', 'gatus']),
    }),
  ),
  historyRetentionDays: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_HISTORY_RETENTION_DAYS)),
} as const;

/** One step of the stored shape's history: turns version `to - 1` into version `to`. */
export interface Migration {
  readonly to: number;
  readonly migrate: (raw: Record<string, unknown>) => Record<string, unknown>;
}

/**
 * Ordered migrations; the stored object's `version` says where to start. Version 0 is an object without a
 * `version` field: its fields already have today's names.
 */
export const MIGRATIONS: readonly Migration[] = [{ to: 1, migrate: (raw) => ({ ...raw, version: 1 }) }];

/**
 * Fields kept per device in `storage.local`, never synced: consent given on one machine is not consent on another
 * (and Firefox's own data consent is held per installation).
 */
export const DEVICE_FIELDS = ['statusAutoCheck'] as const satisfies readonly (keyof Settings)[];

/** Splits a change into what goes to `storage.sync` and what stays on this device (`storage.local`). */
export function splitByArea(patch: Record<string, unknown>): { sync: Record<string, unknown>; local: Record<string, unknown> } {
  const sync: Record<string, unknown> = {};
  const local: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(patch)) ((DEVICE_FIELDS as readonly string[]).includes(key) ? local : sync)[key] = value;
  return { sync, local };
}

export interface LoadedSettings {
  readonly settings: Settings;
  /** One line per field that was invalid and replaced by its default. */
  readonly warnings: string[];
}

/**
 * Reads settings from untrusted stored objects.
 *
 * @param stored - what `storage.sync` holds (any shape, or undefined); its {@link DEVICE_FIELDS} are ignored
 * @param managed - what `storage.managed` holds (an administrator's preset); its valid fields win over the others
 * @param device - what `storage.local` holds: the {@link DEVICE_FIELDS} only are read from it
 * @returns the settings and the warnings for what was dropped; never throws
 */
export function loadSettings(stored: unknown, managed?: unknown, device?: unknown): LoadedSettings {
  const warnings: string[] = [];
  const migrated = migrate(asRecord(stored), warnings);
  const synced = Object.fromEntries(Object.entries(migrated).filter(([k]) => !(DEVICE_FIELDS as readonly string[]).includes(k)));
  const onDevice = Object.fromEntries(Object.entries(asRecord(device)).filter(([k]) => (DEVICE_FIELDS as readonly string[]).includes(k)));
  const fromUser = readFields(synced, 'storage', warnings);
  const fromDevice = readFields(onDevice, 'device', warnings);
  const fromPolicy = readFields(asRecord(managed), 'policy', warnings);
  return { settings: { ...DEFAULT_SETTINGS, ...fromUser, ...fromDevice, ...fromPolicy, version: SETTINGS_VERSION }, warnings };
}

function asRecord(x: unknown): Record<string, unknown> {
  return x !== null && typeof x === 'object' && !Array.isArray(x) ? (x as Record<string, unknown>) : {};
}

function migrate(raw: Record<string, unknown>, warnings: string[]): Record<string, unknown> {
  const version = raw.version === undefined ? 0 : raw.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 0) {
    warnings.push(`settings: unreadable version ${JSON.stringify(version)}; reading fields as they are`);
    return raw;
  }
  if (version > SETTINGS_VERSION) {
    warnings.push(`settings: version ${version} is newer than ${SETTINGS_VERSION}; reading the fields this version knows`);
    return raw;
  }
  let out = raw;
  for (const m of MIGRATIONS) if (m.to > version) out = m.migrate(out);
  return out;
}

function readFields(raw: Record<string, unknown>, source: string, warnings: string[]): Partial<Settings> {
  const out: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(FIELDS)) {
    // `undefined` is "not stored" (a fake or an older browser may hand back a requested key that has no value).
    if (!(key in raw) || raw[key] === undefined) continue;
    const result = v.safeParse(schema, raw[key]);
    if (result.success) out[key] = result.output;
    else warnings.push(`settings (${source}): ${key} is invalid (${result.issues[0]?.message ?? 'unknown issue'}); ${source === 'policy' ? 'ignored' : 'using the default'}`);
  }
  return out as Partial<Settings>;
}
