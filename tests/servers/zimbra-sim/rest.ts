/**
 * REST (UserServlet) downloads for the logged-in user (`/service/home/~/…` and `/home/~/…`).
 *
 * - raw message: NativeFormatter.handleMessage: no part/body -> the raw RFC 822 bytes, Content-Type text/plain,
 *   Content-Length = item size. `part=N` -> that MIME part, decoded, with its own content type.
 * - archive: ArchiveFormatter (fmt=zip|tgz|tar) with `list=` ids (or a folder path + query), entries named
 *   "<folder path>/<10-digit id>-<subject>.eml" (getEntryName with prefix), folders split every 500 items as
 *   "<path>!1" …, ILLEGAL_FILE_CHARS replaced by "_", names cut at 120 characters. Only `meta=0` entries are
 *   produced (no .meta files).
 */
import { gzipSync, zipSync } from 'fflate';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimMailbox, SimMessage } from './mailbox.ts';
import { decodeContent, findPart } from './mime.ts';
import { runQuery } from './query.ts';

export interface RestResult {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  ids: number;
}

const ILLEGAL_FILE = /[/:*?"<>|\0]/g;
const ILLEGAL_FOLDER = /[:*?"<>|\0]/g;

function text(status: number, msg: string): RestResult {
  // Jetty's sendError page, shortened.
  return {
    status,
    headers: { 'Content-Type': 'text/html;charset=iso-8859-1' },
    body: Buffer.from(`<html><head><title>Error ${status} ${msg}</title></head><body><h2>HTTP ERROR ${status}</h2><p>${msg}</p></body></html>`),
    ids: 0,
  };
}

function entryName(mbox: SimMailbox, m: SimMessage, counts: Map<number, number>, names: Set<string>): string {
  let fldr = mbox.folderPath(m.folderId).replace(/^\//, '').replace(ILLEGAL_FOLDER, '_');
  const cnt = (counts.get(m.folderId) ?? 0) + 1;
  counts.set(m.folderId, cnt);
  const batch = Math.floor(cnt / 500);
  if (batch > 0) fldr = `${fldr}!${batch}`;
  let name = m.subject ? `${String(m.id).padStart(10, '0')}-${m.subject}` : `MESSAGE-${m.id}`;
  if (name.length > 121) name = name.slice(0, 120);
  name = name.replace(ILLEGAL_FILE, '_').trim();
  while (name.endsWith('.')) name = name.slice(0, -1).trim();
  let path = fldr ? `${fldr}/${name}.eml` : `${name}.eml`;
  let i = 1;
  while (names.has(path.toLowerCase())) path = (fldr ? `${fldr}/${name}` : name) + `-${String(i++).padStart(2, '0')}.eml`;
  names.add(path.toLowerCase());
  return path;
}

function tarEntries(files: { name: string; data: Uint8Array; mtime: number }[]): Buffer {
  const blocks: Buffer[] = [];
  for (const f of files) {
    const h = Buffer.alloc(512);
    const nameBytes = Buffer.from(f.name, 'utf8');
    let name = nameBytes;
    let prefix = Buffer.alloc(0);
    if (nameBytes.length > 100) {
      const cut = f.name.lastIndexOf('/', 154);
      prefix = Buffer.from(f.name.slice(0, cut), 'utf8');
      name = Buffer.from(f.name.slice(cut + 1), 'utf8').subarray(0, 100);
    }
    name.copy(h, 0);
    h.write('0000644\0', 100, 'latin1');
    h.write('0000000\0', 108, 'latin1');
    h.write('0000000\0', 116, 'latin1');
    h.write(f.data.length.toString(8).padStart(11, '0') + '\0', 124, 'latin1');
    h.write(Math.floor(f.mtime / 1000).toString(8).padStart(11, '0') + '\0', 136, 'latin1');
    h.write('        ', 148, 'latin1');
    h.write('0', 156, 'latin1');
    h.write('ustar\0' + '00', 257, 'latin1');
    prefix.subarray(0, 155).copy(h, 345);
    let sum = 0;
    for (const b of h) sum += b;
    h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
    blocks.push(h, Buffer.from(f.data));
    const pad = (512 - (f.data.length % 512)) % 512;
    if (pad) blocks.push(Buffer.alloc(pad));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

export function handleRest(
  mbox: SimMailbox,
  url: URL,
  opts: { now: number; locale: string; authed: boolean },
): RestResult {
  if (!opts.authed) return text(401, 'must authenticate');
  const p = url.searchParams;
  const rest = url.pathname.replace(/^\/(service\/)?home\//, '');
  const slash = rest.indexOf('/');
  const account = decodeURIComponent(slash < 0 ? rest : rest.slice(0, slash));
  const folderPath = decodeURIComponent(slash < 0 ? '' : rest.slice(slash + 1)).replace(/\/+$/, '');
  if (account !== '~' && account.toLowerCase() !== mbox.address.toLowerCase()) return text(403, 'permission denied');
  const fmt = p.get('fmt');
  const id = p.get('id');
  if (id !== null && !fmt) {
    if (!/^\d+$/.test(id)) return text(400, 'invalid id');
    const m = mbox.messages.get(Number(id));
    if (!m) return text(404, 'no such item');
    const partName = p.get('part');
    if (partName) {
      const part = findPart(mbox.parsed(m).root, partName);
      if (!part) return text(400, 'part not found');
      const data = decodeContent(m.raw, part);
      const headers: Record<string, string> = { 'Content-Type': part.contentType + (part.ctParams.charset ? `; charset=${part.ctParams.charset}` : '') };
      if (p.get('disp') === 'a' || part.filename) {
        const fn = part.filename ?? 'unknown';
        headers['Content-Disposition'] = `${p.get('disp') === 'a' ? 'attachment' : 'inline'}; filename*=UTF-8''${encodeURIComponent(fn)}`;
      }
      headers['Content-Length'] = String(data.length);
      return { status: 200, headers, body: data, ids: 1 };
    }
    return { status: 200, headers: { 'Content-Type': 'text/plain', 'Content-Length': String(m.size) }, body: m.raw, ids: 1 };
  }
  if (fmt === 'zip' || fmt === 'tgz' || fmt === 'tar') {
    let items: SimMessage[];
    const list = p.get('list');
    if (list !== null) {
      const ids = list.split(',').map((s) => s.trim()).filter(Boolean);
      items = [];
      for (const s of ids) {
        const m = /^\d+$/.test(s) ? mbox.messages.get(Number(s)) : undefined;
        if (m) items.push(m);
      }
    } else {
      let q = p.get('query') ?? '';
      if (folderPath) q = `under:"${folderPath}" ${q ? `(${q})` : ''}`.trim();
      if (!q) q = 'is:anywhere';
      try {
        items = runQuery(q, { mbox, now: opts.now, locale: opts.locale, includeTrash: true, includeJunk: true }).hits;
      } catch {
        return text(400, 'bad query');
      }
      const start = p.get('start');
      const end = p.get('end');
      if (start) items = items.filter((m) => m.date >= Number(start));
      if (end) items = items.filter((m) => m.date < Number(end));
      items.sort((a, b) => a.id - b.id);
    }
    const counts = new Map<number, number>();
    const names = new Set<string>();
    const files = items.map((m) => ({ name: entryName(mbox, m, counts, names), data: new Uint8Array(m.raw), mtime: m.date }));
    let base = p.get('filename') || `${mbox.accountId}.${new Date(opts.now).toISOString().slice(0, 10)}`;
    const ext = fmt === 'tgz' ? '.tgz' : `.${fmt}`;
    if (!base.endsWith(ext)) base += ext;
    let body: Buffer;
    let ct: string;
    if (fmt === 'zip') {
      const tree: Record<string, [Uint8Array, { mtime: Date; level: 0 }]> = {};
      for (const f of files) tree[f.name] = [f.data, { mtime: new Date(f.mtime), level: 0 }];
      body = Buffer.from(zipSync(tree as never));
      ct = 'application/zip';
    } else {
      const tar = tarEntries(files);
      body = fmt === 'tgz' ? Buffer.from(gzipSync(tar)) : tar;
      ct = fmt === 'tgz' ? 'application/x-compressed-tar' : 'application/x-tar';
    }
    if (!files.length) {
      // ArchiveFormatter: nothing found and no `emptyname` -> 204 "No data found"; else an empty archive.
      const emptyname = p.get('emptyname');
      if (!emptyname) return { status: 204, headers: {}, body: Buffer.alloc(0), ids: 0 };
      base = emptyname.endsWith(ext) ? emptyname : emptyname + ext;
    }
    return {
      status: 200,
      headers: {
        'Content-Type': ct,
        'Content-Disposition': `attachment; filename="${base}"`,
        'Content-Length': String(body.length),
      },
      body,
      ids: items.length,
    };
  }
  return text(400, `unsupported formatter: ${fmt ?? '(none)'}`);
}

export type { IncomingMessage, ServerResponse };
