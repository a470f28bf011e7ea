/**
 * Is this message carrying a clinical document? Decided on the message's own bytes (never on the server's word
 * alone: server searches only give a superset of candidates, and Dovecot does not search octet-stream parts):
 * - 'xdm': an IHE XDM archive (a zip holding IHE_XDM/SUBSETnn/METADATA.XML, or an attachment named IHE_XDM.ZIP
 *   even when the zip cannot be read: better kept than lost);
 * - 'hprim': an HPRIM Médecin result recognised by its content (a 12-line header, then free text, then
 *   ****FIN**** or ****FINFICHIER****), in the body or in any text-like attachment whatever its MIME type or name;
 * - 'pdf': any PDF part (by MIME type, file name or the %PDF- signature).
 * The first that applies wins, in that order (as the seeder's ground truth).
 *
 * Messages are parsed one at a time with postal-mime and unzipped in memory with fflate: nothing is written
 * anywhere, nothing is kept but the verdict. Verdicts are cached in the background (ClassificationRow): a message
 * never changes on the server, so a second plan does not download it again.
 */
import PostalMime from 'postal-mime';
import { unzipSync } from 'fflate';
import type { MessageRef, MessageSummary, Webmail } from '../../webmail/types';
import { isWebmailError, WebmailError } from '../../webmail/types';
import { readWhole, type RawMessage } from '../../webmail/raw';
import { downloadInBatches } from './raw-batches';

export type Clinical = 'xdm' | 'hprim' | 'pdf';
/** A verdict: a clinical kind, null (nothing clinical found), or 'unverified' (could not be downloaded or read). */
export type Verdict = Clinical | null | 'unverified';

const HPRIM_END = /^\*{4}FIN(?:FICHIER)?\*{4}$/i;
const DATE_LINE = /^\d{1,2}[/.-]\d{1,2}[/.-](?:\d{2}|\d{4})$/;
/** Largest part scanned as text for an HPRIM header (HPRIM files are a few kilobytes). */
const MAX_TEXT_SCAN = 4 * 1024 * 1024;
/** Messages above this are not downloaded: they stay 'unverified' (protected). */
export const MAX_RAW_BYTES = 128 * 1024 * 1024;

/**
 * HPRIM Médecin by content: an end marker line (****FIN**** / ****FINFICHIER****) preceded somewhere by a
 * 12-line header whose 7th line is a date (birth) and whose 10th line is a date (the result's), one line of slack
 * either way for vendors that add or drop a line (13-line headers exist). Header lines are short.
 */
export function looksLikeHprim(text: string): boolean {
  if (!text || text.length > MAX_TEXT_SCAN * 2) return false;
  const lines = text.split(/\r\n|\r|\n/).map((l) => l.trim());
  const end = lines.findIndex((l) => HPRIM_END.test(l));
  if (end < 12) return false;
  const isDate = (i: number) => i >= 0 && i < end && DATE_LINE.test(lines[i]!);
  for (let s = 0; s + 12 <= end; s++) {
    if (!lines[s]) continue; // a header starts with the title line
    let short = true;
    for (let k = s; k < s + 12; k++) if (lines[k]!.length > 120) short = false;
    if (!short) continue;
    const birth = isDate(s + 6) || isDate(s + 5) || isDate(s + 7);
    const when = isDate(s + 9) || isDate(s + 8) || isDate(s + 10);
    if (birth && when) return true;
  }
  return false;
}

function startsWith(bytes: Uint8Array, sig: number[]): boolean {
  if (bytes.length < sig.length) return false;
  for (let i = 0; i < sig.length; i++) if (bytes[i] !== sig[i]) return false;
  return true;
}

const PDF_SIG = [0x25, 0x50, 0x44, 0x46, 0x2d]; // %PDF-
const ZIP_SIG = [0x50, 0x4b, 0x03, 0x04]; // PK\3\4
const XDM_METADATA = /^(?:.*\/)?IHE_XDM\/SUBSET\d+\/METADATA\.XML$/i;

