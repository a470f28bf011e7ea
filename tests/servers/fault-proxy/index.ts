/**
 * A fault-injecting HTTP proxy for the test servers (Roundcube, the Zimbra simulator): the browser opens the webmail
 * through it, and it breaks some requests on a seeded schedule. 127.0.0.1 only.
 *
 *   const fp = await startFaultProxy({ target: env.url });      // fp.url: http://127.0.0.1:<port>/
 *   fp.schedule({ seed: 7, rate: 0.2, match: (r) => r.method === 'POST' });
 *   … run …
 *   fp.stats  // what was injected
 *   fp.schedule(null)  // pass everything
 *
 * Faults (each request that matches is hit with probability `rate`, kind drawn by weight):
 * - 'drop-before': the connection is closed; the server never sees the request;
 * - 'drop-after': the server handles the request, then the client's connection is closed (the answer is lost:
 *   the server DID act);
 * - '500-before': an HTTP 500 without asking the server;
 * - '500-after': the server handles it, the client gets an HTTP 500 instead of the answer;
 * - 'delay': the request waits `delayMs` (default 0–1500 ms, seeded) before going through;
 * - 'no-cookie': the request goes through without its Cookie header (the server sees no session).
 *
 * A firewall stand-in (firewall.ts) sits before the faults: `fp.firewall({ maxRequests, windowMs, coolDownMs,
 * status })` answers a block page to every request for a cool-down once the rate is crossed; `fp.firewallStats`
 * and `fp.firewallLog` count and list what arrived while blocked.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Firewall, type FirewallEntry, type FirewallRule, type FirewallStats } from './firewall';

export type { FirewallEntry, FirewallRule, FirewallStats } from './firewall';
export { DEFAULT_FIREWALL_RULE, peakInWindow } from './firewall';

export type FaultKind = 'drop-before' | 'drop-after' | '500-before' | '500-after' | 'delay' | 'no-cookie';

export interface RequestInfo {
  method: string;
  /** Path and query. */
  url: string;
  /** The body (bodies are small here: form posts and SOAP/JSON). */
  body: string;
  /** The request's headers (to tell the page's own requests from others, e.g. X-Roundcube-Request). */
  headers?: http.IncomingHttpHeaders;
}

export interface FaultSchedule {
  seed: number;
  /** Probability that a matching request is hit. */
  rate: number;
  /** Which requests may be hit (default: every request). */
  match?: (r: RequestInfo) => boolean;
  weights?: Partial<Record<FaultKind, number>>;
  /** Upper bound of 'delay' (ms). */
  maxDelayMs?: number;
  /** Lower bound of 'delay' (ms, default 0): a test that needs a request held at least this long. */
  minDelayMs?: number;
  /** Stop injecting after this many faults. */
  maxFaults?: number;
}

export interface FaultEntry {
  at: number;
  kind: FaultKind;
  method: string;
  url: string;
}

export interface FaultProxy {
  url: string;
  port: number;
  schedule(s: FaultSchedule | null): void;
  /** Faults injected since the last schedule() call. */
  readonly log: readonly FaultEntry[];
  /** Totals since start, per kind. */
  readonly stats: Record<FaultKind | 'requests', number>;
  /** Turn the firewall stand-in on (counters and log reset) or off (null). */
  firewall(rule: FirewallRule | null): void;
  readonly firewallStats: FirewallStats;
  /** Requests answered with the block page since the last firewall() call: the trips and the cool-down arrivals. */
  readonly firewallLog: readonly FirewallEntry[];
  /** Whether a cool-down is running now. */
  readonly firewallBlocking: boolean;
  stop(): Promise<void>;
}

/** mulberry32: small, seeded, good enough for schedules. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DEFAULT_WEIGHTS: Record<FaultKind, number> = { 'drop-before': 2, 'drop-after': 3, '500-before': 1, '500-after': 2, delay: 2, 'no-cookie': 1 };

export interface FaultProxyOptions {
  target: string;
  port?: number;
  /**
   * Pass the browser's Host on (default: the target's). The proxy then stands at the webmail's public origin, as
   * Mailiz's firewall does: the server builds its absolute URLs (Roundcube's OAuth redirect) from it, so a login
   * comes back through the proxy.
   */
  keepHost?: boolean;
}

export async function startFaultProxy(opts: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(opts.target);
  if (target.hostname !== '127.0.0.1') throw new Error('the fault proxy only forwards to 127.0.0.1');
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  let sched: FaultSchedule | null = null;
  let random = rng(1);
  let injected = 0;
  let log: FaultEntry[] = [];
  const stats: Record<FaultKind | 'requests', number> = { requests: 0, 'drop-before': 0, 'drop-after': 0, '500-before': 0, '500-after': 0, delay: 0, 'no-cookie': 0 };
  const sockets = new Set<Socket>();
  const firewall = new Firewall();

  const pick = (r: RequestInfo): FaultKind | null => {
    if (!sched || (sched.maxFaults !== undefined && injected >= sched.maxFaults)) return null;
    if (sched.match && !sched.match(r)) return null;
    if (random() >= sched.rate) return null;
    const weights = { ...DEFAULT_WEIGHTS, ...(sched.weights ?? {}) };
    const total = Object.values(weights).reduce((s, w) => s + w, 0);
    let x = random() * total;
    for (const [k, w] of Object.entries(weights) as [FaultKind, number][]) {
      if ((x -= w) < 0) return k;
    }
    return null;
  };

  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const info: RequestInfo = { method: req.method ?? 'GET', url: req.url ?? '/', body: body.toString('utf8'), headers: req.headers };
    stats.requests++;
    const blocked = firewall.check(info);
    if (blocked) {
      res.writeHead(blocked.status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' }).end(blocked.body);
      return;
    }
    const fault = pick(info);
    if (fault) {
      injected++;
      stats[fault]++;
      log.push({ at: Date.now(), kind: fault, method: info.method, url: info.url });
    }
    if (fault === 'drop-before') {
      req.socket.destroy();
      return;
    }
    if (fault === '500-before') {
      res.writeHead(500, { 'content-type': 'text/plain' }).end('Injected fault');
      return;
    }
    if (fault === 'delay') {
      const min = Math.max(0, sched?.minDelayMs ?? 0);
      const max = Math.max(min, sched?.maxDelayMs ?? 1500);
      await new Promise((r) => setTimeout(r, Math.floor(min + random() * (max - min))));
    }
    const headers = { ...req.headers, host: opts.keepHost && req.headers.host ? req.headers.host : target.host };
    if (fault === 'no-cookie') delete headers.cookie;
    const upstream = http.request(
      { host: target.hostname, port: target.port || 80, method: req.method, path: req.url, headers, agent },
      (up) => {
        if (fault === 'drop-after' || fault === '500-after') {
          // Let the server finish (it acted), then lose its answer.
          up.resume();
          up.on('end', () => {
            if (fault === 'drop-after') req.socket.destroy();
            else res.writeHead(500, { 'content-type': 'text/plain' }).end('Injected fault');
          });
          return;
        }
        res.writeHead(up.statusCode ?? 502, up.statusMessage, up.rawHeaders);
        up.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
    upstream.end(body);
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    schedule(s) {
      sched = s;
      random = rng(s?.seed ?? 1);
      injected = 0;
      log = [];
    },
    get log() {
      return log;
    },
    stats,
    firewall: (rule) => firewall.set(rule),
    get firewallStats() {
      return firewall.stats;
    },
    get firewallLog() {
      return firewall.log;
    },
    get firewallBlocking() {
      return firewall.blocking;
    },
    async stop() {
      for (const s of sockets) s.destroy();
      agent.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
