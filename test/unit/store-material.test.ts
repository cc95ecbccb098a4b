/**
 * The store material says what the code does: the privacy policy names every address the defaults contact and the
 * history's limits, every permission of the manifest is justified, and the listings fit the stores' limits. The
 * policy page shipped in the extension is rendered from docs/privacy.md and holds no markup the source did not mean.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inline, markdownToHtml, privacyPage } from '../../scripts/privacy-page.mjs';
import { DEFAULT_SETTINGS, DEFAULT_STATUS_ENDPOINTS, MAX_HISTORY_RETENTION_DAYS } from '../../src/settings/settings';
import { VENDORS } from '../../src/status/providers/status-page';
import { MAX_HISTORY_BYTES, MAX_HISTORY_ENTRIES } from '../../src/history/history';
import { pngSize } from '../png-size';

const read = (path: string) => readFileSync(resolve(import.meta.dirname, '../..', path), 'utf8');
const policy = read('docs/privacy.md');
const manifest = JSON.parse(read('manifest.json')) as { permissions: string[]; optional_permissions?: string[]; host_permissions: string[] };

describe('the privacy page', () => {
  const page = privacyPage(policy, read('extension/shared/page.css'));

  it('is the policy as HTML, without the maintainers notes or any script', () => {
    expect(page).toContain('<h1>Gateway Recovery: privacy policy</h1>');
    expect(policy).toContain('<!--');
    expect(page).not.toContain('<!--');
    expect(page).not.toMatch(/<script|javascript:|\son\w+=/i);
    for (const [, href] of page.matchAll(/href="([^"]*)"/g)) expect(href).toMatch(/^(https:\/\/|mailto:)/);
  });

  it('escapes markup and refuses links that are not http(s) or mail', () => {
    expect(inline('<img src=x onerror=alert(1)> **bold** *it* `a<b>`')).toBe('&lt;img src=x onerror=alert(1)&gt; <strong>bold</strong> <em>it</em> <code>a&lt;b&gt;</code>');
    expect(inline('[x](javascript:alert(1)) [y](https://example.com/)')).toBe('[x](javascript:alert(1)) <a href="https://example.com/">y</a>');
    expect(markdownToHtml('# T\n\n- a\n  b\n- c\n\n| h | i |\n|---|---|\n| 1 | 2 |\n\ntext <!-- note --> more')).toBe(
      '<h1>T</h1>\n<ul>\n<li>a b</li>\n<li>c</li>\n</ul>\n<table>\n<thead><tr><th>h</th><th>i</th></tr></thead>\n<tbody>\n<tr><td>1</td><td>2</td></tr>\n</tbody>\n</table>\n<p>text more</p>',
    );
  });
});

describe('the privacy policy matches the code', () => {
  it('names every address the default settings contact', () => {
    const { checkHost, cloudflareStatus, globalping, archive, statusPageTemplates } = DEFAULT_STATUS_ENDPOINTS;
    for (const base of [checkHost, cloudflareStatus, globalping, archive]) expect(policy).toContain(base);
    for (const template of statusPageTemplates) expect(policy).toContain(template.replace('{domain}', '<domain>').replace('{name}', '<name>'));
    for (const { path } of VENDORS) expect(policy).toContain(`\`${path}\``);
  });

  it("states the history's retention and bounds", () => {
    expect(policy).toContain(`historyRetentionDays\`: ${DEFAULT_SETTINGS.historyRetentionDays} by default, at most ${MAX_HISTORY_RETENTION_DAYS}`);
    expect(policy).toContain(`At most ${MAX_HISTORY_ENTRIES} entries and ${MAX_HISTORY_BYTES / 1024} KiB`);
  });

  it('says automatic checks are off by default', () => {
    expect(DEFAULT_SETTINGS.statusAutoCheck).toBe(false);
    expect(policy).toMatch(/automatic checks \(off by\s+default\)/);
  });

  it('lists every permission of the manifest', () => {
    for (const p of [...manifest.permissions, ...(manifest.optional_permissions ?? [])]) expect(policy).toContain(`| \`${p}\``);
  });
});

describe('the store listing', () => {
  const permissions = read('docs/store/permissions.md');
  const sections = (md: string) => new Map([...md.matchAll(/^## (.+)\n\n([\s\S]*?)(?=\n## |$)/gm)].map(([, name, body]) => [name, (body ?? '').trim()]));
  const en = sections(read('docs/store/listing.en.md'));
  const de = sections(read('docs/store/listing.de.md'));
  const fr = sections(read('docs/store/listing.fr.md'));

  it('justifies every permission the manifest asks for, and states the single purpose', () => {
    const headings = [...permissions.matchAll(/^### (.+)$/gm)].map(([, h]) => h ?? '');
    for (const p of [...manifest.permissions, ...(manifest.optional_permissions ?? [])]) expect(headings.some((h) => h.startsWith(`\`${p}\``)), p).toBe(true);
    expect(headings.some((h) => h.startsWith('Host permissions'))).toBe(true);
    expect(permissions).toMatch(/## Single purpose\n\n\S/);
  });

  it('has the same sections in English, German and French', () => {
    expect([...de.keys()]).toEqual([...en.keys()]);
    expect([...fr.keys()]).toEqual([...en.keys()]);
    expect([...en.keys()]).toEqual(expect.arrayContaining(['Name', 'Summary', 'Description', 'Single purpose']));
  });

  it("keeps the summary within Chrome's 132 characters, and the extension's name", () => {
    const name = (JSON.parse(read('public/_locales/en/messages.json')) as { extensionName: { message: string } }).extensionName.message;
    for (const listing of [en, de, fr]) {
      expect(listing.get('Name')).toBe(name);
      const summary = listing.get('Summary') ?? '';
      expect(summary).not.toContain('\n');
      expect([...summary].length).toBeGreaterThan(40);
      expect([...summary].length).toBeLessThanOrEqual(132);
    }
  });
});

describe('the manifest texts', () => {
  // Chrome's manifest reference: "description ... no more than 132 characters"; the Web Store refuses a longer one.
  it.each(readdirSync(resolve(import.meta.dirname, '../../public/_locales')))("%s: the description fits Chrome's 132 characters", (locale) => {
    const messages = JSON.parse(read(`public/_locales/${locale}/messages.json`)) as Record<string, { message: string }>;
    const description = messages.extensionDescription?.message ?? '';
    expect([...description].length).toBeGreaterThan(40);
    expect([...description].length).toBeLessThanOrEqual(132);
  });
});

describe('the store screenshots', () => {
  const names = ['1-popup-incident', '2-popup-back', '3-options', '4-onboarding'];

  it('are the four the listing names, each 1280×800 (Chrome Web Store)', () => {
    const listing = read('docs/store/listing.en.md');
    for (const name of names) {
      expect(pngSize(readFileSync(resolve(import.meta.dirname, '../../docs/store/screenshots', `${name}.png`))), name).toEqual({ width: 1280, height: 800 });
    }
    expect(listing).toContain('docs/store/screenshots/');
  });

  it('reads the size from the IHDR chunk, and refuses what is not a PNG', () => {
    const header = Buffer.from('89504e470d0a1a0a0000000d49484452000005000000032008060000', 'hex');
    expect(pngSize(header)).toEqual({ width: 1280, height: 800 });
    expect(() => pngSize(Buffer.from('GIF89a not a png at all'))).toThrow(/not a PNG/);
  });
});
