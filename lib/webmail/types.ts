/**
 * The one interface every webmail adapter implements (Roundcube, Zimbra classic, Medimail, …).
 *
 * Rules for adapters:
 * - they run in the content script, on the webmail's own page, and talk only to the webmail's own origin,
 *   with the request token and headers the page itself uses; they never read or store a password or a cookie;
 * - they render nothing (features do);
 * - everything they receive from the server or the page is parsed (zod) before use;
 * - every failure is a WebmailError with a code the features can explain in plain words.
 *
 * Designed for the three webmails we target, so that each adapter fills it without reshaping it:
 * - Roundcube: IMAP UIDs per folder; sizes and dates come back formatted (approximate), quota in KiB;
 *   a move gives messages new UIDs in the target folder.
 * - Zimbra classic: item ids are stable across folders; sizes and dates exact; SOAP batches of ≤ 100 ids.
 * - Medimail: no documented API; its pages are read by their documented structure (lists, messages, documents), raw
 *   messages are rebuilt from them; no quota and no move/delete (`quota` and `mailbox` null).
 *
 * Shape: what every adapter can do sits on `Webmail` itself; what only some can do is a PART that is null when the
 * adapter (or this page of the webmail) cannot do it, so that an adapter that only lists and reads, or only composes,
 * stubs nothing and a feature asks `webmail.mailbox` / `webmail.quota` instead of a capability flag:
 * - `quota`: the mailbox's quota, the host's own quota display changing, the server's retention (QuotaPart);
 * - `mailbox`: everything that moves or deletes messages, and `stillIn` to ask which ids are still in a folder
 *   (MailboxPart).
 * `capabilities` keeps the facts that are not parts (search, folders, raw download, compose, batch size, exact sizes).
 * Shared building blocks for adapters (abort checks, bounded concurrency, verified actions, the paced same-origin
 * request) live in ./kit/.
 *
 * Why one file past 400 lines: it is the contract, and each member's comment says what every adapter must guarantee
 * (the features and the contract suite rely on those sentences); splitting it would scatter one promise over files.
 */
import type { RawMessage } from './raw';

export type { RawMessage } from './raw';

import type { WebmailKind } from './kind';

/** Which webmail a page belongs to (one list: ./kind.ts). */
export type { WebmailKind } from './kind';

/** What kind of page of that webmail is on screen. */
export type PageKind = 'mail' | 'compose' | 'login' | 'settings' | 'other';

export interface Detection {
  kind: WebmailKind;
  /** e.g. "classic" / "modern" for Zimbra, the skin for Roundcube. */
  variant?: string;
  /** Host version when the page tells it (Roundcube rcversion, Zimbra cacheKillerVersion…). */
  version?: string;
  page: PageKind;
  /**
   * False when Balise recognises the webmail but cannot work on this variant (e.g. Zimbra Modern UI):
   * features then show `unsupportedReason` plainly instead of misbehaving.
   */
  supported: boolean;
  unsupportedReason?: UnsupportedReason;
}

/** 'unrecognised': the webmail is recognised but this page lacks parts the adapter relies on (Webmail.recognition() names them). */
export type UnsupportedReason = 'zimbra-modern' | 'unknown-version' | 'no-api' | 'unrecognised';

export interface Account {
  /** Lower-cased e-mail address of the mailbox (BAL) the page is logged in to. */
  address: string;
  displayName?: string;
}

export interface Quota {
  usedBytes: number;
  /** null: the server has no limit for this mailbox (unlimited). */
  limitBytes: number | null;
  /** When the adapter read it (epoch ms). */
  at: number;
}

export type FolderRole = 'inbox' | 'sent' | 'drafts' | 'trash' | 'junk' | 'other';

export interface Folder {
  /** Adapter-specific id used in every other call (Roundcube: the IMAP name; Zimbra: the numeric id). */
  id: string;
  /** Display name, as the host shows it (may be localised, e.g. "Boîte de réception"). */
  name: string;
  /** Full path with "/" separators, for display. */
  path: string;
  role: FolderRole;
  /** Number of messages in the folder itself (not its subfolders). */
  count: number;
  /** Total size of its messages in bytes; null when the host cannot tell. */
  bytes: number | null;
  /** ± bytes of uncertainty on `bytes` (0 when exact; Roundcube formats sizes, e.g. "79 Mo"). */
  bytesPrecision: number;
  unread?: number;
  /** Nesting depth for display (0 = top level). */
  depth: number;
}

