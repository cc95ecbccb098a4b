/**
 * Checks for the Debian-packaged executables the e2e suite drives.
 *
 * A missing browser or nginx must fail loudly with the exact install command, never skip silently:
 * a skipped e2e suite looks green in CI while proving nothing.
 *
 * @module
 */
import { accessSync, constants } from 'node:fs';

/** Debian's Chromium build. */
export const CHROMIUM_PATH = '/usr/bin/chromium';
/** Debian's Firefox ESR (a symlink into /usr/lib/firefox-esr). */
export const FIREFOX_PATH = '/usr/bin/firefox-esr';
/** Debian's nginx. */
export const NGINX_PATH = '/usr/sbin/nginx';

/**
 * Throws unless `path` is an executable file.
 *
 * @param path - Absolute path of the executable.
 * @param debPackage - Debian package that provides it; named in the error together with the install command.
 * @returns `path`, so the call can be used inline: `executablePath: requireBinary(CHROMIUM_PATH, 'chromium')`.
 * @throws Error `"<debPackage> is not installed: apt-get install -y <debPackage> (no executable at <path>)"`.
 */
export function requireBinary(path: string, debPackage: string): string {
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new Error(`${debPackage} is not installed: apt-get install -y ${debPackage} (no executable at ${path})`);
  }
  return path;
}
