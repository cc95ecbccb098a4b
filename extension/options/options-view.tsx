/**
 * The options page: status checks (consent, providers, the user's own checker), recovery, and the recent-incidents
 * history. Pure over its props: the browser reaches it only through `onChange`, `requestDataConsent`, `hostAccess`
 * and `history`, so tests render it from fixtures.
 */
import type { JSX } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { codeText, outcomeText, verdictText, type HistoryEntry } from '../../src/history/history';
import { statusNameText, type MessageKey, type Text } from '../../src/shared/text';
import type { CustomEndpointFormat, Settings, ThirdPartyProviderId } from '../../src/settings/settings';
import type { SettingKey, SettingsPageProps, SettingsPatch } from '../shared/settings-store';
import { EndpointList, PROVIDERS, providerEndpoints, StatusConsent, type Translate } from '../shared/status-consent';
import {
  OFFERED_CODES,
  readCustomEndpoint,
  readHostList,
  readRetentionDays,
  readRetries,
  toggleCode,
  type CustomEndpointProblem,
} from './options-input';

/** Host permissions for the user's own checker. Both calls must start synchronously inside a click (Firefox). */
export interface HostAccess {
  contains(pattern: string): Promise<boolean>;
  request(pattern: string): Promise<boolean>;
}

/** The recent-incidents history as the page has it (the background keeps it; see `src/history/`). */
export interface HistoryModel {
  /** Newest first, within the retention setting; `null` while loading. */
  readonly entries: readonly HistoryEntry[] | null;
  /** Reading it failed. */
  readonly error?: boolean;
  /** Deletes every entry; called after the user confirmed, rejects when it did not work. */
  readonly clear: () => Promise<void>;
  /** Local date and time, in the browser's language, of an epoch ms. */
  readonly formatTime: (epochMs: number) => string;
}

export interface OptionsViewProps extends SettingsPageProps {
  readonly hostAccess: HostAccess;
  /** Absent until the page has asked the background: shown as loading. */
  readonly history?: HistoryModel;
}

type Feedback = { readonly n: number; readonly text: string; readonly error: boolean };

export function OptionsView({ settings, managed, t, onChange, requestDataConsent, hostAccess, history }: OptionsViewProps) {
  const [feedback, setFeedback] = useState<Feedback | null>(null);
  /** Says `text` in the live region. */
  const announce = (text: string, error: boolean) => setFeedback((f) => ({ n: (f?.n ?? 0) + 1, text, error }));

  /** Stores `patch` and says so in the live region; a refusal is said there too. */
  const save = async (patch: SettingsPatch): Promise<boolean> => {
    try {
      await onChange(patch);
      announce(t('optionsSaved'), false);
      return true;
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      announce(t('optionsSaveFailed', [why]), true);
      return false;
    }
  };

  return (
    <>
      <h1>{t('optionsTitle')}</h1>
      {managed.size > 0 && <p class="note">{t('optionsManagedNote')}</p>}
      <StatusSection settings={settings} managed={managed} t={t} save={save} requestDataConsent={requestDataConsent} hostAccess={hostAccess} />
      <RecoverySection settings={settings} managed={managed} t={t} save={save} />
      <HistorySection settings={settings} managed={managed} t={t} save={save} history={history} announce={announce} />
      {/* Always in the page, so screen readers announce what is put into it; a new key makes a repeat "Saved" news. */}
      <p class={feedback?.error ? 'feedback error' : 'feedback'} role="status" aria-live="polite" data-testid="saved">
        {feedback !== null && <span key={feedback.n}>{feedback.text}</span>}
      </p>
    </>
  );
}

interface SectionProps {
  readonly settings: Settings;
  readonly managed: ReadonlySet<SettingKey>;
  readonly t: Translate;
  readonly save: (patch: SettingsPatch) => Promise<boolean>;
}

function ManagedNote({ field, managed, t }: { field: SettingKey; managed: ReadonlySet<SettingKey>; t: Translate }) {
  return managed.has(field) ? <span class="managed" data-testid={`managed-${field}`}> {t('optionsManaged')}</span> : null;
}

