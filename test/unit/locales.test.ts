/**
 * Every locale under public/_locales says everything English says, with the same substitutions. Read at test time, so
 * a key added to English without its translation fails here, not as a blank or raw key in a German user's popup
 * (`browser.i18n.getMessage` falls back to English only for keys the locale lacks, and a wrong `$2` silently drops
 * a value).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const LOCALES_DIR = new URL('../../public/_locales/', import.meta.url);

interface Entry {
  message: string;
  description?: string;
  placeholders?: Record<string, { content: string; example?: string }>;
}
type Messages = Record<string, Entry>;

function readLocale(locale: string): Messages {
  return JSON.parse(readFileSync(new URL(`${locale}/messages.json`, LOCALES_DIR), 'utf8')) as Messages;
}

/**
 * What a message substitutes or shows literally, which a translation must keep: `$1`..`$9`, named `$name$`
 * placeholders (case-insensitive, as the browsers read them), and `{host}`-style template tokens the pages show as
 * part of an address. `$$` is a literal dollar sign, not a substitution.
 */
function tokensOf(message: string): string[] {
  const text = message.replaceAll('$$', '');
  const positional = text.match(/\$[1-9]/g) ?? [];
  const named = (text.match(/\$[A-Za-z0-9_@]+\$/g) ?? []).map((t) => t.toLowerCase());
  const template = text.match(/\{[a-z]+\}/g) ?? [];
  return [...new Set([...positional, ...named, ...template])].sort();
}

/**
 * Every way `other` differs from `reference` that a user would see; empty when the locale is complete.
 *
 * @param folder - the locale's folder name (`de`, `pt_BR`): its `languageTag` must name that language, so a copied
 *   file never tells a screen reader the page is English
 */
function localeProblems(reference: Messages, other: Messages, folder?: string): string[] {
  const problems: string[] = [];
  const tag = other['languageTag']?.message;
  if (folder !== undefined && tag !== undefined && tag !== folder.replace('_', '-')) problems.push(`languageTag: ${tag}, the folder is ${folder}`);
  const missing = Object.keys(reference).filter((k) => !(k in other));
  const extra = Object.keys(other).filter((k) => !(k in reference));
  if (missing.length > 0) problems.push(`missing keys: ${missing.join(', ')}`);
  if (extra.length > 0) problems.push(`keys English does not have: ${extra.join(', ')}`);
  for (const [key, ref] of Object.entries(reference)) {
    const entry = other[key];
    if (entry === undefined) continue;
    if (typeof entry.message !== 'string' || entry.message.trim() === '') {
      problems.push(`${key}: empty message`);
      continue;
    }
    const want = tokensOf(ref.message);
    const got = tokensOf(entry.message);
    if (want.join(' ') !== got.join(' ')) problems.push(`${key}: uses ${got.join(' ') || 'nothing'}, English uses ${want.join(' ') || 'nothing'}`);
    const wantPlaceholders = JSON.stringify(Object.entries(ref.placeholders ?? {}).map(([name, p]) => [name.toLowerCase(), p.content]).sort());
    const gotPlaceholders = JSON.stringify(Object.entries(entry.placeholders ?? {}).map(([name, p]) => [name.toLowerCase(), p.content]).sort());
    if (wantPlaceholders !== gotPlaceholders) problems.push(`${key}: placeholders ${gotPlaceholders}, English has ${wantPlaceholders}`);
  }
  return problems;
}

/**
 * Keys whose French breaks French typography as the browsers' own French interfaces write it (Firefox's and
 * Chromium's fr language packs): a no-break space (U+00A0, or the narrow U+202F) before `:` `;` `?` `!` and inside
 * « », so a line never starts with the mark, and the typographic apostrophe. Addresses (`https://…?q=1`) are left
 * out, and a colon glued to its word is not flagged: `about:networking` has one.
 */
function frenchTypographyProblems(messages: Messages): string[] {
  return Object.entries(messages)
    .filter(([, e]) => /[ \t][:;?!»]|« |'|[^\s\u00a0\u202f][;?!]/.test(e.message.replace(/\b[a-z]+:\/\/\S+/g, 'URL')))
    .map(([key, e]) => `${key}: ${e.message}`);
}

const manifest = JSON.parse(readFileSync(new URL('../../manifest.json', import.meta.url), 'utf8')) as { default_locale?: string };
const reference = manifest.default_locale ?? 'en';
const locales = readdirSync(LOCALES_DIR, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

describe('locales', () => {
  it('English is the default locale, and German and French are there', () => {
    expect(reference).toBe('en');
    expect(locales).toEqual(expect.arrayContaining(['en', 'de', 'fr']));
  });

  it('every message the manifest names exists in English', () => {
    const named = readFileSync(new URL('../../manifest.json', import.meta.url), 'utf8').match(/__MSG_(\w+)__/g) ?? [];
    const en = readLocale(reference);
    expect(named.map((m) => m.slice(6, -2)).filter((k) => !(k in en))).toEqual([]);
  });

  it.each(locales.filter((l) => l !== reference))('%s has exactly the English keys, each with the same placeholders', (locale) => {
    // One message listing every problem, so a run tells a translator all there is to do.
    expect(localeProblems(readLocale(reference), readLocale(locale), locale).join('\n')).toBe('');
  });

  it('the comparison catches a missing key, an extra key, a lost or added placeholder and a changed template token', () => {
    const en: Messages = {
      a: { message: 'Retrying in $1 (attempt $2 of $3)' },
      b: { message: 'Hello $user$', placeholders: { user: { content: '$1' } } },
      c: { message: 'at {host}' },
      d: { message: 'plain' },
    };
    const broken: Messages = {
      a: { message: 'Neuer Versuch in $1 (Versuch $2 von $2)' },
      b: { message: 'Hallo $USER$ $2', placeholders: { user: { content: '$2' } } },
      c: { message: 'bei {Host}' },
      e: { message: 'zu viel' },
    };
    expect(localeProblems(en, broken)).toEqual([
      'missing keys: d',
      'keys English does not have: e',
      'a: uses $1 $2, English uses $1 $2 $3',
      'b: uses $2 $user$, English uses $user$',
      'b: placeholders [["user","$2"]], English has [["user","$1"]]',
      'c: uses nothing, English uses {host}',
    ]);
    expect(localeProblems(en, { ...en, d: { message: ' ' } })).toEqual(['d: empty message']);
    // A file copied from English still says it is English.
    const tagged: Messages = { ...en, languageTag: { message: 'en' } };
    expect(localeProblems(tagged, tagged, 'fr')).toEqual(['languageTag: en, the folder is fr']);
    expect(localeProblems(tagged, { ...tagged, languageTag: { message: 'pt-BR' } }, 'pt_BR')).toEqual([]);
    expect(tokensOf('costs $$5 for $1')).toEqual(['$1']);
  });

  it('French keeps French typography: no-break spaces before : ; ? ! and inside « », typographic apostrophes', () => {
    expect(frenchTypographyProblems(readLocale('fr'))).toEqual([]);
    const broken: Messages = {
      colon: { message: 'Non enregistré : $1' },
      question: { message: 'Effacer ses cookies?' },
      quotes: { message: 'votre liste « Ne jamais envoyer »' },
      apostrophe: { message: "l'onglet" },
      fine: { message: 'Pourquoi\u00a0: voir https://example.org/?q=1 et «\u00a0?\u00a0»' },
    };
    expect(frenchTypographyProblems(broken).map((p) => p.split(':')[0])).toEqual(['colon', 'question', 'quotes', 'apostrophe']);
  });
});
