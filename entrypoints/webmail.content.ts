import { startContent } from '@/lib/content/main';

/**
 * Registered at run time (scripting.registerContentScripts) for the origins the user added, at document_start;
 * lib/content/main.ts defers all work until after the page's load event.
 */
export default defineContentScript({
  matches: [],
  registration: 'runtime',
  runAt: 'document_start',
  cssInjectionMode: 'manual',
  main(ctx) {
    // Seen by the background (same isolated world) before it injects this file into an open tab (toolbar popup's
    // "enable on this webmail"): it never starts Balise twice in one page.
    (window as Window & { __baliseContent?: boolean }).__baliseContent = true;
    void startContent(window, ctx.signal);
  },
});
