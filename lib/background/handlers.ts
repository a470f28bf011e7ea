/** The type of the background's message handlers (main.ts builds them; test builds wrap them). */
import type { HandlersFor } from '../messages/router';
import type { messageDefs } from '../messages';

export type BackgroundHandlers = HandlersFor<typeof messageDefs>;
