// The source package addons.mozilla.org asks for with a minified add-on: exactly the files `npm ci && npm run build`
// needs to rebuild dist/firefox, and nothing else (no tests, bench, lab or store material). The list below is the one
// place that says what a build reads; test/unit/source-package.test.ts rebuilds from the package and compares bytes.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { zipFiles } from './zip.mjs';

/** What the build reads: files, and folders taken whole. Paths relative to the project root. */
export const SOURCE_PATHS = [
  'BUILD.md',
  'CHANGELOG.md',
  'README.md',
  'docs/privacy.md',
  'extension',
  'manifest.json',
  'package-lock.json',
  'package.json',
  'public',
  'scripts/build.mjs',
  'scripts/preact-without-inner-html.ts',
  'scripts/privacy-page.mjs',
  'scripts/source-package.mjs',
  'scripts/zip.mjs',
  'src',
  'tsconfig.json',
  'vite.config.ts',
];

/** Names that are never sources, wherever they are (editor and OS litter). */
const LITTER = /(^|\/)(\.DS_Store|Thumbs\.db|[^/]*~|\.[^/]*\.swp)$/;

/**
 * The package's files: every file under {@link SOURCE_PATHS}, read from `root`.
 *
 * @returns archive name (forward slashes) to contents
 * @throws Error when a listed path does not exist
 */
export function sourceFiles(root) {
  const files = new Map();
  const add = (rel) => {
    const full = join(root, rel);
    if (statSync(full).isDirectory()) {
      for (const name of readdirSync(full)) add(`${rel}/${name}`);
    } else if (!LITTER.test(rel)) {
      files.set(rel, readFileSync(full));
    }
  };
  for (const rel of SOURCE_PATHS) add(rel);
  return files;
}

/** The source package's bytes for the project at `root` (a deterministic zip, see zip.mjs). */
export function sourcePackage(root) {
  return zipFiles(sourceFiles(root));
}
