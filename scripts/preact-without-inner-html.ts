import type { Plugin } from 'vite';

/**
 * Builds Preact without its one path that writes `innerHTML` from a value: the `dangerouslySetInnerHTML` prop.
 *
 * No view of this extension uses that prop (every text is rendered as text), but the code path ships with Preact's
 * renderer, and addons.mozilla.org's linter (`web-ext lint`, rule `UNSAFE_VAR_ASSIGNMENT`) rightly warns that a
 * bundle can assign dynamic HTML. Rather than silence the warning, the assignment is removed from the bundle: a
 * `dangerouslySetInnerHTML` would throw instead of writing markup. The build fails when the pattern is not found
 * exactly once (a Preact update that changed its code), so the removal can never silently stop applying.
 */
export function preactWithoutInnerHtml(): Plugin {
  return {
    name: 'preact-without-inner-html',
    enforce: 'pre',
    transform(code, id) {
      if (!/[\\/]preact[\\/]dist[\\/]preact\.(?:module\.js|mjs)$/.test(id)) return null;
      return { code: removeInnerHtmlAssignment(code), map: null };
    },
  };
}

/** The assignment in Preact's minified (10 and 11) `diffElementNodes`: `(u.innerHTML=h.__html)`, with any minified names. */
const ASSIGNMENT = /\(([A-Za-z_$][\w$]*)\.innerHTML=([A-Za-z_$][\w$]*)\.__html\)/g;

/**
 * Replaces Preact's `dangerouslySetInnerHTML` assignment with a throw.
 *
 * @throws Error when the assignment is not found exactly once in `code`
 */
export function removeInnerHtmlAssignment(code: string): string {
  const found = code.match(ASSIGNMENT) ?? [];
  if (found.length !== 1) {
    throw new Error(`preact-without-inner-html: expected one dangerouslySetInnerHTML assignment in Preact, found ${found.length}; update the pattern`);
  }
  return code.replace(ASSIGNMENT, '(()=>{throw new Error("dangerouslySetInnerHTML is not supported")})()');
}
