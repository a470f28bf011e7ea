/**
 * Benchmark: export before delete of 1,000 messages from real Roundcube 1.6 + Dovecot 2.3 (seeded "realistic"
 * mailbox, INBOX oldest first, so the largest messages of that range are included), with the built test extension,
 * in Chromium ('file': the zip streamed into a file handle, here one of the origin private file system, then read
 * back and checked; and 'downloads': 64 MB parts through the downloads API) and in Firefox ('downloads').
 *
 * Memory, two measures:
 * - process peak RSS: before each export every renderer / content process (and the browser process) gets its peak
 *   resident set reset (echo 5 > /proc/<pid>/clear_refs); after, VmHWM (the kernel's exact high-water mark) minus
 *   the RSS just before = what the export added at its peak. The process holding the webmail page is the one that
 *   grows; the table gives the largest growth per kind of process. This includes ArrayBuffers (message buffers,
 *   which live outside the JS heap) and blob storage.
 * - Chromium only: JSHeapUsedSize from CDP Performance.getMetrics on the page (the content script runs in the
 *   page's V8 isolate), sampled every 50 ms. performance.measureUserAgentSpecificMemory is not available to
 *   content scripts. ArrayBuffer contents are not in this figure (V8 keeps them outside its heap).
 * Compared with the largest message exported (doveadm's size).
 *
 *   npm run build:test && npx tsx bench/export.ts [--count 1000] [--browser chromium,firefox] [--targets file,downloads]
 *     [--repeat 1] [--gc-every-ms 3000] [--devtools-bodies off] [--readable off] [--pacing test|shipped] [--no-record]
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CDPSession, Page } from 'puppeteer-core';
import { launchWithBalise, type BrowserKind, type Session } from '../tests/e2e/harness/browsers';
import { seedMailbox, startRoundcube } from '../tests/servers/roundcube';
import { listMessages } from '../tests/servers/roundcube/truth';
import { loginWithBalise } from '../tests/e2e/roundcube/helpers';
import type { ExportResult } from '../lib/export';
import { recordBenchmark } from './record';
import { DEFAULT_PACING } from '../lib/webmail/kit/pacing-policy';
import { RUNS_AHEAD, cutRuns } from '../lib/export/archive-source';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : def;
};
const count = Number(arg('count', '1000'));
const kinds = arg('browser', 'chromium,firefox').split(',') as BrowserKind[];
/** Which targets to run ('file,downloads'), the same refs exported `repeat` times over (to see whether memory grows with
 * the export's length), and --no-record to leave BENCHMARKS.md alone (exploratory runs). */
const targets = arg('targets', 'file,downloads').split(',');
const repeat = Number(arg('repeat', '1'));
const record = !process.argv.includes('--no-record');
/**
 * Chromium 'file' is also run once more with a full garbage collection of the page forced every N ms (CDP
 * HeapProfiler.collectGarbage): what the export holds live, apart from garbage the engine has not collected yet.
 * 0: no such run.
 */
const gcEveryMs = Number(arg('gc-every-ms', '3000'));
const MiB = 1024 * 1024;
/**
 * Puppeteer turns on DevTools' Network domain for every page it drives, and Chromium then keeps a copy of each
 * response body in the page's process (for Network.getResponseBody; up to its default buffer of 200 MB): a
 * 1,000-message export would count every downloaded message once more in the renderer, which no user's browser
 * does. 'off' (default) re-enables the domain on puppeteer's own session with a 1 KB buffer; 'on' keeps
 * puppeteer's default, to show the difference.
 */
const keepBodies = arg('devtools-bodies', 'off');
/** The readable archive (issue 17) is off here: this bench is about the downloads and the zip; bench/readable-export-browser.ts measures it. */
const readable = arg('readable', 'off') === 'on';
/** 'test': the test build's pacing (80 starts in any 2 s); 'shipped': the store build's figures (80 in any 10 s). */
const pacing = arg('pacing', 'test');
const mb = (b: number) => `${(b / MiB).toFixed(1)} MiB`;

