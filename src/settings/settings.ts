/**
 * User settings: a typed schema with defaults, a version and ordered migrations. Stored values are untrusted (another
 * version of the extension, sync from another machine, a hand-edited policy): each field is validated on its own with
 * valibot, and an invalid field falls back to its default with a warning, never an exception.
 *
 * The schema ({@link SETTINGS_FIELDS}) is the one source: the types below are inferred from it, and its limits are
 * exported so the options page offers exactly what the schema keeps.
 */
import * as v from 'valibot';
import { DEFAULT_GATEWAY_CODES } from '../recovery/classify';
import { DEFAULT_POLICY } from '../recovery/schedule';
import { isLoopbackHost } from '../shared/ip-address';
import { parseKumaPage } from './kuma-page';

export const SETTINGS_VERSION = 4;

/** Lowest and highest HTTP status a gateway-error code may be (client and server errors only). */
export const MIN_GATEWAY_CODE = 400;
export const MAX_GATEWAY_CODE = 599;
/** Most codes the settings keep. */
export const MAX_GATEWAY_CODES = 50;
/** Fewest and most visible reloads before watch mode. */
export const MIN_VISIBLE_RETRIES = 0;
export const MAX_VISIBLE_RETRIES = 20;
/** Most host names on the never-retry list. */
export const MAX_NEVER_RETRY_HOSTS = 500;
/** Most domains on the never-send list. */
export const MAX_NEVER_SEND_HOSTS = 500;
/** Longest host name, characters (DNS: 253). */
export const MAX_HOST_LENGTH = 253;
/** What one host-list entry may hold, after lower-casing: a host name, an IPv4 or a bracketed IPv6 address. */
export const HOST_PATTERN = /^[a-z0-9.\-:[\]]+$/;
/** Shortest and longest history retention, days; 0 keeps no history. */
export const MIN_HISTORY_RETENTION_DAYS = 0;
export const MAX_HISTORY_RETENTION_DAYS = 365;
/** Fewest and most locations check-host is asked to use. */
export const MIN_CHECK_HOST_NODES = 3;
export const MAX_CHECK_HOST_NODES = 20;
/**
 * Fewest and most probes Globalping is asked for. Its free limit is 250 tests an hour per IP address, each probe one
 * test, and up to 50 probes per measurement (`public/v1/spec.yaml` in jsdelivr/globalping).
 */
export const MIN_GLOBALPING_PROBES = 3;
export const MAX_GLOBALPING_PROBES = 20;
/** Longest endpoint URL or template, characters. */
export const MAX_ENDPOINT_LENGTH = 500;
/** Most status-page templates tried. */
export const MAX_STATUS_PAGE_TEMPLATES = 10;
/** Answer formats a custom endpoint may speak (see `src/status/providers/custom-endpoint.ts`). */
export const CUSTOM_ENDPOINT_FORMATS = ['uptime-kuma', 'gatus'] as const;
/** When incident notifications show (see `notify`). */
export const NOTIFY_MODES = ['every-change', 'back-only', 'never'] as const;
export type NotifyMode = (typeof NOTIFY_MODES)[number];

/** Which third-party status providers may be asked, by default. */
const DEFAULT_PROVIDERS = { checkHost: true, globalping: true, statusPage: true, cdnStatus: true, custom: false } as const;

/** Where the providers are reached by default. */
const DEFAULT_ENDPOINTS = {
  checkHost: 'https://check-host.net',
  cloudflareStatus: 'https://www.cloudflarestatus.com',
  statusPageTemplates: ['https://status.{domain}', 'https://{name}status.com', 'https://{name}.statuspage.io'],
  checkHostNodes: 7,
  globalping: 'https://api.globalping.io',
  globalpingProbes: 5,
  archive: 'https://archive.org',
} as const;

/** The placeholders an endpoint template may hold: the site's host, its registrable domain, that without its suffix. */
const PLACEHOLDER = /\{(host|domain|name)\}/g;

