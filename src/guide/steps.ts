/**
 * The troubleshooting guide: the fixes a visitor can make themselves, as data. {@link chooseSteps} picks and orders
 * them from what is known about the failure (the incident, who answered it, the status verdict), the browser and the
 * operating system; the popup renders them and runs their actions. Pure: no browser APIs.
 */
import type { GatewayInfo } from '../recovery/classify';
import { isSiteSide, isUserProxy, whoAnswered } from '../gateway/who-answered';
import type { GatewayHint, Verdict } from '../status/verdict';
import type { MessageKey, I18nText } from '../shared/text';
import type { BrowserFamily } from '../shared/browser-words';

export type { BrowserFamily } from '../shared/browser-words';

/** `runtime.getPlatformInfo().os` (MDN: runtime.PlatformOs). */
export type PlatformOs = 'mac' | 'win' | 'android' | 'cros' | 'linux' | 'openbsd' | 'fuchsia';

export type StepId =
  | 'form-check'
  | 'resend-form'
  | 'proxy'
  | 'refresh'
  | 'cookies'
  | 'private-window'
  | 'other-network'
  | 'dns'
  | 'router'
  | 'down-for-everyone'
  | 'try-later'
  | 'tell-site';

/** What a step's button does; the popup carries it out (see `extension/popup/guide-actions.ts`). */
export type StepAction =
  /** Reload the tab with the cache bypassed. */
  | { readonly kind: 'reload' }
  /**
   * Remove the cookies of `domain` (and its subdomains) after the user confirmed `confirm`, then reload. Never offered
   * for a public suffix (`GuideContext.cookieDomain` is `null` there).
   */
  | { readonly kind: 'clear-cookies'; readonly domain: string; readonly confirm: I18nText }
  /** Open the page in a private window (only offered when the browser lets the extension do it). */
  | { readonly kind: 'open-private' }
  /** Copy the page's address, to paste into another browser. */
  | { readonly kind: 'copy-link' }
  /** Run (or repeat) the "down for everyone?" check. */
  | { readonly kind: 'check-status' }
  /** Copy the diagnostic report for the site's support. */
  | { readonly kind: 'copy-report' }
  /**
   * Send the failed form again (a plain reload: the browser asks too), after the user confirmed `confirm`. Only offered
   * for a form's answer, after the step that checks whether the form went through.
   */
  | { readonly kind: 'resend-form'; readonly confirm: I18nText };

/** A command or address the user types or pastes somewhere; shown verbatim with a copy button. */
export interface Snippet {
  /** What it is for, e.g. "Flush the Windows DNS cache, in a Command Prompt run as administrator". */
  readonly label: I18nText;
  readonly text: string;
}

export interface GuideStep {
  readonly id: StepId;
  readonly title: I18nText;
  /** Why this may help, for this failure. */
  readonly why: I18nText;
  /** What the button does, or what to do by hand. */
  readonly what: I18nText;
  readonly action?: StepAction;
  /** A second, lesser action (the other browser's copy link next to "open a private window"). */
  readonly secondary?: StepAction;
  readonly snippets?: readonly Snippet[];
  /** Where to look, one place a line (the order confirmation e-mail, the site's contact page, …). */
  readonly hints?: readonly I18nText[];
  /**
   * A page to open, shown as a link: the site's status page that the status check found (an http(s) address from
   * `SourceReport.link`).
   */
  readonly link?: { readonly label: I18nText; readonly url: string };
  /**
   * The step's own question and answers instead of "Did that help?" / "Yes, it works" / "No, next step", and the
   * closing line its "yes" leads to instead of "Glad it works again." (the form check: "Did it go through?").
   */
  readonly ask?: { readonly question: I18nText; readonly yes: I18nText; readonly no: I18nText; readonly done: I18nText };
  /**
   * Nothing for the visitor to try here (the site is down for everyone): the popup offers the next step instead of
   * asking whether it helped.
   */
  readonly informational?: boolean;
}