/** Identifies one message. Ids are opaque strings chosen by the adapter. */
export interface MessageRef {
  folderId: string;
  id: string;
}

export interface MessageSummary {
  ref: MessageRef;
  /** Date of the message (epoch ms), or null when the host only gives a label we cannot read exactly. */
  date: number | null;
  /** The host's own date text when `date` is null or approximate. */
  dateLabel?: string;
  /** Size in bytes (RFC 822 size). */
  size: number;
  /** ± bytes of uncertainty on `size` (0 = exact). */
  sizePrecision: number;
  /** Sender as display text ("Name <addr>" or "addr"); plain text, never HTML. */
  from: string;
  /** Subject as plain text, never HTML. */
  subject: string;
  unread: boolean;
  flagged: boolean;
  /** True/false when the host says; null when unknown. */
  hasAttachment: boolean | null;
}

export type SortOrder = 'sizeDesc' | 'dateAsc' | 'dateDesc';

/**
 * Search one whole folder (every page, not only what is on screen). All criteria are ANDed.
 * Dates compare with the message's received (internal) date.
 */
export interface SearchQuery {
  folderId: string;
  /** Only messages received strictly before this instant (epoch ms). */
  before?: number;
  /** Only messages received at or after this instant (epoch ms). */
  since?: number;
  /** Only messages strictly larger than this many bytes. */
  largerThan?: number;
  hasAttachment?: boolean;
  /** true: only unread; false: only read; undefined: both. */
  unread?: boolean;
  flagged?: boolean;
  /**
   * Only messages whose text (any text part, decoded) contains one of these strings, as the server matches
   * it (IMAP BODY/TEXT, Zimbra content:). Used to find clinical documents by content, e.g. HPRIM's "****FIN****".
   * The three content criteria below may return a SUPERSET of the exact answer (servers match words or
   * headers loosely), never knowingly a subset; callers that need exactness confirm on the raw message.
   */
  bodyContainsAny?: string[];
  /** Only messages with an attachment whose file name contains one of these strings (case-insensitive). */
  attachmentNameAny?: string[];
  /** Only messages with an attachment of one of these MIME types (e.g. application/pdf). */
  attachmentTypeAny?: string[];
  sort: SortOrder;
}

export interface SearchOptions {
  signal?: AbortSignal;
  /** Stop after this many results (e.g. the 100 largest). Default: the whole folder. */
  limit?: number;
}

/** One attachment of a message, as the server describes it without the message being downloaded. */
export interface AttachmentInfo {
  /** The file name as the server decodes it; '' when the part has none. Plain text, never HTML. */
  name: string;
  /** Size in bytes of the part as the server counts it (Zimbra: the decoded size). */
  size: number;
  /** MIME type, lower-cased (e.g. application/pdf). */
  type: string;
}

/**
 * One test on one MIME part (any part at any depth, the message's own top part included), for Webmail.partSearch:
 * its type (a primary type such as 'text', or 'type/subtype'), its file name's ending (case-insensitive), or a type
 * that is none of these (primary types or type/subtype).
 */
export type PartTest = { type: string } | { nameEnds: string } | { typeNotIn: string[] };

/** Which messages to list by their MIME structure, all conditions ANDed (see Webmail.partSearch). */
export interface PartQuery {
  /** Some part passes one of these tests. */
  someAny?: PartTest[];
  /** No part passes any of these tests. */
  noneAny?: PartTest[];
  /** The message's text (as bodyContainsAny matches it) contains none of these strings. */
  textLacksAll?: string[];
}

/** Outcome of one batch action. Every id given is in exactly one of `done` or `failed`. */
export interface BatchResult {
  done: string[];
  failed: { id: string; code: WebmailErrorCode }[];
  /**
   * Where the done messages now are, when the adapter can tell (Zimbra ids do not change; Roundcube
   * maps the new UIDs in the target folder). Undo uses it; missing entries mean "moved, new id unknown".
   */
  newRefs?: Record<string, MessageRef>;
}

