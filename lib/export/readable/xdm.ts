/**
 * The documents inside an IHE_XDM.ZIP (IHE ITI XDM media: IHE_XDM/SUBSETnn/METADATA.XML beside the documents),
 * extracted so that a doctor sees them beside the archive: the CDA document (XML) and the PDF rendering, named from
 * METADATA.XML where it says (the ExtrinsicObject's title, else its classCode's display name) and matched to
 * their entry through the URI slot; else named after the entry.
 *
 * Bounded: an archive above MAX_XDM_BYTES is not opened (the zip itself is kept; the caller says so), entries are
 * only decompressed when they are documents of a SUBSET folder, and their declared sizes must stay within
 * MAX_EXTRACTED_BYTES in total (zip bombs). fflate's synchronous unzip: the asynchronous one needs workers, which a
 * webmail page's CSP may forbid.
 *
 * METADATA.XML is parsed with the page's DOMParser (no network: a browser's XML parser never loads external
 * entities or DTDs); a file declaring a DOCTYPE is not parsed at all (entity expansion), names then come from
 * the entries.
 */
import { unzipSync } from 'fflate';

export const MAX_XDM_BYTES = 20 * 1024 * 1024;
export const MAX_EXTRACTED_BYTES = 100 * 1024 * 1024;

export interface XdmDocument {
  /** Path of the entry inside the XDM zip. */
  entry: string;
  kind: 'cda' | 'pdf';
  /** A file name to show (not yet made safe nor unique): title + extension. */
  name: string;
  bytes: Uint8Array;
  /** From METADATA.XML, when present. */
  title: string | null;
  classCode: string | null;
  classDisplay: string | null;
  typeCode: string | null;
  typeDisplay: string | null;
}

export interface XdmResult {
  status: 'ok' | 'too-large' | 'unreadable' | 'not-xdm';
  documents: XdmDocument[];
}

interface Meta {
  title: string | null;
  classCode: string | null;
  classDisplay: string | null;
  typeCode: string | null;
  typeDisplay: string | null;
  mimeType: string | null;
}

const SUBSET_ENTRY = /^(?:.*\/)?IHE_XDM\/(SUBSET[^/]+)\/([^/]+)$/i;
const CLASS_CODE = 'urn:uuid:41a5887f-8865-4c09-adf7-e362475b143a';
const TYPE_CODE = 'urn:uuid:f0306f51-975f-434e-a61c-c59651d33983';
const PDF_SIG = [0x25, 0x50, 0x44, 0x46, 0x2d];

const decoder = new TextDecoder('utf-8');

function children(el: Element, local: string): Element[] {
  return Array.from(el.children).filter((c) => c.localName === local);
}

function localizedValue(el: Element): string | null {
  const name = children(el, 'Name')[0];
  const ls = name ? children(name, 'LocalizedString')[0] : undefined;
  const v = ls?.getAttribute('value')?.trim();
  return v || null;
}

function slotValues(el: Element, slotName: string): string[] {
  const slot = children(el, 'Slot').find((s) => s.getAttribute('name') === slotName);
  if (!slot) return [];
  const list = children(slot, 'ValueList')[0];
  return list ? children(list, 'Value').map((v) => (v.textContent ?? '').trim()) : [];
}

/** The URI slot; long URIs are split as "1|part", "2|part" values (XDS). */
function uriOf(el: Element): string | null {
  const values = slotValues(el, 'URI').filter(Boolean);
  if (!values.length) return null;
  if (values.length > 1 && values.every((v) => /^\d+\|/.test(v))) {
    return values
      .map((v) => [Number(v.slice(0, v.indexOf('|'))), v.slice(v.indexOf('|') + 1)] as const)
      .sort((a, b) => a[0] - b[0])
      .map((v) => v[1])
      .join('');
  }
  return values[0]!;
}

