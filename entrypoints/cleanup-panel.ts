import { installCleanupPanel } from '@/lib/features/cleanup/panel/entry';

/**
 * The cleanup panel: a web-accessible script the content script loads with import() on first use, so that it
 * runs in the content script's own world (see lib/features/cleanup/lazy.ts for why it is not injected by the
 * background).
 */
export default defineUnlistedScript(() => {
  installCleanupPanel();
});