function StatusSection({
  settings,
  managed,
  t,
  save,
  requestDataConsent,
  hostAccess,
}: SectionProps & Pick<OptionsViewProps, 'requestDataConsent' | 'hostAccess'>) {
  const [asking, setAsking] = useState(false);
  const [denied, setDenied] = useState(false);

  const onAutoCheck = (e: JSX.TargetedMouseEvent<HTMLInputElement>) => {
    // Asking already (the browser's prompt is open): this click changes nothing. The box is not `disabled` meanwhile,
    // which would drop the keyboard focus to the page.
    if (asking) {
      e.preventDefault();
      return;
    }
    setDenied(false);
    if (settings.statusAutoCheck) {
      void save({ statusAutoCheck: false });
      return;
    }
    // Unchecked until the browser has granted (Firefox) and the value is stored. Not preventDefault(): the browser
    // would restore the box after Preact's re-render ran, leaving it out of step with the state.
    e.currentTarget.checked = false;
    // First and synchronously: Firefox shows its consent prompt only while the click is being handled.
    const granted = requestDataConsent();
    setAsking(true);
    void granted
      .catch(() => false)
      .then(async (ok) => {
        setAsking(false);
        if (ok) await save({ statusAutoCheck: true });
        else setDenied(true);
      });
  };

  const providersLocked = managed.has('statusProviders');
  return (
    <section aria-labelledby="status-heading">
      <h2 id="status-heading">{t('optionsStatusSection')}</h2>
      <StatusConsent settings={settings} t={t}>
        <p class="control">
          <label>
            <input
              type="checkbox"
              data-testid="auto-check"
              checked={settings.statusAutoCheck}
              disabled={managed.has('statusAutoCheck')}
              aria-disabled={asking}
              aria-describedby={denied ? 'auto-check-denied' : undefined}
              onClick={onAutoCheck}
            />{' '}
            {t('optionsAutoCheck')}
          </label>
          <ManagedNote field="statusAutoCheck" managed={managed} t={t} />
        </p>
        {denied && (
          <p class="error" id="auto-check-denied">
            {t('consentDenied')}
          </p>
        )}
      </StatusConsent>

      <fieldset>
        <legend>{t('optionsProvidersTitle')}</legend>
        <p class="muted">{t('optionsProvidersHelp')}</p>
        <ManagedNote field="statusProviders" managed={managed} t={t} />
        {PROVIDERS.map((p) => (
          <ProviderSwitch key={p} provider={p} settings={settings} locked={providersLocked} t={t} save={save} />
        ))}
      </fieldset>

      <CustomEndpointForm
        key={`${settings.customEndpoint?.template ?? ''}|${settings.customEndpoint?.format ?? ''}`}
        settings={settings}
        managed={managed}
        t={t}
        save={save}
        hostAccess={hostAccess}
      />
    </section>
  );
}

const PROVIDER_LABELS: { readonly [K in ThirdPartyProviderId]: MessageKey } = {
  checkHost: 'optionsProviderCheckHost',
  statusPage: 'optionsProviderStatusPage',
  cdnStatus: 'optionsProviderCdnStatus',
  custom: 'optionsProviderCustom',
};

function ProviderSwitch({
  provider,
  settings,
  locked,
  t,
  save,
}: {
  provider: ThirdPartyProviderId;
  settings: Settings;
  locked: boolean;
  t: Translate;
  save: SectionProps['save'];
}) {
  const lines = providerEndpoints(settings, provider);
  const id = `provider-${provider}`;
  // The custom switch has nothing to turn on until an address is saved below.
  const empty = lines.length === 0;
  return (
    <div class="provider">
      <label>
        <input
          type="checkbox"
          data-testid={id}
          aria-describedby={`${id}-endpoints`}
          checked={settings.statusProviders[provider] && !empty}
          disabled={locked || empty}
          onChange={(e) => void save({ statusProviders: { ...settings.statusProviders, [provider]: e.currentTarget.checked } })}
        />{' '}
        {t(PROVIDER_LABELS[provider])}
      </label>
      <div id={`${id}-endpoints`} class="provider-endpoints">
        {empty ? (
          <p class="muted">{t('optionsCustomNotSet')}</p>
        ) : (
          <>
            <span class="muted">{t('optionsContacts')}</span>
            <EndpointList lines={lines} t={t} />
          </>
        )}
      </div>
    </div>
  );
}

