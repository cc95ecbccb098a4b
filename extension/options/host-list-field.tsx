/**
 * A list of host names typed one per line (the never-retry list, the never-send list), stored by its own button: a
 * half-typed list is not a setting. Lines that are not host names are said beside it and nothing is stored.
 */
import type { TargetedSubmitEvent } from 'preact';
import { useState } from 'preact/hooks';
import type { MessageKey } from '../../src/shared/text';
import { readHostList } from './options-input';
import { ManagedNote, type SectionProps } from './section';

/** The settings edited as a host list. */
export type HostListSetting = 'neverRetry' | 'neverSend';

export interface HostListFieldProps extends SectionProps {
  readonly field: HostListSetting;
  /** The textarea's id and `data-testid`; `${id}-help`, `${id}-error` and `${id}-save` name its hint, error, button. */
  readonly id: string;
  /** Message keys of the label, the hint, the error (`$1`: the refused lines) and the button. */
  readonly labelKey: MessageKey;
  readonly helpKey: MessageKey;
  readonly invalidKey: MessageKey;
  readonly saveKey: MessageKey;
}

/** Give it `key={settings[field].join('\n')}`, so a list stored elsewhere replaces what is typed. */
export function HostListField({ field, id, labelKey, helpKey, invalidKey, saveKey, settings, managed, t, save }: HostListFieldProps) {
  const [text, setText] = useState(settings[field].join('\n'));
  const [invalid, setInvalid] = useState<string[]>([]);
  const locked = managed.has(field);
  const onSubmit = (e: TargetedSubmitEvent<HTMLFormElement>) => {
    e.preventDefault();
    const read = readHostList(text, field);
    setInvalid(read.invalid);
    if (read.invalid.length === 0) void save({ [field]: read.hosts });
  };
  return (
    <form class="host-list" onSubmit={onSubmit} noValidate>
      <label for={id}>{t(labelKey)}</label>
      <ManagedNote field={field} managed={managed} t={t} />
      <span class="muted hint" id={`${id}-help`}>
        {t(helpKey)}
      </span>
      <textarea
        id={id}
        data-testid={id}
        rows={5}
        spellcheck={false}
        value={text}
        disabled={locked}
        aria-invalid={invalid.length > 0}
        aria-describedby={invalid.length > 0 ? `${id}-help ${id}-error` : `${id}-help`}
        onInput={(e) => setText(e.currentTarget.value)}
      />
      {invalid.length > 0 && (
        <p class="error" id={`${id}-error`} role="alert">
          {t(invalidKey, [invalid.slice(0, 5).join(', ')])}
        </p>
      )}
      <div class="actions">
        <button type="submit" data-testid={`${id}-save`} disabled={locked}>
          {t(saveKey)}
        </button>
      </div>
    </form>
  );
}