/** A zip holding an IHE XDM submission set: an entry IHE_XDM/SUBSETnn/METADATA.XML (nothing is decompressed). */
export function isXdmZip(bytes: Uint8Array): boolean {
  if (!startsWith(bytes, ZIP_SIG)) return false;
  let found = false;
  try {
    unzipSync(bytes, {
      filter: (f) => {
        if (XDM_METADATA.test(f.name)) found = true;
        return false;
      },
    });
  } catch {
    // A damaged zip: decided on what its directory showed before the damage.
  }
  return found;
}

function toBytes(content: ArrayBuffer | Uint8Array | string): Uint8Array {
  if (typeof content === 'string') return new TextEncoder().encode(content);
  return content instanceof Uint8Array ? content : new Uint8Array(content);
}

function looksTextual(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 4096);
  for (let i = 0; i < n; i++) if (bytes[i] === 0) return false;
  return true;
}

const latin1 = new TextDecoder('latin1');

function htmlToText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|tr|h\d)>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&');
}

/** Decide on a raw RFC 822 message (bytes). Nested message/rfc822 attachments are looked into (3 levels). */
export async function classifyRaw(raw: Uint8Array, depth = 0): Promise<Clinical | null> {
  const email = await PostalMime.parse(raw, { attachmentEncoding: 'arraybuffer', forceRfc822Attachments: true });
  let hprim = looksLikeHprim(email.text ?? '') || (!email.text && !!email.html && looksLikeHprim(htmlToText(email.html)));
  let pdf = false;
  const nested: (Clinical | null)[] = [];
  for (const att of email.attachments) {
    const bytes = toBytes(att.content);
    const name = (att.filename ?? '').toLowerCase();
    const type = (att.mimeType ?? '').toLowerCase();
    if (name.endsWith('ihe_xdm.zip')) return 'xdm';
    if (startsWith(bytes, ZIP_SIG)) {
      if (isXdmZip(bytes)) return 'xdm';
      continue;
    }
    if (type === 'message/rfc822' && depth < 3) {
      nested.push(await classifyRaw(bytes, depth + 1).catch(() => null));
      continue;
    }
    if (type === 'application/pdf' || type === 'application/x-pdf' || name.endsWith('.pdf') || startsWith(bytes, PDF_SIG)) {
      pdf = true;
      continue;
    }
    if (!hprim && bytes.length <= MAX_TEXT_SCAN && looksTextual(bytes)) {
      hprim = looksLikeHprim(latin1.decode(bytes));
    }
  }
  if (nested.includes('xdm')) return 'xdm';
  if (hprim || nested.includes('hprim')) return 'hprim';
  if (pdf || nested.includes('pdf')) return 'pdf';
  return null;
}

/**
 * Read a raw message to its end (bounded), into one buffer of this script's own realm (in Firefox the chunks of a
 * content script's fetch are page-realm objects behind Xray wrappers, which postal-mime cannot use): the bytes, or
 * a WebmailError('aborted' | 'unsupported').
 */
export function readAll(raw: RawMessage, opts: { signal?: AbortSignal; maxBytes?: number } = {}): Promise<Uint8Array> {
  return readWhole(raw, { maxBytes: opts.maxBytes ?? MAX_RAW_BYTES, ...(opts.signal ? { signal: opts.signal } : {}) });
}

/** A cached verdict (the background's ClassificationRow, without the BAL). */
export interface CachedVerdict {
  folderId: string;
  id: string;
  /** Exact size of the raw message when it was classified (with `listed`: the size as listed, rounded). */
  size: number;
  clinical: Clinical | null;
  /**
   * Only for a verdict settled from the server's description of the message (triage.ts) on a host that lists rounded
   * sizes (Roundcube): how the message was listed then (listedKey). Such a row matches only a message listed exactly
   * the same way, and its size is never taken for an exact one.
   */
  listed?: string;
}