export interface ComposeEditor {
  /** Stable for the life of this compose view. */
  id: string;
  mode: 'html' | 'text';
  /** The address the message is being written from, when the page shows it. */
  fromAddress(): string | null;
  /** Recipient addresses typed so far (to, cc, bcc). */
  recipients(): string[];
  /** Total size of the attachments added so far in bytes, when the page shows it. */
  attachmentsBytes(): number | null;
  /**
   * Optional: the most the host accepts for a message's attachments, in bytes, as the compose page itself states it
   * (Medimail's gauge: "… / 60 Mo"). Used when the BAL and the known operators give no limit.
   */
  attachmentsLimitBytes?(): number | null;
  /** Element next to which features may mount their buttons (outside the host's editable area). */
  anchor(): Element | null;
  /** Whether a signature block (the host's own, or one Balise inserted) is present. */
  hasSignature(): boolean;
  /**
   * Put this signature in the host's own signature block, replacing what is there; create the block
   * if there is none. Never leaves two signatures.
   */
  setSignature(sig: { html: string; text: string }): void;
  /** Remove the signature block (the host's or Balise's). */
  removeSignature(): void;
  /**
   * The subject typed so far, when the page shows it. Optional: the compose checks use it to warn that a
   * subject meant as `[FIN]` is not exactly `[FIN]`.
   */
  subject?(): string | null;
  /**
   * Replace the subject field's content as the user would (the page's own handlers see the change). Optional:
   * the patient `[FIN]` helper uses it; without it the helper only tells the user what to type.
   */
  setSubject?(subject: string): void;
}

export interface Capabilities {
  folders: boolean;
  search: boolean;
  rawDownload: boolean;
  compose: boolean;
  /** Largest number of ids one mailbox action request may carry (Zimbra's web client uses 100). */
  maxBatch: number;
  /** The host reports exact byte sizes for messages (Zimbra) or formatted ones (Roundcube). */
  exactSizes: boolean;
  /**
   * The listed date (MessageSummary.date) is the very date the server's `before`/`since` criteria compare, to the
   * second (Zimbra: `d`; its date terms compare whole seconds): a listing then settles such a criterion without a
   * search. Absent: not so (Roundcube lists the Date header, IMAP SEARCH compares the arrival date).
   */
  exactDates?: boolean;
}

/** The quota part: null on a webmail (or a page of it) that cannot read the quota. */
export interface QuotaPart {
  /** The quota now (a request each call); null when the server gives no figure for this mailbox. */
  read(): Promise<Quota | null>;
  /** Called when the host refreshes its own quota display (no request of ours). Returns an unsubscribe. */
  onHostChange(cb: () => void): () => void;
  /**
   * Optional: how long the server keeps messages in the trash and the junk folder before deleting them by
   * itself, in days (the effective value: Zimbra's zimbraMailTrashLifetime / zimbraPrefTrashLifetime and
   * zimbraMailSpamLifetime / zimbraPrefJunkLifetime, the smaller non-zero one). null: the server does not purge
   * that folder (or does not say). Adapters that cannot know leave the method out.
   */
  retention?(): Promise<{ trashDays: number | null; junkDays: number | null }>;
}

export interface ActionOptions {
  signal?: AbortSignal;
}

/**
 * The mailbox part: every action that moves or deletes messages. Null when the adapter cannot act on messages
 * (Medimail today, Zimbra's Modern UI, a logged-out page, a Roundcube without a trash folder).
 */
