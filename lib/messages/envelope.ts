/**
 * The wire format of every answer, and the small client side of messaging. Kept apart from the unions so the
 * content script does not carry every message schema: receivers validate requests, and they validate their own
 * answers before sending them (lib/messages/router.ts), so a caller only checks the envelope.
 */
export type Envelope = { ok: true; data: unknown } | { ok: false; error: { code: string; message: string } };

export class MessageError extends Error {
  override readonly name = 'MessageError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function unwrap(type: string, answer: unknown): unknown {
  const a = answer as Partial<Envelope> | undefined;
  if (a && a.ok === true && 'data' in a) return a.data;
  if (a && a.ok === false && a.error && typeof a.error.code === 'string' && typeof a.error.message === 'string') {
    throw new MessageError(a.error.code, a.error.message);
  }
  throw new MessageError('invalid-answer', `No valid answer to ${type}`);
}
