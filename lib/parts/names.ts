/**
 * Balise's on-demand parts: scripts that are not in the content script loaded on every webmail page, but built
 * apart (entrypoints/<name>.ts, unlisted) and loaded by the content script when needed (./load.ts). Each must be
 * web-accessible (wxt.config.ts lists these names) so that import() can load it.
 */
export const PART_NAMES = ['webmail-roundcube', 'webmail-zimbra', 'cleanup-panel', 'quota-export'] as const;
export type PartName = (typeof PART_NAMES)[number];
