/** The options page's recovery section: which codes count, the reload cap, notifications, and sites left alone. */
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { statusNameText } from '../../src/shared/text';
import { NumberField } from './number-field';
import { OFFERED_CODES, readHostList, toggleCode } from './options-input';
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

      <NeverRetryField key={settings.neverRetry.join('\n')} settings={settings} managed={managed} t={t} save={save} />
    </section>
  );
}

/** The never-retry list, one host per line, stored by its own button (a half-typed list is not a setting). */
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

