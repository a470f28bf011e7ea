/**
 * Zimbra: a message's attachments from the MIME part tree a SearchRequest with `fetch` answers (no download).
 * A leaf part is an attachment as Zimbra's own client counts it (ZmMailMsg / Mime.isAttachment): a disposition of
 * "attachment", a file name, or a type that is neither text nor multipart; the inline body part is not one. An
 * attached message (message/rfc822) is one attachment: its own parts are not listed.
 */
import type { AttachmentInfo } from '../types';
import { MimePartNode } from './soap';

const MAX_DEPTH = 32;

export function attachmentsFromParts(mp: unknown[] | undefined): AttachmentInfo[] {
  const out: AttachmentInfo[] = [];
  const walk = (raw: unknown, depth: number) => {
    if (depth > MAX_DEPTH) return;
    const parsed = MimePartNode.safeParse(raw);
    if (!parsed.success) return;
    const p = parsed.data;
    const type = (p.ct ?? '').toLowerCase();
    if (type.startsWith('multipart/')) {
      for (const c of p.mp ?? []) walk(c, depth + 1);
      return;
    }
    if (p.body) return;
    const isAttachment = p.cd === 'attachment' || !!p.filename || (!type.startsWith('text/') && type !== '');
    if (!isAttachment) return;
    out.push({ name: p.filename ?? '', size: Number(p.s ?? 0) || 0, type });
  };
  for (const root of mp ?? []) walk(root, 0);
  return out;
}