/** Everything the choice depends on. */
export interface GuideContext {
  /** The failed page's host (lowercase). */
  readonly host: string;
  /**
   * The registrable domain whose cookies would go (`example.com` for `shop.example.com`; the address for an IP), or
   * `null` when the host is a public suffix itself (`github.io`): no cookies are cleared there (see `cookie-domain.ts`).
   */
  readonly cookieDomain: string | null;
  readonly code: number;
  readonly gateway: GatewayInfo;
  /** The combined status verdict, when a check answered; `null` when none did (yet). */
  readonly verdict: Verdict | null;
  readonly browser: BrowserFamily;
  readonly os: PlatformOs;
  /** The modifier keys' names in the user's language, for the shortcuts the steps name (see {@link keyNames}). */
  readonly keys: KeyNames;
  /** The tab is in a private (incognito) window already. */
  readonly incognito: boolean;
  /** The extension may open private windows (`extension.isAllowedIncognitoAccess()`). */
  readonly canOpenPrivate: boolean;
  /** The incident is still under way: the extension retries or watches and will reload the page when it is back. */
  readonly underWay: boolean;
  /**
   * The page answered a form (not GET or HEAD): it is never reloaded for the user, so no step reloads it; the guide
   * starts with "check whether it went through", then offers to send it again.
   */
  readonly formFailed: boolean;
  /** The site's status page, when the status check found and read one (an http(s) address; see {@link statusPageLink}). */
  readonly statusPage?: string;
  /** What the browser itself found out (absent: nothing). */
  readonly local?: LocalEvidence;
}

/**
 * What the browser itself knows about this failure (issue 12, points 2 and 3), worked out once in
 * `src/view/incident-facts.ts` (`localEvidence`).
 */
export interface LocalEvidence {
  /** The cookieless comparison got a normal answer while the tab fails with its cookies: the cookies are the likely cause. */
  readonly answersWithoutCookies?: boolean;
  /** The browser reached the site through a proxy (Firefox's `proxyInfo`): its label, e.g. "http proxy.corp:3128". */
  readonly proxy?: string;
  /** The site's server address is private: an intranet site, never checked from outside. */
  readonly intranet?: boolean;
  /** Up elsewhere, and the browser reached an address in another network than every outside location reached. */
  readonly addressElsewhere?: boolean;
}

/**
 * What the error's headers are worth once the browser's own facts are known. Through a known proxy the answer may be
 * the proxy's own, so it counts as a proxy's (`user-proxy`), never as proof that the visitor's route to the site
 * works; and an address no outside location reached means the "site's gateway" that answered may be a stale one,
 * so the headers prove nothing either way.
 */
export function localHint(hint: GatewayHint | undefined, local: LocalEvidence | undefined): GatewayHint | undefined {
  if (local?.proxy !== undefined) return 'user-proxy';
  if (local?.addressElsewhere === true) return undefined;
  return hint;
}

/** The plain answer to "is it me?", shown above the steps. */
export type FaultSide =
  /** Checked from elsewhere: down for everyone. Nothing on the visitor's side will help. */
  | 'site'
  /** The site's own gateway or CDN answered: the visitor's connection and DNS work; the fault is very likely the site's. */
  | 'likely-site'
  /** Up from elsewhere, and nothing says the site's gateway answered: likely the visitor's side (network, proxy, cookies). */
  | 'likely-you'
  | 'unknown';

export interface Guide {
  readonly side: FaultSide;
  /** What "side" means for the user, in one sentence. */
  readonly summary: I18nText;
  readonly steps: readonly GuideStep[];
}

/**
 * Picks and orders the steps for one failure. The fixes and their order follow the articles listed in
 * `src/guide/SOURCES.md` (MDN's 502 page, Cloudflare's 502/504 and error-page texts, Chrome's connection-error help,
 * hosting providers' 502 guides): cheap and harmless first, what signs the visitor out or disturbs others later, and
 * nothing at all on the visitor's side once the site is known to be down for everyone.
 *
 * - Down for everyone: no chores. The guide says it is not the visitor, offers the status evidence (and an archived
 *   copy), then "try later", then where to report it.
 * - The site's own gateway answered (a `Server` header, Cloudflare's 52x): the visitor's connection and DNS
 *   demonstrably worked, so nothing about the router or another network; DNS advice goes last and says so; the cheap
 *   steps (refresh, a private window, cookies: an oversized cookie is a classic cause of a gateway's 502 for one
 *   visitor) come first, then the report and "try later".
 * - Up elsewhere with no sign of the site's gateway: the visitor's side is likely (MDN: "client networking errors,
 *   particularly if the service works for other visitors"): a VPN or proxy, another network (a phone's hotspot), the
 *   browser's own state, DNS, and last the router, whose restart takes minutes and the whole household's connection.
 * - A proxy between the visitor and the site answered with its own error page (squid's `X-Squid-Error`, …; see
 *   `src/gateway/signatures.ts`): unless the site is down for everyone, the proxy step comes first (the proxy, a VPN
 *   or the IT department are the candidates), then another network, which goes around the proxy, then DNS.
 * - A form's answer failed: first "check whether it went through" (a gateway error does not say whether the site
 *   acted on the form: RFC 9110, section 9.2.2), then the option to send it again, then the steps of the fault side,
 *   none of which reloads the page.
 */
