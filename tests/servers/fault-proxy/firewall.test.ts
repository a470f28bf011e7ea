/** The firewall stand-in: threshold, cool-down, both statuses, what it counts; alone (fake clock) and in the proxy. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockPage, DEFAULT_FIREWALL_RULE, Firewall, peakInWindow } from './firewall';
import { startFaultProxy, type FaultProxy } from './index';

const req = (url = '/?_task=mail&_action=list', method = 'GET') => ({ method, url, body: '' });

describe('peak rate, as the default rule counts it', () => {
  it('is the most request starts within any window, and trips the default rule exactly past its maximum', () => {
    expect(peakInWindow([], 1000)).toBe(0);
    expect(peakInWindow([0, 999, 1000, 1500, 1999, 5000], 1000)).toBe(3);
    const at = Array.from({ length: DEFAULT_FIREWALL_RULE.maxRequests + 1 }, (_, i) => 1_000_000 + i * 10);
    expect(peakInWindow(at.slice(1), DEFAULT_FIREWALL_RULE.windowMs)).toBe(DEFAULT_FIREWALL_RULE.maxRequests);
    let now = 0;
    const fw = new Firewall(() => now);
    fw.set(DEFAULT_FIREWALL_RULE);
    const answers = at.map((t) => ((now = t), fw.check(req())));
    expect(answers.slice(0, -1).every((a) => a === null)).toBe(true);
    expect(answers.at(-1)).not.toBeNull();
  });
});

describe('firewall rule (fake clock)', () => {
  it('lets maxRequests through per window, blocks the next, and every request during the cool-down', () => {
    let now = 1_000_000;
    const fw = new Firewall(() => now);
    fw.set({ maxRequests: 3, windowMs: 1000, coolDownMs: 5000 });
    for (let i = 0; i < 3; i++) expect(fw.check(req())).toBeNull();
    const trip = fw.check(req());
    expect(trip?.status).toBe(200);
    expect(fw.blocking).toBe(true);
    now += 4999;
    expect(fw.check(req('/?_task=mail&_action=move', 'POST'))?.status).toBe(200);
    expect(fw.stats).toMatchObject({ trips: 1, blocked: 2, duringCoolDown: 1, passed: 3, blockedUntil: 1_005_000 });
    expect(fw.log.map((e) => [e.phase, e.method])).toEqual([
      ['trip', 'GET'],
      ['cool-down', 'POST'],
    ]);
    // Cool-down over: the rate starts afresh.
    now += 1;
    expect(fw.blocking).toBe(false);
    for (let i = 0; i < 3; i++) expect(fw.check(req())).toBeNull();
    expect(fw.check(req())).not.toBeNull();
    expect(fw.stats.trips).toBe(2);
  });

  it('counts a rate, not a total: requests spread over windows pass', () => {
    let now = 0;
    const fw = new Firewall(() => now);
    fw.set({ maxRequests: 2, windowMs: 1000, coolDownMs: 1000 });
    for (let i = 0; i < 20; i++) {
      expect(fw.check(req())).toBeNull();
      now += 501;
    }
    expect(fw.stats).toMatchObject({ trips: 0, blocked: 0, passed: 20 });
  });

  it('counts only matching requests toward the rate, but blocks everything once tripped', () => {
    let now = 0;
    const fw = new Firewall(() => now);
    fw.set({ maxRequests: 1, windowMs: 1000, coolDownMs: 1000, status: 403, match: (r) => r.method === 'POST' });
    for (let i = 0; i < 5; i++) expect(fw.check(req())).toBeNull();
    expect(fw.check(req('/', 'POST'))).toBeNull();
    expect(fw.check(req('/', 'POST'))?.status).toBe(403);
    expect(fw.check(req('/static.css'))?.status).toBe(403);
    expect(fw.stats.duringCoolDown).toBe(1);
  });

  it('is off with null, and set() resets counters and log', () => {
    const fw = new Firewall(() => 0);
    fw.set({ maxRequests: 0, windowMs: 1000, coolDownMs: 1000 });
    expect(fw.check(req())).not.toBeNull();
    fw.set(null);
    expect(fw.check(req())).toBeNull();
    expect(fw.stats).toMatchObject({ trips: 0, blocked: 0, duringCoolDown: 0 });
    expect(fw.log).toEqual([]);
    expect(() => fw.set({ maxRequests: 1, windowMs: 0, coolDownMs: 1 })).toThrow();
  });

  it('writes the block page users meet, with the request URL escaped', () => {
    const html = blockPage({ url: '/?a=<script>', attackId: '20000001', messageId: '000000000001' });
    for (const s of ['Web Page Blocked', 'The URL you requested has been blocked', 'Attack ID: 20000001', 'Message ID: 000000000001']) expect(html).toContain(s);
    expect(html).not.toContain('<script>');
  });
});

describe('firewall in the fault proxy (real HTTP)', () => {
  let server: http.Server;
  let upstreamHits = 0;
  let proxy: FaultProxy;

  beforeAll(async () => {
    server = http.createServer((r, res) => {
      upstreamHits++;
      r.resume();
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"action":"list"}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    proxy = await startFaultProxy({ target: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` });
  });
  afterAll(async () => {
    await proxy.stop();
    await new Promise<void>((r) => server.close(() => r()));
  });

  const get = async (path = '/?_task=mail&_action=list&_remote=1') => {
    const r = await fetch(new URL(path, proxy.url), { headers: { 'x-roundcube-request': 'tok' } });
    return { status: r.status, type: r.headers.get('content-type'), text: await r.text() };
  };

  for (const status of [200, 403] as const) {
    it(`answers the block page with status ${status} in place of the server's answer, then recovers`, async () => {
      proxy.firewall({ maxRequests: 4, windowMs: 10_000, coolDownMs: 600, status });
      upstreamHits = 0;
      for (let i = 0; i < 4; i++) expect((await get()).text).toBe('{"action":"list"}');
      const blocked = await get();
      expect(blocked.status).toBe(status);
      expect(blocked.type).toMatch(/^text\/html/);
      expect(blocked.text).toMatch(/Web Page Blocked[\s\S]*The URL you requested has been blocked[\s\S]*Attack ID: \d+[\s\S]*Message ID: \d+/);
      await get('/?_task=mail&_action=getunread&_remote=1');
      await get('/skins/elastic/ui.min.js');
      expect(proxy.firewallBlocking).toBe(true);
      // The server saw none of the blocked requests; the proxy counted those that came during the cool-down.
      expect(upstreamHits).toBe(4);
      expect(proxy.firewallStats).toMatchObject({ trips: 1, blocked: 3, duringCoolDown: 2, passed: 4 });
      expect(proxy.firewallLog.filter((e) => e.phase === 'cool-down').map((e) => e.url)).toEqual(['/?_task=mail&_action=getunread&_remote=1', '/skins/elastic/ui.min.js']);
      expect(proxy.firewallLog[0]!.headers?.['x-roundcube-request']).toBe('tok');
      await new Promise((r) => setTimeout(r, 650));
      expect(proxy.firewallBlocking).toBe(false);
      expect((await get()).text).toBe('{"action":"list"}');
      expect(upstreamHits).toBe(5);
      proxy.firewall(null);
    });
  }
});
