import { installCleanupPanel } from '@/lib/features/cleanup/panel/entry';

/**
 * The cleanup panel, injected on demand into a webmail tab by the background ('parts/load'), in the same
 * isolated world as the content script (see lib/features/cleanup/lazy.ts).
 */
export default defineUnlistedScript(() => {
  installCleanupPanel();
});
