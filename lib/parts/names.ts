/**
 * Balise's on-demand parts: scripts that are not in the content script loaded on every webmail page, but built
 * apart (entrypoints/<name>.ts, unlisted) and loaded by the content script when needed (./load.ts). Each must be
 * web-accessible (wxt.config.ts lists these names) so that import() can load it.
 */
export const PART_NAMES = ['webmail-roundcube', 'webmail-zimbra', 'cleanup-panel', 'quota-export'] as const;
export type PartName = (typeof PART_NAMES)[number];

/** The part that carries a webmail's adapter and the features (lib/content/part.ts), or null if it has none yet. */
export function webmailPartName(kind: string): PartName | null {
  const name = `webmail-${kind}`;
  return (PART_NAMES as readonly string[]).includes(name) ? (name as PartName) : null;
}
