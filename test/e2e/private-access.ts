/**
 * Allowing the extension in private windows, as its user does, for the e2e files that need it. Neither browser lets a
 * test launch an extension already allowed there: Chromium's switch is on chrome://extensions, and Firefox's WebDriver
 * BiDi install hard-codes private browsing off (`webExtension.sys.mjs`).
 *
 * @module
 */
import type { Driver } from './driver';
import { waitFor } from '../lab/wait';

/** What chrome://extensions itself reads (its `developerPrivate` API): Developer mode and one extension's state. */
type DeveloperPrivateApi = {
  chrome: {
    developerPrivate: {
      getProfileConfiguration(): Promise<{ inDeveloperMode: boolean }>;
      getExtensionInfo(id: string): Promise<{ state: string; incognitoAccess: { isActive: boolean } }>;
    };
  };
};

/**
 * Chromium: the user's own switch, "Allow in Incognito" on the extension's page in chrome://extensions. Chromium
 * reloads the extension when it changes: the test's page for reading state is closed first, and the reloaded
 * extension is awaited.
 */
export async function allowInPrivateWindows(driver: Driver): Promise<void> {
  const chromium = driver.chromium;
  if (chromium === undefined) {
    await allowInFirefoxPrivateWindows(driver);
    return;
  }
  await driver.closeControl();
  const settings = await chromium.newPage();
  await settings.goto(`chrome://extensions/?id=${chromium.extensionId}`);
  // The suite loads the extension unpacked. Chromium 156 reloads it as an unpacked extension that needs Developer
  // mode, and with that off it stays disabled ("Turn on developer mode to use this extension"), so no worker ever
  // runs. Whoever runs an unpacked extension has Developer mode on: it is turned on first, where it is off.
  const inDeveloperMode = () =>
    settings.evaluate(() => (globalThis as unknown as DeveloperPrivateApi).chrome.developerPrivate.getProfileConfiguration().then((c) => c.inDeveloperMode));
  if (!(await inDeveloperMode())) {
    await settings.locator('#devMode').click();
    await waitFor(inDeveloperMode, { message: 'Developer mode on' });
  }
  await settings.locator('#allow-incognito').click();
  await waitFor(
    () =>
      settings.evaluate(
        (id) => (globalThis as unknown as DeveloperPrivateApi).chrome.developerPrivate.getExtensionInfo(id).then((i) => i.incognitoAccess.isActive && i.state === 'ENABLED'),
        chromium.extensionId,
      ),
    { message: 'the extension enabled and allowed in Incognito' },
  );
  await settings.close();
  await chromium.serviceWorker();
  await waitFor(async () => driver.state().then(() => true, () => false), { timeoutMs: 10_000, message: 'the reloaded extension' });
}

/** Firefox: "Run in Private Windows", as about:addons sets it (see the module's comment). */
async function allowInFirefoxPrivateWindows(driver: Driver): Promise<void> {
  await driver.closeControl();
  const page = await driver.openTab('about:blank');
  try {
    // A privileged page's navigation never reports a network response, so its goto never resolves: start it and wait.
    void page.goto('about:preferences').catch(() => undefined);
    await waitFor(() => page.evaluate(() => location.href === 'about:preferences' && 'ChromeUtils' in globalThis, null).catch(() => false), {
      timeoutMs: 15_000,
      message: 'about:preferences with its privileges',
    });
    await page.evaluate(async (id) => {
      type Modules = {
        ExtensionPermissions: { add(id: string, perms: { permissions: string[]; origins: string[] }): Promise<void> };
        AddonManager: { getAddonByID(id: string): Promise<{ reload(): Promise<void> } | null> };
      };
      const chrome = (globalThis as unknown as { ChromeUtils: { importESModule<K extends keyof Modules>(url: string): Pick<Modules, K> } }).ChromeUtils;
      const { ExtensionPermissions } = chrome.importESModule<'ExtensionPermissions'>('resource://gre/modules/ExtensionPermissions.sys.mjs');
      const { AddonManager } = chrome.importESModule<'AddonManager'>('resource://gre/modules/AddonManager.sys.mjs');
      await ExtensionPermissions.add(id, { permissions: ['internal:privateBrowsingAllowed'], origins: [] });
      await (await AddonManager.getAddonByID(id))?.reload();
    }, 'gateway-recovery@gateway-recovery.dev');
  } finally {
    await page.close();
  }
  await waitFor(async () => driver.state().then(() => true, () => false), { timeoutMs: 15_000, message: 'the reloaded add-on' });
}
