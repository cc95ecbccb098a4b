/**
 * A PNG's width and height from its IHDR chunk (PNG spec, section 11.2.2: the first chunk, right after the 8-byte
 * signature; width and height are its first two big-endian 32-bit fields).
 *
 * @throws Error when `png` does not start with a PNG signature and an IHDR chunk
 */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const isPng = png.byteLength >= 24 && signature.every((b, i) => png[i] === b) && String.fromCharCode(...png.subarray(12, 16)) === 'IHDR';
  if (!isPng) throw new Error('not a PNG with an IHDR chunk');
  return { width: view.getUint32(16), height: view.getUint32(20) };
}