/**
 * True for an endpoint URL (placeholders allowed) that carries no credentials and goes over https, or over plain
 * http to this machine only (`localhost` and names under it, `127.0.0.0/8`, `[::1]`: {@link isLoopbackHost}), where
 * a local checker or a test's stand-in listens. A site's address sent over plain http to anywhere else could be read
 * and changed on the way (issue 15, "only https is accepted, loopback excepted for local checkers").
 */
export function isEndpointUrl(x: string): boolean {
  let u: URL;
  try {
    u = new URL(x.replace(PLACEHOLDER, 'placeholder'));
  } catch {
    return false;
  }
  if (u.username !== '' || u.password !== '') return false;
  return u.protocol === 'https:' || (u.protocol === 'http:' && isLoopbackHost(u.hostname));
}

/** The schema's message for an endpoint URL it refuses. */
const ENDPOINT_URL_MESSAGE = 'must be an https URL (http only to localhost, 127.0.0.0/8 or [::1]) without user name or password';

/** An absolute endpoint URL (see {@link isEndpointUrl}); `{host}`, `{domain}` and `{name}` may stand in the host. */
const endpointUrl = v.pipe(
  v.string(),
  v.trim(),
  v.maxLength(MAX_ENDPOINT_LENGTH),
  v.check((x) => isEndpointUrl(x), ENDPOINT_URL_MESSAGE),
);

/** An endpoint base: a URL without trailing slash. */
const endpointBase = v.pipe(endpointUrl, v.transform((x) => x.replace(/\/+$/, '')));

/**
 * A list of host names, each trimmed and lowercased (a trailing dot dropped), at most `max` of them. The options page
 * also turns pasted addresses and international names into this form (`extension/options/options-input.ts`).
 */
const hostList = (max: number) =>
  v.pipe(
    v.array(
      v.pipe(
        v.string(),
        v.trim(),
        v.toLowerCase(),
        v.transform((x) => x.replace(/\.$/, '')),
        v.minLength(1),
        v.maxLength(MAX_HOST_LENGTH),
        v.regex(HOST_PATTERN),
      ),
    ),
    v.maxLength(max),
    v.readonly(),
  );

/** A provider switch: absent means its default. */
const providerSwitch = (id: keyof typeof DEFAULT_PROVIDERS) => v.optional(v.boolean(), DEFAULT_PROVIDERS[id]);

const statusEndpointsSchema = v.pipe(
  v.object({
    /** check-host.net API base, no trailing slash. */
    checkHost: v.optional(endpointBase, DEFAULT_ENDPOINTS.checkHost),
    /** Cloudflare's Statuspage base; a fixed URL that reveals no visited site. */
    cloudflareStatus: v.optional(endpointBase, DEFAULT_ENDPOINTS.cloudflareStatus),
    /**
     * Where a site's own status page may live, tried in order: `{domain}` is the registrable domain (`github.com`),
     * `{name}` the domain without its public suffix (`github`).
     */
    statusPageTemplates: v.optional(
      v.pipe(v.array(endpointUrl), v.maxLength(MAX_STATUS_PAGE_TEMPLATES), v.readonly()),
      () => [...DEFAULT_ENDPOINTS.statusPageTemplates],
    ),
    /** Locations check-host is asked to use. */
    checkHostNodes: v.optional(
      v.pipe(v.number(), v.integer(), v.minValue(MIN_CHECK_HOST_NODES), v.maxValue(MAX_CHECK_HOST_NODES)),
      DEFAULT_ENDPOINTS.checkHostNodes,
    ),
    /** Globalping's API base (jsDelivr's measurement network), no trailing slash. */
    globalping: v.optional(endpointBase, DEFAULT_ENDPOINTS.globalping),
    /** Probes Globalping is asked for; each costs one of its 250 free tests an hour. */
    globalpingProbes: v.optional(
      v.pipe(v.number(), v.integer(), v.minValue(MIN_GLOBALPING_PROBES), v.maxValue(MAX_GLOBALPING_PROBES)),
      DEFAULT_ENDPOINTS.globalpingProbes,
    ),
    /** The Internet Archive's base (its Wayback availability API); asked only when the user clicks "archived copy". */
    archive: v.optional(endpointBase, DEFAULT_ENDPOINTS.archive),
  }),
  v.readonly(),
);

