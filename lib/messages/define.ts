import * as z from 'zod/mini';

/**
 * Who may send a message:
 * - 'page': one of Balise's own pages (popup, options, other extension pages);
 * - 'content': Balise's content script, running in the top frame of a webmail origin the user added;
 * - 'extension': the background or a Balise page, towards a content script (tabs.sendMessage).
 * Nothing else is accepted: web pages cannot message Balise (no externally_connectable), and a message
 * from a content script on an origin that is no longer registered is refused.
 */
export type SenderKind = 'page' | 'content' | 'extension';

export interface MessageDef<Q extends z.core.$ZodLooseShape = z.core.$ZodLooseShape, R extends z.core.$ZodType = z.core.$ZodType> {
  req: Q;
  res: R;
  from: readonly SenderKind[];
}

export function def<const Q extends z.core.$ZodLooseShape, R extends z.core.$ZodType>(
  req: Q,
  res: R,
  from: readonly SenderKind[],
): MessageDef<Q, R> {
  return { req, res, from };
}

export const Ok = z.object({ ok: z.literal(true) });

/** Build the discriminated union of a set of definitions: strict objects, so unknown fields are refused too. */
export function unionOf(defs: Record<string, MessageDef>) {
  const variants = Object.entries(defs).map(([type, d]) => z.strictObject({ ...d.req, type: z.literal(type) }));
  return z.discriminatedUnion('type', variants as unknown as [z.ZodMiniObject, ...z.ZodMiniObject[]]);
}
