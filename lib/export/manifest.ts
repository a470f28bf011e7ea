/**
 * The export's manifests: what each zip holds, one line per message, as CSV (for Excel, in French: UTF-8 with a
 * BOM, ";" separator, CRLF, every text field quoted) and as JSON (exact values, for software).
 *
 * Mail headers are untrusted: in the CSV, a text that starts like a formula (= + - @ tab CR) gets a leading
 * apostrophe so that Excel shows it instead of running it (OWASP "CSV injection"); the JSON keeps it unchanged.
 * Sizes are built line by line so that a part's final size can be known before a message is added to it.
 */

export interface ManifestEntry {
  /** 1-based part number, or null in a single-file export. */
  part: number | null;
  /** Path of the .eml inside its zip. */
  file: string;
  /** The mailbox folder, as the webmail shows it. */
  folder: string;
  /** ISO 8601 with the local offset ("2025-03-02T10:15:00+01:00"), or null. */
  date: string | null;
  from: string;
  subject: string;
  /** Exact size of the .eml in bytes. */
  size: number;
  /** SHA-256 of the .eml, lower-case hex. */
  sha256: string;
  /** The webmail's ids (folder and message), to match a line with the mailbox. */
  folderId: string;
  id: string;
}

export interface ManifestTexts {
  /** Column titles in the order: part, file, folder, date, from, subject, size, sha256, folderId, id. */
  columns: readonly [string, string, string, string, string, string, string, string, string, string];
}

const encoder = new TextEncoder();
export const BOM = '\ufeff';
export const CSV_SEPARATOR = ';';

/** ISO 8601 in the local time zone, with its offset: what the user's clock said. */
export function isoLocal(ms: number | null): string | null {
  if (ms === null || !Number.isFinite(ms)) return null;
  const d = new Date(ms);
  if (Number.isNaN(d.getTime()) || d.getFullYear() < 1 || d.getFullYear() > 9999) return null;
  const p = (n: number, w = 2) => String(Math.abs(n)).padStart(w, '0');
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  return (
    `${p(d.getFullYear(), 4)}-${p(d.getMonth() + 1)}-${p(d.getDate())}` +
    `T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}${sign}${p(Math.trunc(Math.abs(off) / 60))}:${p(Math.abs(off) % 60)}`
  );
}

/** One CSV text field: quoted, inner quotes doubled, formula-like starts neutralised. */
export function csvText(value: string | null): string {
  let v = value ?? '';
  if (/^[=+\-@\t\r]/.test(v)) v = `'${v}`;
  return `"${v.replace(/"/g, '""')}"`;
}

export function csvHeader(texts: ManifestTexts): string {
  return `${BOM}${texts.columns.map(csvText).join(CSV_SEPARATOR)}\r\n`;
}

export function csvLine(e: ManifestEntry): string {
  return (
    [
      e.part === null ? '' : String(e.part),
      csvText(e.file),
      csvText(e.folder),
      csvText(e.date),
      csvText(e.from),
      csvText(e.subject),
      String(e.size),
      csvText(e.sha256),
      csvText(e.folderId),
      csvText(e.id),
    ].join(CSV_SEPARATOR) + '\r\n'
  );
}

export interface ManifestMeta {
  format: 'balise-export/1';
  createdAt: string;
  /** This zip: its part number and how many messages it holds; null for the whole-export manifest. */
  part: number | null;
  /** Set in the whole-export manifest: every file name of the export. */
  parts?: string[];
}

function jsonHead(meta: ManifestMeta): string {
  const m = JSON.stringify(meta);
  return `${m.slice(0, -1)},"messages":[\n`;
}
const JSON_TAIL = '\n]}\n';

export function jsonEntry(e: ManifestEntry): string {
  return JSON.stringify({
    part: e.part,
    file: e.file,
    folder: e.folder,
    date: e.date,
    from: e.from,
    subject: e.subject,
    size: e.size,
    sha256: e.sha256,
    folderId: e.folderId,
    id: e.id,
  });
}

export const bytesOf = (s: string) => encoder.encode(s).length;

/**
 * A manifest being built: entries are added as messages are written, and its final byte sizes (CSV and JSON) are
 * known at every step.
 */
export class ManifestBuilder {
  private csv: string[] = [];
  private json: string[] = [];
  csvBytes: number;
  jsonBytes: number;
  count = 0;

  constructor(
    private readonly texts: ManifestTexts,
    private readonly meta: ManifestMeta,
  ) {
    this.csvBytes = bytesOf(csvHeader(texts));
    this.jsonBytes = bytesOf(jsonHead(meta)) + bytesOf(JSON_TAIL);
  }

  /** Bytes the two files grow by if this entry is added. */
  static cost(e: ManifestEntry, first: boolean): number {
    return bytesOf(csvLine(e)) + bytesOf(jsonEntry(e)) + (first ? 0 : 2);
  }

  add(e: ManifestEntry): void {
    const line = csvLine(e);
    const j = jsonEntry(e);
    this.csv.push(line);
    this.json.push(j);
    this.csvBytes += bytesOf(line);
    this.jsonBytes += bytesOf(j) + (this.count ? 2 : 0);
    this.count++;
  }

  /** The final meta may add the list of parts: give it here (its size is accounted by the caller). */
  build(meta: ManifestMeta = this.meta): { csv: Uint8Array; json: Uint8Array } {
    const csv = encoder.encode(csvHeader(this.texts) + this.csv.join(''));
    const json = encoder.encode(jsonHead(meta) + this.json.join(',\n') + JSON_TAIL);
    return { csv, json };
  }

  /** Size of the JSON if built with another meta (e.g. with the list of parts). */
  jsonBytesWith(meta: ManifestMeta): number {
    return this.jsonBytes - bytesOf(jsonHead(this.meta)) + bytesOf(jsonHead(meta));
  }
}
