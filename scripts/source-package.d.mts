/** Types of `source-package.mjs`. */
export declare const SOURCE_PATHS: readonly string[];
export declare function sourceFiles(root: string): Map<string, Buffer>;
export declare function sourcePackage(root: string): Buffer;
