/**
 * The popup's ask for site access: shown instead of "No gateway error seen on this page" when the extension cannot
 * see the tab's site, because there it sees nothing at all and "nothing seen" would be a false all-clear. Pure over
 * its props: the browser reaches it only through `access` and `onReload`.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { parsePageAddress, sitePattern } from '../../src/shared/page-address';
import type { Translate } from '../../src/shared/text';
import { ALL_SITES, type SiteAccess } from '../shared/site-access';

/** The tab's site when the browser shows its address; `null` when it hides it (as it does without host access). */
export interface AccessSite {
  readonly host: string;
  /** The match pattern of the site (`https://shop.example.com/*`). */
  readonly pattern: string;
}

/**
 * Whether the popup asks for site access for a tab showing `url`: `false` when the extension sees the tab's site (or
 * the tab shows no web page), else the site to ask for, or `null` when the browser hides the tab's address (it does
 * without host access to it, and without the `tabs` permission, which this extension does not ask for): then only
 * every site can be asked for.
 */
export async function accessAsk(url: string | undefined, access: Pick<SiteAccess, 'covers'>): Promise<AccessSite | null | false> {
  const pattern = sitePattern(url);
  const page = parsePageAddress(url);
  if (pattern !== null && page !== null) return (await access.covers([pattern])) ? false : { host: page.host, pattern };
  // An address the browser shows that is not http(s) (about:, file:) is no site; a hidden one may be.
  if (url !== undefined && url !== '') return false;
  return (await access.covers(ALL_SITES)) ? false : null;
}

export interface SiteAccessAskProps {
  readonly site: AccessSite | null;
  readonly t: Translate;
  readonly access: SiteAccess;
  /** The popup shows nothing else: the title is the page's `h1`. */
  readonly alone: boolean;
  /**
   * Loads the tab's address again once access is granted, so the extension sees the next load: a new GET of the
   * address (`tabs.update`), never a reload, which would send a form again.
   */
  readonly onReload: () => void;
}

type Stage = 'ask' | 'pending' | 'denied' | 'granted';

export function SiteAccessAsk({ site, t, access, alone, onReload }: SiteAccessAskProps) {
  const [stage, setStage] = useState<Stage>('ask');
  const note = useRef<HTMLParagraphElement>(null);
  // What counts as "granted" for this tab: its own site, or (when the browser hides which site it is) every site.
  const wanted = site === null ? ALL_SITES : [site.pattern];

  useEffect(
    () =>
      // Chromium's prompt is native UI and its answer may come after the popup was reopened, and the user may grant
      // access elsewhere (the browser's extension settings): the browser's event is the one sure signal.
      access.watch(() => void access.covers(wanted).then((held) => held && setStage('granted'))),
    [access, wanted.join(' ')],
  );
  useEffect(() => {
    if (stage === 'granted') note.current?.focus();
  }, [stage]);

  const ask = (origins: readonly string[]) => {
    // First and synchronously: Firefox refuses a request made after the click was left.
    const asked = access.request(origins);
    setStage('pending');
    void asked.then(async (ok) => setStage(ok || (await access.covers(wanted)) ? 'granted' : 'denied'));
  };

  const Title = alone ? 'h1' : 'h2';
  if (stage === 'granted') {
    return (
      <section class="site-access" data-testid="site-access" data-stage="granted">
        <p class="ok" role="status" tabIndex={-1} ref={note} data-testid="site-access-granted">
          {t('siteAccessGranted')}
        </p>
        <p class="muted">{t('siteAccessReloadHint')}</p>
        <div class="actions">
          <button type="button" data-testid="site-access-reload" onClick={onReload}>
            {t('siteAccessReload')}
          </button>
        </div>
      </section>
    );
  }
  return (
    <section class="site-access" aria-labelledby="site-access-title" data-testid="site-access" data-stage={stage}>
      <Title id="site-access-title">{site === null ? t('siteAccessTitleUnknown') : t('siteAccessTitle', [site.host])}</Title>
      <p>{t('siteAccessExplain')}</p>
      <div class="actions">
        {site !== null && (
          <button type="button" data-testid="site-access-allow-site" aria-disabled={stage === 'pending'} onClick={() => stage !== 'pending' && ask([site.pattern])}>
            {t('siteAccessAllowSite')}
          </button>
        )}
        <button
          type="button"
          class={site === null ? '' : 'secondary'}
          data-testid="site-access-allow-all"
          aria-disabled={stage === 'pending'}
          onClick={() => stage !== 'pending' && ask(ALL_SITES)}
        >
          {t('siteAccessAllowAll')}
        </button>
      </div>
      <p role="status" aria-live="polite" class="muted" data-testid="site-access-result">
        {stage === 'pending' ? t('siteAccessPending') : stage === 'denied' ? t('siteAccessDenied') : ''}
      </p>
    </section>
  );
}