export interface MailboxPart {
  /**
   * Which of these ids are still in `folderId`, asked of the server as cheaply as it allows (Roundcube: a search
   * on exactly this UID set; Zimbra: a search on these item ids), never by listing the whole folder. Ids that are
   * not this adapter's are simply not there. Callers batch by capabilities.maxBatch / cutBatches.
   */
  stillIn(folderId: string, ids: string[], opts?: ActionOptions): Promise<Set<string>>;
  /**
   * Optional: cut one folder's ids into requests, each of at most `max` ids and within what the host takes in one
   * request (Roundcube's checks carry the UIDs in a URL: a run of consecutive UIDs costs a few bytes, scattered ones
   * many). Every id is in exactly one request. Without it, callers cut `max` ids at a time in the given order.
   */
  cutBatches?(ids: string[], max: number): string[][];
  /** Move these messages (all in `folderId`) to the trash. One request per call: callers batch. */
  moveToTrash(folderId: string, ids: string[], opts?: ActionOptions): Promise<BatchResult>;
  /** Move these messages (all in `folderId`) to another folder (undo puts them back with this). */
  move(folderId: string, ids: string[], targetFolderId: string, opts?: ActionOptions): Promise<BatchResult>;
  /** Delete these exact messages for good (used on the trash, after the explicit confirmation). */
  deleteForever(folderId: string, ids: string[], opts?: ActionOptions): Promise<BatchResult>;
  /**
   * Optional: mark these messages (all in `folderId`) unread again. Undo uses it to give back the unread mark that
   * the host took away on the way to the trash (Roundcube marks messages read when it moves them there). One
   * request per call: callers batch. `done` = unread now (checked with the server where the host allows it).
   * Adapters that cannot leave the method out; undo then says, per message, that it came back read.
   */
  markUnread?(folderId: string, ids: string[], opts?: ActionOptions): Promise<BatchResult>;
  /**
   * Empty a whole folder on the server (every message, not only the page on screen). The trash: deleted for
   * good. Any other folder, junk included: every message goes to the trash (Balise always deletes in two
   * steps). Prefer exact ids (moveToTrash / deleteForever) when a snapshot must be honoured.
   */
  emptyFolder(folderId: string, opts?: ActionOptions): Promise<void>;
}

/** What an adapter could not find on the page (selectors that no longer match): features say so on the page. */
export interface Recognition {
  ok: boolean;
  /** Names of the required page parts not found (the selector names of the adapter's selectors file). */
  missing: string[];
}

/** Where a feature may put its element on the host's page (a per-site fact, as data: the adapter knows the page). */
export interface UiAnchor {
  element: Element;
  placement: 'before' | 'after' | 'prepend' | 'append';
  /**
   * When the element cannot stay there (too narrow, cut by the page) and floats in the window's corner instead: the
   * z-index that keeps it above the host's page but below the host's own messages and dialogs (Roundcube Elastic's
   * messages are at 105: a floating meter must not hide "Message sent" or an error). Absent: above everything.
   */
  floatLayer?: number;
}

