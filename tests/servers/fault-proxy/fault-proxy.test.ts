/** The fault proxy does what it says: each fault kind, seen from the server and from the client. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rng, startFaultProxy, type FaultKind, type FaultProxy } from './index';

describe('fault proxy', () => {
  let server: http.Server;
  let seen: { url: string; cookie?: string; body: string }[] = [];
  let proxy: FaultProxy;

  beforeAll(async () => {
    server = http.createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      seen.push({ url: req.url ?? '', cookie: req.headers.cookie, body: Buffer.concat(chunks).toString() });
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`ok ${req.url}`);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    proxy = await startFaultProxy({ target: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` });
  });
  afterAll(async () => {
    await proxy.stop();
    await new Promise<void>((r) => server.close(() => r()));
  });

  const post = (path: string) =>
    fetch(new URL(path, proxy.url), { method: 'POST', body: 'a=1', headers: { cookie: 'sess=1' } }).then(
      async (r) => ({ status: r.status, text: await r.text() }),
      () => ({ status: 0, text: 'network error' }),
    );

  const only = (kind: FaultKind) => {
    seen = [];
    proxy.schedule({ seed: 1, rate: 1, weights: { 'drop-before': 0, 'drop-after': 0, '500-before': 0, '500-after': 0, delay: 0, 'no-cookie': 0, [kind]: 1 }, maxDelayMs: 50 });
  };

  it('passes everything without a schedule', async () => {
    proxy.schedule(null);
    seen = [];
    expect(await post('/x?q=1')).toEqual({ status: 200, text: 'ok /x?q=1' });
    expect(seen).toEqual([{ url: '/x?q=1', cookie: 'sess=1', body: 'a=1' }]);
  });

  it('drop-before: the server never sees it, the client gets a network error', async () => {
    only('drop-before');
    expect((await post('/a')).status).toBe(0);
    expect(seen).toEqual([]);
  });

  it('drop-after: the server handled it, the client gets a network error', async () => {
    only('drop-after');
    expect((await post('/b')).status).toBe(0);
    expect(seen.map((x) => x.url)).toEqual(['/b']);
  });

  it('500-before / 500-after', async () => {
    only('500-before');
    expect((await post('/c')).status).toBe(500);
    expect(seen).toEqual([]);
    only('500-after');
    expect((await post('/d')).status).toBe(500);
    expect(seen.map((x) => x.url)).toEqual(['/d']);
  });

  it('no-cookie: the server sees the request without its session', async () => {
    only('no-cookie');
    expect((await post('/e')).status).toBe(200);
    expect(seen).toEqual([{ url: '/e', cookie: undefined, body: 'a=1' }]);
  });

  it('follows its seed, its rate, its match and its budget', async () => {
    proxy.schedule({ seed: 42, rate: 0.5, match: (r) => r.url.startsWith('/hit'), weights: { 'drop-after': 0, delay: 0, 'no-cookie': 0, '500-after': 0 }, maxFaults: 3 });
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await post('/hit')).status);
    for (let i = 0; i < 3; i++) statuses.push((await post('/miss')).status);
    expect(proxy.log.length).toBe(3);
    expect(statuses.slice(12)).toEqual([200, 200, 200]);
    expect(statuses.filter((s) => s !== 200)).toHaveLength(3);
    const again: number[] = [];
    proxy.schedule({ seed: 42, rate: 0.5, match: (r) => r.url.startsWith('/hit'), weights: { 'drop-after': 0, delay: 0, 'no-cookie': 0, '500-after': 0 }, maxFaults: 3 });
    for (let i = 0; i < 12; i++) again.push((await post('/hit')).status);
    expect(again).toEqual(statuses.slice(0, 12));
    const r1 = rng(7);
    const r2 = rng(7);
    expect([r1(), r1()]).toEqual([r2(), r2()]);
  });
});
