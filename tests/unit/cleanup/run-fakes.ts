/**
 * Fakes for the runner's unit tests:
 * - TruthMailbox: where every message really is (a stable `key` per message, like a Message-ID), with ids that
 *   either stay the same across folders (Zimbra) or are renumbered per folder on every move (Roundcube UIDs, which
 *   collide across folders), and a log of every action the server carried out.
 * - FaultyWebmail: a Webmail over that truth that fails where a schedule says: before acting, after acting (the
 *   answer is lost), partially, by hanging forever (the tab closed mid-request), with an expired session, etc.
 * - tabStore(): the background's real journal (fake-indexeddb) seen from one fake tab, which can be "closed".
 */
import type { BatchResult, Folder, FolderRole, MailboxPart, QuotaPart, MessageRef, MessageSummary, Quota, SearchQuery, Webmail, WebmailErrorCode } from '../../../lib/webmail/types';
import { WebmailError } from '../../../lib/webmail/types';
import type { RawMessage } from '../../../lib/webmail/raw';
import { CleanupJournal, type Caller } from '../../../lib/background/cleanup';
import type { CleanupStore } from '../../../lib/features/cleanup/store';
import { StoreError } from '../../../lib/features/cleanup/store';

export const FOLDERS: { id: string; role: FolderRole }[] = [
  { id: 'INBOX', role: 'inbox' },
  { id: 'Patients', role: 'other' },
  { id: 'Junk', role: 'junk' },
  { id: 'Trash', role: 'trash' },
];
export const TRASH = 'Trash';

export interface TruthMessage {
  key: string;
  size: number;
  date: number;
  /** Where it is now; null = deleted for good. */
  at: MessageRef | null;
  /** Where it was seeded. */
  origin: MessageRef;
  /** Removed by "another client" (vanish), not by Balise. */
  vanished?: boolean;
  /** Deleted for good by a request of Balise's (deleteForever). */
  deletedByBalise?: boolean;
  exported?: boolean;
  /** Not read yet (IMAP: no \Seen; Zimbra: the unread flag). */
  unread?: boolean;
}

export interface ActionLog {
  op: 'trash' | 'delete' | 'move' | 'mark';
  folderId: string;
  ids: string[];
  target?: string;
}

export class TruthMailbox {
  readonly messages: TruthMessage[] = [];
  readonly log: ActionLog[] = [];
  /** The host marks messages read when it moves them to the trash (Roundcube's read_when_deleted). */
  readOnTrash = false;
  private next = new Map<string, number>();

  constructor(readonly idMode: 'stable' | 'renumber') {
    for (const f of FOLDERS) this.next.set(f.id, 1);
  }

  private newId(folderId: string): string {
    const n = this.next.get(folderId)!;
    this.next.set(folderId, n + 1);
    return String(n);
  }

  add(folderId: string, size: number, date: number): TruthMessage {
    const id = this.idMode === 'stable' ? String(1000 + this.messages.length) : this.newId(folderId);
    const m: TruthMessage = { key: `m${this.messages.length}`, size, date, at: { folderId, id }, origin: { folderId, id } };
    this.messages.push(m);
    return m;
  }

  find(ref: MessageRef): TruthMessage | undefined {
    return this.messages.find((m) => m.at && m.at.folderId === ref.folderId && m.at.id === ref.id);
  }

  inFolder(folderId: string): TruthMessage[] {
    return this.messages.filter((m) => m.at?.folderId === folderId);
  }

  moveOne(m: TruthMessage, target: string): MessageRef {
    const id = this.idMode === 'stable' ? m.at!.id : this.newId(target);
    m.at = { folderId: target, id };
    if (this.readOnTrash && target === TRASH) m.unread = false;
    return m.at;
  }

  vanish(m: TruthMessage): void {
    m.at = null;
    m.vanished = true;
  }
}

/** What goes wrong with one adapter call. */
export type Fault =
  | { kind: 'none' }
  | { kind: 'before'; code: WebmailErrorCode } // throws, nothing done
  | { kind: 'after'; code: WebmailErrorCode } // done, then the answer is lost
  | { kind: 'partial'; code: WebmailErrorCode; keep: number } // the first `keep` ids done, the others failed with code
  | { kind: 'omit' } // done, but the answer forgets to name the last id
  | { kind: 'unsure' } // done, but the last id is reported failed 'network' (its answer was lost, as Zimbra says)
  | { kind: 'no-refs' } // done, newRefs missing
  | { kind: 'hang'; acted: boolean } // never answers (the tab is closed); `acted`: the server did it anyway
  | { kind: 'vanish' }; // another client deletes the first id just before the request