export function chooseSteps(ctx: GuideContext): Guide {
  const headersHint = whoAnswered(ctx.code, ctx.gateway).hint;
  const hint = localHint(headersHint, ctx.local);
  const side = faultSide(ctx.verdict, hint, ctx.local);
  const cookiesFirst = ctx.local?.answersWithoutCookies === true;
  // The proxy's own error page proves the request stopped there: the proxy step first. A proxy that only carried the
  // answer (Firefox's `proxyInfo`) is a candidate, after the refresh.
  const proxyFirst = side !== 'site' && isUserProxy(headersHint);
  const all = {
    'form-check': formCheckStep(ctx),
    'resend-form': resendStep(),
    proxy: proxyStep(ctx, hint),
    refresh: refreshStep(ctx),
    cookies: cookiesStep(ctx),
    'private-window': privateWindowStep(ctx),
    'other-network': otherNetworkStep(),
    dns: dnsStep(ctx, hint),
    router: routerStep(),
    'down-for-everyone': downForEveryoneStep(ctx),
    'try-later': tryLaterStep(ctx),
    'tell-site': tellSiteStep(ctx),
  } satisfies Record<StepId, GuideStep>;
  const sideOrder: StepId[] = cookiesFirst
    ? ['cookies', 'refresh', 'private-window', 'proxy', 'dns', 'down-for-everyone', 'tell-site']
    : side === 'site'
      ? ['down-for-everyone', 'try-later', 'tell-site']
      : proxyFirst
        ? ['proxy', 'refresh', 'other-network', 'dns', 'down-for-everyone', 'private-window', 'cookies', 'tell-site']
        : side === 'likely-you'
          ? ctx.local?.addressElsewhere === true
            ? // An address no outside location reached: an outdated DNS answer is the likely cause, so DNS right away.
              ['refresh', 'dns', 'proxy', 'other-network', 'private-window', 'cookies', 'router', 'down-for-everyone', 'tell-site']
            : ['refresh', 'proxy', 'other-network', 'private-window', 'cookies', 'dns', 'router', 'down-for-everyone', 'tell-site']
          : side === 'likely-site'
            ? ['refresh', 'down-for-everyone', 'private-window', 'cookies', 'tell-site', 'try-later', 'dns']
            : ['refresh', 'proxy', 'down-for-everyone', 'private-window', 'cookies', 'other-network', 'dns', 'router', 'tell-site', 'try-later'];
  // A form: whether it went through comes before anything else, sending it again right after.
  const order: StepId[] = ctx.formFailed ? ['form-check', 'resend-form', ...sideOrder] : sideOrder;
  const steps = order
    // A form's answer is only ever re-sent on the user's explicit request (the resend step's warning): no step reloads it.
    .filter((id) => !(ctx.formFailed && id === 'refresh'))
    // The proxy step when a proxy is known to be on the way, or, on the visitor's likely side, as "if you use one"
    // (not when the cookies are proven to be the cause).
    .filter((id) => id !== 'proxy' || isUserProxy(hint) || (side === 'likely-you' && !cookiesFirst))
    // An intranet site is never checked from outside: no step offers the check. Nor is another network any use to it.
    .filter((id) => (id !== 'down-for-everyone' && id !== 'other-network') || ctx.local?.intranet !== true)
    .map((id) => all[id]);
  return { side, summary: { key: summaryKey(ctx, side, cookiesFirst, proxyFirst), subs: [ctx.host] }, steps };
}

