import * as z from 'zod/mini';
import { browser, type Browser } from 'wxt/browser';
import type { MessageDef, SenderKind } from './define';
import type { Envelope } from './envelope';

export type Sender = Browser.runtime.MessageSender;

/** Handlers for a set of definitions: each receives the parsed request and its sender. */
export type HandlersFor<Defs extends Record<string, MessageDef>> = {
  [K in keyof Defs & string]?: (
    req: { type: K } & z.infer<z.ZodMiniObject<Defs[K]['req']>>,
    sender: Sender,
    /** Who sent it, as the classifier decided (ownership checks need to tell content scripts from pages). */
    kind?: SenderKind,
  ) => Promise<z.infer<Defs[K]['res']>> | z.infer<Defs[K]['res']>;
};

/** Decides who sent a message, or null to refuse it outright. */
export type Classifier = (sender: Sender) => Promise<SenderKind | null> | SenderKind | null;

export interface Channel<Defs extends Record<string, MessageDef>> {
  defs: Defs;
  union: z.ZodMiniType;
}

function fail(code: string, message: string): Envelope {
  return { ok: false, error: { code: code.slice(0, 64), message: message.slice(0, 2000) } };
}

/**
 * Handle one raw message: check the sender, parse the request against the channel's union, check that this
 * sender may send this type, run the handler, and check the handler's answer against the declared response
 * schema (a bug of ours must not hand malformed data to the other side).
 */
export async function dispatch<Defs extends Record<string, MessageDef>>(
  channel: Channel<Defs>,
  handlers: HandlersFor<Defs>,
  classify: Classifier,
  raw: unknown,
  sender: Sender,
): Promise<Envelope> {
  const kind = await classify(sender);
  if (!kind) return fail('forbidden-sender', 'Sender refused');
  const parsed = z.safeParse(channel.union, raw);
  if (!parsed.success) return fail('invalid-request', 'Invalid message');
  const req = parsed.data as { type: keyof Defs & string };
  const d = channel.defs[req.type]!;
  if (!d.from.includes(kind)) return fail('forbidden', `${kind} may not send ${req.type}`);
  const handler = handlers[req.type] as ((r: unknown, s: Sender, k: SenderKind) => unknown) | undefined;
  if (!handler) return fail('unhandled', `No handler for ${req.type}`);
  try {
    const data = await handler(req, sender, kind);
    const checked = z.safeParse(d.res, data);
    if (!checked.success) return fail('internal', `Handler for ${req.type} answered an invalid shape`);
    return { ok: true, data: checked.data };
  } catch (e) {
    const code = typeof (e as { code?: unknown })?.code === 'string' ? (e as { code: string }).code : 'internal';
    return fail(code, e instanceof Error ? e.message : String(e));
  }
}

/** A runtime.onMessage listener (returns a Promise: supported by Chromium and Firefox). */
export function createListener<Defs extends Record<string, MessageDef>>(channel: Channel<Defs>, handlers: HandlersFor<Defs>, classify: Classifier) {
  return (raw: unknown, sender: Sender): Promise<Envelope> => dispatch(channel, handlers, classify, raw, sender);
}

/** Classifier for the background: Balise pages, and Balise's content script (top frame) on a registered origin. */
export function backgroundClassifier(isRegisteredOrigin: (origin: string) => Promise<boolean>): Classifier {
  return async (sender) => {
    if (sender.id !== browser.runtime.id) return null;
    const url = sender.url ?? '';
    if (url.startsWith(browser.runtime.getURL('/'))) return 'page';
    if (sender.tab && (sender.frameId ?? 0) === 0 && /^https?:\/\//.test(url)) {
      let origin: string;
      try {
        origin = new URL(url).origin;
      } catch {
        return null;
      }
      return (await isRegisteredOrigin(origin)) ? 'content' : null;
    }
    return null;
  };
}

/** Classifier for the content script: only Balise's background and pages may talk to it. */
export function contentClassifier(): Classifier {
  return (sender) => {
    if (sender.id !== browser.runtime.id) return null;
    const url = sender.url ?? '';
    return url.startsWith(browser.runtime.getURL('/')) ? 'extension' : null;
  };
}
