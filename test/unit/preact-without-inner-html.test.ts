/** The build's Preact writes no HTML from a value (`web-ext lint`'s UNSAFE_VAR_ASSIGNMENT, see the plugin). */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { removeInnerHtmlAssignment } from '../../scripts/preact-without-inner-html';

/** Preact's files as the build reads them (its `exports` do not list `dist/`). */
const preactDist = (file: string) => readFileSync(resolve(import.meta.dirname, '../../node_modules/preact/dist', file), 'utf8');

describe('Preact without dangerouslySetInnerHTML', () => {
  it.each(['preact.module.js', 'preact.mjs'])('removes the one assignment of markup from %s', (file) => {
    const code = preactDist(file);
    expect(code).toMatch(/\.innerHTML=[A-Za-z_$][\w$]*\.__html/);
    const out = removeInnerHtmlAssignment(code);
    expect(out).not.toMatch(/\.innerHTML=(?!"")/);
    expect(out).toContain('dangerouslySetInnerHTML is not supported');
  });

  it('fails the build when Preact changed and the pattern no longer applies', () => {
    expect(() => removeInnerHtmlAssignment('el.innerHTML = html;')).toThrow(/found 0/);
  });
});
