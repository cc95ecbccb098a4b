// Builds dist/chrome and dist/firefox from the one manifest template, adds the privacy policy page, then writes the
// store zips and the AMO source package in dist/zips. Every output depends on the sources alone (no dates, no paths,
// sorted zip entries): test/unit/source-package.test.ts rebuilds from the source package and compares the bytes.
import { build } from 'vite';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { privacyPage } from './privacy-page.mjs';
import { sourcePackage } from './source-package.mjs';
import { zipFiles } from './zip.mjs';

/** Every file under `dir`, by its path relative to `dir` with forward slashes. */
function filesUnder(dir, prefix = '') {
  const files = new Map();
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) for (const [k, v] of filesUnder(full, `${prefix}${name}/`)) files.set(k, v);
    else files.set(`${prefix}${name}`, readFileSync(full));
  }
  return files;
}

// A production build whatever the caller's environment: with NODE_ENV=test (as under Vitest) or development, Vite
// compiles JSX in its development form, which writes each file's absolute path into the bundle.
process.env.NODE_ENV = 'production';

const policy = privacyPage(readFileSync('docs/privacy.md', 'utf8'), readFileSync('extension/shared/page.css', 'utf8'));
for (const target of ['chrome', 'firefox']) {
  process.env.TARGET = target;
  await build({ configFile: 'vite.config.ts', logLevel: 'warn' });
  // Linked from the onboarding and options pages as `../../privacy.html`.
  writeFileSync(`dist/${target}/privacy.html`, policy);
  console.log(`built dist/${target}`);
}
rmSync('dist/zips', { recursive: true, force: true });
mkdirSync('dist/zips', { recursive: true });
for (const target of ['chrome', 'firefox']) {
  writeFileSync(`dist/zips/gateway-recovery-${target}.zip`, zipFiles(filesUnder(`dist/${target}`)));
  console.log(`zipped dist/zips/gateway-recovery-${target}.zip`);
}
writeFileSync('dist/zips/gateway-recovery-source.zip', sourcePackage('.'));
console.log('zipped dist/zips/gateway-recovery-source.zip (for addons.mozilla.org; see BUILD.md)');
