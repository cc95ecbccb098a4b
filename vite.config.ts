import { defineConfig, type Plugin } from 'vite';
import webExtension from 'vite-plugin-web-extension';
import { readFileSync } from 'node:fs';
import { preactWithoutInnerHtml } from './scripts/preact-without-inner-html';

/**
 * Serves webextension-polyfill (a UMD file) as an ES module whose default export is the polyfill's `module.exports`.
 * Imported as CommonJS, the bundler's interop copies every own property of that object onto a namespace, reading each
 * property's descriptor. Where the browser has a native `browser` (Firefox; Chromium since the `browser` namespace),
 * the polyfill exports that object itself, and reading the descriptor of each of its lazy API properties builds that
 * API's bindings: in `npm run bench` that was most of the CPU the service worker's start spent in its own script. The
 * polyfill's code runs unchanged.
 */
function polyfillAsModule(): Plugin {
  return {
    name: 'webextension-polyfill-as-module',
    enforce: 'pre',
    transform(code, id) {
      if (!/[\\/]webextension-polyfill[\\/]dist[\\/]browser-polyfill\.js$/.test(id)) return null;
      // `exports` defined makes the UMD wrapper hand `module` to the factory (its CommonJS branch).
      return { code: `const module = { exports: {} };\nconst exports = module.exports;\n${code}\nexport default module.exports;\n`, map: null };
    },
  };
}

/**
 * One manifest template, two builds: `TARGET=chrome` (service worker) and `TARGET=firefox` (event page).
 * Output goes to `dist/<target>`, a path the e2e suite and the README rely on.
 */
const target = process.env.TARGET === 'firefox' ? 'firefox' : 'chrome';
/** The one version: package.json's, written into both manifests (the template has none). */
const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

export default defineConfig({
  publicDir: 'public',
  // The one browser flag (`extension/shared/browser-family.ts`): each bundle knows which browser it was built for.
  define: { __BROWSER__: JSON.stringify(target) },
  // The pages' bundles name each module's path in a comment. Resolved through a symlinked node_modules (a worktree,
  // or the source package's rebuild test) those paths would name where the link points, and the same sources would
  // build different bytes: kept as seen from the project, the output depends on the sources alone.
  resolve: { preserveSymlinks: true },
  build: {
    outDir: `dist/${target}`,
    emptyOutDir: true,
    minify: false,
    sourcemap: false,
  },
  plugins: [
    polyfillAsModule(),
    preactWithoutInnerHtml(),
    webExtension({
      browser: target,
      manifest: 'manifest.json',
      transformManifest: (manifest) => ({ ...manifest, version }),
      // The JSON schema store is out of reach offline; `web-ext lint` validates the Firefox build instead.
      skipManifestValidation: true,
      disableAutoLaunch: true,
      // Pages the manifest does not name: the background opens the onboarding page after install.
      additionalInputs: ['extension/onboarding/index.html'],
      // The background script is minified: every page load that wakes the stopped service worker pays for reading and
      // compiling it (issue 13). The pages stay readable; both stores accept minified code with the source submitted.
      scriptViteConfig: { build: { minify: true } },
    }),
  ],
});
