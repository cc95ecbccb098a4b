import { defineConfig } from 'vite';
import webExtension from 'vite-plugin-web-extension';

/**
 * One manifest template, two builds: `TARGET=chrome` (service worker) and `TARGET=firefox` (event page).
 * Output goes to `dist/<target>`, a path the e2e suite and the README rely on.
 */
const target = process.env.TARGET === 'firefox' ? 'firefox' : 'chrome';

export default defineConfig({
  publicDir: 'public',
  // The one browser flag (`extension/shared/browser-family.ts`): each bundle knows which browser it was built for.
  define: { __BROWSER__: JSON.stringify(target) },
  build: {
    outDir: `dist/${target}`,
    emptyOutDir: true,
    minify: false,
    sourcemap: false,
  },
  plugins: [
    webExtension({
      browser: target,
      manifest: 'manifest.json',
      // The JSON schema store is out of reach offline; `web-ext lint` validates the Firefox build instead.
      skipManifestValidation: true,
      disableAutoLaunch: true,
      // Pages the manifest does not name: the background opens the onboarding page after install.
      additionalInputs: ['extension/onboarding/index.html'],
    }),
  ],
});
