/**
 * The simulator's in-memory mailbox: the truth tests compare with.
 *
 * Ids and numbers follow Zimbra (Zimbra/zm-mailbox):
 * - system folder ids: `common/src/java/com/zimbra/common/mailbox/FolderConstants.java` (1 USER_ROOT, 2 Inbox,
 *   3 Trash, 4 Junk, 5 Sent, 6 Drafts, 7 Contacts, 10 Calendar, 13 Emailed Contacts, 15 Tasks, 16 Briefcase);
 *   user items from 257 (`Mailbox.FIRST_USER_ID = 256`, ids are allocated after it).
 * - item size = raw RFC 822 byte length; item date = seconds precision, reported in ms (`MailItem.getDate`).
 * - mailbox size (`used`) = sum of every item's size, Trash and Junk included (`Mailbox.getSize`).
 * - flag letters and their order: `store/src/java/com/zimbra/cs/mailbox/Flag.java` (s a r w f d x n u ...).
 */
import { randomUUID } from 'node:crypto';
import {
  type Address,
  type MimePart,
  decodeText,
  headerText,
  isAttachmentPart,
  parseAddressList,
  parseMime,
  walk,
} from './mime.ts';
import { ZimbraFault } from './faults.ts';

export const ID_ROOT = 1;
export const ID_INBOX = 2;
export const ID_TRASH = 3;
export const ID_JUNK = 4;
export const ID_SENT = 5;
export const ID_DRAFTS = 6;

export type FolderView = 'message' | 'contact' | 'appointment' | 'task' | 'document' | 'conversation' | '';

export interface SimFolder {
  id: number;
  name: string;
  parentId: number;
  view: FolderView;
  uuid: string;
  system: boolean;
  /** Folder flags as Zimbra letters (e.g. "#" checked, "*" subscribed); usually "". */
  flags: string;
  modSeq: number;
}

export interface MessageFlags {
  unread: boolean;
  flagged: boolean;
  replied: boolean;
  forwarded: boolean;
  fromMe: boolean;
  draft: boolean;
  attached: boolean;
}

export interface SimMessage {
  id: number;
  folderId: number;
  raw: Buffer;
  /** Raw byte length (Zimbra `s`). */
  size: number;
  /** Epoch ms, whole seconds (Zimbra `d`). */
  date: number;
  flags: MessageFlags;
  subject: string;
  from: Address | null;
  to: Address[];
  cc: Address[];
  messageId: string | null;
  modSeq: number;
  /** When it entered its current folder (used by the Trash purge clock on the real server). */
  changeDate: number;
}

export interface SimSignature {
  id: string;
  name: string;
  html: string;
  text: string;
}

export interface SimIdentity {
  id: string;
  name: string;
  attrs: Record<string, string>;
}

export type MailboxChange =
  | { kind: 'deleted'; ids: number[] }
  | { kind: 'modifiedMsg'; ids: number[] }
  | { kind: 'createdMsg'; ids: number[] }
  | { kind: 'folders'; ids: number[] }
  | { kind: 'deletedFolders'; ids: number[] };

interface Parsed {
  root: MimePart;
  text: string | null;
}

export function flagString(f: MessageFlags): string {
  // Order of Flag.FlagInfo: FROM_ME s, ATTACHED a, REPLIED r, FORWARDED w, FLAGGED f, DRAFT d, ... UNREAD u.
  return (f.fromMe ? 's' : '') + (f.attached ? 'a' : '') + (f.replied ? 'r' : '') + (f.forwarded ? 'w' : '') +
    (f.flagged ? 'f' : '') + (f.draft ? 'd' : '') + (f.unread ? 'u' : '');
}

export class SimMailbox {
  readonly accountId: string;
  address: string;
  displayName: string;
  /** Bytes; 0 = unlimited (zimbraMailQuota). */
  quotaBytes: number;
  readonly folders = new Map<number, SimFolder>();
  readonly messages = new Map<number, SimMessage>();
  readonly signatures: SimSignature[] = [];
  readonly identities: SimIdentity[] = [];
  /** Account attributes returned in GetInfo attrs._attrs (strings, like LDAP). */
  readonly attrs: Record<string, string | string[]> = {};
  /** Preferences returned in GetInfo prefs._attrs. */
  readonly prefs: Record<string, string | string[]> = {};
  private nextId = 257;
  private seq = 1;
  private usedBytes = 0;
  private parsedCache = new Map<number, Parsed>();
  private listeners = new Set<(c: MailboxChange) => void>();

  readonly uuid: () => string;