export type Schedule = (call: { op: string; n: number }) => Fault;

export class FaultyWebmail implements Webmail {
  readonly detection = { kind: 'roundcube' as const, page: 'mail' as const, supported: true };
  readonly capabilities;
  calls = 0;
  /** Resolves when a 'hang' fault fired: the "tab" is gone from then on. */
  readonly hung: Promise<void>;
  private onHang!: () => void;
  searchFault: (n: number) => WebmailErrorCode | null = () => null;
  private searches = 0;

  constructor(
    readonly truth: TruthMailbox,
    readonly schedule: Schedule = () => ({ kind: 'none' }),
    maxBatch = 3,
  ) {
    this.capabilities = {
      folders: true,
      search: true,
      rawDownload: false,
      compose: false,
      maxBatch,
      exactSizes: truth.idMode === 'stable',
    };
    this.hung = new Promise((r) => (this.onHang = r));
    this.markUnread = (folderId, ids) => this.mark(folderId, ids);
  }

  async account() {
    return { address: 'martin.durand@medecin.mssante.fr' };
  }

  readonly quota: QuotaPart = { read: () => this.readQuota(), onHostChange: () => () => undefined };
  /** The fake acts on the truth mailbox itself: it is its own mailbox part (tests replace its methods on it). */
  readonly mailbox: MailboxPart = this;

  async readQuota(): Promise<Quota> {
    const used = this.truth.messages.reduce((s, m) => s + (m.at ? m.size : 0), 0);
    return { usedBytes: used, limitBytes: 10_000_000, at: 0 };
  }


  async folders(): Promise<Folder[]> {
    return FOLDERS.map((f) => {
      const msgs = this.truth.inFolder(f.id);
      return { id: f.id, name: f.id, path: f.id, role: f.role, count: msgs.length, bytes: msgs.reduce((s, m) => s + m.size, 0), bytesPrecision: 0, depth: 0, unread: 0 };
    });
  }

  async *search(q: SearchQuery): AsyncIterable<MessageSummary[]> {
    const n = ++this.searches;
    const code = this.searchFault(n);
    if (code) throw new WebmailError(code, `search fault ${code}`);
    const list = this.truth.inFolder(q.folderId).map(
      (m): MessageSummary => ({
        ref: { ...m.at! },
        date: m.date,
        size: m.size,
        sizePrecision: 0,
        from: 'x@y.fr',
        subject: m.key,
        unread: m.unread === true,
        flagged: false,
        hasAttachment: false,
      }),
    );
    for (let i = 0; i < list.length; i += 4) yield list.slice(i, i + 4);
  }

  /** Mark unread ('mark' in the schedule; 'before' / 'partial' faults apply). Tests delete it to act as an adapter without. */
  markUnread?(folderId: string, ids: string[]): Promise<BatchResult>;
  /** Tests set it to see how the runner uses an adapter's own cut. */
  cutBatches?(ids: string[], max: number): string[][];

  private async mark(folderId: string, ids: string[]): Promise<BatchResult> {
    const n = ++this.calls;
    const fault = this.schedule({ op: 'mark', n });
    if (fault.kind === 'before') throw new WebmailError(fault.code, 'fault before mark');
    const keep = fault.kind === 'partial' ? fault.keep : ids.length;
    const res: BatchResult = { done: [], failed: [] };
    const acted: string[] = [];
    ids.forEach((id, i) => {
      const m = this.truth.find({ folderId, id });
      if (i >= keep) res.failed.push({ id, code: (fault as { code: WebmailErrorCode }).code });
      else if (!m) res.failed.push({ id, code: 'not-found' });
      else {
        m.unread = true;
        acted.push(id);
        res.done.push(id);
      }
    });
    this.truth.log.push({ op: 'mark', folderId, ids: acted });
    return res;
  }

