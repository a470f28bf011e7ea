/** Build-time facts. `import.meta.env.MODE` is replaced at build time, so test-only code is dropped from store builds. */
export const TEST_BUILD: boolean = import.meta.env.MODE === 'test';

/** The content script's file in the built extension (WXT names it after entrypoints/webmail.content.ts). */
export const CONTENT_SCRIPT_FILE = 'content-scripts/webmail.js';
