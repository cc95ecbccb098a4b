/**
 * Who answers a gateway error on the real web, as data: one table of the proxies, CDN edges, hosting platforms and
 * gateways whose answers can be recognised by their response headers, and the one generic matcher that reads it.
 *
 * Each entry names the party, the side of the failure it sits on, the headers that identify it, and (where its own
 * documentation or public captures show it) the headers or statuses of its own error page ("the origin behind me
 * failed"), of its challenge page, and of the id its support can look up. `test/fixtures/headers/SOURCES.md` lists
 * the real captures every rule is checked against (`test/unit/real-headers.test.ts`).
 *
 * Rules the matcher applies, in this order (issue 12):
 * 1. a proxy's own error signature (`X-Squid-Error`, `Proxy-Agent`, a proxy naming itself in `Server`) wins over all;
 * 2. a known edge wins over a bare `Server` (CloudFront and Google put their `Via` on every answer, in front of the
 *    origin's own `Server`);
 * 3. a known hosting platform or gateway;
 * 4. a proxy recognised only by its `Via` or `Server`, without its error signature: it passed the answer on.
 * `Via` alone is never "your proxy": an unknown `Via` cannot tell (see `whoAnswered`).
 *
 * A host whose own front is a known edge (Render serves every answer through Cloudflare) names that edge in
 * `servedThrough`: when both match, the host is named, as it is the party that answered.
 *
 * Header values are untrusted: they are cleaned and capped before they reach a pattern, and nothing here throws.
 * Parties searched for and left out, because no public capture or vendor document shows a header of theirs that
 * tells their answer apart (a guess would put the fault on the wrong side; see `test/fixtures/headers/SOURCES.md`):
 * - FortiGate: its "Web Filter Violation" / "Application Control Violation" pages carry only generic headers
 *   (Ekultek/WhatWaf#513 and #34 captures); wafw00f knows it by the body only. FortiWeb's FORTIWAFSID cookie is the
 *   site's WAF, not the user's proxy.
 * - Palo Alto: its block page is known by its text only ("blocked in accordance with company policy": wafw00f
 *   paloalto.py, sqlmap waf/paloalto.py); no capture shows a header of its own.
 * - Blue Coat / Symantec ProxySG: X-BlueCoat-Via is a request header it adds to what it passes on (seen in public
 *   httpbin echoes), not a response header; no capture of its exception page's headers was found.
 * - Imperva's bot challenge: x-iinfo, X-CDN and the incap cookies are on every answer (microlinkhq/is-antibot#60).
 * - Akamai's bot challenge: Bot Manager's interstitial is known by its body (sec-if-cpt-container: germondai/trawl#33),
 *   its 403 by AkamaiGHost plus the _abck/bm_sz cookies of its handshake and no header of its own (a 403 is never
 *   acted on anyway; typeclaw/typeclaw#1181), and akamai-grn is on every answer (microlinkhq/is-antibot#43): no
 *   header says "challenge".
 * - Traefik: its own 502 is the 11-byte text "Bad Gateway" with no Server or other identifying header
 *   (traefik/traefik#3237 debug log, root-gg/plik#306).
 * - HAProxy: its default 503 "No server is available to handle this request" carries only Cache-Control,
 *   Connection and Content-Type (balena-io/open-balena#132 capture, `haproxy-503-balena`).
 */

/** Where a party sits, seen from the visitor. */
export type Side =
  /** A proxy between the visitor and the site (company, school, provider, a local filter or debugger). */
  | 'user-proxy'
  /** The site's CDN or edge network (it has its own points of presence and reaches the site's origin). */
  | 'site-edge'
  /** The platform that hosts the site's own code (its router reaches the site's app). */
  | 'site-host'
  /** The site's own gateway: a reverse proxy or load balancer in front of its servers. */
  | 'site-gateway';

/** One header test. `name` is lowercase; a header is "present" when it has a non-empty value. */
export interface HeaderTest {
  readonly name: string;
  /** Some value of the header must match; without it, presence is enough. */
  readonly value?: RegExp;
  /** `name` is a prefix: any header starting with it (e.g. `x-envoy-`). */
  readonly prefix?: true;
  /** The header must be absent (an edge's own answer carries no origin `Server`). */
  readonly absent?: true;
}

