import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_FIREWALL_RULE, peakInWindow } from '../../../servers/fault-proxy/firewall';
import { DEFAULT_PACING, PACING_OVERRIDE_KEY, Pacer, createRequester, isBlockPage } from '../../../../lib/webmail/kit/request';

const ORIGIN = 'https://webmail.example.fr';

function answer(body: string, init: { status?: number; type?: string; url?: string; redirect?: boolean } = {}): Response {
  const res = new Response(body, { status: init.status ?? 200, headers: { 'content-type': init.type ?? 'application/json' } });
  if (init.url || init.redirect) {
    Object.defineProperty(res, 'url', { value: init.url ?? '' });
    if (init.redirect) Object.defineProperty(res, 'type', { value: 'opaqueredirect' });
  }
  return res;
}

describe('the pacer', () => {
  it('has the documented defaults: 4 at once, no interval, at most 80 starts in any 10 s (under the firewall stand-in’s 100)', () => {
    expect(DEFAULT_PACING).toEqual({ concurrency: 4, minIntervalMs: 0, window: { requests: 80, ms: 10_000 } });
    expect(DEFAULT_PACING.window.requests).toBeLessThan(DEFAULT_FIREWALL_RULE.maxRequests);
    expect(DEFAULT_PACING.window.ms).toBeGreaterThanOrEqual(DEFAULT_FIREWALL_RULE.windowMs);
    // Test builds (this one too) shorten only the window's duration, so the e2e suite runs its waits quickly;
    // figures given to a Pacer are kept as given.
    expect(new Pacer().opts).toEqual({ concurrency: 4, minIntervalMs: 0, window: { requests: 80, ms: 2_000 } });
    expect(new Pacer({ window: { requests: 3, ms: 50 } }).opts.window).toEqual({ requests: 3, ms: 50 });
  });

  it('never starts more than window.requests within any window.ms, and holds nothing back below it', async () => {
    vi.useFakeTimers();
    try {
      const pacer = new Pacer({ concurrency: 1000, window: { requests: 5, ms: 1000 } }, () => Date.now());
      const t0 = Date.now();
      const starts: number[] = [];
      const all = Promise.all(Array.from({ length: 12 }, () => pacer.run(async () => void starts.push(Date.now() - t0))));
      // The first five go at once: a short job is not slowed.
      await vi.advanceTimersByTimeAsync(0);
      expect(starts).toEqual([0, 0, 0, 0, 0]);
      await vi.advanceTimersByTimeAsync(2500);
      await all;
      expect(starts).toEqual([0, 0, 0, 0, 0, 1000, 1000, 1000, 1000, 1000, 2000, 2000]);
      // What the firewall stand-in counts, on these start times: never more than the window allows.
      expect(peakInWindow(starts, 1000)).toBe(5);
    } finally {
      vi.useRealTimers();
    }
  });

  it('keeps a server\'s own rule too (serverWindow: Zimbra\'s DoSFilter) beside the firewall\'s window, each as a sliding window', async () => {
    vi.useFakeTimers();
    try {
      const pacer = new Pacer({ concurrency: 1000, window: { requests: 8, ms: 1000 }, serverWindow: { requests: 3, ms: 100 } }, () => Date.now());
      const t0 = Date.now();
      const starts: number[] = [];
      const all = Promise.all(Array.from({ length: 10 }, () => pacer.run(async () => void starts.push(Date.now() - t0))));
      await vi.advanceTimersByTimeAsync(3000);
      await all;
      // Three in any 100 ms, and no more than eight in any second: the ninth waits for the first to leave the second.
      expect(starts).toEqual([0, 0, 0, 100, 100, 100, 200, 200, 1000, 1000]);
      expect(peakInWindow(starts, 100)).toBe(3);
      expect(peakInWindow(starts, 1000)).toBe(8);
      // Without the firewall's window (a bench's "none"), the server's still holds.
      const alone = new Pacer({ concurrency: 1000, window: { requests: 0, ms: 0 }, serverWindow: { requests: 2, ms: 50 } }, () => Date.now());
      const t1 = Date.now();
      const s2: number[] = [];
      const all2 = Promise.all(Array.from({ length: 5 }, () => alone.run(async () => void s2.push(Date.now() - t1))));
      await vi.advanceTimersByTimeAsync(500);
      await all2;
      expect(s2).toEqual([0, 0, 50, 50, 100]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('spreads a long job at the window’s rate when requests take time (a sliding window, not fixed slots)', async () => {
    vi.useFakeTimers();
    try {
      const pacer = new Pacer({ concurrency: 2, window: { requests: 4, ms: 1000 } }, () => Date.now());
      const t0 = Date.now();
      const starts: number[] = [];
      const job = () =>
        pacer.run(async () => {
          starts.push(Date.now() - t0);
          await new Promise((r) => setTimeout(r, 300));
        });
      const all = Promise.all(Array.from({ length: 8 }, job));
      await vi.advanceTimersByTimeAsync(5000);
      await all;
      // Two at a time, 300 ms each: 0,0,300,300 fill the window; the fifth waits for the first to leave it (1000).
      expect(starts).toEqual([0, 0, 300, 300, 1000, 1000, 1300, 1300]);
      expect(peakInWindow(starts, 1000)).toBe(4);
    } finally {
      vi.useRealTimers();
    }
  });

  it('never has more than `concurrency` requests in flight', async () => {
    const pacer = new Pacer({ concurrency: 2 });
    let now = 0;
    let max = 0;
    const job = () =>
      pacer.run(async () => {
        max = Math.max(max, ++now);
        await new Promise((r) => setTimeout(r, 5));
        now--;
      });
    await Promise.all(Array.from({ length: 9 }, job));
    expect(max).toBe(2);
  });

  it('takes the test builds’ override (the pacing bench’s baseline) while it is set, and its own figures again after', async () => {
    const pacer = new Pacer({ concurrency: 2 });
    const peak = async () => {
      let now = 0;
      let max = 0;
      const job = () =>
        pacer.run(async () => {
          max = Math.max(max, ++now);
          await new Promise((r) => setTimeout(r, 5));
          now--;
        });
      await Promise.all(Array.from({ length: 9 }, job));
      return max;
    };
    const g = globalThis as Record<string, unknown>;
    try {
      g[PACING_OVERRIDE_KEY] = { concurrency: 1000 };
      expect(await peak()).toBe(9);
    } finally {
      delete g[PACING_OVERRIDE_KEY];
    }
    expect(await peak()).toBe(2);
  });

  it('keeps the minimum interval between request starts', async () => {
    const pacer = new Pacer({ concurrency: 10, minIntervalMs: 30 });
    const starts: number[] = [];
    await Promise.all(Array.from({ length: 4 }, () => pacer.run(async () => void starts.push(performance.now()))));
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(25);
  });

  it('refuses an aborted request without sending it', async () => {
    const pacer = new Pacer();
    const ac = new AbortController();
    ac.abort();
    let sent = false;
    await expect(pacer.run(async () => void (sent = true), ac.signal)).rejects.toMatchObject({ code: 'aborted' });
    expect(sent).toBe(false);
  });
});

describe('the paced same-origin request', () => {
  it('sends with redirect: manual and same-origin credentials, once (no retry)', async () => {
    const seen: RequestInit[] = [];
    const r = createRequester({ origin: ORIGIN, fetch: async (_u, init) => (seen.push(init), answer('', { status: 500 })) });
    const res = await r.fetch(`${ORIGIN}/x`, { method: 'GET' }, 'json');
    expect(res.status).toBe(500);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ redirect: 'manual', credentials: 'same-origin' });
  });

  it('refuses another origin before sending anything', async () => {
    let sent = 0;
    const r = createRequester({ origin: ORIGIN, fetch: async () => (sent++, answer('{}')) });
    await expect(r.fetch('https://evil.example/x', {}, 'json')).rejects.toMatchObject({ code: 'forbidden' });
    expect(sent).toBe(0);
  });

  it('turns a redirect (opaque) or an answer from another origin into auth-expired', async () => {
    const redirect = createRequester({ origin: ORIGIN, fetch: async () => answer('', { status: 200, redirect: true }) });
    await expect(redirect.fetch(`${ORIGIN}/x`, {}, 'json')).rejects.toMatchObject({ code: 'auth-expired' });
    const moved = createRequester({ origin: ORIGIN, fetch: async () => answer('{}', { url: 'https://sso.example/login' }) });
    await expect(moved.fetch(`${ORIGIN}/x`, {}, 'json')).rejects.toMatchObject({ code: 'auth-expired' });
  });

  it('maps no answer to network, and a signal that fired to aborted', async () => {
    const down = createRequester({ origin: ORIGIN, fetch: async () => Promise.reject(new TypeError('Failed to fetch')) });
    await expect(down.fetch(`${ORIGIN}/x`, {}, 'json')).rejects.toMatchObject({ code: 'network' });
    const ac = new AbortController();
    const slow = createRequester({
      origin: ORIGIN,
      fetch: async () => {
        ac.abort();
        throw new DOMException('aborted', 'AbortError');
      },
    });
    await expect(slow.fetch(`${ORIGIN}/x`, { signal: ac.signal }, 'json')).rejects.toMatchObject({ code: 'aborted' });
  });

  it('recognises a block page, then refuses every request until a person resets it', async () => {
    let sent = 0;
    let block = true;
    const r = createRequester({
      origin: ORIGIN,
      fetch: async () => {
        sent++;
        return block
          ? answer('<html><h1>Web Page Blocked</h1><p>Attack ID: 20000051</p></html>', { status: 403, type: 'text/html' })
          : answer('{"ok":true}');
      },
    });
    await expect(r.fetch(`${ORIGIN}/a`, {}, 'json')).rejects.toMatchObject({ code: 'blocked' });
    block = false;
    await expect(r.fetch(`${ORIGIN}/b`, {}, 'json')).rejects.toMatchObject({ code: 'blocked' });
    await expect(r.fetch(`${ORIGIN}/c`, {}, 'raw')).rejects.toMatchObject({ code: 'blocked' });
    expect(sent).toBe(1);
    r.pacer.reset();
    expect((await r.fetch(`${ORIGIN}/d`, {}, 'json')).ok).toBe(true);
    expect(sent).toBe(2);
  });

  it('blocks the requests already waiting when a block page arrives', async () => {
    let sent = 0;
    const r = createRequester({
      origin: ORIGIN,
      pacer: new Pacer({ concurrency: 1 }),
      fetch: async () => (sent++, answer('The URL you requested has been blocked.', { status: 200, type: 'text/html' })),
    });
    const all = await Promise.allSettled([1, 2, 3].map((i) => r.fetch(`${ORIGIN}/${i}`, {}, 'html')));
    expect(all.map((x) => x.status === 'rejected' && (x.reason as { code: string }).code)).toEqual(['blocked', 'blocked', 'blocked']);
    expect(sent).toBe(1);
  });

  it('tells a block page from the webmail’s own pages', () => {
    const own = (html: string) => html.includes('rcmail');
    expect(isBlockPage(200, 'text/html', '<html>Web Page Blocked</html>', 'html')).toBe(true);
    expect(isBlockPage(200, 'text/html; charset=utf-8', '<html>Access denied</html>', 'json', own)).toBe(true);
    // The login page where JSON was expected: the session is over, not a firewall.
    expect(isBlockPage(200, 'text/html', '<script>rcmail.set_env({"task":"login"})</script>', 'json', own)).toBe(false);
    expect(isBlockPage(200, 'text/html', '<html>an ordinary page</html>', 'html')).toBe(false);
    expect(isBlockPage(500, 'text/html', 'Attack ID: 1', 'json')).toBe(false);
    // JSON is the webmail's own answer, whatever text it carries (a message's subject may say anything).
    expect(isBlockPage(200, 'application/json', '{"subject":"Attack ID"}', 'json')).toBe(false);
  });
});