/**
 * How a message is listed, for a verdict cached without a download on a host with rounded sizes: its listed size, that
 * size's precision and its date (to the host's precision). Null without a date: the rounded size alone is too weak a
 * check that an id still holds the same message (ids can be reused after the folder's UIDVALIDITY changes).
 */
export function listedKey(s: MessageSummary): string | null {
  return s.date === null ? null : `${s.size}~${s.sizePrecision}@${s.date}`;
}

/** Where verdicts are kept between plans (the background's `classifications` table, through messages). */
export interface VerdictCache {
  get(refs: MessageRef[]): Promise<CachedVerdict[]>;
  put(rows: CachedVerdict[]): Promise<void>;
  /** The messages that have a verdict (for pruning: see prune-verdicts.ts). */
  ids?(): Promise<MessageRef[]>;
  /** Forget these messages' verdicts. */
  drop?(refs: MessageRef[]): Promise<void>;
}

export const refKey = (r: MessageRef) => `${r.folderId}\u0000${r.id}`;

export interface ClassifyProgress {
  done: number;
  total: number;
  /** Served from the cache, no download. */
  cached: number;
  downloadedBytes: number;
}

export interface ClassifyResult {
  verdicts: Map<string, Verdict>;
  /** Exact sizes learnt by downloading (or from the cache): byte-exact plan figures on hosts with rounded sizes. */
  exactSizes: Map<string, number>;
  /** Why a message stayed unverified (a WebmailErrorCode or 'parse'), for the preview. */
  failures: Map<string, string>;
  /** `batchRequests`: requests that brought several messages at once (raw-batches.ts). */
  stats: { total: number; cached: number; downloaded: number; downloadedBytes: number; batchRequests: number; ms: number; cacheErrors: number; errors: string[] };
}

/** The cached size matches when it lies within the listed size's precision (Roundcube lists rounded sizes). */
export function sizeMatches(cachedSize: number, s: MessageSummary): boolean {
  return Math.abs(cachedSize - s.size) <= Math.max(s.sizePrecision, 0);
}

/** The cached verdicts of these messages whose size still matches (keys from refKey); an unreadable cache gives none. */
export async function cachedVerdicts(cache: VerdictCache, messages: MessageSummary[]): Promise<Map<string, CachedVerdict>> {
  const out = new Map<string, CachedVerdict>();
  if (!messages.length) return out;
  const byKey = new Map(messages.map((m) => [refKey(m.ref), m] as const));
  let rows: CachedVerdict[] = [];
  try {
    rows = await cache.get(messages.map((m) => m.ref));
  } catch {
    rows = []; // the cache is an optimisation: without it, download
  }
  for (const row of rows) {
    const k = refKey(row);
    const m = byKey.get(k);
    if (!m || out.has(k)) continue;
    if (row.listed !== undefined ? row.listed !== listedKey(m) : !sizeMatches(row.size, m)) continue;
    out.set(k, row);
  }
  return out;
}

/**
 * Classify these messages: cached verdicts first (size-checked), then download the others a few at a time
 * (`concurrency`, default 2: memory stays bounded to a few messages) and store the new verdicts in the cache in
 * small groups as they come. A message that cannot be downloaded or read is 'unverified' (kept by the plan).
 * Cancelling (signal) throws WebmailError('aborted'); verdicts already found are cached.
 */
