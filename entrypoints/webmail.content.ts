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
    void startContent(window, ctx.signal);
  },
});