/**
 * The summary's key. A form's answer is never reloaded, so a form gets the variants that suggest no refresh and no
 * "Retry now" (which the popup does not offer for a form) and put the check of whether it went through first.
 */
function summaryKey(ctx: GuideContext, side: FaultSide, cookiesFirst: boolean, proxyFirst: boolean): MessageKey {
  if (cookiesFirst) return ctx.formFailed ? 'guideSideCookiesForm' : 'guideSideCookies';
  if (side === 'site') return ctx.formFailed ? 'guideSideSiteForm' : ctx.underWay ? 'guideSideSite' : 'guideSideSiteStopped';
  if (proxyFirst) return 'guideSideProxy';
  if (side === 'likely-site' && ctx.formFailed) return 'guideSideLikelySiteForm';
  return SUMMARY_KEY[side];
}

const SUMMARY_KEY: Record<FaultSide, MessageKey> = {
  site: 'guideSideSite',
  'likely-site': 'guideSideLikelySite',
  'likely-you': 'guideSideLikelyYou',
  unknown: 'guideSideUnknown',
};

/**
 * Where the fault is, from the verdict and who answered. A measurement from elsewhere outranks the headers; the
 * cookieless comparison outranks both: the site answered this very browser, only without its cookies.
 *
 * @param hint - who answered, as {@link localHint} weighs it against the browser's own facts
 */
export function faultSide(verdict: Verdict | null, hint: GatewayHint | undefined, local?: LocalEvidence): FaultSide {
  if (local?.answersWithoutCookies === true) return 'likely-you';
  if (verdict === 'down-for-everyone') return 'site';
  const siteGateway = isSiteSide(hint);
  if (verdict === 'up-elsewhere') return siteGateway ? 'likely-site' : 'likely-you';
  return siteGateway ? 'likely-site' : 'unknown';
}

/**
 * The modifier keys as the user's keyboard and language name them: "Strg" and "Umschalt" on a German keyboard, "Ctrl"
 * and "Maj" in French, and on a Mac the symbol with Apple's name ("⌘ Befehl", "⇧ Umschalt"). Rendered from the
 * messages `keyCtrl`, `keyShift`, `keyCmd` and `keyShiftMac`, so each locale names them its way.
 */
export interface KeyNames {
  readonly ctrl: string;
  readonly shift: string;
  /** The Mac's Command key. */
  readonly cmd: string;
  /** Shift as a Mac names it (its menus show ⇧). */
  readonly shiftMac: string;
}

/**
 * The modifier keys' names in the user's language.
 *
 * @param render - the i18n lookup
 */
export function keyNames(render: (t: I18nText) => string): KeyNames {
  return {
    ctrl: render({ key: 'keyCtrl' }),
    shift: render({ key: 'keyShift' }),
    cmd: render({ key: 'keyCmd' }),
    shiftMac: render({ key: 'keyShiftMac' }),
  };
}

/** Command (or Ctrl) + Shift + `letter`, the pattern of both shortcuts below, with the keys named for `os`. */
function commandShift(os: PlatformOs, keys: KeyNames, letter: string): string {
  return os === 'mac' ? `${keys.cmd} + ${keys.shiftMac} + ${letter}` : `${keys.ctrl} + ${keys.shift} + ${letter}`;
}

/**
 * The browser's own "reload without the cache" shortcut: Ctrl + Shift + R, on a Mac Command + Shift + R, in both
 * browsers (Chrome Help "Chrome keyboard shortcuts", support.google.com/chrome/answer/157179; Firefox Help "Keyboard
 * shortcuts", support.mozilla.org/kb/keyboard-shortcuts-perform-firefox-tasks-quickly). Their German editions write
 * the keys "Strg" and "Umschalt"/"Umschalttaste", and on a Mac "⌘"/"Befehlstaste"; Apple's German "Mac-Tastaturkurzbefehle"
 * (support.apple.com/de-de/102650) names them "Befehlstaste (⌘)" and "Umschalttaste (⇧)".
 */
export function hardReloadShortcut(os: PlatformOs, keys: KeyNames): string {
  return commandShift(os, keys, 'R');
}

