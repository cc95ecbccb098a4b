/** Types of `privacy-page.mjs`. */
export declare function inline(text: string): string;
export declare function markdownToHtml(markdown: string): string;
export declare function privacyPage(markdown: string, css: string): string;
