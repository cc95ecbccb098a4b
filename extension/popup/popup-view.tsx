/** The popup's view of one tab: renders the view model (`src/view/incident-view.ts`) and derives nothing. */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { TabView } from '../../src/messages';
import { inDurationText, type I18nText, type Translate } from '../../src/shared/text';
import type { Countdown } from '../../src/view/incident-view';
import { StatusCheckPanel } from './status-check-panel';
import { GuideSection } from './guide-section';
import type { GuideActions } from './guide-actions';
import { DetailsSection } from './details-view';

export interface PopupViewProps {
  /** `null` until the background has answered. */
  readonly view: TabView | null;
  /** False when the tab is not an http(s) page. */
  readonly watchable: boolean;
  readonly t: Translate;
  /** Epoch ms; the countdown ticks from it. */
  readonly now: number;
  readonly onRetryNow: () => void;
  readonly onStop: () => void;
  /** "Tell me when it's back" (`watchSite`); resolves once the background answered. */
  readonly onWatchSite: () => Promise<unknown>;
  /** "Check now": a status check the user asked for (their consent for that one check). */
  readonly onCheckNow: () => void;
  /** Opens the options, where the user agrees again to changed status check settings. */
  readonly onReviewConsent?: () => void;
  readonly actions: GuideActions;
}

export function PopupView({ view, watchable, t, now, onRetryNow, onStop, onWatchSite, onCheckNow, onReviewConsent, actions }: PopupViewProps) {
  const render = (x: I18nText) => t(x.key, x.subs);
  // Set by a click on "Tell me when it's back": the note that replaces the button then takes the focus.
  const [watchAsked, setWatchAsked] = useState(false);
  // The fold of the first view: for a failed form, its main action unfolds it at the guide's first step.
  const moreRef = useRef<HTMLDetailsElement>(null);
  // Set by a click on "Check now" in the first view: its answer then stays where the user looked for it, instead of
  // moving into the folded details once a verdict is in.
  const [checkedHere, setCheckedHere] = useState(false);
  if (!watchable) return <p class="muted">{t('popupNoTab')}</p>;
  if (view === null) return null;
  const subresources = view.subresources !== null && (
    <p class="muted" data-testid="subresources">
      {render(view.subresources)}
    </p>
  );
  const incident = view.incident;
  if (incident === null) {
    return (
      <>
        <h1>{t('popupNothing')}</h1>
        {subresources}
      </>
    );
  }
  // While the consent is outdated a check would be refused: the guide's "Check now" leads to agreeing again instead.
  const guideCheck = incident.check?.consentOutdated != null && onReviewConsent !== undefined ? onReviewConsent : onCheckNow;
  const checkFirstView = incident.checkInFirstView || checkedHere;
  const check = incident.check !== null && (
    <StatusCheckPanel
      panel={incident.check}
      t={t}
      now={now}
      onCheckNow={() => {
        if (incident.checkInFirstView) setCheckedHere(true);
        onCheckNow();
      }}
      {...(onReviewConsent ? { onReviewConsent } : {})}
    />
  );
  const tail = countdownText(incident.countdown, now, t);
  const line = render(incident.phaseLine);
  // The page works: nothing is left to retry, check or fix. (A recovery that left the site's own error page still
  // offers "Retry now".)
  const back = incident.pageWorks;
  // A form that failed: whether it went through is the main action (see below).
  const formGuide = incident.formMethod !== null && incident.guide !== null;
  const phase = (
    <p data-phase={incident.phase} data-testid="phase">
      {line}
    </p>
  );
  return (
    <>
      {/* The first view (issue 14, "reads in 5 seconds"): one headline, one line on who failed, one main action; the
          rest is folded below. The headline's second line is one line high whatever it says (or when it says nothing,
          offline), so neither the ticks nor a retry going out reflow the popup under the user's pointer. A timer is not
          read out at every tick (role "timer" is not live); the announcement below says when the next try is set. */}
      <h1>
        <span data-testid="headline">{render(incident.headline)}</span>
        {incident.underWay && (
          <span class="next" role="timer" data-testid={incident.countdown?.kind === 'now' ? 'retrying-now' : 'countdown'}>
            {tail}
          </span>
        )}
      </h1>
      <p class="who" data-testid="who-failed">
        {render(incident.whoFailed)}
      </p>
      {incident.phaseFirst && phase}
      <Announcement text={`${line} ${incident.underWay ? tail : ''}`.trim()} changeKey={incident.announceKey} />
      {subresources}
      {/* The one main action: "Retry now"; for a form that failed, "Check whether it went through", which unfolds the
          guide at that step (the step after it offers to send the form again: never the other way round). */}
      {formGuide ? (
        <div class="actions" data-testid="main-action">
          <button
            type="button"
            data-testid="form-check-first"
            onClick={() => {
              const more = moreRef.current;
              if (more === null) return;
              more.open = true;
              // The step's heading is focusable by script (tabIndex -1): the keyboard goes on from the step.
              more.querySelector<HTMLElement>('[data-testid="guide-step"] h3')?.focus();
            }}
          >
            {t('guideFormCheckTitle')}
          </button>
        </div>
      ) : (
        !back &&
        incident.canRetryNow && (
          <div class="actions" data-testid="main-action">
            <button type="button" onClick={onRetryNow} data-testid="retry-now">
              {t('popupRetryNow')}
            </button>
          </div>
        )
      )}
      {incident.watchSite === 'on' && <WatchingNote text={t('popupWatchingSite', [incident.host])} focus={watchAsked} />}
      {/* "Check now" is what helps next: the check stays in view (it keeps its place while it runs and answers). */}
      {checkFirstView && check}
      {!back && (
        <details class="more" data-testid="more" ref={moreRef}>
          <summary data-testid="more-summary">{t('popupMore')}</summary>
          {!incident.phaseFirst && phase}
          {(incident.watchSite === 'offer' || incident.canStop) && (
            <div class="actions">
              {incident.watchSite === 'offer' && (
                <button
                  type="button"
                  class="secondary"
                  data-testid="watch-site"
                  onClick={() => {
                    setWatchAsked(true);
                    void onWatchSite();
                  }}
                >
                  {t('popupWatchSite')}
                </button>
              )}
              {incident.canStop && (
                <button type="button" class="secondary" onClick={onStop} data-testid="stop">
                  {t('popupStop')}
                </button>
              )}
            </div>
          )}
          {/* What the browser itself found (cookies, intranet, proxy, addresses): the view says it; the popup only lists it. */}
          {incident.localFacts.length > 0 && (
            <section class="local-facts" aria-labelledby="local-facts-heading" data-testid="local-facts">
              <h2 id="local-facts-heading">{t('popupLocalFactsTitle')}</h2>
              <ul>
                {incident.localFacts.map((f) => (
                  <li key={f.id} data-testid={`local-fact-${f.id}`}>
                    {render(f.text)}
                  </li>
                ))}
              </ul>
            </section>
          )}
          {/* Down for everyone: the verdict and its evidence before what is left to do. */}
          {!checkFirstView && incident.checkFirst && check}
          {incident.guide !== null && (
            <GuideSection {...incident.guide} underWay={incident.underWay} t={t} actions={actions} onCheckNow={guideCheck} />
          )}
          <WhoAnswered incident={incident} t={t} />
          {/* For the site's operator, folded within: raw headers, timings, server address, "Copy as curl". */}
          <DetailsSection details={incident.details} t={t} copy={actions.copy} />
          {!checkFirstView && !incident.checkFirst && check}
        </details>
      )}
      {back && (
        <>
          <WhoAnswered incident={incident} t={t} />
          <DetailsSection details={incident.details} t={t} copy={actions.copy} />
        </>
      )}
    </>
  );
}