/** Why a custom endpoint is refused (the options page shows one text per problem). */
export type CustomEndpointProblem = 'empty' | 'invalid' | 'too-long' | 'placeholder-in-host' | 'not-kuma-page';

/** The schema's message per problem: what `loadSettings` warns with, and what the options page reads back. */
export const CUSTOM_ENDPOINT_PROBLEMS: { readonly [K in CustomEndpointProblem]: string } = {
  empty: 'the address is empty',
  invalid: ENDPOINT_URL_MESSAGE,
  'too-long': `the address is longer than ${MAX_ENDPOINT_LENGTH} characters`,
  'placeholder-in-host': 'a placeholder may stand in the path or query only, never in the server\'s name',
  'not-kuma-page': 'an Uptime Kuma address must name one status page: https://…/status/<slug>',
};

/**
 * What is wrong with a custom endpoint, or `null`: the one rule, used by the schema below (so every stored or
 * policy value obeys it) and, through the schema, by the options page.
 *
 * The server must be fixed (the "fixed-server rule"): the consent text names it, the host permission is asked for
 * it, and the site's name then goes only to the server the user named. A placeholder in the authority (`https://{host}.
 * mon.example`) would make it a different, unnamed server for every site, so `{host}` may stand in the path and the
 * query only.
 */
/**
 * True when the server part of an endpoint template (its authority, before the path) holds a placeholder or a brace:
 * a different server for every site. For the custom endpoint that breaks the fixed-server rule; a status-page
 * template with one is a guess, never a configured server.
 */