export interface Webmail {
  readonly detection: Detection;
  readonly capabilities: Capabilities;
  /** Null when this webmail or page gives no quota. */
  readonly quota: QuotaPart | null;
  /** Null when this webmail or page cannot move or delete messages. */
  readonly mailbox: MailboxPart | null;
  account(): Promise<Account>;
  /**
   * The folders with their message counts and sizes. `{ figures: false }`: only ids, names, paths and roles are
   * wanted (counts may be 0 and sizes null), for a caller that must not pay a request per folder (Roundcube).
   * `{ only }`: the caller needs these folders and the trash; an adapter that pays a request per folder may leave the
   * others out (one that reads them all at once returns them all).
   */
  folders(opts?: { figures?: boolean; only?: readonly string[] } | null): Promise<Folder[]>;
  /** Pages through the whole folder; yields batches of summaries in the requested order. */
  search(q: SearchQuery, opts?: SearchOptions): AsyncIterable<MessageSummary[]>;
  /**
   * Optional: the attachments (name, size, type) of these messages of one folder, in ONE request when the server can
   * tell them without the messages being downloaded (Zimbra: a SearchRequest on these item ids with `fetch` answers
   * each message's MIME part tree). Ids missing from the answer are messages the server no longer has there.
   * Adapters that cannot tell cheaply leave it out (Roundcube: its list gives a paper-clip flag only, the part
   * structure would take one request per message): features then show `MessageSummary.hasAttachment`.
   * At most capabilities.maxBatch ids a call. It reads only and leaves no per-session list state: callers may run a few
   * at once.
   */
  attachments?(folderId: string, ids: string[], opts?: ActionOptions): Promise<Map<string, AttachmentInfo[]>>;
  /**
   * Optional: runs a feature's several reads as ONE request sequence. Where the host keeps per-session list state
   * that searches move (Roundcube: the current folder, page and stored search), the adapter puts it back once, when
   * `fn` ends, instead of after each search (a request per folder saved in the largest-messages view). Adapters
   * whose searches leave no such state leave it out; features call `fn` directly then, and may run a few searches
   * at once (the preview searches folders side by side: plan.ts).
   */
  together?<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * Optional: which of these messages of one folder match `q`, answered EXACTLY by the server's own search on the
   * MIME structure, without a download (Roundcube on Dovecot: IMAP SEARCH MIMEPART through `_filter`). The answer is
   * a positive listing: a server that cannot search so answers with an error or lists nothing, never everything.
   * The adapter cuts its requests to its own size.
   */
  partSearch?(folderId: string, ids: string[], q: PartQuery, opts?: ActionOptions): Promise<Set<string>>;
  /**
   * The message's raw RFC 822 source, byte for byte: its first bytes (checked to start a message) and the rest as
   * the browser's own download stream (see lib/webmail/raw.ts for why they come apart).
   */
  rawMessage(ref: MessageRef, opts?: ActionOptions): Promise<RawMessage>;
  /**
   * Optional: the raw sources of several messages of one folder in ONE request, where the webmail itself offers a
   * selection as an archive (Roundcube's zipdownload plugin, when the page shows its menu). Each value is the
   * message's bytes as rawMessage would give them; ids missing from the answer (gone, or not recognisable in the
   * archive) are left out and the caller downloads them one by one. `maxBytes` bounds the whole answer. Throws
   * WebmailError('unsupported', …, { asked: false }) without a request where the page does not offer it.
   */
  rawMessages?(folderId: string, ids: string[], opts: ActionOptions & { maxBytes: number }): Promise<Map<string, Uint8Array>>;
  /** Compose editors currently on the page. */
  composeEditors(): ComposeEditor[];
  /**
   * Where a feature may mount its UI on the host page, found from the host's own markup (two ways where one
   * may break): 'quota' = next to the host's quota display or mailbox name; 'toolbar' = the host's main
   * toolbar. Null when the page has no such place (features then fall back to a floating position).
   */
  uiAnchor(kind: 'quota' | 'toolbar'): UiAnchor | null;
  /**
   * Optional: the page parts this adapter needs and could not find on this page (its selectors file names them).
   * The 'unrecognised' feature shows them; adapters without the method are taken as recognising their pages.
   */
  recognition?(): Recognition;
  /**
   * Optional: the adapter's requests as a person may act on them (lib/webmail/kit/request.ts). `blocked` is true once a
   * web firewall's block page stopped every request (WebmailError 'blocked'); `resume()` lets them go out again. Only
   * ever called from a person's action (the cleanup panel's button), never by a retry.
   */
  readonly pacing?: PacingControl;
  /** Stop observers; called when the content script is invalidated. */
  dispose(): void;
}

export interface PacingControl {
  readonly blocked: boolean;
  resume(): void;
}

/** The control of a requester's pacer (lib/webmail/kit/request.ts). */
export function pacingControl(pacer: { readonly blocked: unknown; reset(): void }): PacingControl {
  return {
    get blocked() {
      return pacer.blocked !== null;
    },
    resume: () => pacer.reset(),
  };
}

/** How to build an adapter: detection is synchronous and cheap, from the page's own signals (not the URL). */
export interface WebmailAdapterFactory {
  kind: WebmailKind;
  detect(doc: Document, loc: Location): Detection | null;
  /**
   * What the tiny detector cannot afford to check (a parser, zod): the page's whole structure, run in the adapter's
   * part before any feature mounts. Returns the detection, or one saying the page is not recognised.
   */
  confirm?(doc: Document, detection: Detection): Detection;
  create(doc: Document, detection: Detection): Webmail;
}

/**
 * Detection apart from creation, so that the content script can load an adapter only on its own webmail: `detect` is
 * tiny and synchronous (no zod, no heavy import: <adapter>/detect.ts), `load` brings the adapter's module.
 */
export interface WebmailDetector {
  kind: WebmailKind;
  detect(doc: Document, loc: Location): Detection | null;
  load(): Promise<{ adapterFactory: WebmailAdapterFactory }>;
}

// The error every adapter throws lives in its own file so that raw.ts (which types.ts names) can throw it too.
export { WebmailError, isWebmailError, type WebmailErrorCode } from './error';
import { WebmailError, type WebmailErrorCode } from './error';

/** The mailbox part, or a WebmailError 'unsupported' for callers that checked `webmail.mailbox` earlier. */
export function mailboxOf(webmail: Webmail): MailboxPart {
  if (!webmail.mailbox) throw new WebmailError('unsupported', 'This webmail cannot move or delete messages here');
  return webmail.mailbox;
}
