/**
 * `npm start`: the main job on a built-in local demo. Builds the extension, starts an upstream that is down for the
 * first seconds, a gateway in front of it on loopback (Debian's nginx when installed, else a small Node gateway),
 * launches Chromium (or Firefox) with the extension, opens the page and prints the timeline of what happened.
 *
 *   npm start                      headless Chromium, upstream down for 8 s
 *   npm start -- --headed          a visible window (needs a display: xvfb-run npm start -- --headed)
 *   npm start -- --down 20         keep the upstream down for 20 s
 *   npm start -- --firefox         Firefox ESR instead of Chromium
 *   npm start -- --tabs 3          the page open in 3 tabs (one try stream for all of them)
 *   npm start -- --no-status       leave automatic "down for everyone?" checks off (the default for a new user)
 *
 * Status checks go to loopback stand-ins answering as check-host.net, Globalping and a Statuspage page do: nothing leaves the
 * machine. The demo gives consent the way a user does, with a click on the onboarding page.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { launchDriver, SHOP_HOST, type BrowserName, type TabPage } from '../test/e2e/driver';
import { statusPageCertificate } from '../test/lab/tls';
import { startGateway } from '../test/lab/gateway';
import { NGINX_PATH } from '../test/lab/binaries';
import { startUpstream, htmlResponse, UPSTREAM_OK_MARKER } from '../test/lab/upstream';
import { sleep } from '../test/lab/wait';
import { startNodeGateway } from './demo/node-gateway';
import { MESSAGES, substitute } from '../test/locale';
import { describeIncident, type I18nText } from '../src/view/notification';
import type { Incident, RecoveryState } from '../src/recovery/incident-machine';
import { allDown, allUp, globalpingProbes, startCheckHost, startGlobalping, startStatusPage, stopAll } from '../test/lab/status-standins';
import type { StatusMemory } from '../src/status/checker';
import type { StatusReport } from '../src/status/verdict';

const { values: args } = parseArgs({
  options: {
    headed: { type: 'boolean', default: false },
    firefox: { type: 'boolean', default: false },
    down: { type: 'string', default: '8' },
    tabs: { type: 'string', default: '1' },
    'no-build': { type: 'boolean', default: false },
    'no-status': { type: 'boolean', default: false },
  },
});
const downMs = Math.max(0, Number(args.down) * 1000 || 8000);
const browserName: BrowserName = args.firefox ? 'firefox' : 'chromium';
const tabCount = Math.min(10, Math.max(1, Math.floor(Number(args.tabs)) || 1));

const render = (t: I18nText): string => substitute(MESSAGES[t.key]?.message ?? t.key, t.subs);

let t0 = Date.now();
const stamp = (at = Date.now()) => `${((at - t0) / 1000).toFixed(1).padStart(6)} s`;
const say = (line: string, at?: number) => console.log(`${stamp(at)}  ${line}`);

if (!args['no-build']) {
  console.log('Building the extension (npm run build)…');
  execFileSync('npm', ['run', '--silent', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });
}
if (args.headed && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
  console.error('--headed needs a display. Try: xvfb-run npm start -- --headed   (apt-get install -y xvfb)');
  process.exit(2);
}

const upstream = await startUpstream({ routes: { '/': htmlResponse(`<h1>${UPSTREAM_OK_MARKER}</h1><p>The demo shop is up.</p>`) } });
await upstream.setDown();
const useNginx = existsSync(NGINX_PATH);
const gateway = useNginx ? await startGateway({ upstreamPort: upstream.port }) : await startNodeGateway(upstream.port);
const pageUrl = `http://${SHOP_HOST}:${gateway.port}/`;
console.log(
  `Gateway: ${useNginx ? 'nginx' : 'Node demo gateway (nginx not installed)'} on 127.0.0.1:${gateway.port}; ` +
    `upstream down for ${downMs / 1000} s. Browser: ${browserName}${args.headed ? ' (window)' : ' (headless)'}.\n`,
);

const withStatus = !args['no-status'];
const checkHost = withStatus ? await startCheckHost({ nodes: allDown(502, 7) }) : null;
const globalping = withStatus ? await startGlobalping({ probes: globalpingProbes(502, 5) }) : null;
const statusPage = withStatus ? await startStatusPage({ vendor: 'statuspage', state: 'major', name: 'Example shop', tls: statusPageCertificate() }) : null;
/**
 * The shop must be reached at a public address for the status check to happen: the extension never sends a site it
 * reached at a private or loopback address (an intranet site). The lab puts one in a network namespace of its own
 * (needs root and iproute2); without it the demo runs on loopback and says why no check is made.
 */
