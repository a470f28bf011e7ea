/**
 * Medimail stand-in for Balise's tests: a plain Node HTTP server on 127.0.0.1 serving pages with the structure the
 * known facts give (README.md lists them and the details chosen here). It is not Medimail; nothing in it is more
 * specific than those facts allow, so an adapter that works only on details of this server is wrong.
 */
import { createHash, randomBytes } from 'node:crypto';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { APICRYPT_ADDRESS, FOLDERS, MEDIMAIL_ADDRESS, MSSANTE_ADDRESS, OWNER_NAME, SimMailbox, type SimMessage } from './mailbox.ts';
import { ASSETS, PAGE_SIZE_DEFAULT, composeMain, layout, listMain, loginPage, openMain, simplePage, type SortKey } from './pages.ts';

export { SimMailbox, RETENTION_DAYS } from './mailbox.ts';
export type { SimMessage, SimFolder, SimAttachment } from './mailbox.ts';
export { listDate, sizeLabel } from './pages.ts';

export interface MedimailSimOptions {
  profile?: 'realistic' | 'empty';
  seed?: number;
  port?: number;
  /** Clock for the seed (epoch ms). Default Date.now(). */
  now?: number;
  /** Rows per list page. Default 50 (a choice: the real page size is not documented). */
  pageSize?: number;
  /** A session ends after this long without a request (ms). Default 30 minutes (a choice). */
  idleMs?: number;
  /** Whether the account box shows an MSSanté correspondence. Default true. */
  mssante?: boolean;
}

export interface LogEntry {
  at: number;
  method: string;
  url: string;
  status: number;
}

export interface MedimailSim {
  url: string;
  /** The one-time code the login form takes (stand-in for strong authentication). */
  code: string;
  name: string;
  address: string;
  mssanteAddress: string | null;
  apicryptAddress: string;
  pageSize: number;
  mailbox: SimMailbox;
  /** Every request received, oldest first (test-only; also GET /__sim/log). */
  readonly log: readonly LogEntry[];
  /** End every session now (the next page shows the login form, as after a timeout). */
  expireSessions(): void;
  /** A session cookie, as a test client would get it by logging in. */
  newSession(): string;
  /** Serve list pages altered as a changed Medimail might show them (null: as documented). */
  alter(alteration: Alteration | null): void;
  stop(): Promise<void>;
}

const COOKIE = 'MEDIMAIL_SESSION';

/** Changes a later Medimail might bring to its list pages (the adapter must refuse them plainly). */
export type Alteration = 'row-without-id' | 'no-pagination';

function applyAlteration(html: string, a: Alteration | null): string {
  if (a === 'row-without-id') return html.replace(/onclick="document\.location='\/\?m=open&amp;idk=\d+'"/, 'onclick="ouvrir()"');
  if (a === 'no-pagination') return html.replace(/<div id="pagination">[\s\S]*?<\/div>/, '');
  return html;
}

function parseCookies(h: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (h ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq).trim()] = decodeURIComponent(part.slice(eq + 1).trim());
  }
  return out;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The truth the tests compare with: folders with their messages, attachments with their size and SHA-256. */
export function truthOf(sim: MedimailSim) {
  return {
    account: { name: sim.name, address: sim.address, mssante: sim.mssanteAddress },
    folders: FOLDERS.map((f) => ({ ...f, count: sim.mailbox.inFolder(f.id).length })),
    messages: [...sim.mailbox.messages.values()].map((m) => ({
      id: m.id,
      folderId: m.folderId,
      messageId: m.messageId,
      subject: m.subject,
      from: m.from,
      date: m.date,
      unread: m.unread,
      attachments: m.attachments.map((a) => ({ n: a.n, filename: a.filename, contentType: a.contentType, size: a.data.length, sha256: createHash('sha256').update(a.data).digest('hex') })),
    })),
  };
}