  constructor(init: { accountId?: string; address: string; displayName: string; quotaBytes: number; uuid?: () => string }) {
    this.uuid = init.uuid ?? randomUUID;
    this.accountId = init.accountId ?? this.uuid();
    this.address = init.address;
    this.displayName = init.displayName;
    this.quotaBytes = init.quotaBytes;
    const sys: [number, string, number, FolderView][] = [
      [ID_ROOT, 'USER_ROOT', ID_ROOT, ''],
      [ID_INBOX, 'Inbox', ID_ROOT, 'message'],
      [ID_TRASH, 'Trash', ID_ROOT, ''],
      [ID_JUNK, 'Junk', ID_ROOT, 'message'],
      [ID_SENT, 'Sent', ID_ROOT, 'message'],
      [ID_DRAFTS, 'Drafts', ID_ROOT, 'message'],
      [7, 'Contacts', ID_ROOT, 'contact'],
      [10, 'Calendar', ID_ROOT, 'appointment'],
      [13, 'Emailed Contacts', ID_ROOT, 'contact'],
      [15, 'Tasks', ID_ROOT, 'task'],
      [16, 'Briefcase', ID_ROOT, 'document'],
    ];
    for (const [id, name, parentId, view] of sys) {
      this.folders.set(id, { id, name, parentId, view, uuid: this.uuid(), system: true, flags: '', modSeq: 1 });
    }
  }

  // ---- change notification -------------------------------------------------------------------------------

