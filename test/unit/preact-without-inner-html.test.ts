/** The build's Preact writes no HTML from a value (`web-ext lint`'s UNSAFE_VAR_ASSIGNMENT, see the plugin). */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { removeInnerHtmlAssignment } from '../../scripts/preact-without-inner-html';

/** Preact's files as the build reads them (its `exports` do not list `dist/`). */
const preactDist = (file: string) => resolve(import.meta.dirname, '../../node_modules/preact/dist', file);
/** The ES module builds the plugin applies to: Preact 10 ships `preact.module.js` and `preact.mjs`, Preact 11 only the latter. */
const shipped = ['preact.module.js', 'preact.mjs'].filter((file) => existsSync(preactDist(file)));

describe('Preact without dangerouslySetInnerHTML', () => {
  it('finds the ES module build the bundler reads', () => {
    expect(shipped).toContain('preact.mjs');
  });

  it.each(shipped)('removes the one assignment of markup from %s', (file) => {
    const code = readFileSync(preactDist(file), 'utf8');
    expect(code).toMatch(/\.innerHTML=[A-Za-z_$][\w$]*\.__html/);
    const out = removeInnerHtmlAssignment(code);
    expect(out).not.toMatch(/\.innerHTML=(?!"")/);
    expect(out).toContain('dangerouslySetInnerHTML is not supported');
  });

  it('fails the build when Preact changed and the pattern no longer applies', () => {
    expect(() => removeInnerHtmlAssignment('el.innerHTML = html;')).toThrow(/found 0/);
  });
});
