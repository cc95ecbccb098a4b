/**
 * A whole-number setting typed in a field (retries, history retention). Its range is the settings schema's; the value
 * is stored when the user leaves the field (`change`), and an invalid entry is said beside it and never stored.
 */
import { useState } from 'preact/hooks';
import type { MessageKey } from '../../src/shared/text';
import { MAX_HISTORY_RETENTION_DAYS, MAX_VISIBLE_RETRIES, MIN_HISTORY_RETENTION_DAYS, MIN_VISIBLE_RETRIES } from '../../src/settings/settings';
import { readNumberSetting, type NumberSetting } from './options-input';
import { ManagedNote, type SectionProps } from './section';

/** The schema's range of each number setting, for the field's `min` and `max`. */
const RANGES: { readonly [K in NumberSetting]: { readonly min: number; readonly max: number } } = {
  maxVisibleRetries: { min: MIN_VISIBLE_RETRIES, max: MAX_VISIBLE_RETRIES },
  historyRetentionDays: { min: MIN_HISTORY_RETENTION_DAYS, max: MAX_HISTORY_RETENTION_DAYS },
};

export interface NumberFieldProps extends SectionProps {
  readonly field: NumberSetting;
  /** The input's id and `data-testid`; `${id}-help` and `${id}-error` name its hint and its error. */
  readonly id: string;
  /** Message keys of the label, the hint, and the error for an invalid entry. */
  readonly labelKey: MessageKey;
  readonly helpKey: MessageKey;
  readonly invalidKey: MessageKey;
}

/** Give it `key={settings[field]}`, so a value stored elsewhere replaces what is typed. */
export function NumberField({ field, id, labelKey, helpKey, invalidKey, settings, managed, t, save }: NumberFieldProps) {
  const [text, setText] = useState(String(settings[field]));
  const [invalid, setInvalid] = useState(false);
  const onCommit = (value: string) => {
    const n = readNumberSetting(field, value);
    setInvalid(n === null);
    if (n !== null && n !== settings[field]) void save({ [field]: n });
  };
  const { min, max } = RANGES[field];
  return (
    <p class="control">
      <label for={id}>{t(labelKey)}</label>
      <input
        id={id}
        data-testid={id}
        type="number"
        min={min}
        max={max}
        step={1}
        value={text}
        disabled={managed.has(field)}
        aria-invalid={invalid}
        aria-describedby={invalid ? `${id}-help ${id}-error` : `${id}-help`}
        onInput={(e) => setText(e.currentTarget.value)}
        onChange={(e) => onCommit(e.currentTarget.value)}
      />
      <ManagedNote field={field} managed={managed} t={t} />
      <span class="muted hint" id={`${id}-help`}>
        {t(helpKey)}
      </span>
      {invalid && (
        <span class="error hint" id={`${id}-error`} role="alert">
          {t(invalidKey)}
        </span>
      )}
    </p>
  );
}