  private async run(op: 'trash' | 'delete' | 'move', folderId: string, ids: string[], target?: string): Promise<BatchResult> {
    const n = ++this.calls;
    const fault = this.schedule({ op, n });
    if (fault.kind === 'before') throw new WebmailError(fault.code, `fault before ${op}`);
    if (fault.kind === 'vanish' && ids.length) {
      const m = this.truth.find({ folderId, id: ids[0]! });
      if (m) this.truth.vanish(m);
    }
    if (fault.kind === 'hang' && !fault.acted) {
      this.onHang();
      return new Promise(() => undefined);
    }
    const keep = fault.kind === 'partial' ? fault.keep : ids.length;
    const res: BatchResult = { done: [], failed: [], newRefs: {} };
    const acted: string[] = [];
    ids.forEach((id, i) => {
      if (i >= keep) {
        res.failed.push({ id, code: (fault as { code: WebmailErrorCode }).code });
        return;
      }
      const m = this.truth.find({ folderId, id });
      if (!m) {
        res.failed.push({ id, code: 'not-found' });
        return;
      }
      acted.push(id);
      if (op === 'delete') {
        m.at = null;
        m.deletedByBalise = true;
      } else {
        const now = this.truth.moveOne(m, op === 'trash' ? TRASH : target!);
        res.newRefs![id] = now;
      }
      res.done.push(id);
    });
    this.truth.log.push({ op, folderId, ids: acted, ...(target ? { target } : {}) });
    if (fault.kind === 'hang') {
      this.onHang();
      return new Promise(() => undefined);
    }
    if (fault.kind === 'after') throw new WebmailError(fault.code, `fault after ${op}`);
    if (fault.kind === 'omit' && res.done.length) {
      const last = res.done.pop()!;
      delete res.newRefs![last];
    }
    if (fault.kind === 'unsure' && res.done.length) {
      const last = res.done.pop()!;
      delete res.newRefs![last];
      res.failed.push({ id: last, code: 'network' });
    }
    if (fault.kind === 'no-refs') delete res.newRefs;
    if (op === 'delete') delete res.newRefs;
    return res;
  }

  /** Which ids are in the folder (the runner's check after an interrupted request), with the search's faults. */
  async stillIn(folderId: string, ids: string[]): Promise<Set<string>> {
    const n = ++this.searches;
    const code = this.searchFault(n);
    if (code) throw new WebmailError(code, `search fault ${code}`);
    return new Set(ids.filter((id) => this.truth.find({ folderId, id })));
  }

  moveToTrash(folderId: string, ids: string[]) {
    return this.run('trash', folderId, ids);
  }
  move(folderId: string, ids: string[], target: string) {
    return this.run('move', folderId, ids, target);
  }
  deleteForever(folderId: string, ids: string[]) {
    return this.run('delete', folderId, ids);
  }
  async emptyFolder(): Promise<void> {
    throw new WebmailError('unsupported', 'never used by the runner');
  }
  async rawMessage(): Promise<RawMessage> {
    throw new WebmailError('unsupported', 'no');
  }
  composeEditors() {
    return [];
  }
  uiAnchor() {
    return null;
  }
  dispose() {}
}

/** The background's journal as one tab sees it. `close()` = the tab is gone: every later call fails. */
export interface TabStore extends CleanupStore {
  close(): void;
  /** The background could not be reached for at least one call. */
  readonly dead: boolean;
  readonly caller: Caller;
}

/** `failAfter`: the background becomes unreachable after this many calls (the extension was reloaded). */
export function tabStore(journal: CleanupJournal, caller: Caller, failAfter = Infinity): TabStore {
  let open = true;
  let calls = 0;
  const guard = async <T>(fn: () => Promise<T>): Promise<T> => {
    if (++calls > failAfter) open = false;
    if (!open) throw new StoreError('unreachable', 'tab closed');
    try {
      return await fn();
    } catch (e) {
      if (e instanceof StoreError) throw e;
      throw new StoreError((e as { code?: string }).code ?? 'internal', (e as Error).message);
    }
  };
  return {
    caller,
    get dead() {
      return !open;
    },
    active: new Set(),
    close: () => {
      open = false;
    },
    create: (job, batches, takeover) => guard(async () => {
      const a = await journal.create(caller, structuredClone(job), structuredClone(batches), takeover);
      return a.ok ? { ok: true as const } : { ok: false as const, holder: a.holder! };
    }),
    lock: (bal, jobId, takeover) => guard(async () => {
      const a = await journal.lock(caller, bal, jobId, takeover);
      return a.ok ? { ok: true as const } : { ok: false as const, holder: a.holder! };
    }),
    heartbeat: (bal, jobId) => guard(() => journal.heartbeat(caller, bal, jobId)),
    unlock: (bal, jobId) => guard(() => journal.unlock(caller, bal, jobId)),
    markSent: (jobId, seq) => guard(() => journal.markSent(caller, jobId, seq)),
    recordBatch: (jobId, seq, rec) => guard(() => journal.recordBatch(caller, jobId, seq, structuredClone(rec))),
    updateJob: (jobId, patch) => guard(() => journal.updateJob(caller, jobId, structuredClone(patch))),
    getJob: (jobId) => guard(async () => structuredClone(await journal.getJob(caller, jobId))),
    listJobs: (bal, limit) => guard(() => journal.listJobs(caller, bal, limit)),
    lockStatus: (bal) => guard(() => journal.lockStatus(caller, bal)),
  };
}