const PROBLEM_KEYS: { readonly [K in CustomEndpointProblem]: MessageKey } = {
  empty: 'optionsCustomEmpty',
  invalid: 'optionsCustomInvalid',
  'too-long': 'optionsCustomTooLong',
  'placeholder-in-host': 'optionsCustomPlaceholderInHost',
};

/** The error shown for a custom endpoint as typed, or `null` when it can be saved. */
export function customEndpointError(template: string, format: CustomEndpointFormat, t: Translate): string | null {
  const input = readCustomEndpoint(template, format);
  return input.ok ? null : t(PROBLEM_KEYS[input.problem]);
}

function CustomEndpointForm({ settings, managed, t, save, hostAccess }: SectionProps & { hostAccess: HostAccess }) {
  const stored = settings.customEndpoint;
  const [template, setTemplate] = useState(stored?.template ?? '');
  const [format, setFormat] = useState<CustomEndpointFormat>(stored?.format ?? 'uptime-kuma');
  const [error, setError] = useState<string | null>(null);
  const [access, setAccess] = useState<{ pattern: string; granted: boolean } | null>(null);
  const input = readCustomEndpoint(template, format);
  const pattern = input.ok ? input.pattern : null;

  // Known before the click, because the click must request the permission at once if it is missing (Firefox).
  useEffect(() => {
    if (pattern === null) return;
    let live = true;
    hostAccess.contains(pattern).then(
      (granted) => live && setAccess({ pattern, granted }),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [pattern, hostAccess]);

  const onSubmit = (e: JSX.TargetedSubmitEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (!input.ok) {
      setError(t(PROBLEM_KEYS[input.problem]));
      return;
    }
    setError(null);
    const held = access?.pattern === input.pattern && access.granted;
    const granted = held ? Promise.resolve(true) : hostAccess.request(input.pattern);
    void granted
      .catch(() => false)
      .then((ok) => {
        if (!ok) {
          setError(t('optionsCustomPermissionDenied', [input.origin]));
          return;
        }
        // Saving an address is asking for it to be used: the custom switch turns on with it.
        return save({ customEndpoint: input.endpoint, statusProviders: { ...settings.statusProviders, custom: true } });
      });
  };

  const onRemove = () => {
    setTemplate('');
    setError(null);
    void save({ customEndpoint: null, statusProviders: { ...settings.statusProviders, custom: false } });
  };

  return (
    <CustomEndpointFields
      template={template}
      format={format}
      error={error}
      locked={managed.has('customEndpoint')}
      canRemove={stored !== null}
      t={t}
      onTemplate={(x) => {
        setTemplate(x);
        setError(null);
      }}
      onFormat={setFormat}
      onSubmit={onSubmit}
      onRemove={onRemove}
    />
  );
}

export interface CustomEndpointFieldsProps {
  readonly template: string;
  readonly format: CustomEndpointFormat;
  /** Shown under the address, linked to it for screen readers; `null` when there is none. */
  readonly error: string | null;
  /** Set by an administrator. */
  readonly locked: boolean;
  /** A saved endpoint exists. */
  readonly canRemove: boolean;
  readonly t: Translate;
  readonly onTemplate: (template: string) => void;
  readonly onFormat: (format: CustomEndpointFormat) => void;
  readonly onSubmit: (e: JSX.TargetedSubmitEvent<HTMLFormElement>) => void;
  readonly onRemove: () => void;
}

/** The custom endpoint form's markup, without its state. */
export function CustomEndpointFields(p: CustomEndpointFieldsProps) {
  const { t } = p;
  const describedBy = p.error === null ? 'custom-help' : 'custom-help custom-error';
  return (
    <form class="custom" onSubmit={p.onSubmit} noValidate>
      <fieldset disabled={p.locked}>
        <legend>{t('optionsCustomTitle')}</legend>
        <p class="muted" id="custom-help">
          {t('optionsCustomHelp')}
        </p>
        {p.locked && <p class="managed">{t('optionsManaged')}</p>}
        <label for="custom-template">{t('optionsCustomTemplate')}</label>
        <input
          id="custom-template"
          data-testid="custom-template"
          type="url"
          inputMode="url"
          spellcheck={false}
          autocomplete="off"
          placeholder="https://status.example.org/api/{host}"
          value={p.template}
          aria-invalid={p.error !== null}
          aria-describedby={describedBy}
          onInput={(e) => p.onTemplate(e.currentTarget.value)}
        />
        <label for="custom-format">{t('optionsCustomFormat')}</label>
        <select
          id="custom-format"
          data-testid="custom-format"
          value={p.format}
          onChange={(e) => p.onFormat(e.currentTarget.value === 'gatus' ? 'gatus' : 'uptime-kuma')}
        >
          <option value="uptime-kuma">{t('optionsFormatUptimeKuma')}</option>
          <option value="gatus">{t('optionsFormatGatus')}</option>
        </select>
        {p.error !== null && (
          <p class="error" id="custom-error" data-testid="custom-error" role="alert">
            {p.error}
          </p>
        )}
        <div class="actions">
          <button type="submit" data-testid="custom-save">
            {t('optionsCustomSave')}
          </button>
          {p.canRemove && (
            <button type="button" class="secondary" data-testid="custom-remove" onClick={p.onRemove}>
              {t('optionsCustomRemove')}
            </button>
          )}
        </div>
      </fieldset>
    </form>
  );
}

function RecoverySection({ settings, managed, t, save }: SectionProps) {
  return (
    <section aria-labelledby="recovery-heading">
      <h2 id="recovery-heading">{t('optionsRecoverySection')}</h2>

      <fieldset disabled={managed.has('codes')}>
        <legend>{t('optionsCodes')}</legend>
        <ManagedNote field="codes" managed={managed} t={t} />
        <div class="codes">
          {OFFERED_CODES.map((code) => (
            <label key={code}>
              <input
                type="checkbox"
                data-testid={`code-${code}`}
                checked={settings.codes.includes(code)}
                onChange={(e) => void save({ codes: toggleCode(settings.codes, code, e.currentTarget.checked) })}
              />{' '}
              {code} {t(statusNameText(code).key)}
            </label>
          ))}
        </div>
      </fieldset>

      <RetriesField key={settings.maxVisibleRetries} settings={settings} managed={managed} t={t} save={save} />

      <p class="control">
        <label>
          <input
            type="checkbox"
            data-testid="notifications"
            checked={settings.notifications}
            disabled={managed.has('notifications')}
            onChange={(e) => void save({ notifications: e.currentTarget.checked })}
          />{' '}
          {t('optionsNotifications')}
        </label>
        <ManagedNote field="notifications" managed={managed} t={t} />
      </p>

      <NeverRetryField key={settings.neverRetry.join('\n')} settings={settings} managed={managed} t={t} save={save} />
    </section>
  );
}

function RetriesField({ settings, managed, t, save }: SectionProps) {
  const [text, setText] = useState(String(settings.maxVisibleRetries));
  const [invalid, setInvalid] = useState(false);
  const onCommit = (value: string) => {
    const n = readRetries(value);
    setInvalid(n === null);
    if (n !== null && n !== settings.maxVisibleRetries) void save({ maxVisibleRetries: n });
  };
  return (
    <p class="control">
      <label for="retries">{t('optionsRetries')}</label>
      <input
        id="retries"
        data-testid="retries"
        type="number"
        min={0}
        max={20}
        step={1}
        value={text}
        disabled={managed.has('maxVisibleRetries')}
        aria-invalid={invalid}
        aria-describedby={invalid ? 'retries-help retries-error' : 'retries-help'}
        onInput={(e) => setText(e.currentTarget.value)}
        onChange={(e) => onCommit(e.currentTarget.value)}
      />
      <ManagedNote field="maxVisibleRetries" managed={managed} t={t} />
      <span class="muted hint" id="retries-help">
        {t('optionsRetriesHelp')}
      </span>
      {invalid && (
        <span class="error hint" id="retries-error" role="alert">
          {t('optionsRetriesInvalid')}
        </span>
      )}
    </p>
  );
}

function NeverRetryField({ settings, managed, t, save }: SectionProps) {
  const [text, setText] = useState(settings.neverRetry.join('\n'));
  const [invalid, setInvalid] = useState<string[]>([]);
  const locked = managed.has('neverRetry');
  const onSubmit = (e: JSX.TargetedSubmitEvent<HTMLFormElement>) => {
    e.preventDefault();
    const read = readHostList(text);
    setInvalid(read.invalid);
    if (read.invalid.length === 0) void save({ neverRetry: read.hosts });
  };
  return (
    <form class="never-retry" onSubmit={onSubmit} noValidate>
      <label for="never-retry">{t('optionsNeverRetry')}</label>
      <ManagedNote field="neverRetry" managed={managed} t={t} />
      <span class="muted hint" id="never-retry-help">
        {t('optionsNeverRetryHelp')}
      </span>
      <textarea
        id="never-retry"
        data-testid="never-retry"
        rows={5}
        spellcheck={false}
        value={text}
        disabled={locked}
        aria-invalid={invalid.length > 0}
        aria-describedby={invalid.length > 0 ? 'never-retry-help never-retry-error' : 'never-retry-help'}
        onInput={(e) => setText(e.currentTarget.value)}
      />
      {invalid.length > 0 && (
        <p class="error" id="never-retry-error" role="alert">
          {t('optionsNeverRetryInvalid', [invalid.slice(0, 5).join(', ')])}
        </p>
      )}
      <div class="actions">
        <button type="submit" data-testid="never-retry-save" disabled={locked}>
          {t('optionsNeverRetrySave')}
        </button>
      </div>
    </form>
  );
}

function HistorySection({
  settings,
  managed,
  t,
  save,
  history,
  announce,
}: SectionProps & { history: HistoryModel | undefined; announce: (text: string, error: boolean) => void }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const off = settings.historyRetentionDays === 0;
  const entries = history?.entries ?? null;

  const onConfirm = () => {
    if (history === undefined) return;
    setBusy(true);
    history.clear().then(
      () => {
        setBusy(false);
        setConfirming(false);
        announce(t('optionsHistoryCleared'), false);
        // The buttons are gone or disabled now: keep keyboard focus in the section rather than on the body.
        heading.current?.focus();
      },
      (err: unknown) => {
        setBusy(false);
        announce(t('optionsHistoryClearFailed', [err instanceof Error ? err.message : String(err)]), true);
      },
    );
  };

  return (
    <section aria-labelledby="history-heading" data-testid="history">
      <h2 id="history-heading" tabIndex={-1} ref={heading}>
        {t('optionsHistorySection')}
      </h2>
      <p class="muted">{t('optionsHistoryHelp')}</p>
      <RetentionField key={settings.historyRetentionDays} settings={settings} managed={managed} t={t} save={save} />
      {off ? (
        <p data-testid="history-off">{t('optionsHistoryOff')}</p>
      ) : history?.error === true ? (
        <p class="error" data-testid="history-error">
          {t('optionsHistoryError')}
        </p>
      ) : entries === null || history === undefined ? (
        <p class="muted">{t('optionsHistoryLoading')}</p>
      ) : entries.length === 0 ? (
        <p data-testid="history-empty">{t('optionsHistoryEmpty')}</p>
      ) : (
        <HistoryTable entries={entries} t={t} formatTime={history.formatTime} />
      )}
      <ClearHistoryControls
        count={entries?.length ?? 0}
        confirming={confirming}
        busy={busy}
        t={t}
        onAsk={() => setConfirming(true)}
        onConfirm={onConfirm}
        onCancel={() => setConfirming(false)}
      />
    </section>
  );
}

function RetentionField({ settings, managed, t, save }: SectionProps) {
  const [text, setText] = useState(String(settings.historyRetentionDays));
  const [invalid, setInvalid] = useState(false);
  const onCommit = (value: string) => {
    const n = readRetentionDays(value);
    setInvalid(n === null);
    if (n !== null && n !== settings.historyRetentionDays) void save({ historyRetentionDays: n });
  };
  return (
    <p class="control">
      <label for="history-retention">{t('optionsHistoryRetention')}</label>
      <input
        id="history-retention"
        data-testid="history-retention"
        type="number"
        min={0}
        max={365}
        step={1}
        value={text}
        disabled={managed.has('historyRetentionDays')}
        aria-invalid={invalid}
        aria-describedby={invalid ? 'history-retention-help history-retention-error' : 'history-retention-help'}
        onInput={(e) => setText(e.currentTarget.value)}
        onChange={(e) => onCommit(e.currentTarget.value)}
      />
      <ManagedNote field="historyRetentionDays" managed={managed} t={t} />
      <span class="muted hint" id="history-retention-help">
        {t('optionsHistoryRetentionHelp')}
      </span>
      {invalid && (
        <span class="error hint" id="history-retention-error" role="alert">
          {t('optionsHistoryRetentionInvalid')}
        </span>
      )}
    </p>
  );
}

/** The history as a table: site, error and who answered, start (local time), outcome, reloads, probes, verdict. */
export function HistoryTable({
  entries,
  t,
  formatTime,
}: {
  entries: readonly HistoryEntry[];
  t: Translate;
  formatTime: (epochMs: number) => string;
}) {
  const render = (x: Text) => t(x.key, x.subs);
  return (
    // Scrolls sideways on a narrow window; focusable so a keyboard can scroll it too.
    <div class="table-scroll" role="region" aria-labelledby="history-caption" tabIndex={0}>
      <table class="history" data-testid="history-table">
        <caption id="history-caption">{t('optionsHistoryCaption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('historyColSite')}</th>
            <th scope="col">{t('historyColCode')}</th>
            <th scope="col">{t('historyColStarted')}</th>
            <th scope="col">{t('historyColOutcome')}</th>
            <th scope="col" class="num">
              {t('historyColReloads')}
            </th>
            <th scope="col" class="num">
              {t('historyColProbes')}
            </th>
            <th scope="col">{t('historyColVerdict')}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.id} data-testid="history-row" data-host={e.host} data-outcome={e.outcome}>
              <th scope="row">{e.host}</th>
              <td>
                {render(codeText(e, render))}
                {e.server !== undefined && <span class="muted hint">{t('historyServer', [e.server])}</span>}
              </td>
              <td>
                <time dateTime={new Date(e.startedAt).toISOString()}>{formatTime(e.startedAt)}</time>
              </td>
              <td>{render(outcomeText(e, render))}</td>
              <td class="num">{e.attempts}</td>
              <td class="num">{e.probes}</td>
              <td>{render(verdictText(e))}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export interface ClearHistoryControlsProps {
  /** Entries there are to delete. */
  readonly count: number;
  /** The user asked to clear and is being asked to confirm. */
  readonly confirming: boolean;
  /** The deletion is under way. */
  readonly busy: boolean;
  readonly t: Translate;
  readonly onAsk: () => void;
  readonly onConfirm: () => void;
  readonly onCancel: () => void;
}

/**
 * "Clear history…", then a confirmation in the page (not `window.confirm`, which blocks the page and cannot be styled
 * or tested): it names how many incidents go, and focus moves to its safe choice, "Keep it".
 */
export function ClearHistoryControls(p: ClearHistoryControlsProps) {
  const { t } = p;
  const keep = useRef<HTMLButtonElement>(null);
  const ask = useRef<HTMLButtonElement>(null);
  const wasConfirming = useRef(false);
  // A layout effect: the button that had focus is gone once this renders, and a deferred effect (Preact runs those
  // after the next frame, which a background tab may not draw for a while) would leave focus on the body meanwhile.
  useLayoutEffect(() => {
    if (p.confirming) keep.current?.focus();
    else if (wasConfirming.current) ask.current?.focus();
    wasConfirming.current = p.confirming;
  }, [p.confirming]);

  if (!p.confirming) {
    return (
      <div class="actions">
        <button type="button" class="secondary" data-testid="history-clear" ref={ask} disabled={p.count === 0 || p.busy} onClick={p.onAsk}>
          {t('optionsHistoryClear')}
        </button>
      </div>
    );
  }
  return (
    <div class="confirm" role="group" aria-labelledby="history-clear-question" data-testid="history-clear-confirmation">
      <p id="history-clear-question">{t('optionsHistoryClearConfirm', [String(p.count)])}</p>
      <div class="actions">
        <button type="button" class="danger" data-testid="history-clear-confirm" disabled={p.busy} onClick={p.onConfirm}>
          {t('optionsHistoryClearYes')}
        </button>
        <button type="button" class="secondary" data-testid="history-clear-cancel" ref={keep} disabled={p.busy} onClick={p.onCancel}>
          {t('optionsHistoryClearNo')}
        </button>
      </div>
    </div>
  );
}
