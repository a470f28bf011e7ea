/**
 * The Zimbra mailbox part: message actions in batches (actions.ts says how each fault is read), emptying a folder,
 * and which ids are still in a folder (one SearchRequest on exactly these item ids). Only created on a working
 * classic page (the adapter's `mailbox` is null elsewhere).
 */
import type { BatchResult, MailboxPart } from '../types';
import { WebmailError } from '../types';
import { throwIfAborted } from '../kit/async';
import { runAction, CHUNK_SIZE, TRASH_ID, type ActionApi } from './actions';
import { isFolderId } from './query';
import { ActionResponse, SearchResponse, type ZimbraSoap } from './soap';

const MAIL = 'urn:zimbraMail';
/** SearchRequest's largest page (`SearchParams.MAX_PARSABLE_LIMIT`). */
export const MAX_PAGE = 1000;

export class ZimbraMailbox implements MailboxPart {
  readonly maxBatch = CHUNK_SIZE;

  constructor(private readonly soap: ZimbraSoap) {}

  readonly api: ActionApi = {
    msgAction: async (action, signal) => {
      await this.soap.call('MsgActionRequest', MAIL, { action }, ActionResponse, { signal });
    },
    findIn: async (folderId, ids, signal) => {
      if (!isFolderId(folderId)) return new Set();
      const r = await this.soap.call(
        'SearchRequest',
        MAIL,
        { query: `inid:${folderId} item:{${ids.join(',')}}`, types: 'message', sortBy: 'none', limit: Math.min(MAX_PAGE, ids.length), offset: 0 },
        SearchResponse,
        { signal },
      );
      return new Set((r.m ?? []).map((m) => m.id));
    },
  };

  private async act(folderId: string, ids: string[], kind: Parameters<typeof runAction>[3], signal?: AbortSignal): Promise<BatchResult> {
    return runAction(this.api, String(folderId), ids, kind, signal);
  }

  /** One search on these item ids in the folder per page of MAX_PAGE ids (findIn). */
  async stillIn(folderId: string, ids: string[], opts: { signal?: AbortSignal } = {}): Promise<Set<string>> {
    const valid = [...new Set(ids.map(String).filter((id) => /^\d{1,10}$/.test(id)))];
    const out = new Set<string>();
    for (let i = 0; i < valid.length; i += MAX_PAGE) {
      for (const id of await this.api.findIn(String(folderId), valid.slice(i, i + MAX_PAGE), opts.signal)) out.add(id);
    }
    return out;
  }

  moveToTrash(folderId: string, ids: string[], opts: { signal?: AbortSignal } = {}): Promise<BatchResult> {
    return this.act(folderId, ids, { op: 'trash' }, opts.signal);
  }

  move(folderId: string, ids: string[], targetFolderId: string, opts: { signal?: AbortSignal } = {}): Promise<BatchResult> {
    return this.act(folderId, ids, { op: 'move', target: String(targetFolderId) }, opts.signal);
  }

  deleteForever(folderId: string, ids: string[], opts: { signal?: AbortSignal } = {}): Promise<BatchResult> {
    return this.act(folderId, ids, { op: 'delete' }, opts.signal);
  }

  /** MsgActionRequest op="!read" (see actions.ts). */
  markUnread(folderId: string, ids: string[], opts: { signal?: AbortSignal } = {}): Promise<BatchResult> {
    return this.act(folderId, ids, { op: '!read' }, opts.signal);
  }

  async emptyFolder(folderId: string, opts: { signal?: AbortSignal } = {}): Promise<void> {
    if (!isFolderId(folderId)) throw new WebmailError('not-found', 'Not a Zimbra folder id');
    if (folderId === TRASH_ID) {
      // Hard delete on the server, in its own transactions (Mailbox.emptyFolder). Not recursive: folders the user
      // put in the trash keep their content (the classic client sends recursive:true; Balise deletes only mail).
      await this.soap.call(
        'FolderActionRequest',
        MAIL,
        { action: { op: 'empty', id: TRASH_ID, recursive: false } },
        ActionResponse,
        { signal: opts.signal, timeoutMs: 15 * 60_000 },
      );
      return;
    }
    // Any other folder: every message to the trash, in chunks, re-reading the folder from its start each round.
    for (let round = 0; round < 100_000; round++) {
      throwIfAborted(opts.signal);
      const r = await this.soap.call(
        'SearchRequest',
        MAIL,
        { query: `inid:${folderId}`, types: 'message', sortBy: 'none', limit: MAX_PAGE, offset: 0 },
        SearchResponse,
        { signal: opts.signal },
      );
      const ids = (r.m ?? []).map((m) => m.id);
      if (!ids.length) return;
      let progress = 0;
      for (let i = 0; i < ids.length; i += CHUNK_SIZE) {
        const res = await runAction(this.api, folderId, ids.slice(i, i + CHUNK_SIZE), { op: 'trash' }, opts.signal);
        progress += res.done.length;
        const bad = res.failed.find((f) => f.code !== 'not-found');
        if (bad) throw new WebmailError(bad.code, 'Emptying the folder stopped', { moved: progress });
        progress += res.failed.length; // vanished meanwhile: gone from the folder too
      }
      if (!progress) throw new WebmailError('server', 'Emptying the folder makes no progress');
    }
  }
}