/**
 * The browser's shortcut for a new private window: Chrome's Incognito window is Ctrl + Shift + N (Chrome Help "Browse
 * in Incognito mode", support.google.com/chrome/answer/95464, German: "Strg + Umschalttaste + N", Mac "⌘ +
 * Umschalttaste + N"), Firefox's private window Ctrl + Shift + P (Firefox Help "Private Browsing"), Command on a Mac.
 */
export function privateWindowShortcut(browser: BrowserFamily, os: PlatformOs, keys: KeyNames): string {
  return commandShift(os, keys, browser === 'firefox' ? 'P' : 'N');
}

function refreshStep(ctx: GuideContext): GuideStep {
  return {
    id: 'refresh',
    title: { key: 'guideRefreshTitle' },
    why: { key: 'guideRefreshWhy' },
    what: { key: 'guideRefreshWhat', subs: [hardReloadShortcut(ctx.os, ctx.keys)] },
    action: { kind: 'reload' },
  };
}

/**
 * Clearing the site's cookies signs the visitor out and may empty a shopping basket kept in a cookie: the step says so
 * before its button, and more strongly for a form's answer (an unfinished order is lost with the basket).
 */
function cookiesStep(ctx: GuideContext): GuideStep {
  const why: I18nText = ctx.local?.answersWithoutCookies === true ? { key: 'guideCookiesWhyProven', subs: [ctx.host] } : { key: 'guideCookiesWhy' };
  if (ctx.cookieDomain === null) {
    // The same advice, without the button: the cookies of a public suffix are every site's under it.
    return {
      id: 'cookies',
      title: { key: 'guideCookiesTitle', subs: [ctx.host] },
      why,
      what: { key: 'guideCookiesWhatPublicSuffix', subs: [ctx.host] },
      hints: [{ key: ctx.formFailed ? 'guideCookiesBasketForm' : 'guideCookiesBasket' }],
    };
  }
  return {
    id: 'cookies',
    title: { key: 'guideCookiesTitle', subs: [ctx.cookieDomain] },
    why,
    what: { key: ctx.formFailed ? 'guideCookiesWhatNoReload' : 'guideCookiesWhat', subs: [ctx.cookieDomain] },
    hints: [{ key: ctx.formFailed ? 'guideCookiesBasketForm' : 'guideCookiesBasket' }],
    action: {
      kind: 'clear-cookies',
      domain: ctx.cookieDomain,
      confirm: { key: ctx.formFailed ? 'guideCookiesConfirmForm' : 'guideCookiesConfirm', subs: [ctx.cookieDomain] },
    },
  };
}

function privateWindowStep(ctx: GuideContext): GuideStep {
  // Product names, not words: the same in every language.
  const other = ctx.browser === 'firefox' ? 'Chrome' : 'Firefox';
  if (ctx.incognito) {
    // Already private: the useful contrast left is another browser.
    return {
      id: 'private-window',
      title: { key: 'guideOtherBrowserTitle' },
      why: { key: 'guideOtherBrowserWhy' },
      what: { key: 'guideOtherBrowserWhat', subs: [other] },
      action: { kind: 'copy-link' },
    };
  }
  return {
    id: 'private-window',
    title: { key: 'guidePrivateTitle' },
    why: { key: 'guidePrivateWhy' },
    what: ctx.canOpenPrivate
      ? { key: 'guidePrivateWhatAllowed', subs: [other] }
      : { key: 'guidePrivateWhatByHand', subs: [privateWindowShortcut(ctx.browser, ctx.os, ctx.keys), other] },
    ...(ctx.canOpenPrivate ? { action: { kind: 'open-private' } as const } : {}),
    secondary: { kind: 'copy-link' },
  };
}

/**
 * The proxy, a VPN or the IT department (MDN's 502 page: "clients use VPNs or other custom networking setups"; Chrome's
 * error page: "check your proxy settings or contact your network administrator"). Named as the candidates once a
 * proxy is known to be on the way, from Firefox's `proxyInfo` or from the proxy's own error page (squid's
 * `X-Squid-Error`, …; see `src/gateway/signatures.ts`); on the visitor's likely side without one, as "if you use
 * one": the browser cannot see a VPN. The proxy's name is in the headers' evidence line; the report carries its error
 * code for the IT department.
 */