/** A party recognisable by its headers. */
export interface Signature {
  /** Stable id, stored with an incident (`GatewayInfo.party`): lowercase letters, digits and `-`. */
  readonly id: string;
  /** Product name for people, the same in every language; empty for the generic `Proxy-Agent` entry. */
  readonly label: string;
  readonly side: Side;
  /** Any of these identifies the party. */
  readonly identify: readonly HeaderTest[];
  /** Any of these says the answer is the party's own error page (proxies). Its value is kept as `ownError`. */
  readonly ownError?: readonly HeaderTest[];
  /**
   * The party made this error itself because what is behind it (the site's origin) failed: the status is one of
   * `codes` and every test of `when` holds. `when` may only test headers kept in `GatewayInfo` (server, via, x-cache,
   * cf-ray), so a stored incident reads the same after the worker restarts.
   */
  readonly originFailed?: { readonly codes: readonly number[]; readonly when?: readonly HeaderTest[] };
  /** A challenge or block page (a bot check, not an outage): any test of `when`, and the status in `codes` if given. */
  readonly challenge?: { readonly codes?: readonly number[]; readonly when: readonly HeaderTest[] };
  /**
   * Ids of site edges this party's own front puts on every answer it makes (Render answers through Cloudflare):
   * when one of them matches too, this party is named instead of the edge. Only for hosts and gateways.
   */
  readonly servedThrough?: readonly string[];
  /** Headers holding an id the party's support can look up, best first. */
  readonly requestIds?: readonly string[];
  /** Where the signature is documented or captured. */
  readonly source: string;
}

const CLOUDFLARE_ORIGIN_CODES = [520, 521, 522, 523, 524, 525, 526, 527];
/** Ids other than a party's own: generic request-id headers, best first. */
const GENERIC_REQUEST_IDS = ['x-request-id', 'x-correlation-id'];
const GATEWAY_5XX = [500, 502, 503, 504];

/**
 * The table. Order matters only within a rank (see the file comment): the first entry that matches wins.
 * Values are matched against cleaned header values; cookie names are read from every `Set-Cookie` value
 * (Chromium only shows `Set-Cookie` to extensions that ask for `extraHeaders`, so no rule may depend on it alone).
 */
