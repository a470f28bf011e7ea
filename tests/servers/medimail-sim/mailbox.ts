/**
 * The stand-in's mailbox: the shared realistic seed (tests/servers/seed/), cut to what Medimail keeps (messages
 * younger than 90 days: the manual says they are deleted automatically after 3 months) and spread over Medimail's
 * four default folders plus one sub-folder. Each message is read once from its RFC 822 source into what the pages
 * show: sender, recipients, subject, date, an HTML body and the attachments' exact bytes (the tests' truth).
 */
import { generateMailbox, type SeedFolder } from '../seed/profile.ts';
import { OWNER } from '../seed/content.ts';
import { decodeContent, decodeText, headerText, isAttachmentPart, parseAddressList, parseMime, walk, type MimePart } from '../zimbra-sim/mime.ts';

export const RETENTION_DAYS = 90;
const DAY = 86_400_000;

export interface SimFolder {
  id: number;
  name: string;
  /** Parent folder id, null at the top. */
  parent: number | null;
  role: 'inbox' | 'sent' | 'drafts' | 'trash' | 'other';
}

export interface SimAttachment {
  /** 1-based position in the message's document list (the download link carries it). */
  n: number;
  filename: string;
  contentType: string;
  data: Buffer;
}

export interface SimMessage {
  id: number;
  folderId: number;
  messageId: string;
  subject: string;
  from: { name: string; address: string };
  to: { name: string; address: string }[];
  cc: { name: string; address: string }[];
  date: number;
  unread: boolean;
  /** The body as the page shows it (HTML; text bodies are escaped and their line breaks kept). */
  html: string;
  attachments: SimAttachment[];
}

/** Folder ids: the defaults first; the sub-folder gets a larger id, as a folder created later would (a choice). */
export const FOLDERS: readonly SimFolder[] = [
  { id: 1, name: 'Boîte de réception', parent: null, role: 'inbox' },
  { id: 2, name: 'Messages envoyés', parent: null, role: 'sent' },
  { id: 3, name: 'Brouillons', parent: null, role: 'drafts' },
  { id: 4, name: 'Messages supprimés', parent: null, role: 'trash' },
  { id: 157, name: 'Patients', parent: 1, role: 'other' },
];

/** Where the seed's folders go. Medimail documents no junk folder: the seed's junk is left out. */
const FOLDER_OF: Partial<Record<SeedFolder, number>> = { INBOX: 1, Sent: 2, Drafts: 3, Trash: 4, Patients: 157, 'Patients/Archives': 157 };

export const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

function bodyHtml(raw: Buffer, root: MimePart): string {
  let html: string | null = null;
  let text: string | null = null;
  walk(root, (p) => {
    if (isAttachmentPart(p, root)) return;
    if (p.contentType === 'text/html' && html === null) html = decodeText(raw, p);
    if (p.contentType === 'text/plain' && text === null) text = decodeText(raw, p);
  });
  if (html !== null) {
    // What a webmail shows of an HTML body: its <body>'s content, scripts dropped (the seed has none; belt and braces).
    const m = /<body[^>]*>([\s\S]*)<\/body>/i.exec(html);
    return (m ? m[1]! : html).replace(/<script[\s\S]*?<\/script>/gi, '');
  }
  return escapeHtml(text ?? '').replace(/\r?\n/g, '<br>\n');
}

function attachmentsOf(raw: Buffer, root: MimePart): SimAttachment[] {
  const out: SimAttachment[] = [];
  walk(root, (p) => {
    if (!isAttachmentPart(p, root)) return;
    out.push({ n: out.length + 1, filename: p.filename ?? `document${out.length + 1}`, contentType: p.contentType, data: decodeContent(raw, p) });
  });
  return out;
}

const addr = (a: { address: string; personal?: string }) => ({ name: a.personal ?? '', address: a.address.toLowerCase() });

export class SimMailbox {
  readonly messages = new Map<number, SimMessage>();
  readonly folders = FOLDERS;
  private nextId = 3_100_001;

  /** The seed's messages younger than RETENTION_DAYS at `now`, ids growing with the date. */
  static seeded(seed: number, now: number, profile: 'realistic' | 'empty' = 'realistic'): SimMailbox {
    const box = new SimMailbox();
    if (profile === 'empty') return box;
    for (const m of generateMailbox({ profile: 'realistic', seed, now: new Date(now) })) {
      const folderId = FOLDER_OF[m.folder];
      if (folderId === undefined || now - m.internalDate.getTime() >= RETENTION_DAYS * DAY) continue;
      box.addRaw(m.raw, { folderId, date: m.internalDate.getTime(), unread: !m.seen, messageId: m.messageId });
    }
    return box;
  }

  addRaw(raw: Buffer, o: { folderId: number; date: number; unread: boolean; messageId?: string }): SimMessage {
    const root = parseMime(raw);
    const rawHeader = (name: string) => root.headers.get(name)?.[0];
    const from = parseAddressList(rawHeader('from'))[0] ?? { address: '' };
    const msg: SimMessage = {
      id: this.nextId++,
      folderId: o.folderId,
      messageId: o.messageId ?? (headerText(root.headers, 'message-id') ?? '').replace(/[<>]/g, ''),
      subject: headerText(root.headers, 'subject') ?? '',
      from: addr(from),
      to: parseAddressList(rawHeader('to')).map(addr),
      cc: parseAddressList(rawHeader('cc')).map(addr),
      date: o.date,
      unread: o.unread,
      html: bodyHtml(raw, root),
      attachments: attachmentsOf(raw, root),
    };
    this.messages.set(msg.id, msg);
    return msg;
  }

  folder(id: number): SimFolder | undefined {
    return this.folders.find((f) => f.id === id);
  }

  /** A folder's messages as the list sorts them by date: newest first (a choice; ties by id). */
  inFolder(folderId: number): SimMessage[] {
    return [...this.messages.values()].filter((m) => m.folderId === folderId).sort((a, b) => b.date - a.date || b.id - a.id);
  }

  /** What Medimail does by itself: delete every message older than RETENTION_DAYS. Returns how many went. */
  purge(now: number): number {
    let n = 0;
    for (const m of [...this.messages.values()]) {
      if (now - m.date >= RETENTION_DAYS * DAY) {
        this.messages.delete(m.id);
        n++;
      }
    }
    return n;
  }
}

export const OWNER_NAME = OWNER.name;
/** The account's MSSanté correspondence (the BAL): the seed's owner address, so the seed's mail is addressed to it. */
export const MSSANTE_ADDRESS = OWNER.address;
/** The account's own Medimail address: its shape is not documented anywhere (a choice, on a reserved test domain). */
export const MEDIMAIL_ADDRESS = 'martin.durand@medimail.test';
/** The account's Apicrypt correspondence (the manual names the kind; the value is a choice). */
export const APICRYPT_ADDRESS = 'martin.durand@apicrypt.test';