export function placeholderInHost(template: string): boolean {
  const afterScheme = template.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  return /[{}]/.test(afterScheme.split(/[/?#]/, 1)[0] ?? '');
}

export function customEndpointProblem(template: string, format: string): CustomEndpointProblem | null {
  const trimmed = template.trim();
  if (trimmed === '') return 'empty';
  if (trimmed.length > MAX_ENDPOINT_LENGTH) return 'too-long';
  const authority = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(trimmed)?.[1];
  if (authority === undefined || !isEndpointUrl(trimmed)) return 'invalid';
  if (placeholderInHost(trimmed)) return 'placeholder-in-host';
  // A Kuma status page is named by its slug, which can never be a host name: no placeholder, one page.
  if (format === 'uptime-kuma' && parseKumaPage(trimmed) === null) return 'not-kuma-page';
  return null;
}

/**
 * A checker the user runs. The meaning of `template` depends on `format`:
 * - `gatus`: the URL of its endpoint statuses (`/api/v1/endpoints/statuses`); a `{host}` in its path or query is
 *   replaced by the site's host name;
 * - `uptime-kuma`: the address of one Kuma status page (`…/status/<slug>`, see `./kuma-page.ts`); the monitors of the
 *   site are found on that page. No placeholder: a Kuma slug can never be a host name.
 * Either way the server is fixed ({@link customEndpointProblem}).
 */
export const customEndpointSchema = v.pipe(
  v.object({
    template: v.pipe(v.string(), v.trim()),
    format: v.picklist(CUSTOM_ENDPOINT_FORMATS),
  }),
  v.check(
    (x) => customEndpointProblem(x.template, x.format) === null,
    (issue) => {
      const x = issue.input as { template: string; format: string };
      return CUSTOM_ENDPOINT_PROBLEMS[customEndpointProblem(x.template, x.format) ?? 'invalid'];
    },
  ),
  v.readonly(),
);

/** The endpoints one consent covers, as stored with it (see `./consent.ts`, which derives and compares them). */
const coveredEndpointsSchema = v.object({
  checkHost: v.pipe(v.string(), v.maxLength(MAX_ENDPOINT_LENGTH)),
  globalping: v.pipe(v.string(), v.maxLength(MAX_ENDPOINT_LENGTH)),
  cloudflareStatus: v.pipe(v.string(), v.maxLength(MAX_ENDPOINT_LENGTH)),
  statusPageTemplates: v.pipe(v.array(v.pipe(v.string(), v.maxLength(MAX_ENDPOINT_LENGTH))), v.maxLength(MAX_STATUS_PAGE_TEMPLATES)),
  archive: v.pipe(v.string(), v.maxLength(MAX_ENDPOINT_LENGTH)),
});

/**
 * What a consent to status checks covered, stored with it on this device: every address a lookup may send a site's
 * address to (the provider bases, the status-page templates, the archive, the custom endpoint and its format), which
 * providers were on, and the gateway codes that start an automatic check. Read back as untrusted (another version, a
 * hand-edited profile): a value this schema refuses counts as no record, so the consent covers the defaults only.
 */
export const consentScopeSchema = v.pipe(
  v.object({
    codes: v.pipe(v.array(v.pipe(v.number(), v.integer())), v.maxLength(MAX_GATEWAY_CODES)),
    providers: v.object({ checkHost: v.boolean(), globalping: v.boolean(), statusPage: v.boolean(), cdnStatus: v.boolean(), custom: v.boolean() }),
    endpoints: coveredEndpointsSchema,
    customEndpoint: v.nullable(
      v.object({ template: v.pipe(v.string(), v.maxLength(MAX_ENDPOINT_LENGTH)), format: v.pipe(v.string(), v.maxLength(20)) }),
    ),
  }),
  v.readonly(),
);

/** What one consent covered (see {@link consentScopeSchema}). */
export type ConsentScope = v.InferOutput<typeof consentScopeSchema>;

/** One schema per stored field; each is read on its own, so one bad field costs only itself. */
export const SETTINGS_FIELDS = {
  /** HTTP statuses treated as gateway errors on a main frame. */
  codes: v.pipe(
    v.array(v.pipe(v.number(), v.integer(), v.minValue(MIN_GATEWAY_CODE), v.maxValue(MAX_GATEWAY_CODE))),
    v.maxLength(MAX_GATEWAY_CODES),
    v.readonly(),
  ),
  /** Visible reloads before watch mode. */
  maxVisibleRetries: v.pipe(v.number(), v.integer(), v.minValue(MIN_VISIBLE_RETRIES), v.maxValue(MAX_VISIBLE_RETRIES)),
  /**
   * When incident notifications show (issue 13, "Quiet notifications"): `every-change` (one per incident, shown when
   * it opens and when it is back or gives up, updated in place between), `back-only`, or `never`.
   */
  notify: v.picklist(NOTIFY_MODES),
  /** Host names never retried (a name also covers its subdomains). */
  neverRetry: hostList(MAX_NEVER_RETRY_HOSTS),
  /**
   * Domains never sent to anyone (status providers, status-page guesses, the Internet Archive): a domain also covers
   * every name under it, so `example.com` keeps `intranet.example.com` in the browser. For intranet names under a
   * public domain, which nothing else can tell apart by their name. Absent in older stored settings: empty.
   */
  neverSend: hostList(MAX_NEVER_SEND_HOSTS),
  /**
   * The user's consent to automatic status checks: when true, a gateway error sends the site's address (scheme,
   * host, port; never path, query or cookies) to the enabled third-party providers. False until the user says yes.
   */
  statusAutoCheck: v.boolean(),
  /**
   * What the user's "yes" in `statusAutoCheck` covered, recorded when they gave it (device-local, like the consent);
   * `null` for a consent given before settings version 4, which covers the defaults only (`./consent.ts`).
   */
  statusConsentScope: v.nullable(consentScopeSchema),
  /** Which status providers may be asked; each can be turned off on its own. */
  statusProviders: v.pipe(
    v.object({
      checkHost: providerSwitch('checkHost'),
      globalping: providerSwitch('globalping'),
      statusPage: providerSwitch('statusPage'),
      cdnStatus: providerSwitch('cdnStatus'),
      custom: providerSwitch('custom'),
    }),
    v.readonly(),
  ),
  /**
   * Where the providers are reached. An override comes only from an administrator's policy (`storage.managed`) or
   * from this device's own `storage.local`, which no sync and no page writes: the place where the e2e suite, the
   * demo and developers point the providers at loopback stand-ins. A value in `storage.sync` is ignored (and dropped
   * by the update to version 4), so another machine can never change where this one sends site addresses. The user's
   * own checker is `customEndpoint`.
   */
  statusEndpoints: statusEndpointsSchema,
  /** A checker the user or their company runs, or `null`. Used only while `statusProviders.custom` is on. */
  customEndpoint: v.nullable(customEndpointSchema),
  /**
   * An Uptime Kuma address of the old `…/heartbeat/{host}` kind that the update to settings version 2 had to drop (it
   * could never match: a Kuma slug has no dots); the options page shows it with a note until the user saves or
   * removes a checker. `null` otherwise.
   */
  customEndpointDropped: v.nullable(v.pipe(v.string(), v.maxLength(MAX_ENDPOINT_LENGTH))),
  /**
   * The end of the global pause of retries, epoch ms, or `null` when none was asked for (the popup's "Pause"; what a
   * pause means: `src/recovery/pause.ts`, which also refuses an end too far ahead). Device-local: a pause is about
   * this browser now, not every machine of the user's; never set by a policy.
   */
  pausedUntil: v.nullable(v.pipe(v.number(), v.integer(), v.minValue(0))),
  /** Days an ended incident stays in the recent-incidents history (`src/history/`); 0 keeps no history. */
  historyRetentionDays: v.pipe(v.number(), v.integer(), v.minValue(MIN_HISTORY_RETENTION_DAYS), v.maxValue(MAX_HISTORY_RETENTION_DAYS)),
} as const;

/** A setting the user (or an administrator) can set: every field but `version`. */
export type SettingKey = keyof typeof SETTINGS_FIELDS;

/** The settings as the extension uses them, inferred from {@link SETTINGS_FIELDS}. */
export type Settings = { readonly version: number } & Readonly<SettingValueMap>;
type SettingValueMap = { [K in SettingKey]: v.InferOutput<(typeof SETTINGS_FIELDS)[K]> };

/** Which status providers may be asked, by id. */
export type StatusProviderSwitches = Settings['statusProviders'];
/** The third-party status providers, by id. */
export type ThirdPartyProviderId = keyof StatusProviderSwitches;
/** Where the status providers are reached. */
export type StatusEndpoints = v.InferOutput<typeof statusEndpointsSchema>;
/** A checker the user or their company runs. */
export type CustomEndpoint = v.InferOutput<typeof customEndpointSchema>;
/** Answer formats a custom endpoint may speak. */
export type CustomEndpointFormat = CustomEndpoint['format'];

/** True when `key` names a setting. */
export function isSettingKey(key: string): key is SettingKey {
  return Object.hasOwn(SETTINGS_FIELDS, key);
}

export const DEFAULT_STATUS_ENDPOINTS: StatusEndpoints = DEFAULT_ENDPOINTS;

export const DEFAULT_SETTINGS: Settings = {
  version: SETTINGS_VERSION,
  codes: DEFAULT_GATEWAY_CODES,
  maxVisibleRetries: DEFAULT_POLICY.maxVisibleRetries,
  notify: 'every-change',
  neverRetry: [],
  neverSend: [],
  statusAutoCheck: false,
  statusConsentScope: null,
  statusProviders: DEFAULT_PROVIDERS,
  statusEndpoints: DEFAULT_STATUS_ENDPOINTS,
  customEndpoint: null,
  customEndpointDropped: null,
  pausedUntil: null,
  historyRetentionDays: 30,
};
/** One step of the stored shape's history: turns version `to - 1` into version `to`. */
export interface Migration {
  readonly to: number;
  readonly migrate: (raw: Record<string, unknown>) => Record<string, unknown>;
}

/**
 * Ordered migrations; the stored object's `version` says where to start. Version 0 is an object without a
 * `version` field: its fields already have today's names.
 */
export const MIGRATIONS: readonly Migration[] = [
  { to: 1, migrate: (raw) => ({ ...raw, version: 1 }) },
  { to: 2, migrate: (raw) => ({ ...migrateKumaTemplate(raw), version: 2 }) },
  { to: 3, migrate: (raw) => ({ ...migrateNotifications(raw), version: 3 }) },
  { to: 4, migrate: (raw) => ({ ...dropSyncedEndpoints(raw), version: 4 }) },
];

/**
 * Version 4 reads endpoint overrides only from policy and this device (see `statusEndpoints`): one found in the
 * synced object is dropped, so it stops being written back with every change.
 */
function dropSyncedEndpoints(raw: Record<string, unknown>): Record<string, unknown> {
  if (!('statusEndpoints' in raw)) return raw;
  const { statusEndpoints: _dropped, ...rest } = raw;
  return rest;
}

/**
 * Version 3 replaces the on/off `notifications` with the `notify` mode: on is every change (what it did), off is
 * never. An administrator's policy may still name the old field, so policies are read through this too.
 */
function migrateNotifications(raw: Record<string, unknown>): Record<string, unknown> {
  if (!('notifications' in raw)) return raw;
  const { notifications, ...rest } = raw;
  if (typeof notifications !== 'boolean' || 'notify' in rest) return rest;
  return { ...rest, notify: notifications ? 'every-change' : 'never' };
}

/**
 * Version 2 reads an Uptime Kuma address as a status page, where version 1 took a URL template. An old template with a
 * fixed slug (`…/api/status-page/heartbeat/main`) names the same page and is kept as it is. One with a placeholder
 * (the documented `…/heartbeat/{host}`) never matched anything: it is dropped, the custom provider is switched off,
 * and the address is kept in `customEndpointDropped` for the options page's note.
 */
function migrateKumaTemplate(raw: Record<string, unknown>): Record<string, unknown> {
  const ep = raw.customEndpoint;
  if (ep === null || typeof ep !== 'object' || Array.isArray(ep)) return raw;
  const { template, format } = ep as Record<string, unknown>;
  if (format !== 'uptime-kuma' || typeof template !== 'string' || parseKumaPage(template) !== null) return raw;
  const providers = raw.statusProviders;
  return {
    ...raw,
    customEndpoint: null,
    customEndpointDropped: template.slice(0, MAX_ENDPOINT_LENGTH),
    ...(providers !== null && typeof providers === 'object' && !Array.isArray(providers) ? { statusProviders: { ...providers, custom: false } } : {}),
  };
}

/**
 * Fields kept per device in `storage.local`, never synced: consent given on one machine is not consent on another
 * (and Firefox's own data consent is held per installation), and where this machine sends site addresses is decided
 * by its administrator or on this device only (`statusEndpoints`: tests and developers; no page writes it). A pause
 * (`pausedUntil`) is about this browser now.
 */
export const DEVICE_FIELDS = ['statusAutoCheck', 'statusConsentScope', 'statusEndpoints', 'pausedUntil'] as const satisfies readonly SettingKey[];

/** Splits a change into what goes to `storage.sync` and what stays on this device (`storage.local`). */
export function splitByArea(patch: Record<string, unknown>): { sync: Record<string, unknown>; local: Record<string, unknown> } {
  const sync: Record<string, unknown> = {};
  const local: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(patch)) (isDeviceField(key) ? local : sync)[key] = value;
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
 * @returns the settings and the warnings for what was dropped; never throws. When the policy sets
 *   `statusAutoCheck`, `statusConsentScope` is what is configured now: the organisation's decision covers its own
 *   configuration, whatever this device recorded.
 */
export function loadSettings(stored: unknown, managed?: unknown, device?: unknown): LoadedSettings {
  const warnings: string[] = [];
  const migrated = migrate(asRecord(stored), warnings);
  const synced = Object.fromEntries(Object.entries(migrated).filter(([k]) => !isDeviceField(k)));
  const onDevice = Object.fromEntries(Object.entries(asRecord(device)).filter(([k]) => isDeviceField(k)));
  const fromUser = readFields(synced, 'storage', warnings);
  const fromDevice = readFields(onDevice, 'device', warnings);
  const fromPolicy = readFields(policyRecord(managed), 'policy', warnings);
  const settings: Settings = { ...DEFAULT_SETTINGS, ...fromUser, ...fromDevice, ...fromPolicy, version: SETTINGS_VERSION };
  if (fromPolicy.statusAutoCheck === undefined) return { settings, warnings };
  return { settings: { ...settings, statusConsentScope: consentScope(settings) }, warnings };
}

/**
 * What a consent given now would cover: the addresses and switches `settings` would have lookups use, and the codes,
 * in one canonical form (codes sorted and deduplicated, keys in a fixed order) so that equal scopes serialise alike
 * (`consentFingerprint` in `./consent.ts`). Endpoints are listed whether or not their provider is on, and the custom
 * endpoint whether or not it is switched on: switching one on is then a change of `providers`.
 */
export function consentScope(settings: Pick<Settings, 'codes' | 'statusProviders' | 'statusEndpoints' | 'customEndpoint'>): ConsentScope {
  const p = settings.statusProviders;
  const ep = settings.statusEndpoints;
  const custom = settings.customEndpoint;
  return {
    codes: [...new Set(settings.codes)].sort((a, b) => a - b),
    providers: { checkHost: p.checkHost, globalping: p.globalping, statusPage: p.statusPage, cdnStatus: p.cdnStatus, custom: p.custom },
    endpoints: {
      checkHost: ep.checkHost,
      globalping: ep.globalping,
      cloudflareStatus: ep.cloudflareStatus,
      statusPageTemplates: [...ep.statusPageTemplates],
      archive: ep.archive,
    },
    customEndpoint: custom === null ? null : { template: custom.template, format: custom.format },
  };
}

/**
 * Which fields a policy object sets validly: those win in {@link loadSettings}, and the pages show them locked. An
 * invalid policy field is ignored there, so it must not lock the user's own value either.
 *
 * @param managed - what `storage.managed` holds (any shape)
 */
export function policyFields(managed: unknown): ReadonlySet<SettingKey> {
  return new Set(Object.keys(readFields(policyRecord(managed), 'policy', [])).filter(isSettingKey));
}

/**
 * A policy object as read: migrated like stored settings, without `statusConsentScope`, which only this device's
 * consent pages record (an administrator decides through `statusAutoCheck`, which covers the policy's configuration),
 * and without `pausedUntil`, the user's own pause of the moment.
 */
function policyRecord(managed: unknown): Record<string, unknown> {
  const { statusConsentScope: _recordedHereOnly, pausedUntil: _usersOwn, ...rest } = migrateNotifications(asRecord(managed));
  return rest;
}

function isDeviceField(key: string): boolean {
  return (DEVICE_FIELDS as readonly string[]).includes(key);
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

type SettingValues = Partial<SettingValueMap>;

/** {@link SETTINGS_FIELDS} seen key by key, so one generic reader handles every field. */
const FIELD_SCHEMAS: { readonly [K in SettingKey]: v.GenericSchema<unknown, SettingValueMap[K]> } = SETTINGS_FIELDS;

function readFields(raw: Record<string, unknown>, source: string, warnings: string[]): SettingValues {
  const out: SettingValues = {};
  for (const key of Object.keys(SETTINGS_FIELDS).filter(isSettingKey)) {
    // `undefined` is "not stored" (a fake or an older browser may hand back a requested key that has no value).
    if (!(key in raw) || raw[key] === undefined) continue;
    const problem = readField(out, key, raw[key]);
    if (problem !== null) warnings.push(`settings (${source}): ${key} is invalid (${problem}); ${source === 'policy' ? 'ignored' : 'using the default'}`);
  }
  return out;
}

/** Puts `value` into `out[key]` when the field's schema accepts it; returns why not otherwise. */
function readField<K extends SettingKey>(out: SettingValues, key: K, value: unknown): string | null {
  const schema: v.GenericSchema<unknown, SettingValueMap[K]> = FIELD_SCHEMAS[key];
  const result = v.safeParse(schema, value);
  if (!result.success) return result.issues[0]?.message ?? 'unknown issue';
  out[key] = result.output;
  return null;
}
