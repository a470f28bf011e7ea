/**
 * Message actions in batches of ≤ 100 ids (the classic client's `ZmList.CHUNK_SIZE`), reported truthfully.
 *
 * How Zimbra treats an id that no longer exists (read in Zimbra/zm-mailbox, and reproduced by the simulator):
 * - trash: `ItemAction.handleTrashOperation` looks every id up first (`Mailbox.getItemById`): the first missing id
 *   fails the WHOLE request with mail.NO_SUCH_ITEM (argument itemId), nothing moves;
 * - move: `Mailbox.move` runs in one transaction: mail.NO_SUCH_MSG (itemId) for the first missing id, rolled back;
 *   a missing target folder gives mail.NO_SUCH_FOLDER;
 * - delete: `Mailbox.delete` ignores missing ids, and `ItemActionHelper.executeLocalBatch` reports EVERY id given
 *   as done (also those a target constraint skipped). So the response cannot say what was deleted.
 *
 * Hence:
 * - trash / move: on NO_SUCH_ITEM / NO_SUCH_MSG naming an id of the request, that id is reported 'not-found' and
 *   the rest is sent again; when the fault names no id of the request, the request is split in halves (a
 *   one-id request that fails is that id's answer). At most 2n requests for n ids, usually n_missing + 1.
 * - mark unread (`!read`, `ItemActionHelper.READ` → `Mailbox.alterTag(…, UNREAD, true)`): every id is looked up first
 *   (`getItemById(int[], MESSAGE)`): mail.NO_SUCH_MSG for the first missing one, that batch unchanged; handled like
 *   trash / move. Zimbra keeps a message's unread state when it moves (to the trash too): undo only needs this where
 *   the message was read meanwhile; for one already unread it changes nothing.
 * - delete: the ids actually in the folder are asked first (`inid:F item:{…}`); only those are deleted (with a
 *   target constraint on system folders as a guard against a move in between), the others are 'not-found'.
 * - a request that got no answer (network) may still have been carried out: the adapter asks the server where the
 *   ids are (one search) and reports those found at their destination as done; the others 'network'.
 * - any other failure (session over, permission, server) stops the call: the ids not done get that code.
 * Actions never throw: every id given ends in exactly one of done / failed.
 */
import type { BatchResult, MessageRef, WebmailErrorCode } from '../types';
import { isWebmailError } from '../types';
import { missingItemOf, zimbraCodeOf } from './soap';

export const CHUNK_SIZE = 100;
export const TRASH_ID = '3';

export type ActionKind = { op: 'trash' } | { op: 'move'; target: string } | { op: 'delete' } | { op: '!read' };

export interface ActionApi {
  /** One MsgActionRequest; rejects with a WebmailError. */
  msgAction(action: { op: string; id: string; l?: string; tcon?: string }, signal?: AbortSignal): Promise<void>;
  /** Which of these ids are messages in this folder now (one search). */
  findIn(folderId: string, ids: string[], signal?: AbortSignal): Promise<Set<string>>;
}

/** TargetConstraint letters for the system folders (`MailItem.TargetConstraint`); none for other folders. */
export function tconFor(folderId: string): string | undefined {
  return ({ '3': 't', '4': 'j', '5': 's', '6': 'd' } as Record<string, string>)[folderId];
}

function codeOf(e: unknown): WebmailErrorCode {
  return isWebmailError(e) ? e.code : 'server';
}