/** Who answered the error (and Cloudflare's ray id): evidence, not a thing to do. */
function WhoAnswered({ incident, t }: { incident: NonNullable<TabView['incident']>; t: Translate }) {
  return (
    <dl>
      <dt>{t('popupWhoAnswered')}</dt>
      <dd data-testid="server">{incident.answeredBy}</dd>
      {incident.cfRay !== undefined && (
        <>
          <dt>cf-ray</dt>
          <dd>{incident.cfRay}</dd>
        </>
      )}
    </dl>
  );
}

/** The countdown's words at `now` (epoch ms): "Retrying in 20 seconds", or "Retrying now…". */
function countdownText(countdown: Countdown | null, now: number, t: PopupViewProps['t']): string {
  if (countdown === null) return '';
  const render = (x: I18nText) => t(x.key, x.subs);
  // Due, and the background has not sent it yet (its next poll shows it under way): never "in 0 seconds".
  if (countdown.kind === 'now' || countdown.at <= now) return t('popupRetryingNow');
  return t(countdown.key, [inDurationText(countdown.at - now, render)]);
}

/**
 * What a screen reader hears of the incident: its phase and the next try as it stood when that try was set, said again
 * only when something changes (a try goes out, its answer comes, a new wait is set), not at every tick of the
 * countdown nor at every poll.
 */
function Announcement({ text, changeKey }: { text: string; changeKey: string }) {
  const said = useMemo(() => text, [changeKey]);
  return (
    <p class="visually-hidden" role="status" aria-live="polite" data-testid="announcement">
      {said}
    </p>
  );
}

/**
 * Said once "Tell me when it's back" took: the site is watched even after the tab closes. A status, so a screen reader
 * hears it; after the user's own click it takes the focus the vanished button had, so the keyboard is not sent back
 * to the top of the page.
 */
function WatchingNote({ text, focus }: { text: string; focus: boolean }) {
  const ref = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (focus) ref.current?.focus();
  }, [focus]);
  return (
    <p class="muted" role="status" tabIndex={-1} ref={ref} data-testid="watching-site">
      {text}
    </p>
  );
}

/**
 * The clock the countdown shows, epoch ms: the background's `start`, moved on with the popup's own clock. Each poll
 * hands a new `start`, which is taken at once; between polls it ticks 4 times a second. (Ticking once a second from
 * each new `start` froze the countdown in Firefox, where the 1 s poll kept restarting the tick before it fired.)
 */
export function useNow(start: number): number {
  const [now, setNow] = useState(start);
  useEffect(() => {
    const offset = start - Date.now();
    setNow(start);
    const id = setInterval(() => setNow(Date.now() + offset), 250);
    return () => clearInterval(id);
  }, [start]);
  return now;
}