async function launchDemoDriver() {
  if (!withStatus) return launchDriver(browserName, { headless: !args.headed });
  try {
    return await launchDriver(browserName, { headless: !args.headed, serverAddress: 'public' });
  } catch (err) {
    console.log(`No public test address (${err instanceof Error ? err.message.split('\n')[0] : String(err)}): the shop stays on 127.0.0.1, an intranet address, so the extension makes no status check.\n`);
    return launchDriver(browserName, { headless: !args.headed });
  }
}
const driver = await launchDemoDriver();
let exitCode = 0;
try {
  if (checkHost !== null && globalping !== null && statusPage !== null) {
    await driver.setSettings({
      statusEndpoints: {
        checkHost: checkHost.baseUrl,
        globalping: globalping.baseUrl,
        globalpingProbes: 5,
        cloudflareStatus: checkHost.baseUrl,
        statusPageTemplates: [`https://status.{domain}:${statusPage.port}`],
        checkHostNodes: 7,
      },
    });
    await driver.giveStatusConsent();
    console.log(`Status checks: on (consent given on the onboarding page), against loopback stand-ins for check-host.net (127.0.0.1:${checkHost.port}), Globalping (127.0.0.1:${globalping.port}) and status.example.com.\n`);
  }
  t0 = Date.now();
  say(`open ${pageUrl}${tabCount > 1 ? ` in ${tabCount} tabs` : ''}`);
  const tabs: TabPage[] = [];
  for (let i = 0; i < tabCount; i++) tabs.push(await driver.openTab(pageUrl));
  setTimeout(() => {
    checkHost?.setNodes(allUp(7));
    globalping?.setProbes(globalpingProbes(200, 5));
    statusPage?.setState('operational');
    void upstream.setUp().then(() => say('upstream is up again'));
  }, Math.max(0, downMs - (Date.now() - t0)));
  let statusSaid = false;

  let logged = 0;
  let last = '';
  const deadline = Date.now() + downMs + 120_000;
  let recovered: Incident | undefined;
  let lastSeen: Incident | undefined;
  while (Date.now() < deadline) {
    for (const entry of gateway.accessLog().slice(logged)) {
      if (entry.path !== '/') continue;
      const what = entry.navigation ? '' : ' (the cookieless comparison, or a background probe)';
      say(`gateway: ${entry.method} ${entry.path} -> ${entry.status}${entry.cacheControl ? ` (cache-control: ${entry.cacheControl})` : ''}${what}`, entry.time);
    }
    logged = gateway.accessLog().length;
    const state: RecoveryState = await driver.state();
    const incident = state.incidents[0];
    lastSeen = incident ?? lastSeen;
    const report: StatusReport | undefined = incident ? (await driver.session<StatusMemory>('status'))?.reports[incident.host] : undefined;
    if (incident && report && !statusSaid) {
      statusSaid = true;
      const evidence = report.sources.filter((x) => x.provider !== 'gateway').map((x) => render(x.evidence)).join('; ');
      say(`extension: status check ${report.checkedAt - incident.startedAt} ms after the incident opened: ${report.verdict} (${evidence})`, report.checkedAt);
    }
    if (incident) {
      const note = describeIncident(incident, Date.now(), 5, render, report);
      const line = `${incident.phase}, attempts ${incident.attempts}, probes ${incident.probes}`;
      if (last === '') {
        const first = gateway.accessLog().find((e) => e.path === '/');
        const lag = first ? ` ${incident.startedAt - first.time} ms after the gateway answered` : '';
        say(`extension: saw ${incident.code} from ${incident.gateway.server ?? 'the gateway'}${lag}; incident opened`, incident.startedAt);
      }
      if (line !== last) {
        last = line;
        say(`extension: ${line}${note ? `; notification: "${render(note.title)}: ${render(note.message)}${note.verdict ? ` ${render(note.verdict)}` : ''}"` : ''}`);
      }
      if (incident.phase !== 'retrying' && incident.phase !== 'watching') {
        recovered = incident;
        break;
      }
    }
    await sleep(100);
  }
  // Every tab gets its one reload when the site is back; give the last ones a moment.
  const allBack = async () => (await Promise.all(tabs.map((t) => t.text().catch(() => '')))).every((x) => x.includes(UPSTREAM_OK_MARKER));
  for (let i = 0; i < 50 && !(await allBack()); i++) await sleep(100);
  if (recovered?.phase === 'recovered' && (await allBack())) {
    const back = recovered.endedAt! - recovered.startedAt;
    const reload = upstream.requestsTo('/')[0];
    // Tab loads only: the incident's cookieless comparison is a fetch of the extension's, not a retry.
    const during = gateway.accessLog().filter((e) => e.path === '/' && e.status === 502 && e.navigation).length - tabCount;
    console.log(
      `\nRecovered: the page is back by itself ${(back / 1000).toFixed(1)} s after the 502, ` +
        `${reload ? `${((reload.time - t0 - downMs) / 1000).toFixed(1)} s after the upstream returned; ` : ''}` +
        `${during} retries reached the gateway while it was down (besides the ${tabCount} first load${tabCount > 1 ? 's' : ''}), ` +
        `${upstream.requestsTo('/').length} page request${upstream.requestsTo('/').length > 1 ? 's' : ''} when it was back; the reload carried cache-control: ${reload?.headers['cache-control'] ?? 'none'}.`,
    );
  } else {
    exitCode = 1;
    console.error(`\nThe page did not come back (phase: ${lastSeen?.phase ?? 'no incident seen'}).`);
  }
  if (args.headed) {
    console.log('Window stays open for 15 s…');
    await sleep(15_000);
  }
} finally {
  await driver.close();
  await gateway.stop();
  await upstream.close();
  await stopAll(checkHost, globalping, statusPage);
}
process.exit(exitCode);
