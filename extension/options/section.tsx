/** What every section of the options page is given, and the note on a field an administrator set. */
import type { Settings } from '../../src/settings/settings';
import type { SettingKey, SettingsPatch } from '../shared/settings-store';
import type { Translate } from '../shared/status-consent';

export interface SectionProps {
  readonly settings: Settings;
  readonly managed: ReadonlySet<SettingKey>;
  readonly t: Translate;
  /** Stores `patch` and says so in the page's live region; resolves false when the browser refused. */
  readonly save: (patch: SettingsPatch) => Promise<boolean>;
}

/** " (set by your administrator)" after a field the policy sets; nothing otherwise. */
export function ManagedNote({ field, managed, t }: { field: SettingKey; managed: ReadonlySet<SettingKey>; t: Translate }) {
  return managed.has(field) ? <span class="managed" data-testid={`managed-${field}`}> {t('optionsManaged')}</span> : null;
}
