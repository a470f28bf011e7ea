/**
 * Test-build-only messages. They are part of the union in every build, but the background handles them only in
 * test builds (lib/background/main.ts), so a store build answers "unhandled".
 */
import * as z from 'zod/mini';
import { def, Ok } from './define';

export const testMessages = {
  /** Firefox cannot navigate a test tab to moz-extension:// pages: the background opens them instead. */
  'test/open-page': def({ path: z.enum(['/popup.html', '/options.html', '/welcome.html']) }, Ok, ['content']),
} as const;
