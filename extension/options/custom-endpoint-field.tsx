/**
 * The user's own checker on the options page: an address template and its answer format, checked as typed, and the
 * host permission for it asked inside the click that saves it (Firefox shows its prompt only then).
 */
import type { TargetedSubmitEvent } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { CustomEndpointFormat } from '../../src/settings/settings';
import type { MessageKey } from '../../src/shared/text';
import type { Translate } from '../shared/status-consent';
import { readCustomEndpoint, type CustomEndpointProblem } from './options-input';
import type { SectionProps } from './section';

/** Host permissions for the user's own checker. Both calls must start synchronously inside a click (Firefox). */
export interface HostAccess {
  contains(pattern: string): Promise<boolean>;
  request(pattern: string): Promise<boolean>;
}

const PROBLEM_KEYS: { readonly [K in CustomEndpointProblem]: MessageKey } = {
  empty: 'optionsCustomEmpty',
  invalid: 'optionsCustomInvalid',
  'too-long': 'optionsCustomTooLong',
  'placeholder-in-host': 'optionsCustomPlaceholderInHost',
  'not-kuma-page': 'optionsCustomNotKumaPage',
};

/** What the address field shows as an example, per format. */
const PLACEHOLDERS: { readonly [K in CustomEndpointFormat]: string } = {
  'uptime-kuma': 'https://status.example.org/status/main',
  gatus: 'https://status.example.org/api/v1/endpoints/statuses',
};

/** The form for the user's own checker; give it a `key` of the stored endpoint, so a change elsewhere resets it. */
export function CustomEndpointForm({ settings, managed, t, save, hostAccess }: SectionProps & { hostAccess: HostAccess }) {
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

  const onSubmit = (e: TargetedSubmitEvent<HTMLFormElement>) => {
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
        return save({ customEndpoint: input.endpoint, customEndpointDropped: null, statusProviders: { ...settings.statusProviders, custom: true } });
      });
  };

  const onRemove = () => {
    setTemplate('');
    setError(null);
    void save({ customEndpoint: null, customEndpointDropped: null, statusProviders: { ...settings.statusProviders, custom: false } });
  };

  return (
    <CustomEndpointFields
      template={template}
      format={format}
      error={error}
      locked={managed.has('customEndpoint')}
      canRemove={stored !== null || settings.customEndpointDropped !== null}
      dropped={settings.customEndpointDropped}
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
  /** A saved endpoint exists (or a dropped one's note is shown). */
  readonly canRemove: boolean;
  /** An old Uptime Kuma address the settings update had to drop, shown with a note; `null` when there is none. */
  readonly dropped?: string | null;
  readonly t: Translate;
  readonly onTemplate: (template: string) => void;
  readonly onFormat: (format: CustomEndpointFormat) => void;
  readonly onSubmit: (e: TargetedSubmitEvent<HTMLFormElement>) => void;
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
        {p.dropped != null && (
          <p class="note" data-testid="custom-dropped">
            {t('optionsCustomKumaDropped', [p.dropped])}
          </p>
        )}
        <label for="custom-template">{t('optionsCustomTemplate')}</label>
        <input
          id="custom-template"
          data-testid="custom-template"
          type="url"
          inputMode="url"
          spellcheck={false}
          autocomplete="off"
          placeholder={PLACEHOLDERS[p.format]}
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

