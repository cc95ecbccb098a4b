/**
 * The AMO source package rebuilds the extension byte for byte (issue 15): the package `npm run build` wrote is unpacked
 * into a temporary folder, built there with `node scripts/build.mjs`, and every file of dist/firefox (and dist/chrome,
 * and the zips) is compared with this checkout's build.
 *
 * node_modules is a symbolic link to this checkout's, not a fresh `npm ci`: the package carries the same
 * package-lock.json, so `npm ci` would install the same versions, only slower (minutes) and with the registry in
 * reach, which the unit tests must not need. The build resolves modules with `preserveSymlinks` (vite.config.ts), so
 * where node_modules really lives does not show in the output.
 *
 * Needs `npm run build` first (`npm test` runs it before the unit tests).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SOURCE_PATHS, sourceFiles } from '../../scripts/source-package.mjs';
import { unzipFiles, zipFiles } from '../../scripts/zip.mjs';

const root = resolve(import.meta.dirname, '../..');
const built = (...p: string[]) => join(root, 'dist', ...p);

function filesUnder(dir: string, prefix = ''): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) for (const [k, v] of filesUnder(full, `${prefix}${name}/`)) files.set(k, v);
    else files.set(`${prefix}${name}`, readFileSync(full));
  }
  return files;
}

describe('deterministic zip', () => {
  it('packs the same files into the same bytes, sorted, and reads them back', () => {
    const a = new Map([
      ['b/x.txt', Buffer.from('hello '.repeat(50))],
      ['a.txt', Buffer.from('x')],
      ['ü.txt', Buffer.alloc(0)],
    ]);
    const b = new Map([...a].reverse());
    const zip = zipFiles(a);
    expect(zipFiles(b).equals(zip)).toBe(true);
    expect([...unzipFiles(zip).keys()]).toEqual(['a.txt', 'b/x.txt', 'ü.txt']);
    for (const [name, data] of a) expect(unzipFiles(zip).get(name)?.equals(data)).toBe(true);
  });

  it('refuses names that would unpack outside the folder', () => {
    for (const bad of ['../x', '/etc/x', 'a\\b', '']) expect(() => zipFiles(new Map([[bad, Buffer.from('x')]]))).toThrow(/bad entry name/);
  });

  it('notices a corrupted entry', () => {
    const zip = zipFiles(new Map([['a.txt', Buffer.from('abc')]]));
    const at = 30 + 'a.txt'.length;
    zip[at] = (zip[at] ?? 0) ^ 1;
    expect(() => unzipFiles(zip)).toThrow();
  });
});

describe('the source package', () => {
  it('holds the build inputs and none of the tests, lab, bench or store material', () => {
    const names = [...sourceFiles(root).keys()];
    expect(names).toContain('package-lock.json');
    expect(names).toContain('BUILD.md');
    expect(names).toContain('docs/privacy.md');
    expect(names.some((n) => n.startsWith('src/status/'))).toBe(true);
    expect(names.filter((n) => /^(test|docs\/store|\.ci|dist|node_modules)\//.test(n) || n.startsWith('scripts/demo'))).toEqual([]);
    expect(SOURCE_PATHS.every((p) => existsSync(join(root, p)))).toBe(true);
  });

  describe('rebuilt from the package', () => {
    let dir = '';
    let rebuilt = '';
    let seconds = 0;

    beforeAll(async () => {
      const zipPath = built('zips', 'gateway-recovery-source.zip');
      if (!existsSync(zipPath) || !existsSync(built('firefox', 'manifest.json'))) throw new Error('run `npm run build` first: this test compares with its output');
      dir = mkdtempSync(join(tmpdir(), 'gateway-recovery-source-'));
      rebuilt = join(dir, 'package');
      for (const [name, data] of unzipFiles(readFileSync(zipPath))) {
        mkdirSync(dirname(join(rebuilt, name)), { recursive: true });
        writeFileSync(join(rebuilt, name), data);
      }
      symlinkSync(join(root, 'node_modules'), join(rebuilt, 'node_modules'), 'dir');
      const started = performance.now();
      await promisify(execFile)(process.execPath, ['scripts/build.mjs'], { cwd: rebuilt, timeout: 170_000 });
      seconds = (performance.now() - started) / 1000;
    }, 180_000);

    afterAll(() => {
      if (dir !== '') rmSync(dir, { recursive: true, force: true });
    });

    it.each(['firefox', 'chrome'])('reproduces dist/%s byte for byte', (target) => {
      const expected = filesUnder(built(target));
      const got = filesUnder(join(rebuilt, 'dist', target));
      expect([...got.keys()]).toEqual([...expected.keys()]);
      const differing = [...expected].filter(([name, data]) => !got.get(name)?.equals(data)).map(([name]) => name);
      expect(differing, `rebuilt in ${seconds.toFixed(1)} s`).toEqual([]);
    });

    it('reproduces the store zips and the source package itself', () => {
      for (const zip of ['gateway-recovery-firefox.zip', 'gateway-recovery-chrome.zip', 'gateway-recovery-source.zip']) {
        expect(readFileSync(join(rebuilt, 'dist', 'zips', zip)).equals(readFileSync(built('zips', zip))), zip).toBe(true);
      }
    });

    it("writes package.json's version into both manifests", () => {
      const { version } = JSON.parse(readFileSync(join(rebuilt, 'package.json'), 'utf8')) as { version: string };
      for (const target of ['firefox', 'chrome']) {
        expect((JSON.parse(readFileSync(join(rebuilt, 'dist', target, 'manifest.json'), 'utf8')) as { version?: string }).version).toBe(version);
      }
    });
  });
});
