/**
 * Host access ("site access") as the user can withdraw it: Chrome's "Site access: On click / On specific sites" in the
 * extension's details takes granted host permissions away at run time, and so do Firefox's "Permissions" toggles in
 * the add-on manager. Without it `webRequest` never reports the site's errors, so the popup and the options page ask
 * for it again (`permissions.contains`, then `permissions.request` inside the user's click; see
 * `optional-permissions.ts` for why the request must come first and synchronously). No browser import here, so
 * views and their tests use it; `site-access-adapter.ts` implements it over the browser.
 */
/** Every http and https site, as the manifest's `host_permissions` list them. */
export const ALL_SITES: readonly string[] = ['http://*/*', 'https://*/*'];

/** What the pages need of the browser's host permissions; a fake in view tests. */
export interface SiteAccess {
  /** True when the extension holds every pattern of `origins` now. False when it does not, or the browser refused to say. */
  covers(origins: readonly string[]): Promise<boolean>;
  /**
   * Asks the browser for `origins`. Call it first and synchronously in the click handler. Resolves false when declined
   * or refused; may stay pending while the browser's prompt is open (Chromium's prompt is native UI), so a page also
   * listens to {@link SiteAccess.watch}.
   */
  request(origins: readonly string[]): Promise<boolean>;
  /** Calls `onChange` whenever host permissions are added or removed; returns the unsubscribe function. */
  watch(onChange: () => void): () => void;
}
