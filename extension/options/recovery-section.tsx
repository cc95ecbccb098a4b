/** The options page's recovery section: which codes count, the reload cap, notifications, and sites left alone. */
import { NOTIFY_MODES, type NotifyMode } from '../../src/settings/settings';
import { statusNameText } from '../../src/shared/text';
import { HostListField } from './host-list-field';
import { NumberField } from './number-field';
import { OFFERED_CODES, toggleCode } from './options-input';
import { ManagedNote, type SectionProps } from './section';

/** The words of each notification mode. */
const NOTIFY_MODE_KEYS: Record<NotifyMode, 'optionsNotifyEveryChange' | 'optionsNotifyBackOnly' | 'optionsNotifyNever'> = {
  'every-change': 'optionsNotifyEveryChange',
  'back-only': 'optionsNotifyBackOnly',
  never: 'optionsNotifyNever',
};

export function RecoverySection({ settings, managed, t, save }: SectionProps) {
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

      <NumberField
        key={settings.maxVisibleRetries}
        field="maxVisibleRetries"
        id="retries"
        labelKey="optionsRetries"
        helpKey="optionsRetriesHelp"
        invalidKey="optionsRetriesInvalid"
        settings={settings}
        managed={managed}
        t={t}
        save={save}
      />

      <fieldset id="notifications" disabled={managed.has('notify')}>
        <legend>{t('optionsNotifications')}</legend>
        <ManagedNote field="notify" managed={managed} t={t} />
        {NOTIFY_MODES.map((mode) => (
          <label key={mode} class="control">
            <input
              type="radio"
              name="notify"
              value={mode}
              data-testid={`notify-${mode}`}
              checked={settings.notify === mode}
              disabled={managed.has('notify')}
              onChange={(e) => {
                if (e.currentTarget.checked) void save({ notify: mode });
              }}
            />{' '}
            {t(NOTIFY_MODE_KEYS[mode])}
          </label>
        ))}
      </fieldset>

      <HostListField
        key={settings.neverRetry.join('\n')}
        field="neverRetry"
        id="never-retry"
        labelKey="optionsNeverRetry"
        helpKey="optionsNeverRetryHelp"
        invalidKey="optionsNeverRetryInvalid"
        saveKey="optionsNeverRetrySave"
        settings={settings}
        managed={managed}
        t={t}
        save={save}
      />
    </section>
  );
}
