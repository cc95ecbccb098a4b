/** The options page's recovery section: which codes count, the reload cap, notifications, and sites left alone. */
import { statusNameText } from '../../src/shared/text';
import { HostListField } from './host-list-field';
import { NumberField } from './number-field';
import { OFFERED_CODES, toggleCode } from './options-input';
import { ManagedNote, type SectionProps } from './section';

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
