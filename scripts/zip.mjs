// Deterministic zip archives: the same files give the same bytes, whenever and wherever they are packed. Entries are
// sorted by name and dated 1980-01-01 00:00 (the format's first day), with fixed permissions, so a store upload or the
// AMO source package depends on the files' contents alone. Format: PKWARE APPNOTE.TXT 6.3.x (local headers, central
// directory, end record; no zip64, so at most 65,535 entries and 4 GiB, far above what this project packs).
import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';

/** DOS date of 1980-01-01 (year 0 from 1980, month 1, day 1); the time field is 00:00:00. */
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
/** Bit 11: names are UTF-8. */
const UTF8 = 0x0800;
/** "Made by" Unix (3) with spec 2.0, so unzip applies the permissions below. */
const MADE_BY = (3 << 8) | 20;
/** A regular file, rw-r--r--, in the high 16 bits of the external attributes. */
const FILE_MODE = (0o100644 << 16) >>> 0;

/**
 * Packs `files` into one zip. Each file is deflated (level 9) unless that would not make it smaller.
 *
 * @param files - archive name (forward slashes, no leading slash) to contents
 * @returns the archive's bytes
 * @throws Error when a name is empty, absolute, has a `..` segment or a backslash, or appears twice
 */
export function zipFiles(files) {
  const names = [...files.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const locals = [];
  const central = [];
  let offset = 0;
  for (const name of names) {
    if (name === '' || name.startsWith('/') || name.includes('\\') || name.split('/').includes('..')) throw new Error(`zip: bad entry name ${JSON.stringify(name)}`);
    const data = files.get(name);
    const nameBytes = Buffer.from(name, 'utf8');
    const deflated = deflateRawSync(data, { level: 9 });
    const stored = deflated.length >= data.length;
    const body = stored ? data : deflated;
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(UTF8, 6);
    local.writeUInt16LE(stored ? 0 : 8, 8);
    local.writeUInt16LE(0, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, nameBytes, body);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(MADE_BY, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(UTF8, 8);
    entry.writeUInt16LE(stored ? 0 : 8, 10);
    entry.writeUInt16LE(0, 12);
    entry.writeUInt16LE(DOS_DATE, 14);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(body.length, 20);
    entry.writeUInt32LE(data.length, 24);
    entry.writeUInt16LE(nameBytes.length, 28);
    // extra length, comment length, disk number, internal attributes: 0
    entry.writeUInt32LE(FILE_MODE, 38);
    entry.writeUInt32LE(offset, 42);
    central.push(entry, nameBytes);
    offset += local.length + nameBytes.length + body.length;
  }
  const centralSize = central.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(names.length, 8);
  end.writeUInt16LE(names.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...central, end]);
}

/**
 * Reads a zip written by {@link zipFiles} (stored or deflated entries, no zip64) back into its files.
 *
 * @throws Error when the archive is not such a zip, or an entry's CRC-32 does not match its contents
 */
export function unzipFiles(zip) {
  const endAt = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (endAt < 0) throw new Error('unzip: no end of central directory');
  const count = zip.readUInt16LE(endAt + 10);
  let at = zip.readUInt32LE(endAt + 16);
  const files = new Map();
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error('unzip: bad central directory entry');
    const method = zip.readUInt16LE(at + 10);
    const crc = zip.readUInt32LE(at + 16);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const skip = zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    const dataAt = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const body = zip.subarray(dataAt, dataAt + size);
    const data = method === 0 ? Buffer.from(body) : method === 8 ? inflateRawSync(body) : null;
    if (data === null) throw new Error(`unzip: ${name}: unsupported method ${method}`);
    if (crc32(data) !== crc) throw new Error(`unzip: ${name}: CRC mismatch`);
    files.set(name, data);
    at += 46 + nameLength + skip;
  }
  return files;
}