export async function startMedimailSim(opts: MedimailSimOptions = {}): Promise<MedimailSim> {
  const now = opts.now ?? Date.now();
  const mailbox = SimMailbox.seeded(opts.seed ?? 3, now, opts.profile ?? 'realistic');
  const pageSize = opts.pageSize ?? PAGE_SIZE_DEFAULT;
  const idleMs = opts.idleMs ?? 30 * 60_000;
  const code = '424242';
  const sessions = new Map<string, number>(); // id → last use
  const log: LogEntry[] = [];
  const sockets = new Set<Socket>();
  let alteration: Alteration | null = null;

  const newSession = () => {
    const id = randomBytes(16).toString('hex');
    sessions.set(id, Date.now());
    return id;
  };

  const send = (res: ServerResponse, status: number, type: string, body: string | Buffer, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', ...headers });
    res.end(body);
  };
  const html = (res: ServerResponse, body: string, status = 200) => send(res, status, 'text/html; charset=utf-8', body);
  const redirect = (res: ServerResponse, to: string, headers: Record<string, string> = {}) => {
    res.writeHead(302, { Location: to, 'Cache-Control': 'no-store', ...headers });
    res.end();
  };
  const page = (title: string, main: string) => layout(mailbox, title, main, { mssante: opts.mssante !== false });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    const asset = ASSETS[u.pathname];
    if (asset) return send(res, 200, asset.type, asset.body);
    if (u.pathname === '/favicon.ico') return send(res, 404, 'text/plain', 'not found');
    if (u.pathname === '/__sim/state') return send(res, 200, 'application/json', JSON.stringify(truthOf(sim)));
    if (u.pathname === '/__sim/log') return send(res, 200, 'application/json', JSON.stringify(log));
    if (u.pathname === '/__sim/expire' && req.method === 'POST') {
      sessions.clear();
      return send(res, 204, 'text/plain', '');
    }
    if (u.pathname !== '/') return send(res, 404, 'text/html; charset=utf-8', '<h1>Page introuvable</h1>');
    const m = u.searchParams.get('m') ?? '';

    if (m === 'connexion') {
      if (req.method === 'POST') {
        const form = new URLSearchParams(await readBody(req));
        if (form.get('code') !== code) return html(res, loginPage(false), 401);
        const id = newSession();
        return redirect(res, '/?m=liste&f=1&o=date&p=1', { 'Set-Cookie': `${COOKIE}=${id}; Path=/; HttpOnly; SameSite=Lax` });
      }
      return html(res, loginPage(u.searchParams.get('expire') === '1'));
    }

    // Everything else needs a live session; an ended one sends the browser to the login form.
    const sid = parseCookies(req.headers.cookie)[COOKIE];
    const last = sid ? sessions.get(sid) : undefined;
    if (sid && last !== undefined && Date.now() - last > idleMs) sessions.delete(sid);
    if (!sid || !sessions.has(sid)) return redirect(res, `/?m=connexion${sid ? '&expire=1' : ''}`);
    sessions.set(sid, Date.now());

    switch (m) {
      case '':
        return redirect(res, '/?m=liste&f=1&o=date&p=1');
      case 'liste': {
        const folder = mailbox.folder(Number(u.searchParams.get('f') ?? '1'));
        if (!folder) return html(res, page('Dossier introuvable', simplePage('Dossier introuvable', "Ce dossier n'existe pas.")), 404);
        const o = u.searchParams.get('o');
        const order: SortKey = o === 'title' || o === 'from' ? o : 'date';
        const { html: main } = listMain(mailbox, folder, Number(u.searchParams.get('p') ?? '1') || 1, pageSize, order);
        return html(res, applyAlteration(page(folder.name, main), alteration));
      }
      case 'open': {
        const msg = mailbox.messages.get(Number(u.searchParams.get('idk')));
        if (!msg) return html(res, page('Message introuvable', simplePage('Message introuvable', "Ce message n'existe plus.")), 404);
        msg.unread = false; // opening a message marks it read, as webmails do
        return html(res, page(msg.subject, openMain(msg, mailbox.folder(msg.folderId)!)));
      }
      case 'piece': {
        const msg = mailbox.messages.get(Number(u.searchParams.get('idk')));
        const att = msg?.attachments.find((a) => a.n === Number(u.searchParams.get('n')));
        if (!att) return html(res, page('Document introuvable', simplePage('Document introuvable', "Ce document n'existe plus.")), 404);
        return send(res, 200, att.contentType, att.data, {
          'Content-Length': String(att.data.length),
          'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(att.filename)}`,
        });
      }
      case 'nouveau':
        return html(res, page('Nouveau message', composeMain()));
      case 'envoyer': {
        if (req.method !== 'POST') return redirect(res, '/?m=nouveau');
        const form = new URLSearchParams(await readBody(req));
        const draft = form.get('action') === 'sauvegarder';
        const to = (form.get('destinataires') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
        const msg: SimMessage = mailbox.addRaw(Buffer.from(`Subject: ${form.get('objet') ?? ''}\r\nFrom: ${MSSANTE_ADDRESS}\r\nTo: ${to.join(', ')}\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<body>${form.get('corps') ?? ''}</body>\r\n`), {
          folderId: draft ? 3 : 2,
          date: Date.now(),
          unread: false,
        });
        return redirect(res, `/?m=liste&f=${msg.folderId}&o=date&p=1`);
      }
      case 'deconnexion':
        sessions.delete(sid);
        return redirect(res, '/?m=connexion', { 'Set-Cookie': `${COOKIE}=; Path=/; Max-Age=0` });
      case 'compte':
        return html(res, page('Gérer votre compte Medimail', simplePage('Gérer votre compte Medimail', 'Gestion des signatures, réponse automatique.')));
      default:
        return html(res, page('Medimail', simplePage('Medimail', 'Cette page de Medimail n’est pas simulée.')));
    }
  }

  const server = createServer((req, res) => {
    handle(req, res)
      .catch((e) => {
        if (!res.headersSent) send(res, 500, 'text/plain', String(e));
        else res.end();
      })
      .finally(() => log.push({ at: Date.now(), method: req.method ?? 'GET', url: req.url ?? '/', status: res.statusCode }));
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  const sim: MedimailSim = {
    url: `http://127.0.0.1:${port}/`,
    code,
    name: OWNER_NAME,
    address: MEDIMAIL_ADDRESS,
    mssanteAddress: opts.mssante === false ? null : MSSANTE_ADDRESS,
    apicryptAddress: APICRYPT_ADDRESS,
    pageSize,
    mailbox,
    log,
    expireSessions: () => sessions.clear(),
    newSession,
    alter: (a) => {
      alteration = a;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  return sim;
}