  onChange(fn: (c: MailboxChange) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private emit(c: MailboxChange): void {
    for (const fn of this.listeners) fn(c);
  }

  /** Current change number (Zimbra's change token / modseq). */
  get changeId(): number {
    return this.seq;
  }

  private bump(): number {
    return ++this.seq;
  }

  // ---- sizes ------------------------------------------------------------------------------------------------

  /** Mailbox size in bytes: every item, Trash and Junk included. */
  get used(): number {
    return this.usedBytes;
  }

  /** Recomputes `used` from the items (tests use it to check the running total never drifts). */
  recomputeUsed(): number {
    let s = 0;
    for (const m of this.messages.values()) s += m.size;
    return s;
  }

  // ---- folders ----------------------------------------------------------------------------------------------

  getFolder(id: number): SimFolder {
    const f = this.folders.get(id);
    if (!f) throw ZimbraFault.noSuchFolder(id);
    return f;
  }

  folderPath(id: number): string {
    if (id === ID_ROOT) return '/';
    const parts: string[] = [];
    let f = this.folders.get(id);
    while (f && f.id !== ID_ROOT) {
      parts.unshift(f.name);
      f = this.folders.get(f.parentId);
    }
    return '/' + parts.join('/');
  }

  children(id: number): SimFolder[] {
    return [...this.folders.values()].filter((f) => f.parentId === id && f.id !== id).sort((a, b) => a.id - b.id);
  }

  /** The folder and all folders under it (Folder.getSubfolderHierarchy), the folder first. */
  hierarchy(id: number): number[] {
    const out = [id];
    for (const c of this.children(id)) out.push(...this.hierarchy(c.id));
    return out;
  }

  isUnder(folderId: number, ancestorId: number): boolean {
    let f = this.folders.get(folderId);
    while (f) {
      if (f.id === ancestorId) return true;
      if (f.id === ID_ROOT) return false;
      f = this.folders.get(f.parentId);
    }
    return false;
  }

  /** Longest-match lookup from the root, case-insensitive (Mailbox.getFolderByPathLongestMatch). */
  folderByPathLongest(path: string): { folder: SimFolder; unmatched: string | null } {
    const trimmed = path.replace(/^\/+|\/+$/g, '');
    let folder = this.getFolder(ID_ROOT);
    if (!trimmed) return { folder, unmatched: null };
    const segs = trimmed.split('/');
    for (let i = 0; i < segs.length; i++) {
      const next = this.children(folder.id).find((c) => c.name.toLowerCase() === segs[i]!.toLowerCase());
      if (!next) return { folder, unmatched: segs.slice(i).join('/') };
      folder = next;
    }
    return { folder, unmatched: null };
  }

  folderStats(id: number): { n: number; s: number; u: number } {
    let n = 0;
    let s = 0;
    let u = 0;
    for (const m of this.messages.values()) {
      if (m.folderId !== id) continue;
      n++;
      s += m.size;
      if (m.flags.unread) u++;
    }
    return { n, s, u };
  }

  createFolder(name: string, parentId: number, view: FolderView = 'message'): SimFolder {
    const parent = this.getFolder(parentId);
    if (!name || /[/"]/.test(name) || name.length > 128) throw ZimbraFault.invalidName(name);
    if (this.children(parent.id).some((c) => c.name.toLowerCase() === name.toLowerCase())) throw ZimbraFault.alreadyExists(name);
    const f: SimFolder = { id: this.nextId++, name, parentId, view, uuid: this.uuid(), system: false, flags: '', modSeq: this.bump() };
    this.folders.set(f.id, f);
    this.emit({ kind: 'folders', ids: [f.id, parentId] });
    return f;
  }

  moveFolder(id: number, targetId: number): void {
    const f = this.getFolder(id);
    this.getFolder(targetId);
    if (f.system) throw ZimbraFault.cannotMoveSystemFolder(id);
    if (this.isUnder(targetId, id)) throw ZimbraFault.invalidRequest('cannot move folder into its own subfolder');
    if (this.children(targetId).some((c) => c.id !== id && c.name.toLowerCase() === f.name.toLowerCase())) {
      throw ZimbraFault.alreadyExists(f.name);
    }
    const old = f.parentId;
    f.parentId = targetId;
    f.modSeq = this.bump();
    this.emit({ kind: 'folders', ids: [id, old, targetId] });
  }

  renameFolder(id: number, name: string): void {
    const f = this.getFolder(id);
    if (f.system) throw ZimbraFault.cannotRenameSystemFolder(id);
    if (!name || /[/"]/.test(name)) throw ZimbraFault.invalidName(name);
    f.name = name;
    f.modSeq = this.bump();
    this.emit({ kind: 'folders', ids: [id] });
  }

  /** Deletes a folder, its subfolders and every message in them (hard delete). */
  deleteFolder(id: number): void {
    const f = this.getFolder(id);
    if (f.system) throw ZimbraFault.cannotDeleteSystemFolder(id);
    const ids = this.hierarchy(id);
    const msgIds = [...this.messages.values()].filter((m) => ids.includes(m.folderId)).map((m) => m.id);
    this.deleteMessages(msgIds);
    for (const fid of ids) this.folders.delete(fid);
    this.bump();
    this.emit({ kind: 'deletedFolders', ids });
    this.emit({ kind: 'folders', ids: [f.parentId] });
  }

  // ---- messages ---------------------------------------------------------------------------------------------

  parsed(m: SimMessage): Parsed {
    let p = this.parsedCache.get(m.id);
    if (!p) {
      p = { root: parseMime(m.raw), text: null };
      this.parsedCache.set(m.id, p);
      if (this.parsedCache.size > 2000) {
        const first = this.parsedCache.keys().next().value;
        if (first !== undefined && first !== m.id) this.parsedCache.delete(first);
      }
    }
    return p;
  }

  /** Decoded text of the text parts (body and text attachments), subject first; what content search reads. */
  searchText(m: SimMessage): string {
    const p = this.parsed(m);
    if (p.text === null) {
      const chunks = [m.subject];
      walk(p.root, (part) => {
        if (part.children.length || !part.contentType.startsWith('text/')) return;
        let t = decodeText(m.raw, part);
        if (part.contentType === 'text/html') t = t.replace(/<[^>]*>/g, ' ').replace(/&nbsp;/g, ' ');
        chunks.push(t);
      });
      p.text = chunks.join('\n');
    }
    return p.text;
  }

  /** Attachment leaves: file names and content types (what filename:, attachment:, type: look at). */
  attachmentsOf(m: SimMessage): { filename: string | null; contentType: string; part: MimePart }[] {
    const root = this.parsed(m).root;
    const out: { filename: string | null; contentType: string; part: MimePart }[] = [];
    walk(root, (part) => {
      if (part.children.length && part.contentType.startsWith('multipart/')) return;
      if (part.contentType === 'message/rfc822' && part.children.length) return;
      if (isAttachmentPart(part, root)) out.push({ filename: part.filename, contentType: part.contentType, part });
    });
    return out;
  }

  /** Every leaf content type (the `type:` field). */
  leafTypes(m: SimMessage): string[] {
    const out: string[] = [];
    walk(this.parsed(m).root, (p) => {
      if (!p.children.length) out.push(p.contentType);
    });
    return out;
  }

  getMessage(id: number): SimMessage {
    const m = this.messages.get(id);
    if (!m) throw ZimbraFault.noSuchMsg(id);
    return m;
  }

  /**
   * Stores a message. `checkQuota` makes it fail with mail.QUOTA_EXCEEDED when the mailbox would go over a
   * non-zero quota (Mailbox.checkSizeChange).
   */
  addMessage(
    folderId: number,
    raw: Buffer,
    opts: { date?: number; flags?: Partial<MessageFlags>; checkQuota?: boolean; id?: number } = {},
  ): SimMessage {
    this.getFolder(folderId);
    if (opts.checkQuota && this.quotaBytes > 0 && this.usedBytes + raw.length > this.quotaBytes) {
      throw ZimbraFault.quotaExceeded(this.quotaBytes);
    }
    const root = parseMime(raw);
    const headers = root.headers;
    const hasAtt = (() => {
      let any = false;
      walk(root, (p) => {
        if (!any && !p.children.length && isAttachmentPart(p, root)) any = true;
      });
      return any;
    })();
    const id = opts.id ?? this.nextId++;
    if (opts.id !== undefined) this.nextId = Math.max(this.nextId, opts.id + 1);
    const date = Math.floor((opts.date ?? Date.now()) / 1000) * 1000;
    const m: SimMessage = {
      id,
      folderId,
      raw,
      size: raw.length,
      date,
      flags: {
        unread: false,
        flagged: false,
        replied: false,
        forwarded: false,
        fromMe: false,
        draft: false,
        ...opts.flags,
        attached: hasAtt,
      },
      subject: headerText(headers, 'subject') ?? '',
      from: parseAddressList(headers.get('from')?.[0])[0] ?? null,
      to: parseAddressList(headers.get('to')?.[0]),
      cc: parseAddressList(headers.get('cc')?.[0]),
      messageId: headers.get('message-id')?.[0]?.trim() ?? null,
      modSeq: this.bump(),
      changeDate: Date.now(),
    };
    this.messages.set(id, m);
    this.parsedCache.set(id, { root, text: null });
    this.usedBytes += m.size;
    this.emit({ kind: 'createdMsg', ids: [id] });
    this.emit({ kind: 'folders', ids: [folderId] });
    return m;
  }

  /** Moves messages that are known to exist (callers check first, like Mailbox.move inside one transaction). */
  moveMessages(ids: number[], folderId: number): void {
    this.getFolder(folderId);
    const touched = new Set<number>([folderId]);
    const seq = this.bump();
    for (const id of ids) {
      const m = this.getMessage(id);
      if (m.folderId === folderId) continue;
      touched.add(m.folderId);
      m.folderId = folderId;
      m.modSeq = seq;
      m.changeDate = Date.now();
    }
    this.emit({ kind: 'modifiedMsg', ids });
    this.emit({ kind: 'folders', ids: [...touched] });
  }

  /** Hard-deletes messages; ids that do not exist are ignored (Mailbox.delete). Returns the ids removed. */
  deleteMessages(ids: number[]): number[] {
    const removed: number[] = [];
    const touched = new Set<number>();
    for (const id of ids) {
      const m = this.messages.get(id);
      if (!m) continue;
      this.messages.delete(id);
      this.parsedCache.delete(id);
      this.usedBytes -= m.size;
      touched.add(m.folderId);
      removed.push(id);
    }
    if (removed.length) {
      this.bump();
      this.emit({ kind: 'deleted', ids: removed });
      this.emit({ kind: 'folders', ids: [...touched] });
    }
    return removed;
  }

  setFlag(ids: number[], flag: 'unread' | 'flagged', value: boolean): void {
    const seq = this.bump();
    const touched = new Set<number>();
    for (const id of ids) {
      const m = this.getMessage(id);
      m.flags[flag] = value;
      m.modSeq = seq;
      touched.add(m.folderId);
    }
    this.emit({ kind: 'modifiedMsg', ids });
    if (flag === 'unread') this.emit({ kind: 'folders', ids: [...touched] });
  }

  // ---- truth for tests --------------------------------------------------------------------------------------

  snapshot(): MailboxSnapshot {
    const folders = [...this.folders.values()]
      .sort((a, b) => a.id - b.id)
      .map((f) => ({ id: f.id, name: f.name, path: this.folderPath(f.id), parentId: f.parentId, view: f.view, ...this.folderStats(f.id) }));
    const messages = [...this.messages.values()]
      .sort((a, b) => a.id - b.id)
      .map((m) => ({
        id: m.id,
        folderId: m.folderId,
        size: m.size,
        date: m.date,
        flags: flagString(m.flags),
        subject: m.subject,
        from: m.from?.address ?? null,
        messageId: m.messageId,
      }));
    return {
      accountId: this.accountId,
      address: this.address,
      used: this.used,
      quota: this.quotaBytes,
      changeId: this.changeId,
      folders,
      messages,
      signatures: this.signatures.map((s) => ({ ...s })),
    };
  }
}

export interface MailboxSnapshot {
  accountId: string;
  address: string;
  used: number;
  quota: number;
  changeId: number;
  folders: { id: number; name: string; path: string; parentId: number; view: string; n: number; s: number; u: number }[];
  messages: { id: number; folderId: number; size: number; date: number; flags: string; subject: string; from: string | null; messageId: string | null }[];
  signatures: SimSignature[];
}
