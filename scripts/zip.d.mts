/** Types of `zip.mjs` (plain JavaScript, so the build runs on Node without a TypeScript step). */
export declare function zipFiles(files: ReadonlyMap<string, Buffer>): Buffer;
export declare function unzipFiles(zip: Buffer): Map<string, Buffer>;