/** Per URI (upper-cased file name) what METADATA.XML says; empty when it cannot be read safely. */
export function readMetadata(xml: string, parser: DOMParser): Map<string, Meta> {
  const out = new Map<string, Meta>();
  if (/<!DOCTYPE/i.test(xml)) return out;
  let doc: Document;
  try {
    doc = parser.parseFromString(xml, 'application/xml');
  } catch {
    return out;
  }
  if (doc.getElementsByTagName('parsererror').length) return out;
  for (const eo of Array.from(doc.getElementsByTagNameNS('*', 'ExtrinsicObject'))) {
    const uri = uriOf(eo);
    if (!uri) continue;
    const meta: Meta = { title: localizedValue(eo), classCode: null, classDisplay: null, typeCode: null, typeDisplay: null, mimeType: eo.getAttribute('mimeType') };
    for (const c of children(eo, 'Classification')) {
      const scheme = c.getAttribute('classificationScheme');
      if (scheme === CLASS_CODE) {
        meta.classCode = c.getAttribute('nodeRepresentation') || null;
        meta.classDisplay = localizedValue(c);
      } else if (scheme === TYPE_CODE) {
        meta.typeCode = c.getAttribute('nodeRepresentation') || null;
        meta.typeDisplay = localizedValue(c);
      }
    }
    out.set(uri.replace(/^.*\//, '').toUpperCase(), meta);
  }
  return out;
}

function isPdf(bytes: Uint8Array): boolean {
  return PDF_SIG.every((b, i) => bytes[i] === b);
}

/** The documents of an XDM archive (CDA XML and PDF files of its SUBSET folders), in entry order. */
export function extractXdm(bytes: Uint8Array, opts: { parser?: DOMParser; maxBytes?: number; maxExtracted?: number } = {}): XdmResult {
  if (bytes.length > (opts.maxBytes ?? MAX_XDM_BYTES)) return { status: 'too-large', documents: [] };
  let files: Record<string, Uint8Array>;
  let declared = 0;
  let tooBig = false;
  try {
    files = unzipSync(bytes, {
      filter: (f) => {
        const m = SUBSET_ENTRY.exec(f.name);
        if (!m || !/\.(xml|pdf)$/i.test(m[2]!)) return false;
        declared += f.originalSize;
        if (declared > (opts.maxExtracted ?? MAX_EXTRACTED_BYTES)) tooBig = true;
        return !tooBig;
      },
    });
  } catch {
    return { status: 'unreadable', documents: [] };
  }
  if (tooBig) return { status: 'too-large', documents: [] };
  const names = Object.keys(files);
  const dirOf = (n: string) => n.slice(0, n.lastIndexOf('/') + 1).toUpperCase();
  const metaEntries = names.filter((n) => /\/METADATA\.XML$/i.test(n));
  if (!metaEntries.length) return { status: 'not-xdm', documents: [] };
  const parser = opts.parser ?? (typeof DOMParser === 'function' ? new DOMParser() : null);
  // Each SUBSET folder has its own METADATA.XML: documents are matched within their folder.
  const meta = new Map<string, Meta>();
  for (const n of metaEntries) {
    if (!parser) break;
    for (const [uri, m] of readMetadata(decoder.decode(files[n]!), parser)) meta.set(dirOf(n) + uri, m);
  }
  const documents: XdmDocument[] = [];
  for (const entry of names) {
    if (metaEntries.includes(entry)) continue;
    const data = files[entry]!;
    const file = entry.replace(/^.*\//, '');
    const kind = isPdf(data) ? 'pdf' : /\.xml$/i.test(file) ? 'cda' : null;
    if (!kind) continue;
    const m = meta.get(dirOf(entry) + file.toUpperCase()) ?? null;
    const ext = kind === 'pdf' ? 'pdf' : 'xml';
    const title = m?.title ?? m?.classDisplay ?? null;
    documents.push({
      entry,
      kind,
      name: title ? `${title}.${ext}` : file,
      bytes: data,
      title: m?.title ?? null,
      classCode: m?.classCode ?? null,
      classDisplay: m?.classDisplay ?? null,
      typeCode: m?.typeCode ?? null,
      typeDisplay: m?.typeDisplay ?? null,
    });
  }
  return { status: 'ok', documents };
}