function proxyStep(ctx: GuideContext, hint: GatewayHint | undefined): GuideStep {
  const proxy = ctx.local?.proxy;
  const known = isUserProxy(hint);
  return {
    id: 'proxy',
    title: { key: 'guideProxyTitle' },
    why: proxy !== undefined ? { key: 'guideProxyWhy', subs: [proxy] } : known ? { key: 'guideProxyWhyHeaders' } : { key: 'guideProxyWhyMaybe' },
    what: { key: 'guideProxyWhat', subs: [ctx.host] },
    hints: [{ key: 'guideProxyHintVpn' }, { key: 'guideProxyHintIt', subs: [ctx.host] }],
  };
}

/**
 * Another network, such as a phone's hotspot (Hostinger's and Chrome's guides: "test from a different device or
 * network"): it goes around the home router, the provider's DNS and a company proxy at once, and tells the visitor's
 * network from their browser.
 */
function otherNetworkStep(): GuideStep {
  return {
    id: 'other-network',
    title: { key: 'guideNetworkTitle' },
    why: { key: 'guideNetworkWhy' },
    what: { key: 'guideNetworkWhat' },
  };
}

/**
 * Restarting the router or modem (Chrome's "This site can't be reached" help: "restart your modem and router"; the
 * hosting guides' "restart your network equipment"). Last of the visitor's chores: it takes minutes and cuts off
 * everyone on that network meanwhile.
 */
function routerStep(): GuideStep {
  return {
    id: 'router',
    title: { key: 'guideRouterTitle' },
    why: { key: 'guideRouterWhy' },
    what: { key: 'guideRouterWhat' },
  };
}

/**
 * Flushing resolvers: the operating system's (Microsoft `ipconfig`, Apple's `dscacheutil` support note,
 * systemd-resolved's `resolvectl`), then the browser's own host cache (Chromium's net-internals, Firefox's
 * about:networking), then a public resolver in the browser's secure DNS setting.
 */
function dnsStep(ctx: GuideContext, hint: GatewayHint | undefined): GuideStep {
  const snippets: Snippet[] = [];
  const os = OS_FLUSH[ctx.os];
  if (os !== undefined) snippets.push(os);
  snippets.push(
    ctx.browser === 'firefox'
      ? { label: { key: 'guideDnsBrowserCacheFirefox' }, text: 'about:networking#dns' }
      : { label: { key: 'guideDnsBrowserCacheChromium' }, text: 'chrome://net-internals/#dns' },
    ctx.browser === 'firefox'
      ? { label: { key: 'guideDnsSecureFirefox' }, text: 'about:preferences#privacy' }
      : { label: { key: 'guideDnsSecureChromium' }, text: 'chrome://settings/security' },
  );
  const siteGateway = isSiteSide(hint);
  return {
    id: 'dns',
    title: { key: 'guideDnsTitle' },
    why:
      ctx.local?.addressElsewhere === true
        ? { key: 'guideDnsWhyAddress', subs: [ctx.host] }
        : siteGateway
          ? { key: 'guideDnsWhySiteGateway', subs: [ctx.host] }
          : { key: 'guideDnsWhy' },
    what: { key: 'guideDnsWhat', subs: ['1.1.1.1', '8.8.8.8'] },
    snippets,
  };
}

const OS_FLUSH: Partial<Record<PlatformOs, Snippet>> = {
  win: { label: { key: 'guideDnsFlushWindows' }, text: 'ipconfig /flushdns' },
  mac: { label: { key: 'guideDnsFlushMac' }, text: 'sudo dscacheutil -flushcache; sudo killall -HUP mDNSResponder' },
  linux: { label: { key: 'guideDnsFlushLinux' }, text: 'resolvectl flush-caches' },
};

function downForEveryoneStep(ctx: GuideContext): GuideStep {
  const down = ctx.verdict === 'down-for-everyone';
  return {
    id: 'down-for-everyone',
    title: { key: down ? 'guideDownTitleNotYou' : 'guideDownTitle' },
    why: { key: down ? 'guideDownWhyNotYou' : 'guideDownWhy', subs: [ctx.host] },
    // A form's answer is never reloaded by itself: no promise of a reload for it.
    what: { key: !down ? 'guideDownWhat' : ctx.underWay && !ctx.formFailed ? 'guideDownWhatNotYou' : 'guideDownWhatNotYouStopped' },
    // Already answered: the archived copy (offered by the popup) is what is left to do here.
    ...(down ? { informational: true } : { action: { kind: 'check-status' } as const }),
  };
}