export async function classifyMessages(
  webmail: Pick<Webmail, 'rawMessage' | 'rawMessages'>,
  messages: MessageSummary[],
  opts: { cache?: VerdictCache; signal?: AbortSignal; onProgress?: (p: ClassifyProgress) => void; concurrency?: number; cacheLookedUp?: boolean } = {},
): Promise<ClassifyResult> {
  const t0 = Date.now();
  const verdicts = new Map<string, Verdict>();
  const exactSizes = new Map<string, number>();
  const failures = new Map<string, string>();
  let cachedCount = 0;
  // `cacheLookedUp`: the caller already took what the cache had (the cache then only receives new verdicts).
  if (opts.cache && !opts.cacheLookedUp) {
    for (const [k, row] of await cachedVerdicts(opts.cache, messages)) {
      verdicts.set(k, row.clinical);
      if (row.listed === undefined) exactSizes.set(k, row.size);
      cachedCount++;
    }
  }
  const todo = messages.filter((m) => !verdicts.has(refKey(m.ref)));
  const progress: ClassifyProgress = { done: cachedCount, total: messages.length, cached: cachedCount, downloadedBytes: 0 };
  opts.onProgress?.({ ...progress });
  let pending: CachedVerdict[] = [];
  let cacheErrors = 0;
  /** A few error messages, for diagnosis (benchmarks, tests); never shown to users. */
  const errors: string[] = [];
  const note = (e: unknown) => {
    if (errors.length < 5) errors.push(String(e instanceof Error ? `${e.name}: ${e.message}` : e).slice(0, 200));
  };
  const flush = async () => {
    if (!opts.cache || !pending.length) return;
    const rows = pending;
    pending = [];
    await opts.cache.put(rows).catch((e: unknown) => {
      cacheErrors++;
      note(e);
    });
  };
  let downloaded = 0;
  /** One message's bytes, however they came: classified, recorded, cached. */
  const take = async (m: MessageSummary, bytes: Uint8Array) => {
    const k = refKey(m.ref);
    progress.downloadedBytes += bytes.length;
    downloaded++;
    let verdict: Clinical | null;
    try {
      verdict = await classifyRaw(bytes);
    } catch (e) {
      note(e);
      verdicts.set(k, 'unverified');
      failures.set(k, 'parse');
      return;
    }
    verdicts.set(k, verdict);
    exactSizes.set(k, bytes.length);
    pending.push({ folderId: m.ref.folderId, id: m.ref.id, size: bytes.length, clinical: verdict });
    if (pending.length >= 25) await flush();
  };
  // Several messages a request where the webmail offers it (raw-batches.ts); what they do not bring, one by one.
  const batched = await downloadInBatches(
    webmail,
    todo,
    async (m, bytes) => {
      // Only bytes the listing could describe (its size within its precision) are this message.
      if (!sizeMatches(bytes.length, m)) return false;
      await take(m, bytes);
      progress.done++;
      opts.onProgress?.({ ...progress });
      return true;
    },
    opts.signal ? { signal: opts.signal } : {},
  ).catch((e: unknown) => {
    if (opts.signal?.aborted) throw new WebmailError('aborted', 'Aborted', e);
    throw e;
  });
  if (batched.stoppedBy) note(`batches stopped: ${batched.stoppedBy}`);
  const one = batched.left;
  let next = 0;
  const worker = async () => {
    while (next < one.length) {
      if (opts.signal?.aborted) return;
      const m = one[next++]!;
      const k = refKey(m.ref);
      try {
        await take(m, await readAll(await webmail.rawMessage(m.ref, { signal: opts.signal }), { signal: opts.signal }));
      } catch (e) {
        if (opts.signal?.aborted) return;
        note(e);
        verdicts.set(k, 'unverified');
        failures.set(k, isWebmailError(e) ? e.code : 'network');
      } finally {
        progress.done++;
        opts.onProgress?.({ ...progress });
      }
    }
  };
  const n = Math.max(1, Math.min(opts.concurrency ?? 2, 6));
  await Promise.all(Array.from({ length: n }, worker));
  await flush();
  if (opts.signal?.aborted) throw new WebmailError('aborted', 'Aborted');
  return {
    verdicts,
    exactSizes,
    failures,
    stats: { total: messages.length, cached: cachedCount, downloaded, downloadedBytes: progress.downloadedBytes, batchRequests: batched.requests, ms: Date.now() - t0, cacheErrors, errors },
  };
}
