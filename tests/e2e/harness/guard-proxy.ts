/**
 * The network guard: every browser in the e2e suite sends ALL its traffic (pages, the extension's service
 * worker / background page, extension pages, the browser itself) through this proxy, loopback included.
 * It forwards requests to 127.0.0.1 and refuses and records everything else. A test fails if anything was
 * refused (see browsers.ts). This guard stays for the life of the project: Balise talks to the webmail's own
 * origin and to nothing else.
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface GuardEntry {
  method: string;
  /** host[:port] */
  target: string;
  url: string;
  allowed: boolean;
  at: number;
  /** When the answer was passed on in full (benchmarks read where time goes). */
  doneAt?: number;
}

export interface GuardProxy {
  port: number;
  log: GuardEntry[];
  violations(): GuardEntry[];
  close(): Promise<void>;
}

/**
 * 127.0.0.1, and `localhost` sent there without any name lookup: the onboarding tests need a loopback origin the
 * test build has not registered. Nothing else.
 */
const ALLOWED_HOSTS = new Set(['127.0.0.1', 'localhost']);
const upstreamHost = (host: string) => (host === 'localhost' ? '127.0.0.1' : host);

export async function startGuardProxy(): Promise<GuardProxy> {
  const log: GuardEntry[] = [];
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const sockets = new Set<net.Socket>();

  const server = http.createServer((req, res) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end('absolute URL expected');
      return;
    }
    const allowed = url.protocol === 'http:' && ALLOWED_HOSTS.has(url.hostname);
    const entry: GuardEntry = { method: req.method ?? '?', target: url.host, url: url.href, allowed, at: Date.now() };
    log.push(entry);
    res.on('finish', () => (entry.doneAt = Date.now()));
    if (!allowed) {
      if (process.env.BALISE_GUARD_DEBUG) req.on('data', (d: Buffer) => console.error('[guard body]', url.host, d.toString().slice(0, 2000)));
      res.writeHead(403, { 'content-type': 'text/plain' }).end('Blocked by the Balise e2e network guard');
      return;
    }
    const headers = { ...req.headers };
    delete headers['proxy-connection'];
    const upstream = http.request(
      { host: upstreamHost(url.hostname), port: url.port || 80, method: req.method, path: url.pathname + url.search, headers, agent },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.statusMessage, up.rawHeaders);
        up.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
    req.pipe(upstream);
  });

  server.on('connect', (req, client: net.Socket, head) => {
    const target = req.url ?? '';
    const [host, port] = target.split(':');
    const allowed = ALLOWED_HOSTS.has(host ?? '');
    log.push({ method: 'CONNECT', target, url: `https://${target}/`, allowed, at: Date.now() });
    if (!allowed) {
      client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const up = net.connect(Number(port) || 443, upstreamHost(host!), () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) up.write(head);
      up.pipe(client);
      client.pipe(up);
    });
    up.on('error', () => client.destroy());
    client.on('error', () => up.destroy());
  });

  server.on('upgrade', (req, client: net.Socket, head) => {
    let url: URL | null = null;
    try {
      url = new URL(req.url ?? '');
    } catch {
      /* handled below */
    }
    const allowed = !!url && ALLOWED_HOSTS.has(url.hostname);
    log.push({ method: 'UPGRADE', target: url?.host ?? String(req.url), url: url?.href ?? String(req.url), allowed, at: Date.now() });
    if (!allowed || !url) {
      client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const up = net.connect(Number(url.port) || 80, upstreamHost(url.hostname), () => {
      const lines = [`${req.method} ${url!.pathname}${url!.search} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      up.write(lines.join('\r\n') + '\r\n\r\n');
      if (head.length) up.write(head);
      up.pipe(client);
      client.pipe(up);
    });
    up.on('error', () => client.destroy());
    client.on('error', () => up.destroy());
  });

  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    log,
    violations: () => log.filter((e) => !e.allowed),
    close: async () => {
      for (const s of sockets) s.destroy();
      agent.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
