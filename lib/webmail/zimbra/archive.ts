/**
 * Zimbra: several raw messages in one request, through the REST servlet's archive formatter (the classic client's
 * own Import/Export uses it). Facts relied on (zimbra.md §6; MBX ArchiveFormatter.java, UserServletContext.java):
 * - GET `/service/home/~/?fmt=zip&list=<id,id,…>&meta=0`: exactly those items, no `.meta` files, cookie auth (GET
 *   needs no CSRF token); nothing found: 204;
 * - a message's entry is its blob, byte for byte (the same bytes as `?id=`), named
 *   `<folder path>[!n]/<id padded to 10 digits>-<subject>.eml` (getEntryName with the id prefix), or
 *   `<type>-<id>.eml` when the subject is empty; names are cut at 120 characters, after the id.
 * Entries are trusted only under an id asked once, starting like a message; the caller checks the size.
 */
import { WebmailError } from '../error';
import { messagesFromArchive } from '../kit/archive';
import type { ZimbraSoap } from './soap';

/** The item id an archive entry's name carries, or null. */
export function archiveEntryId(name: string): string | null {
  const base = name.slice(name.lastIndexOf('/') + 1);
  const m = /^(\d{10})-.*\.eml$/s.exec(base) ?? /^message-(\d{1,10})\.eml$/i.exec(base);
  return m ? String(Number(m[1])) : null;
}

export async function archiveMessages(soap: Pick<ZimbraSoap, 'rest'>, ids: string[], opts: { maxBytes: number; signal?: AbortSignal }): Promise<Map<string, Uint8Array>> {
  const asked = new Set(ids.filter((id) => /^\d{1,10}$/.test(id)));
  if (!asked.size) return new Map();
  const res = await soap.rest(`/service/home/~/?fmt=zip&list=${[...asked].join(',')}&meta=0`, opts.signal ? { signal: opts.signal } : {});
  if (res.status === 204 || !res.body) return new Map(); // none of them is there any more
  const type = res.headers.get('content-type') ?? '';
  if (/text\/html/i.test(type)) {
    await res.body.cancel().catch(() => undefined);
    throw new WebmailError('unsupported', 'the webmail did not send an archive of these messages');
  }
  return messagesFromArchive(res.body, asked, archiveEntryId, opts);
}
