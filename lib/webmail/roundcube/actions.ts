/**
 * The Roundcube mailbox part: batch moves with the new UIDs in the target, permanent deletes, marking unread,
 * emptying a folder, and which UIDs are still in a folder. Roundcube's answers are not trusted alone (a move reports
 * success for a UID that does not exist): what left the source and what arrived are checked with searches on exactly
 * these UIDs; Dovecot's MOVE numbers the new messages in ascending order of their old UIDs.
 */
import { WebmailError, isWebmailError, type BatchResult, type MailboxPart, type MessageRef } from '../types';
import { throwIfAborted } from '../kit/async';
import { verifiedAction } from '../kit/verify';
import { codeForMessage, type RcApi } from './api';
import { ROUNDCUBE_MAX_BATCH, checkBatch, cutUidBatches, splitIds } from './batches';
import { keepingListState, requireApi, type RcContext } from './context';
import { parseUid, uidSet } from './parse';

export class RcMailbox implements MailboxPart {
  readonly maxBatch = ROUNDCUBE_MAX_BATCH;

  constructor(private readonly ctx: RcContext) {}

  /** One search on exactly these UIDs per request-sized part (see existing). */
  async stillIn(folderId: string, ids: string[], opts?: { signal?: AbortSignal } | null): Promise<Set<string>> {
    throwIfAborted(opts?.signal);
    const { byUid } = splitIds(ids);
    const out = new Set<string>();
    if (!byUid.size) return out;
    await keepingListState(this.ctx, async () => {
      for (const part of cutUidBatches([...byUid.values()], this.maxBatch)) {
        const uids = part.map((id) => parseUid(id)!);
        for (const u of await this.existing(folderId, uids, opts?.signal ?? undefined)) out.add(byUid.get(u)!);
      }
    });
    return out;
  }

  cutBatches(ids: string[], max: number): string[][] {
    return cutUidBatches(ids, Math.max(1, Math.min(max, this.maxBatch)));
  }

  async moveToTrash(folderId: string, ids: string[], opts?: { signal?: AbortSignal } | null): Promise<BatchResult> {
    const trash = this.ctx.env.trash_mailbox;
    if (typeof trash !== 'string' || !trash) throw new WebmailError('unsupported', 'this Roundcube has no trash folder');
    return this.move(folderId, ids, trash, opts);
  }

  async move(folderId: string, ids: string[], targetFolderId: string, opts?: { signal?: AbortSignal } | null): Promise<BatchResult> {
    const api = requireApi(this.ctx);
    if (folderId === targetFolderId) {
      return this.verified(folderId, ids, opts, {
        send: async () => ({ ok: true }),
        refused: 'move refused',
        succeeded: async (present) => new Set(present),
        refs: (done) => Object.fromEntries(done.map((u) => [u, { folderId, id: String(u) }])),
      });
    }
    let maxBefore = 0;
    let fresh: number[] | null = null;
    return this.verified(folderId, ids, opts, {
      // The target's highest UID is read at the same time as the source check (independent reads, one round trip).
      // Read again for every batch, not taken from the previous batch's check: a message landing in the trash between
      // two batches would then leave that batch without its new UIDs (undo could not say where they are).
      alongside: async (signal) => void (maxBefore = await api.maxUid(targetFolderId, signal)),
      send: (a, present) => a.moveUids(folderId, present, targetFolderId),
      refused: 'move refused',
      // Done: the ones no longer in the source. What arrived in the target is read at the same time (used by refs).
      succeeded: async (present) => {
        const [remaining, arrived] = await Promise.all([this.existing(folderId, present), this.newUids(targetFolderId, maxBefore, present.length).catch(() => null)]);
        fresh = arrived;
        return new Set(present.filter((u) => !remaining.has(u)));
      },
      refs: (done) => {
        const arrived = fresh as number[] | null;
        // Only a one-to-one answer is used: anything else arrived meanwhile, or went missing.
        if (!done.length || !arrived || arrived.length !== done.length) return undefined;
        const sortedOld = [...done].sort((a, b) => a - b);
        return Object.fromEntries(sortedOld.map((u, k) => [u, { folderId: targetFolderId, id: String(arrived[k]) }]));
      },
    });
  }