export const SIGNATURES: readonly Signature[] = [
  // --- Proxies on the visitor's side -------------------------------------------------------------------------------
  {
    id: 'squid',
    label: 'Squid',
    side: 'user-proxy',
    identify: [{ name: 'x-squid-error' }, { name: 'server', value: /^squid\b/i }, { name: 'via', value: /\(squid(\/[^)]*)?\)/i }],
    ownError: [{ name: 'x-squid-error' }],
    source: 'Squid error pages carry X-Squid-Error (squid-cache.org FAQ; pulp/pulp docs/user-guide/troubleshooting.rst)',
  },
  {
    id: 'zscaler',
    label: 'Zscaler',
    side: 'user-proxy',
    identify: [{ name: 'server', value: /\bzscaler\b/i }],
    ownError: [{ name: 'server', value: /\bzscaler\b/i }],
    source: 'Server: Zscaler (EnableSecurity/wafw00f plugins/zscaler.py, Ekultek/WhatWaf content/plugins/zscaler.py)',
  },
  {
    id: 'mitmproxy',
    label: 'mitmproxy',
    side: 'user-proxy',
    identify: [{ name: 'server', value: /^mitmproxy\b/i }],
    ownError: [{ name: 'server', value: /^mitmproxy\b/i }],
    source: 'mitmproxy error responses set Server to its NAMEVERSION (mitmproxy make_error_response)',
  },
  {
    id: 'privoxy',
    label: 'Privoxy',
    side: 'user-proxy',
    identify: [{ name: 'proxy-agent', value: /\bprivoxy\b/i }],
    ownError: [{ name: 'proxy-agent', value: /\bprivoxy\b/i }],
    source: 'Privoxy answers with "Proxy-Agent: Privoxy <version>" (privoxy jcc.c HTTP snippets)',
  },
  {
    id: 'proxy-agent',
    label: '',
    side: 'user-proxy',
    identify: [{ name: 'proxy-agent' }],
    ownError: [{ name: 'proxy-agent' }],
    source: 'Proxy-Agent names the proxy that made a response (RFC 1945 era header, still sent by forward proxies)',
  },
  // --- The site's CDN or edge --------------------------------------------------------------------------------------
  {
    id: 'cloudflare',
    label: 'Cloudflare',
    side: 'site-edge',
    identify: [{ name: 'cf-ray' }, { name: 'server', value: /^cloudflare\b/i }],
    originFailed: { codes: CLOUDFLARE_ORIGIN_CODES },
    challenge: { when: [{ name: 'cf-mitigated', value: /^challenge$/i }] },
    requestIds: ['cf-ray'],
    source: 'developers.cloudflare.com: 5xx errors (520-527 = origin), "Detect a Challenge Page response" (cf-mitigated)',
  },
  {
    id: 'cloudfront',
    label: 'Amazon CloudFront',
    side: 'site-edge',
    identify: [
      { name: 'x-amz-cf-id' },
      { name: 'x-amz-cf-pop' },
      { name: 'via', value: /\.cloudfront\.net \(cloudfront\)/i },
      { name: 'x-cache', value: /\bfrom cloudfront\b/i },
      { name: 'server', value: /^cloudfront$/i },
    ],
    originFailed: { codes: GATEWAY_5XX, when: [{ name: 'x-cache', value: /^error from cloudfront$/i }] },
    requestIds: ['x-amz-cf-id'],
    source: 'AWS CloudFront developer guide (HTTP 502/503/504 from CloudFront; X-Cache "Error from cloudfront")',
  },
  {
    id: 'fastly',
    label: 'Fastly',
    side: 'site-edge',
    identify: [{ name: 'x-served-by', value: /^cache-/i }, { name: 'x-fastly-request-id' }, { name: 'fastly-debug-digest' }],
    // Fastly's own synthetic errors ("Backend fetch failed", "No healthy IP available for the backend") say Varnish.
    originFailed: { codes: GATEWAY_5XX, when: [{ name: 'server', value: /^varnish$/i }] },
    requestIds: ['x-fastly-request-id', 'x-served-by'],
    source: 'docs.fastly.com "Common 503 errors"; jenkins-infra/helpdesk#2899 capture',
  },
  {
    id: 'akamai',
    label: 'Akamai',
    side: 'site-edge',
    identify: [{ name: 'server', value: /^akamaighost\b/i }, { name: 'akamai-grn' }, { name: 'akamai-cache-status' }, { name: 'x-reference-error' }],
    // The origin's own answer keeps the origin's Server; AkamaiGHost means the edge made the answer.
    originFailed: { codes: GATEWAY_5XX, when: [{ name: 'server', value: /^akamaighost\b/i }] },
    requestIds: ['akamai-grn', 'x-reference-error'],
    source: 'Server: AkamaiGHost, X-Reference-Error and Akamai-GRN in public captures (Ekultek/WhatWaf issues)',
  },
  {
    id: 'azure-front-door',
    label: 'Azure Front Door',
    side: 'site-edge',
    identify: [{ name: 'x-azure-ref' }, { name: 'x-msedge-ref' }],
    requestIds: ['x-azure-ref', 'x-msedge-ref'],
    source: 'learn.microsoft.com Azure Front Door: "Troubleshoot common issues", response headers (X-Azure-Ref)',
  },
  {
    id: 'google',
    label: 'Google Cloud load balancer',
    side: 'site-edge',
    identify: [{ name: 'via', value: /(^|,)\s*1\.1 google\s*(,|$)/i }],
    // The load balancer's own answers ("no healthy upstream") carry no Server of the backend's.
    originFailed: { codes: GATEWAY_5XX, when: [{ name: 'server', absent: true }] },
    source: 'Google Cloud Load Balancing adds "Via: 1.1 google"; HumanSecurity/restringer#94 capture',
  },
  {
    id: 'imperva',
    label: 'Imperva',
    side: 'site-edge',
    identify: [{ name: 'x-iinfo' }, { name: 'x-cdn', value: /\b(incapsula|imperva)\b/i }, { name: 'set-cookie', value: /\b(incap_ses_|visid_incap_)/i }],
    // No challenge rule: x-iinfo and X-CDN are on every answer Imperva fronts, served pages included
    // (microlinkhq/is-antibot#60); its challenge is only recognisable from the body.
    requestIds: ['x-iinfo'],
    source: 'X-Iinfo, X-CDN: Incapsula/Imperva, incap_ses_/visid_incap_ cookies (wafw00f incapsula.py; public captures)',
  },
  {
    id: 'sucuri',
    label: 'Sucuri',
    side: 'site-edge',
    identify: [{ name: 'x-sucuri-id' }, { name: 'x-sucuri-cache' }, { name: 'server', value: /^sucuri\b/i }],
    // X-Sucuri-Block is on Sucuri's block page only; an origin outage behind Sucuri carries X-Sucuri-ID without it.
    challenge: { when: [{ name: 'x-sucuri-block' }] },
    source: 'Sucuri firewall block pages: Server: Sucuri/Cloudproxy, X-Sucuri-ID, X-Sucuri-Block (Ekultek/WhatWaf issues)',
  },
  {
    id: 'ddos-guard',
    label: 'DDoS-Guard',
    side: 'site-edge',
    identify: [{ name: 'server', value: /^ddos-guard\b/i }, { name: 'set-cookie', value: /\b__ddg(\d+|id|mark)_?=/i }],
    // Its browser check answers 403; a 5xx behind it is an outage like any other.
    challenge: { codes: [403], when: [{ name: 'server', value: /^ddos-guard\b/i }] },
    source: 'Server: ddos-guard, __ddg cookies (wafw00f ddosguard.py; Ekultek/WhatWaf#1005 capture)',
  },
  {
    id: 'jiasule',
    label: 'Jiasule',
    side: 'site-edge',
    identify: [{ name: 'x-via-jsl' }, { name: 'server', value: /jiasule/i }, { name: 'set-cookie', value: /\b(__jsluid(_[sh])?|jsl_tracking\w*)=/i }],
    // Jiasule's JavaScript check answers 521 with a bare <script> that sets __jsl_clearance; X-Via-JSL and the
    // __jsluid cookie are on every answer, so the status is what tells the check apart (issue 12's case).
    challenge: { codes: [521], when: [{ name: 'x-via-jsl' }, { name: 'set-cookie', value: /\b__jsluid(_[sh])?=/i }] },
    source: 'Jiasule (知道创宇加速乐): X-Via-JSL, __jsluid_s/__jsluid_h (wafw00f jiasule.py; MgArcher/jiasule#3)',
  },
  // --- The site's hosting platform -----------------------------------------------------------------------------------
  {
    id: 'vercel',
    label: 'Vercel',
    side: 'site-host',
    identify: [{ name: 'x-vercel-id' }, { name: 'x-vercel-error' }, { name: 'server', value: /^vercel$/i }],
    challenge: { when: [{ name: 'x-vercel-mitigated', value: /^challenge$/i }] },
    requestIds: ['x-vercel-id'],
    source: 'vercel.com/docs errors (x-vercel-id, x-vercel-error) and Attack Challenge Mode (x-vercel-mitigated)',
  },
  {
    id: 'netlify',
    label: 'Netlify',
    side: 'site-host',
    identify: [{ name: 'x-nf-request-id' }, { name: 'server', value: /^netlify$/i }],
    requestIds: ['x-nf-request-id'],
    source: 'Netlify support guides: x-nf-request-id on every answer, Server: Netlify',
  },
  {
    id: 'fly',
    label: 'Fly.io',
    side: 'site-host',
    identify: [{ name: 'fly-request-id' }, { name: 'server', value: /^fly\//i }, { name: 'via', value: /\bfly\.io\b/i }],
    requestIds: ['fly-request-id'],
    source: 'fly.io docs: Fly Proxy response headers (fly-request-id, Server: Fly/<version>, Via: … fly.io)',
  },
  {
    id: 'heroku',
    label: 'Heroku',
    side: 'site-host',
    identify: [{ name: 'via', value: /\bvegur\b/i }, { name: 'server', value: /^heroku\b/i }],
    requestIds: ['x-request-id'],
    source: "Heroku's router (vegur) adds Via: 1.1 vegur (heroku/vegur README and issues); H1x router errors",
  },
  {
    id: 'render',
    label: 'Render',
    side: 'site-host',
    // x-render-routing is set by Render's router on its own errors (hibernate-wake-error, dynamic-hibernate-error-503).
    identify: [{ name: 'rndr-id' }, { name: 'x-render-origin-server' }, { name: 'x-render-routing' }],
    servedThrough: ['cloudflare'],
    requestIds: ['rndr-id'],
    source:
      "rndr-id and x-render-origin-server behind Server: cloudflare (Huyvodoi38/Day12_2A202601314_NguyenQuangHuy DEPLOYMENT.md capture); x-render-routing on its router's 503 (tonecapon3/stock-ticker-v2 BACKEND_WAKE_UP_GUIDE.md)",
  },
  {
    id: 'github-pages',
    label: 'GitHub Pages',
    side: 'site-host',
    identify: [{ name: 'x-github-request-id' }, { name: 'server', value: /^github\.com$/i }],
    requestIds: ['x-github-request-id'],
    source: 'Server: GitHub.com and X-GitHub-Request-Id on GitHub Pages answers (public curl captures)',
  },
  {
    id: 'google-frontend',
    label: 'Google Frontend',
    side: 'site-host',
    identify: [{ name: 'server', value: /^google frontend$/i }],
    source: 'App Engine and Cloud Run answer with Server: Google Frontend (golang/go#9386 capture)',
  },
  // --- The site's own gateway ----------------------------------------------------------------------------------------
  {
    id: 'aws-elb',
    label: 'AWS Elastic Load Balancing',
    side: 'site-gateway',
    identify: [{ name: 'server', value: /^awselb\//i }],
    requestIds: ['x-amzn-requestid', 'x-amzn-trace-id'],
    source: 'Application Load Balancer error answers: Server: awselb/2.0 (AWS ELB docs; esi/esi-issues#902 capture)',
  },
  {
    id: 'envoy',
    label: 'Envoy',
    side: 'site-gateway',
    identify: [{ name: 'server', value: /^envoy$/i }, { name: 'x-envoy-', prefix: true }],
    source: 'Server: envoy and x-envoy-* headers (envoyproxy docs; wafw00f envoy.py)',
  },
  {
    id: 'caddy',
    label: 'Caddy',
    side: 'site-gateway',
    identify: [{ name: 'server', value: /^caddy\b/i }],
    source: 'Caddy sends Server: Caddy (caddyserver.com docs)',
  },
  {
    id: 'openresty',
    label: 'OpenResty',
    side: 'site-gateway',
    identify: [{ name: 'server', value: /^openresty\b/i }],
    requestIds: ['req-id'],
    source: 'Server: openresty / OpenResty Edge (openresty/openresty.org#92, kubernetes/ingress-nginx#4609)',
  },
  {
    id: 'nginx',
    label: 'nginx',
    side: 'site-gateway',
    identify: [{ name: 'server', value: /^nginx\b/i }],
    source: 'Server: nginx[/version] (nginx server_tokens); ingress-nginx answers the same',
  },
  {
    id: 'apache',
    label: 'Apache',
    side: 'site-gateway',
    identify: [{ name: 'server', value: /^apache\b/i }],
    source: 'Server: Apache[/version] (httpd ServerTokens)',
  },
];

/** Headers kept besides those the table names (`GatewayInfo` fields). */
const STORED_HEADERS = ['server', 'via', 'cf-ray', 'x-cache', 'retry-after'];

function testsOf(s: Signature): HeaderTest[] {
  return [...s.identify, ...(s.ownError ?? []), ...(s.originFailed?.when ?? []), ...(s.challenge?.when ?? [])];
}

const READ_NAMES = new Set([
  ...STORED_HEADERS,
  ...GENERIC_REQUEST_IDS,
  ...SIGNATURES.flatMap((s) => [...testsOf(s).filter((t) => t.prefix !== true).map((t) => t.name), ...(s.requestIds ?? [])]),
]);
const READ_PREFIXES = SIGNATURES.flatMap((s) => testsOf(s).filter((t) => t.prefix === true).map((t) => t.name));

/** True when some rule or stored field reads header `name` (lowercase). */
export function isReadHeader(name: string): boolean {
  return READ_NAMES.has(name) || READ_PREFIXES.some((p) => name.startsWith(p));
}

/** Header values as the matcher reads them: lowercase name -> cleaned values, in order. */
export type HeaderView = ReadonlyMap<string, readonly string[]>;

const BY_ID = new Map(SIGNATURES.map((s) => [s.id, s]));

/** The table entry with this id, or `undefined` (an id stored by another version, or none). */
export function signatureById(id: string | undefined): Signature | undefined {
  return typeof id === 'string' ? BY_ID.get(id) : undefined;
}

/** The values of header `name` (lowercase), or of every header starting with it when `prefix`. */
function valuesOf(view: HeaderView, test: HeaderTest): readonly string[] {
  if (test.prefix !== true) return view.get(test.name) ?? [];
  const out: string[] = [];
  for (const [name, values] of view) if (name.startsWith(test.name)) out.push(...values);
  return out;
}

/** The first value that passes `test`, `''` for a passing `absent` test, or `undefined` when it fails. */
function passing(view: HeaderView, test: HeaderTest): string | undefined {
  const values = valuesOf(view, test);
  if (test.absent === true) return values.length === 0 ? '' : undefined;
  return values.find((v) => test.value === undefined || test.value.test(v));
}

function anyPasses(view: HeaderView, tests: readonly HeaderTest[] | undefined): string | undefined {
  for (const t of tests ?? []) {
    const v = passing(view, t);
    if (v !== undefined) return v;
  }
  return undefined;
}

/** What the headers of one answer say about who made it. */
export interface PartyMatch {
  readonly signature: Signature;
  /** The value of the party's own error signature (e.g. `ERR_CONNECT_FAIL 111`), when it made the answer itself. */
  readonly ownError?: string;
}

/**
 * Who answered, by the rules in the file comment; `undefined` when no entry matches.
 *
 * @param view - the answer's headers, cleaned (see `readHeaderView`)
 */
export function matchParty(view: HeaderView): PartyMatch | undefined {
  let edge: Signature | undefined;
  let site: Signature | undefined;
  let proxy: Signature | undefined;
  for (const s of SIGNATURES) {
    if (s.side === 'user-proxy') {
      const own = anyPasses(view, s.ownError);
      if (own !== undefined) return { signature: s, ownError: own };
      if (proxy === undefined && anyPasses(view, s.identify) !== undefined) proxy = s;
    } else if (anyPasses(view, s.identify) !== undefined) {
      if (s.side === 'site-edge') edge ??= s;
      else site ??= s;
    }
  }
  // A host that answers through its own edge (Render through Cloudflare) is the one that answered.
  if (edge !== undefined && site?.servedThrough?.includes(edge.id) === true) return { signature: site };
  const signature = edge ?? site ?? proxy;
  return signature === undefined ? undefined : { signature };
}

/** True when `signature` made a `code` answer itself because the origin behind it failed. */
export function saysOriginFailed(signature: Signature, code: number | undefined, view: HeaderView): boolean {
  const rule = signature.originFailed;
  if (rule === undefined || code === undefined || !rule.codes.includes(code)) return false;
  return (rule.when ?? []).every((t) => passing(view, t) !== undefined);
}

/**
 * The party whose challenge or block page this is, or `undefined`. Any party's challenge counts, not only the one
 * `matchParty` picks: a Jiasule check in front of an nginx origin is still a check.
 *
 * @param code - the answer's status; rules bound to statuses never match without it
 */
export function matchChallenge(view: HeaderView, code: number | undefined): Signature | undefined {
  for (const s of SIGNATURES) {
    const rule = s.challenge;
    if (rule === undefined) continue;
    if (rule.codes !== undefined && (code === undefined || !rule.codes.includes(code))) continue;
    if (anyPasses(view, rule.when) !== undefined) return s;
  }
  return undefined;
}

/** The id the site's support can look up: the answering party's own first, then a generic one, then any known one. */
export function findRequestId(view: HeaderView, party: Signature | undefined): string | undefined {
  const order = [...(party?.requestIds ?? []), ...GENERIC_REQUEST_IDS, ...SIGNATURES.flatMap((s) => s.requestIds ?? [])];
  for (const name of order) {
    // cf-ray is kept on its own (GatewayInfo.cfRay).
    if (name === 'cf-ray') continue;
    const v = view.get(name)?.[0];
    if (v !== undefined) return v;
  }
  return undefined;
}
