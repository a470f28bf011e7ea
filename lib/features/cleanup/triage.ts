/**
 * Clinical documents decided from what the server tells without a download: the message's attachment list (names
 * and types, Webmail.attachments: Zimbra) and content searches per folder (HPRIM end markers, DOCUMENT_SIGNS), or
 * the same rules asked as structure searches (Webmail.partSearch: Roundcube on Dovecot, PART_QUERIES). Only what
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
 * Verdicts decided here are cached (plan.ts): with the exact size where the host lists it (Zimbra), else with how the
 * message was listed, rounded size and date (Roundcube; classify.ts listedKey), so a later preview asks nothing again.
 */
import type { AttachmentInfo, MessageSummary, PartQuery, Webmail } from '../../webmail/types';
import { WebmailError } from '../../webmail/types';
import { refKey, type Clinical } from './classify';
import { mapLimit } from '../../webmail/kit/async';
import { OPERATION_CONCURRENCY } from '../../webmail/kit/pacing-policy';

/** Strings that find HPRIM results by content (the end markers), for bodyContainsAny. */
export const HPRIM_MARKERS = ['****FIN****', '****FINFICHIER****'];
/** Signs of a PDF or an XDM zip inside a text part, for a content search. */
export const DOCUMENT_SIGNS = ['%PDF-', 'IHE_XDM'];

/** What the folder's content searches said of one message (null: not asked, or the server cannot search content). */
export interface Signs {
  /** An HPRIM end marker (HPRIM_MARKERS). */
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

const PDF_TYPES_LIST = ['application/pdf', 'application/x-pdf'];

/**
 * The same rules as verdictFromParts, as three positive listings for a server that searches MIME structure
 * (Webmail.partSearch), each asking for the messages a verdict applies to, text signs included:
 * - 'xdm': a part named IHE_XDM.ZIP;
 * - 'pdf': a PDF part (type or name), every part text, multipart, image or PDF-typed, no HPRIM end marker;
 * - null: every part text or multipart, none named *.pdf or IHE_XDM.ZIP, and no sign in the text.
 */
export const PART_QUERIES: readonly { verdict: Clinical | null; q: PartQuery }[] = [
  { verdict: 'xdm', q: { someAny: [{ nameEnds: 'ihe_xdm.zip' }] } },
  {
    verdict: 'pdf',
    q: {
      someAny: [...PDF_TYPES_LIST.map((type) => ({ type })), { nameEnds: '.pdf' }],
      noneAny: [{ typeNotIn: ['text', 'multipart', 'image', ...PDF_TYPES_LIST] }],
      textLacksAll: HPRIM_MARKERS,
    },
  },
  {
    verdict: null,
    q: { noneAny: [{ typeNotIn: ['text', 'multipart'] }, { nameEnds: '.pdf' }, { nameEnds: 'ihe_xdm.zip' }], textLacksAll: [...HPRIM_MARKERS, ...DOCUMENT_SIGNS] },
  },
];

/**
 * Ask the server what it can tell of these messages without a download, and keep the verdicts it settles (keys from
 * refKey): the attachment lists (those with signs: the others are downloaded; one request per folder and 100
 * messages, a few at once), or else the structure searches of PART_QUERIES (three per folder). A failed request only leaves its
 * messages to be downloaded; cancelling throws WebmailError('aborted').
 */
export async function triage(
  webmail: Pick<Webmail, 'attachments' | 'partSearch' | 'capabilities'>,
  todo: readonly MessageSummary[],
  signsOf: (m: MessageSummary) => Signs | undefined,
  opts: { signal?: AbortSignal | undefined; onProgress?: (decided: number) => void } = {},
): Promise<{ verdicts: Map<string, Clinical | null>; requests: number }> {
  const verdicts = new Map<string, Clinical | null>();
  let requests = 0;
  const list = webmail.attachments?.bind(webmail);
  const search = webmail.partSearch?.bind(webmail);
  const aborted = () => new WebmailError('aborted', 'Aborted');
  if (!list && search) {
    // Structure searches per folder, on the messages still undecided; a failed search decides nothing.
    const byFolder = new Map<string, MessageSummary[]>();
    for (const m of todo) byFolder.set(m.ref.folderId, [...(byFolder.get(m.ref.folderId) ?? []), m]);
    for (const [folderId, msgs] of byFolder) {
      for (const { verdict, q } of PART_QUERIES) {
        const open = msgs.filter((m) => !verdicts.has(refKey(m.ref)));
        if (!open.length) break;
        if (opts.signal?.aborted) throw aborted();
        requests++;
        const found = await search(folderId, open.map((m) => m.ref.id), q, opts.signal ? { signal: opts.signal } : {}).catch(() => {
          if (opts.signal?.aborted) throw aborted();
          return new Set<string>();
        });
        for (const m of open) if (found.has(m.ref.id)) verdicts.set(refKey(m.ref), verdict);
        opts.onProgress?.(verdicts.size);
      }
    }
    return { verdicts, requests };
  }
  if (!list) return { verdicts, requests };
  const byFolder = new Map<string, MessageSummary[]>();
  for (const m of todo) if (signsOf(m)) byFolder.set(m.ref.folderId, [...(byFolder.get(m.ref.folderId) ?? []), m]);
  const max = Math.max(1, Math.min(webmail.capabilities.maxBatch, 100));
  const chunks: { folderId: string; msgs: MessageSummary[] }[] = [];
  for (const [folderId, msgs] of byFolder) for (let i = 0; i < msgs.length; i += max) chunks.push({ folderId, msgs: msgs.slice(i, i + max) });
  // Attachment lists read the mailbox and leave no list state behind (Zimbra's SearchRequest): a few at once.
  await mapLimit(chunks, OPERATION_CONCURRENCY, async ({ folderId, msgs: chunk }) => {
    if (opts.signal?.aborted) throw aborted();
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
  });
  return { verdicts, requests };
}