/**
 * "Try again later": Cloudflare's own error page tells a visitor "Please try again in a few minutes", and MDN's example
 * page "Please try again later". Nothing to click: the extension reloads the page by itself while it still retries.
 */
function tryLaterStep(ctx: GuideContext): GuideStep {
  return {
    id: 'try-later',
    title: { key: 'guideLaterTitle' },
    why: { key: 'guideLaterWhy' },
    what: { key: ctx.formFailed ? 'guideLaterWhatForm' : ctx.underWay ? 'guideLaterWhat' : 'guideLaterWhatStopped' },
    informational: true,
  };
}

/**
 * "Tell the site", and where: the extension knows no address of the site's support, so it says where to look: the
 * status page the check found (a site that posts an incident there already knows), the site's own contact or help
 * page (its footer; "Impressum" on German-language sites, which must have one), its social media accounts. Behind
 * Cloudflare, the Ray ID is what the site's team (and Cloudflare's support) look the failure up by (Cloudflare's
 * 502/504 troubleshooting page).
 */
function tellSiteStep(ctx: GuideContext): GuideStep {
  const hints: I18nText[] = [];
  if (ctx.statusPage !== undefined) hints.push({ key: 'guideTellWhereStatus' });
  hints.push({ key: 'guideTellWhereContact', subs: [ctx.host] }, { key: 'guideTellWhereSocial' });
  if (ctx.gateway.cfRay !== undefined) hints.push({ key: 'guideTellWhereRay', subs: [ctx.gateway.cfRay] });
  return {
    id: 'tell-site',
    title: { key: 'guideTellTitle' },
    why: { key: 'guideTellWhy' },
    what: { key: 'guideTellWhat' },
    hints,
    ...(ctx.statusPage !== undefined ? { link: { label: { key: 'guideTellStatusLink', subs: [hostOf(ctx.statusPage)] }, url: ctx.statusPage } } : {}),
    action: { kind: 'copy-report' },
  };
}

/**
 * A failed form: did it go through anyway? A gateway error only says the answer got lost on the way back; the site may
 * have acted on the form (RFC 9110, section 9.2.2: a non-idempotent request is not retried unless it is known that
 * the original was never applied). So the visitor looks where a completed order or payment shows.
 */
function formCheckStep(ctx: GuideContext): GuideStep {
  return {
    id: 'form-check',
    title: { key: 'guideFormCheckTitle' },
    why: { key: 'guideFormCheckWhy' },
    what: { key: 'guideFormCheckWhat' },
    hints: [{ key: 'guideFormCheckMail' }, { key: 'guideFormCheckAccount', subs: [ctx.host] }, { key: 'guideFormCheckBank' }],
    ask: {
      question: { key: 'guideFormCheckAsk' },
      yes: { key: 'guideFormCheckYes' },
      no: { key: 'guideFormCheckNo' },
      done: { key: 'guideFormCheckDone' },
    },
  };
}

/** Sending the form again, on purpose, after a warning: the browser's own reload, which asks again too. */
function resendStep(): GuideStep {
  return {
    id: 'resend-form',
    title: { key: 'guideResendTitle' },
    why: { key: 'guideResendWhy' },
    what: { key: 'guideResendWhat' },
    action: { kind: 'resend-form', confirm: { key: 'popupResendConfirm' } },
  };
}

/**
 * The status page the check found and could read, for "tell the site": a `statusPage` source's link, only when that
 * source answered (its verdict is not `unknown`) and the link is http(s). `undefined` otherwise.
 */
export function statusPageLink(report: { readonly sources: readonly { readonly provider: string; readonly verdict: Verdict; readonly link?: string }[] } | null): string | undefined {
  const found = report?.sources.find((s) => s.provider === 'statusPage' && s.verdict !== 'unknown' && s.link !== undefined);
  if (found?.link === undefined) return undefined;
  try {
    const url = new URL(found.link);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** The host of an http(s) address, for a link's words; the address itself when it cannot be read. */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
