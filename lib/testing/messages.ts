/**
 * Test-build-only messages to the background. They are part of the union in every build (lib/messages/index.ts),
 * but the background handles them only in test builds (./background.ts), so a store build answers "unhandled".
 */
import * as z from 'zod/mini';
import { def, Ok } from '../messages/define';

export const testMessages = {
  /** Firefox cannot navigate a test tab to moz-extension:// pages: the background opens them instead. */
  'test/open-page': def({ path: z.enum(['/popup.html', '/options.html', '/welcome.html']) }, Ok, ['content']),
  /** The notifications created so far (quota levels, and 'expiry' for retention warnings), oldest first. */
  'test/quota-notifications': def(
    {},
    z.array(z.object({ id: z.string(), address: z.string(), level: z.string(), at: z.number(), title: z.string(), message: z.string() })),
    ['content', 'page'],
  ),
  /**
   * Run the handler the context-menu entry runs, on the sender's tab and the given frame. Context menus cannot be
   * clicked by puppeteer.
   */
  'test/menu-insert-signature': def({ frameId: z.optional(z.number().check(z.int(), z.gte(0))) }, z.object({ result: z.string() }), ['content']),
} as const;
