/**
 * Each browser's own word for a private window (issue 14, "Words"): Chrome says "Incognito window"
 * ("Inkognitofenster"), Firefox "private window" ("privates Fenster"). Every message that names one has a Chromium
 * variant, in every locale, and the one lookup picks it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHROMIUM_WORDS, keyForBrowser } from '../../src/shared/browser-words';

const LOCALES_DIR = new URL('../../public/_locales/', import.meta.url);
type Messages = Record<string, { message: string }>;
const read = (locale: string) => JSON.parse(readFileSync(new URL(`${locale}/messages.json`, LOCALES_DIR), 'utf8')) as Messages;
const locales = readdirSync(LOCALES_DIR, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);
const pairs = Object.entries(CHROMIUM_WORDS);
const variants = new Set<string>(Object.values(CHROMIUM_WORDS));

describe('a private window in the browser\'s own word', () => {
  it('every English message that names a private window has a Chromium variant, which says Incognito', () => {
    const en = read('en');
    const naming = Object.keys(en).filter((k) => /private window|incognito/i.test(en[k]!.message) && !variants.has(k));
    expect(naming.filter((k) => !(k in CHROMIUM_WORDS))).toEqual([]);
    for (const [base, variant] of pairs) {
      expect(en[variant]?.message, variant).toMatch(/Incognito/);
      expect(en[variant]!.message, variant).not.toMatch(/private window/i);
      expect(en[base]!.message, base).toMatch(/private window/i);
    }
  });

  it('German: "privates Fenster" for Firefox, "Inkognitofenster" (or Inkognitomodus) for Chrome', () => {
    const de = read('de');
    for (const [base, variant] of pairs) {
      expect(de[base]?.message, base).toMatch(/privat/);
      expect(de[base]!.message, base).not.toMatch(/Inkognito/);
      expect(de[variant]?.message, variant).toMatch(/Inkognito(fenster|modus)/);
      expect(de[variant]!.message, variant).not.toMatch(/privat/);
    }
  });

  // The fr language packs: Firefox's menu says « Nouvelle fenêtre privée » and its add-on manager « Exécution dans les
  // fenêtres privées »; Chrome's menu « Nouvelle fenêtre de navigation privée », chrome://extensions « Autoriser en
  // navigation privée ». Firefox also says "navigation privée" for the mode, never for its window.
  it('French: "fenêtre privée" for Firefox, "fenêtre de navigation privée" (or navigation privée) for Chrome', () => {
    const fr = read('fr');
    for (const [base, variant] of pairs) {
      expect(fr[base]?.message, base).toMatch(/fenêtres? privées?/);
      expect(fr[base]!.message, base).not.toMatch(/navigation privée/);
      expect(fr[variant]?.message, variant).toMatch(/navigation privée/);
      expect(fr[variant]!.message, variant).not.toMatch(/fenêtres? privées?/);
    }
  });

  it.each(locales)('%s: the variant is there and says something other than the base', (locale) => {
    const messages = read(locale);
    for (const [base, variant] of pairs) {
      if (!(base in messages)) continue; // a missing key is the locales test's to report
      expect(messages[variant]?.message, `${locale} ${variant}`).toBeTruthy();
      expect(messages[variant]!.message, `${locale} ${variant}`).not.toBe(messages[base]!.message);
    }
  });

  it('the lookup picks the variant in Chromium only, and leaves other keys alone', () => {
    expect(keyForBrowser('guidePrivateTitle', 'chromium')).toBe('guidePrivateTitleChromium');
    expect(keyForBrowser('guidePrivateTitle', 'firefox')).toBe('guidePrivateTitle');
    expect(keyForBrowser('notifPrivateSite', 'chromium')).toBe('notifPrivateSiteChromium');
    expect(keyForBrowser('guideRefreshTitle', 'chromium')).toBe('guideRefreshTitle');
    expect(keyForBrowser('guidePrivateTitleChromium', 'firefox')).toBe('guidePrivateTitleChromium');
  });
});
