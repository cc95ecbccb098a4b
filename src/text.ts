/** Words for people travel from `src` as i18n keys, so every string lives in `public/_locales`. */

/** An i18n message key of `public/_locales/<lang>/messages.json` with its substitutions (`$1..$9`, in order). */
export interface Text {
  readonly key: string;
  readonly subs?: readonly string[];
}