  async deleteForever(folderId: string, ids: string[], opts?: { signal?: AbortSignal } | null): Promise<BatchResult> {
    return this.verified(folderId, ids, opts, {
      send: (api, present) => api.deleteUids(folderId, present),
      refused: 'delete refused',
      // Done: the ones no longer in the folder.
      succeeded: async (present) => {
        const remaining = await this.existing(folderId, present);
        return new Set(present.filter((u) => !remaining.has(u)));
      },
    });
  }

  /**
   * mail/mark `_flag=unread` on exactly these UIDs, then the server is asked which of them are unread now (mark.php
   * answers success for a UID that does not exist): those are done, the ones gone 'not-found', the rest fail.
   */
  async markUnread(folderId: string, ids: string[], opts?: { signal?: AbortSignal } | null): Promise<BatchResult> {
    return this.verified(folderId, ids, opts, {
      send: (api, present) => api.markUnreadUids(folderId, present),
      refused: 'mark refused',
      succeeded: (present) => this.existing(folderId, present, undefined, 'UNSEEN '),
    });
  }

  /**
   * The kit's verified action (lib/webmail/kit/verify.ts) on UIDs, inside keepingListState: ids that are not UIDs or
   * not in the folder fail as 'not-found'; `refs` maps the done UIDs to where they are now (moves).
   */
  private async verified(
    folderId: string,
    ids: string[],
    opts: { signal?: AbortSignal } | null | undefined,
    how: {
      send: (api: RcApi, present: number[]) => Promise<{ ok: boolean; message?: string | undefined }>;
      refused: string;
      succeeded: (present: number[]) => Promise<Set<number>>;
      alongside?: (signal?: AbortSignal) => Promise<void>;
      refs?: (done: number[]) => Record<number, MessageRef> | undefined | Promise<Record<number, MessageRef> | undefined>;
    },
  ): Promise<BatchResult> {
    const api = requireApi(this.ctx);
    throwIfAborted(opts?.signal);
    const { uids, byUid, failed } = splitIds(ids);
    checkBatch(ids, uids, this.maxBatch);
    if (!uids.length) return { done: [], failed };
    return keepingListState(this.ctx, async () => {
      const r = await verifiedAction(
        uids,
        (u) => byUid.get(u)!,
        failed,
        {
          present: (keys, signal) => this.existing(folderId, keys, signal),
          ...(how.alongside ? { alongside: how.alongside } : {}),
          send: (present) => how.send(api, present),
          refusal: (message) => new WebmailError(codeForMessage(message), message || how.refused),
          succeeded: how.succeeded,
        },
        opts?.signal ?? undefined,
      );
      const result: BatchResult = { done: r.done, failed: r.failed };
      const refs = how.refs ? await how.refs(r.present.filter((u) => r.ok.has(u))) : undefined;
      if (refs) result.newRefs = Object.fromEntries(Object.entries(refs).map(([u, ref]) => [byUid.get(Number(u))!, ref]));
      return result;
    });
  }

  async emptyFolder(folderId: string, opts?: { signal?: AbortSignal } | null): Promise<void> {
    const api = requireApi(this.ctx);
    throwIfAborted(opts?.signal);
    const trash = typeof this.ctx.env.trash_mailbox === 'string' ? this.ctx.env.trash_mailbox : '';
    const delimiter = typeof this.ctx.env.delimiter === 'string' && this.ctx.env.delimiter ? this.ctx.env.delimiter : '/';
    if (trash && folderId.startsWith(trash + delimiter)) {
      // Roundcube's purge deletes a trash subfolder for good; Balise's contract is "to the trash" for any
      // folder but the trash itself: move every message there, in batches.
      const uids = (await keepingListState(this.ctx, () => api.searchAll(folderId, 'UID 1:*', opts?.signal ?? undefined))).map((x) => x.row.uid);
      let moved = 0;
      for (const part of this.cutBatches(uids.map(String), this.maxBatch)) {
        const r = await this.move(folderId, part, trash, opts);
        const bad = r.failed.find((f) => f.code !== 'not-found');
        if (bad) throw new WebmailError(bad.code, 'emptying the folder stopped', { moved: moved + r.done.length });
        moved += r.done.length;
      }
      const left = await keepingListState(this.ctx, () => api.countMatching(folderId, 'UID 1:*'));
      if (left.total > 0) throw new WebmailError('server', `${left.total} messages are still in the folder`, { left: left.total });
      return;
    }
    await keepingListState(this.ctx, async () => {
      let sendError: unknown = null;
      try {
        const r = await api.purge(folderId);
        if (!r.ok) sendError = new WebmailError(codeForMessage(r.message ?? ''), r.message ?? 'the folder was not emptied');
      } catch (e) {
        sendError = e;
      }
      const left = await api.countMatching(folderId, 'UID 1:*').catch((e) => {
        throw sendError ?? e;
      });
      if (left.total > 0) {
        throw isWebmailError(sendError) ? sendError : new WebmailError('server', `${left.total} messages are still in the folder`, { left: left.total });
      }
    });
  }