function children(pid: number): number[] {
  const out: number[] = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(d));
    } catch {
      /* gone */
    }
  }
  return out;
}

function tree(pid: number): number[] {
  const all = [pid];
  for (let i = 0; i < all.length; i++) all.push(...children(all[i]!));
  return all;
}

function procInfo(pid: number): { kind: string; rss: number; hwm: number } | null {
  try {
    // Chromium rewrites its child processes' titles into one space-separated string.
    const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split(/[\0 ]+/);
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
    const type = cmd.find((c) => c.startsWith('--type='))?.slice(7);
    const kind = type ? (type === 'renderer' ? (cmd.some((c) => c.includes('extension')) ? 'renderer(ext)' : 'renderer') : type) : cmd.includes('-contentproc') ? `content(${cmd.at(-1)})` : 'browser';
    return { kind, rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return null;
  }
}

function resetPeaks(pids: number[]): Map<number, number> {
  const before = new Map<number, number>();
  for (const pid of pids) {
    try {
      fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
    } catch {
      /* not ours */
    }
    const p = procInfo(pid);
    if (p) before.set(pid, p.rss);
  }
  return before;
}

function peaks(pids: number[], before: Map<number, number>): { pid: number; kind: string; growth: number; hwm: number }[] {
  return pids
    .map((pid) => {
      const p = procInfo(pid);
      return p && before.has(pid) ? { pid, kind: p.kind, growth: p.hwm - before.get(pid)!, hwm: p.hwm } : null;
    })
    .filter((x): x is { pid: number; kind: string; growth: number; hwm: number } => x !== null)
    .sort((a, b) => b.growth - a.growth);
}

async function limitDevtoolsBodies(page: Page): Promise<void> {
  const own = (page as unknown as { _client?: () => CDPSession })._client?.();
  if (!own) throw new Error("puppeteer's page session is not reachable: cannot limit DevTools' body buffer");
  await own.send('Network.enable', { maxTotalBufferSize: 1024, maxResourceBufferSize: 1024 });
}

/**
 * The floor the issue names: the same webmail requests the export sends, made outside the browser by curl, with the
 * browser's session cookie and token, `concurrency` at once (as many as Balise's export has out: one by one, the one it
 * writes and the next, lib/export/read-ahead.ts; with archives, the one it writes and RUNS_AHEAD more), every body to /dev/null. The same requests: where this Roundcube offers its
 * zipdownload archives (the test environment enables the plugin), consecutive small messages go as the same archives
 * (lib/export/archive-source.ts's cutRuns on the same items) and the others as viewsource downloads; `archives`
 * false: one viewsource download per message (the export of a Roundcube without the plugin). Straight to Roundcube,
 * not through the harness's recording proxy the browser goes through: a floor a little lower than the browser's.
 */
async function curlFloor(page: Page, refs: { folderId: string; id: string; size: number }[], concurrency: number, archives: boolean): Promise<{ ms: number; bytes: number; requests: number }> {
  const token = await page.evaluate(() => (window as unknown as { rcmail?: { env?: { request_token?: string } } }).rcmail?.env?.request_token ?? '');
  const cookies = (await page.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
  const base = env.url;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'balise-curl-'));
  const config = path.join(dir, 'urls.conf');
  const runOf = archives ? cutRuns(refs.map((r) => ({ ref: { folderId: r.folderId, id: r.id }, folderPath: r.folderId, size: r.size }))) : new Int32Array(refs.length).fill(-1);
  // Each request its own option group ('next'): GET downloads and POST archives mixed, in the export's order.
  const group = (lines: string[]) => [...lines, `header = "Cookie: ${cookies}"`, 'output = "/dev/null"', 'write-out = "%{size_download}\\n"', 'fail', 'silent'].join('\n');
  const groups: string[] = [];
  for (let i = 0; i < refs.length; i++) {
    const r = refs[i]!;
    const run = runOf[i]!;
    if (run < 0) {
      groups.push(group([`url = "${base}?_task=mail&_action=viewsource&_uid=${r.id}&_mbox=${encodeURIComponent(r.folderId)}&_save=1&_token=${token}"`]));
      continue;
    }
    if (i > 0 && runOf[i - 1] === run) continue;
    const uids: string[] = [];
    for (let j = i; j < refs.length && runOf[j] === run; j++) uids.push(refs[j]!.id);
    const body = `_mbox=${encodeURIComponent(r.folderId)}&_uid=${uids.join(',')}&_mode=maildir&_token=${token}`;
    groups.push(group([`url = "${base}?_task=mail&_action=plugin.zipdownload.messages"`, `data = "${body}"`]));
  }
  fs.writeFileSync(config, groups.join('\nnext\n') + '\n');
  const t0 = performance.now();
  const out = execFileSync('curl', ['--parallel', '--parallel-max', String(concurrency), '-K', config], {
    maxBuffer: 64 * 1024 * 1024,
    encoding: 'utf8',
  });
  const ms = performance.now() - t0;
  fs.rmSync(dir, { recursive: true, force: true });
  const sizes = out.split('\n').filter(Boolean).map(Number);
  if (sizes.length !== groups.length || sizes.some((n) => !(n > 0))) throw new Error(`curl: ${sizes.length} answers for ${groups.length} requests, or an empty one`);
  return { ms, bytes: sizes.reduce((n, x) => n + x, 0), requests: groups.length };
}

