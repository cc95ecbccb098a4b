/**
 * The stand-ins that make a site "down for everyone" for the e2e cases that show that verdict: check-host.net with all
 * 7 locations answering 502, the site's own status page reporting a major outage (under its real guessed name, over
 * TLS) and Cloudflare's status page; the extension pointed at them, with the user's consent given.
 */
import type { Driver } from './driver';
import { allDown, startCheckHost, startCloudflareStatus, startStatusPage } from '../lab/status-standins';
import { statusPageCertificate } from '../lab/tls';

/** What {@link useDownForEveryone} started; `close` them when the case is over (`stopAll`). */
export type DownForEveryone = readonly { close(): Promise<void> }[];

/**
 * Starts the stand-ins and points `driver`'s extension at them.
 *
 * @param endpoints - further `statusEndpoints` (e.g. the archive's stand-in)
 */
export async function useDownForEveryone(driver: Driver, endpoints: Record<string, unknown> = {}): Promise<DownForEveryone> {
  const checkHost = await startCheckHost({ nodes: allDown(502, 7) });
  const statusPage = await startStatusPage({ vendor: 'statuspage', state: 'major', name: 'Example', tls: statusPageCertificate() });
  const cloudflare = await startCloudflareStatus();
  await driver.setSettings({
    // One measuring source is what these cases show; Globalping's stand-in lives in status.e2e.ts.
    statusProviders: { globalping: false },
    statusEndpoints: {
      checkHost: checkHost.baseUrl,
      cloudflareStatus: cloudflare.baseUrl,
      statusPageTemplates: [`https://status.{domain}:${statusPage.port}`],
      checkHostNodes: 7,
      ...endpoints,
    },
  });
  await driver.giveStatusConsent();
  return [checkHost, statusPage, cloudflare];
}