  /**
   * Which of `uids` are in `folder` (and match `criteria`, IMAP search keys ending with a space, e.g. "UNSEEN "):
   * one search (its count and first page), and its other pages only when some are missing and the first page does
   * not show them all.
   */
  private async existing(folder: string, uids: number[], signal?: AbortSignal, criteria = ''): Promise<Set<number>> {
    const api = requireApi(this.ctx);
    const filter = `${criteria}UID ${uidSet(uids)}`;
    const first = await api.searchFirst(folder, filter, signal);
    if (first.total === 0) return new Set();
    // The search is limited to these UIDs: as many matches as UIDs means all of them are there.
    if (first.total === uids.length) return new Set(uids);
    const want = new Set(uids);
    return new Set((await api.uidsOf(folder, filter, first, signal)).filter((u) => want.has(u)));
  }

  /**
   * The UIDs above `maxBefore` in `folder`, ascending (the messages a move of `expected` messages just put there),
   * in one round trip: when they fit on the search's first page they are all there; when they cannot (more than the
   * user's page size), the folder's highest UID is asked at the same time, and T messages above `maxBefore` whose
   * highest is `maxBefore + T` can only be `maxBefore + 1 … maxBefore + T` (T distinct integers in a range of T).
   * Dovecot numbers a MOVE's messages in a row from UIDNEXT, which is `maxBefore + 1` unless messages were expunged
   * from the top of the folder; then the range ending at the highest is counted. IMAP's `n:*` always includes the
   * highest UID, so anything not above `maxBefore` is dropped.
   */
  private async newUids(folder: string, maxBefore: number, expected: number): Promise<number[]> {
    const api = requireApi(this.ctx);
    const filter = `UID ${maxBefore + 1}:*`;
    const page = typeof this.ctx.env.pagesize === 'number' && this.ctx.env.pagesize > 0 ? this.ctx.env.pagesize : 0;
    const [first, highestAsked] = await Promise.all([api.searchFirst(folder, filter), expected > page ? api.maxUid(folder) : null]);
    const seen = first.rows.map((r) => r.uid).filter((u) => u > maxBefore);
    const quirk = first.rows.some((r) => r.uid <= maxBefore) ? 1 : 0;
    const total = first.total - quirk;
    if (total <= 0) return [];
    if (seen.length === total) return seen.sort((a, b) => a - b);
    const highest = highestAsked ?? (await api.maxUid(folder));
    if (highest - maxBefore === total) return Array.from({ length: total }, (_, i) => maxBefore + 1 + i);
    // A MOVE gives consecutive UIDs: try the range ending at the highest one, then the one starting at the lowest
    // seen; a range holding exactly `total` messages above maxBefore is the whole set.
    const lo = Math.min(...seen);
    for (const start of [highest - total + 1, lo]) {
      if (start <= maxBefore) continue;
      const c = await api.countMatching(folder, `UID ${start}:${start + total - 1}`);
      if (c.total === total) return Array.from({ length: total }, (_, i) => start + i);
    }
    const all = await api.searchAll(folder, filter);
    return all.map((x) => x.row.uid).filter((u) => u > maxBefore).sort((a, b) => a - b);
  }
}