interface Outcome {
  state: string;
  phaseAt?: Record<string, number>;
  result?: ExportResult;
  error?: { code: string; message: string };
}

const env = await startRoundcube({ profile: 'empty' });
const lines: string[] = [];
try {
  const seeded = await seedMailbox(env, { profile: 'realistic', seed: 1 });
  const inbox = (await listMessages(env, 'INBOX')).sort((a, b) => a.uid - b.uid).slice(0, count);
  const totalBytes = inbox.reduce((s, m) => s + m.vsize, 0);
  const largest = Math.max(...inbox.map((m) => m.vsize));
  const once = inbox.map((m) => ({ folderId: 'INBOX', id: String(m.uid), size: m.vsize }));
  const refs = Array.from({ length: repeat }, () => once).flat();
  console.log(`seeded ${seeded.count} messages; exporting ${refs.length} (${mb(totalBytes)}), largest ${mb(largest)}`);
  lines.push(
    `Mailbox: Roundcube 1.6.5 + Dovecot 2.3, seeded "realistic" (seed 1); export of the ${once.length} oldest INBOX messages${repeat > 1 ? ` ×${repeat}` : ''}, ${mb(totalBytes * repeat)}, largest message ${mb(largest)} (${largest} bytes).`,
    pacing === 'shipped'
      ? `Pacing: as shipped (${DEFAULT_PACING.concurrency} at once, at most ${DEFAULT_PACING.window.requests} request starts in any ${DEFAULT_PACING.window.ms / 1000} s: one request per message).`
      : "Pacing: the test build's (at most 80 request starts in any 2 s); --pacing shipped measures the store build's figures.",
  );

  const runs: { kind: BrowserKind; target: 'file' | 'downloads'; gcEveryMs?: number }[] = [];
  for (const k of kinds) {
    if (k === 'chromium' && targets.includes('file')) runs.push({ kind: k, target: 'file' });
    if (k === 'chromium' && targets.includes('file') && gcEveryMs > 0) runs.push({ kind: k, target: 'file', gcEveryMs });
    if (targets.includes('downloads')) runs.push({ kind: k, target: 'downloads' });
  }
  /** The curl floor is measured once per browser, after its first export. */
  const curlRuns = new Set<BrowserKind>(kinds);
  for (const run of runs) {
    const downloadDir = fs.mkdtempSync(path.join(os.tmpdir(), `balise-bench-export-`));
    const s: Session = await launchWithBalise(run.kind, { downloadDir });
    try {
      const page = await s.newPage();
      if (run.kind === 'chromium' && keepBodies === 'off') await limitDevtoolsBodies(page);
      await loginWithBalise(s, page, env);
      if (pacing === 'shipped') await s.call(page, 'pacing-override', { ...DEFAULT_PACING });
      // Warm up (adapter, first requests) with a few messages, then clean.
      await s.call(page, 'export', 'run', { refs: refs.slice(0, 5), readable, filenameBase: 'warmup', ...(run.target === 'file' ? { saveTo: 'opfs' } : { target: 'downloads' }) });
      if (run.target === 'file') await s.call(page, 'export', 'clear-opfs');
      for (const f of fs.readdirSync(downloadDir)) fs.rmSync(path.join(downloadDir, f), { recursive: true, force: true });

      const rootPid = s.browser.process()?.pid;
      if (!rootPid) throw new Error('no browser process');
      const pids = tree(rootPid);
      const before = resetPeaks(pids);
      let heapPeak = 0;
      let heapBefore = 0;
      let sampling = false;
      let sampler: Promise<void> = Promise.resolve();
      if (run.kind === 'chromium') {
        const cdp = await page.createCDPSession();
        await cdp.send('Performance.enable');
        const heap = async () => {
          const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
          return metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0;
        };
        heapBefore = await heap();
        sampling = true;
        if (run.gcEveryMs) await cdp.send('HeapProfiler.enable');
        sampler = (async () => {
          let lastGc = performance.now();
          while (sampling) {
            heapPeak = Math.max(heapPeak, await heap().catch(() => 0));
            if (run.gcEveryMs && performance.now() - lastGc >= run.gcEveryMs) {
              await cdp.send('HeapProfiler.collectGarbage').catch(() => undefined);
              lastGc = performance.now();
            }
            await new Promise((r) => setTimeout(r, 50));
          }
          await cdp.detach().catch(() => undefined);
        })();
      }
      // Resident memory over time, per process: does it level off, or grow with the export?
      const series = new Map<number, number[]>();
      let rssSampling = true;
      const rssSampler = (async () => {
        while (rssSampling) {
          for (const pid of pids) {
            const p = procInfo(pid);
            if (p) (series.get(pid) ?? series.set(pid, []).get(pid)!).push(p.rss);
          }
          await new Promise((r) => setTimeout(r, 250));
        }
      })();
      const t0 = performance.now();
      const out = await s.call<Outcome>(page, 'export', 'run', {
        refs,
        readable,
        filenameBase: `Bench ${run.target}`,
        ...(run.target === 'file' ? { saveTo: 'opfs' } : { target: 'downloads' }),
      });
      const wall = performance.now() - t0;
      sampling = false;
      rssSampling = false;
      await Promise.all([sampler, rssSampler]);
      if (!out.result?.verified) throw new Error(`export failed: ${JSON.stringify(out.error)}`);
      const r = out.result;
      const p = peaks(pids, before);
      const top = p[0]!;
      const browserProc = p.find((x) => x.kind === 'browser');
      const secs = (r.endedAt - r.startedAt) / 1000;
      const line =
        (run.gcEveryMs ? `diagnosis, a full garbage collection forced every ${run.gcEveryMs / 1000} s (what the export holds live): ` : '') +
        `${run.kind} '${run.target}' (${r.verification.method}, ${r.files.length} zip${r.files.length > 1 ? 's' : ''}, ${mb(r.zipBytes)}): ` +
        `${r.count} messages in ${secs.toFixed(1)} s, ${r.archiveRequests} archive requests (${(r.count / secs).toFixed(0)} msg/s, ${(r.bytes / MiB / secs).toFixed(1)} MiB/s, wall ${(wall / 1000).toFixed(1)} s incl. the bridge); ` +
        `peak RSS growth of the page's process (${top.kind}) ${mb(top.growth)} = ${(top.growth / largest).toFixed(2)}× the largest message ` +
        `(target ≤ 2×: ${top.growth <= 2 * largest ? 'met' : run.target === 'downloads' ? `MISSED: a part of up to ${mb(r.files.length > 1 ? Math.max(...r.files.map((f) => f.bytes)) : r.zipBytes)} is built before the downloads API takes it` : 'MISSED'})` +
        (browserProc ? `; browser process ${mb(browserProc.growth)}` : '') +
        (run.kind === 'chromium' ? `; JSHeapUsedSize peak − before ${mb(heapPeak - heapBefore)}` : '') +
        '.';
      console.log(line);
      if (out.phaseAt) console.log(`  phases first seen at (ms from the start): ${JSON.stringify(out.phaseAt)}`);
      if (!run.gcEveryMs && curlRuns.has(run.kind)) {
        // The floor, in the same run and the same session: curl downloads the same messages one after the other.
        curlRuns.delete(run.kind);
        // As many at once as the export has out: with archives the one written and RUNS_AHEAD asked ahead; one by one,
        // the one written and the next (lib/export/read-ahead.ts).
        const concurrency = r.archiveRequests > 0 ? 1 + RUNS_AHEAD : 2;
        const floor = await curlFloor(page, once, concurrency, r.archiveRequests > 0);
        if (r.archiveRequests === 0 && floor.bytes < totalBytes) throw new Error(`curl downloaded ${floor.bytes} bytes, expected ${totalBytes}: not the same messages`);
        const ratio = (r.endedAt - r.startedAt) / floor.ms;
        const fl =
          `${run.kind}: the same ${floor.requests} requests by curl outside the browser (same session, ${concurrency} at a time, as the export; ` +
          `${r.archiveRequests > 0 ? `${r.archiveRequests} archives of several messages, the rest one by one` : 'one viewsource download per message'}) ` +
          `${(floor.ms / 1000).toFixed(1)} s (${(totalBytes / MiB / (floor.ms / 1000)).toFixed(1)} MiB/s of messages); the export '${run.target}' takes ` +
          `${ratio.toFixed(2)}× that (goal ≤ 1.5×: ${ratio <= 1.5 ? 'met' : 'MISSED'}).`;
        console.log(fl);
        lines.push(fl);
      }
      const curve = series.get(top.pid) ?? [];
      const base = before.get(top.pid) ?? 0;
      const steps = Array.from({ length: 11 }, (_, i) => curve[Math.min(curve.length - 1, Math.round((i * (curve.length - 1)) / 10))] ?? 0);
      console.log(`  RSS growth of pid ${top.pid} at 0%,10%…100% of the export: ${steps.map((v) => ((v - base) / MiB).toFixed(0)).join(', ')} MiB`);
      console.log('  processes:', p.slice(0, 5).map((x) => `${x.kind} pid ${x.pid} +${mb(x.growth)}`).join(', '));
      lines.push(line);
      s.assertNoForeignRequests();
    } finally {
      await s.close();
      fs.rmSync(downloadDir, { recursive: true, force: true });
    }
  }
  lines.push(
    "Method: peak RSS = VmHWM after the export minus VmRSS just before, each process's peak reset first (/proc/<pid>/clear_refs 5); " +
      'JSHeapUsedSize from CDP Performance.getMetrics every 50 ms (ArrayBuffer contents are outside it). ' +
      "'file' writes into an origin-private-file-system handle (a headless browser shows no save dialog); the code path is the chosen file's. " +
      (keepBodies === 'off'
        ? "Chromium: DevTools' copy of every response body, which puppeteer's Network domain turns on and no user's browser has, is limited to 1 KB (with it, a 3,000-message export grew the renderer by 249 MiB instead of 75)."
        : "Chromium: DevTools' copy of every response body left on (--devtools-bodies on): it counts each downloaded message once more."),
    'Reading: messages are copied in 256 KiB pieces through reused buffers and hashed as they go (lib/export/buffer.ts), so ' +
      "memory does not grow with the messages or the export; what remains above a few pieces is garbage the engine has not collected yet (the " +
      "diagnosis run, with collections forced, shows what is held live). 'downloads' holds a whole part (up to 64 MB) in the browser's blob storage before " +
      'the downloads API saves it: that is the bound by design there.',
  );
} finally {
  await env.stop();
}
if (record) recordBenchmark('Export (bench/export.ts)', lines);
