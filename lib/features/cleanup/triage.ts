/**
 * Clinical documents decided from what the server tells without a download: the message's attachment list (names
 * and types, Webmail.attachments) and content searches per folder (HPRIM end markers, DOCUMENT_SIGNS). Only what
 * these facts settle is decided; everything else is downloaded and classified on its bytes (classify.ts).
 *
 * The classifier's rules (classify.ts) and what each fact settles:
 * - an attachment named IHE_XDM.ZIP is 'xdm', whatever else is there (the classifier's first rule; xdm outranks the
 *   others): exact.
 * - an attachment typed application/pdf (or x-pdf) or named *.pdf makes the message clinical, 'pdf' at least. The
 *   verdict is 'pdf' only when nothing else could raise it: every other part is a PDF, a text part (searched by
 *   the server, with no HPRIM end marker found) or an image (which the classifier would call HPRIM or XDM only if
 *   its bytes were in truth a text result or a zip: the message is kept either way, only the label could differ).
 * - not clinical: every part the server lists is a text part (text/*: the server's body search reads them, decoded)
 *   and the content searches found no sign: no HPRIM end marker, no %PDF- signature, no IHE_XDM entry name of a
 *   zip. Any other part (octet-stream, image, zip, office document, attached message, no type) may hide a
 *   document under its bytes (Dovecot does not search non-text parts): downloaded.
 * Protection-wise this only ever decides "clinical" when the classifier would too, and "not clinical" only for
 * messages made of server-searched text parts with no sign in them: the safe direction (keep more, never less).
 * Verdicts decided here are not cached (the cache holds byte-decided verdicts with exact sizes); the attachment
 * lists cost one request per 100 messages.
 */
import type { AttachmentInfo, MessageSummary, Webmail } from '../../webmail/types';
import { WebmailError } from '../../webmail/types';
import { refKey, type Clinical } from './classify';

/** Signs of a PDF or an XDM zip inside a text part, for a content search (the HPRIM end markers are plan.ts's). */
export const DOCUMENT_SIGNS = ['%PDF-', 'IHE_XDM'];

/** What the folder's content searches said of one message (null: not asked, or the server cannot search content). */
export interface Signs {
  /** An HPRIM end marker (plan.ts HPRIM_MARKERS). */
  hprim: boolean | null;
  /** A PDF signature or an XDM entry name (DOCUMENT_SIGNS). */
  document: boolean | null;
}

const PDF_TYPES = new Set(['application/pdf', 'application/x-pdf']);

/** The verdict these facts settle, or 'download' (a null sign: a text part may hide anything). */
export function verdictFromParts(parts: readonly AttachmentInfo[], signs: Signs): Clinical | null | 'download' {
  let pdf = false;
  let images = false;
  let other = false;
  for (const p of parts) {
    const name = p.name.trim().toLowerCase();
    const type = p.type.trim().toLowerCase();
    if (name.endsWith('ihe_xdm.zip')) return 'xdm';
    if (PDF_TYPES.has(type) || name.endsWith('.pdf')) pdf = true;
    else if (type.startsWith('text/')) continue;
    else if (type.startsWith('image/')) images = true;
    else other = true;
  }
  if (other || signs.hprim !== false) return 'download';
  if (pdf) return 'pdf';
  return images || signs.document !== false ? 'download' : null;
}

/**
 * Ask the server for the attachment lists of these messages (those with signs: the others are downloaded), one
 * request per folder and 100 messages, and keep the verdicts they settle (keys from refKey). A failed request only
 * leaves its messages to be downloaded; cancelling throws WebmailError('aborted').
 */
export async function triage(
  webmail: Pick<Webmail, 'attachments' | 'capabilities'>,
  todo: readonly MessageSummary[],
  signsOf: (m: MessageSummary) => Signs | undefined,
  opts: { signal?: AbortSignal | undefined; onProgress?: (decided: number) => void } = {},
): Promise<{ verdicts: Map<string, Clinical | null>; requests: number }> {
  const verdicts = new Map<string, Clinical | null>();
  let requests = 0;
  const list = webmail.attachments?.bind(webmail);
  if (!list) return { verdicts, requests };
  const byFolder = new Map<string, MessageSummary[]>();
  for (const m of todo) if (signsOf(m)) byFolder.set(m.ref.folderId, [...(byFolder.get(m.ref.folderId) ?? []), m]);
  const max = Math.max(1, Math.min(webmail.capabilities.maxBatch, 100));
  const aborted = () => new WebmailError('aborted', 'Aborted');
  for (const [folderId, msgs] of byFolder) {
    for (let i = 0; i < msgs.length; i += max) {
      if (opts.signal?.aborted) throw aborted();
      const chunk = msgs.slice(i, i + max);
      requests++;
      const parts = await list(folderId, chunk.map((m) => m.ref.id), opts.signal ? { signal: opts.signal } : {}).catch(() => {
        if (opts.signal?.aborted) throw aborted();
        return null;
      });
      for (const m of chunk) {
        const p = parts?.get(m.ref.id);
        const v = p ? verdictFromParts(p, signsOf(m)!) : 'download';
        if (v !== 'download') verdicts.set(refKey(m.ref), v);
      }
      opts.onProgress?.(verdicts.size);
    }
  }
  return { verdicts, requests };
}
