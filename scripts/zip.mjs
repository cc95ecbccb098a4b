// Deterministic zip archives: the same files give the same bytes, whenever and wherever they are packed. Entries are
// sorted by name and dated 1980-01-01 00:00 (the format's first day, local time as zip stores it), with fixed
// permissions, so a store upload or the AMO source package depends on the files' contents alone. The format itself is
// fflate's (a small, maintained, typed zip library); this module only fixes what varies.
import { unzipSync, zipSync } from 'fflate';

/** The format's first day: zip dates cannot be earlier. */
const ZIP_EPOCH = new Date(1980, 0, 1, 0, 0, 0);
/** A regular file, rw-r--r--, made on Unix (`os` 3): unzip then applies these permissions. */
const FILE_ATTRIBUTES = { os: 3, attrs: (0o100644 << 16) >>> 0 };

/**
 * Packs `files` into one zip, each deflated at level 9.
 *
 * @param files - archive name (forward slashes, no leading slash) to contents
 * @returns the archive's bytes
 * @throws Error when a name is empty, absolute, has a `..` segment or a backslash
 */
export function zipFiles(files) {
  const names = [...files.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const entries = {};
  for (const name of names) {
    if (name === '' || name.startsWith('/') || name.includes('\\') || name.split('/').includes('..')) throw new Error(`zip: bad entry name ${JSON.stringify(name)}`);
    entries[name] = [new Uint8Array(files.get(name)), { level: 9, mtime: ZIP_EPOCH, ...FILE_ATTRIBUTES }];
  }
  return Buffer.from(zipSync(entries));
}

/**
 * Reads a zip back into its files.
 *
 * @throws Error when the archive is not a zip fflate can read, or an entry's data is broken
 */
export function unzipFiles(zip) {
  return new Map(Object.entries(unzipSync(new Uint8Array(zip))).filter(([name]) => !name.endsWith('/')).map(([name, data]) => [name, Buffer.from(data)]));
}