export async function runAction(
  api: ActionApi,
  folderId: string,
  ids: readonly string[],
  kind: ActionKind,
  signal?: AbortSignal,
): Promise<BatchResult> {
  const done: string[] = [];
  const failed: BatchResult['failed'] = [];
  const fail = (list: readonly string[], code: WebmailErrorCode) => {
    for (const id of list) failed.push({ id, code });
  };

  // Each id once; ids that are not Zimbra ids cannot exist.
  const seen = new Set<string>();
  const valid: string[] = [];
  for (const raw of ids) {
    const id = String(raw);
    if (seen.has(id)) continue;
    seen.add(id);
    if (/^\d{1,10}$/.test(id) && /^\d{1,10}$/.test(folderId)) valid.push(id);
    else failed.push({ id, code: 'not-found' });
  }
  if (kind.op === 'move' && !/^\d{1,10}$/.test(kind.target)) {
    fail(valid, 'not-found');
    return { done, failed };
  }
  const destination = kind.op === 'trash' ? TRASH_ID : kind.op === 'move' ? kind.target : null;

  let stop: WebmailErrorCode | null = null;
  for (let i = 0; i < valid.length; i += CHUNK_SIZE) {
    const chunk = valid.slice(i, i + CHUNK_SIZE);
    if (stop) {
      fail(chunk, stop);
      continue;
    }
    if (signal?.aborted) {
      stop = 'aborted';
      fail(chunk, stop);
      continue;
    }
    stop = await runChunk(chunk);
  }
  const result: BatchResult = { done, failed };
  if (destination) {
    const newRefs: Record<string, MessageRef> = {};
    for (const id of done) newRefs[id] = { folderId: destination, id };
    result.newRefs = newRefs;
  }
  return result;

  /** Returns the code that must stop the call, or null. */
  async function runChunk(chunk: string[]): Promise<WebmailErrorCode | null> {
    let ids = chunk;
    if (kind.op === 'delete') {
      let present: Set<string>;
      try {
        present = await api.findIn(folderId, ids, signal);
      } catch (e) {
        const code = codeOf(e);
        fail(ids, code);
        return code;
      }
      fail(
        ids.filter((id) => !present.has(id)),
        'not-found',
      );
      ids = ids.filter((id) => present.has(id));
    }
    const queue: string[][] = ids.length ? [ids] : [];
    while (queue.length) {
      const part = queue.shift()!;
      if (signal?.aborted) {
        fail(part, 'aborted');
        for (const rest of queue.splice(0)) fail(rest, 'aborted');
        return 'aborted';
      }
      try {
        const action: { op: string; id: string; l?: string; tcon?: string } = { op: kind.op, id: part.join(',') };
        if (kind.op === 'move') action.l = kind.target;
        if (kind.op === 'delete') {
          const tcon = tconFor(folderId);
          if (tcon) action.tcon = tcon;
        }
        await api.msgAction(action, signal);
        done.push(...part);
      } catch (e) {
        const zc = zimbraCodeOf(e);
        if (kind.op !== 'delete' && (zc === 'mail.NO_SUCH_ITEM' || zc === 'mail.NO_SUCH_MSG')) {
          const missing = missingItemOf(e);
          if (missing && part.includes(missing)) {
            fail([missing], 'not-found');
            const rest = part.filter((id) => id !== missing);
            if (rest.length) queue.unshift(rest);
          } else if (part.length === 1) {
            fail(part, 'not-found');
          } else {
            const half = Math.ceil(part.length / 2);
            queue.unshift(part.slice(0, half), part.slice(half));
          }
          continue;
        }
        const code = codeOf(e);
        const rest = queue.splice(0).flat();
        if (code === 'network' || code === 'aborted') {
          // Sent but unanswered (connection cut, timeout, or cancelled while in flight): it may have been done.
          await settleUnanswered(part, code);
          fail(rest, code);
          return code;
        }
        fail(part, code);
        fail(rest, code);
        return code;
      }
    }
    return null;
  }

  /** The request got no answer: ask where the ids are now (without the caller's signal: this must be known). */
  async function settleUnanswered(part: string[], code: WebmailErrorCode): Promise<void> {
    try {
      if (kind.op === 'delete') {
        const still = await api.findIn(folderId, part);
        for (const id of part) {
          if (still.has(id)) fail([id], code);
          else done.push(id);
        }
      } else if (!destination) {
        // Whether a mark happened cannot be read from where the message is: not done, as far as we know.
        fail(part, code);
      } else {
        const there = await api.findIn(destination, part);
        for (const id of part) {
          if (there.has(id)) done.push(id);
          else fail([id], code);
        }
      }
    } catch {
      fail(part, code);
    }
  }
}
