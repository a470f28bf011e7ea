/**
 * Benchmark: the whole mailbox's largest messages VIEW (the cleanup panel's, N = 50) on the Zimbra simulator, bench
 * profile (20,500 messages in 7 folders), in both browsers, against the floor measured in the same run: ONE
 * server-sorted request per folder (SearchRequest `inid:N`, sortBy sizeDesc, limit 50), sent one after the other
 * from the page itself (the same browser, session and fetch as the view's; as bench/cleanup-run.ts measures
 * Roundcube's), before and after the view; the same requests from Node are printed beside it (the server alone).
 * Goal (issue 14): view ≤ 2× the page's floor. The view's
 * own figure also holds its attachment-list requests (the names and sizes of the N rows' attachments, which the
 * floor does not ask). Rows checked against the simulator's own mailbox (its truth).
 * The Roundcube side of the same goal is bench/cleanup-run.ts (part 2).
 *
 *   npm run build:test && npx tsx bench/largest-zimbra.ts [--browser chromium,firefox]
 */
import { launchWithBalise, type BrowserKind } from '../tests/e2e/harness/browsers';
import { startZimbraSim, type ZimbraSim } from '../tests/servers/zimbra-sim/index';
import { login as simLogin } from '../tests/servers/zimbra-sim/testkit';
import { loginZimbra, waitForShell } from '../tests/e2e/zimbra/helpers';
import { recordBenchmark } from './record';
import { openLargestView } from './largest-view';
import type { Page } from 'puppeteer-core';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : def;
};
const kinds = arg('browser', 'chromium,firefox').split(',') as BrowserKind[];
const N = 50;
const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** One sorted request per non-empty folder, one after the other from the page: the sum of their times. */
async function pageFloor(page: Page, csrf: string, folders: number[]): Promise<number> {
  return page.evaluate(
    async (csrf: string, folders: number[], n: number) => {
      let ms = 0;
      for (const id of folders) {
        const body = {
          Header: { context: { _jsns: 'urn:zimbra', csrfToken: csrf } },
          Body: { SearchRequest: { _jsns: 'urn:zimbraMail', query: `inid:${id}`, types: 'message', limit: n, offset: 0, sortBy: 'sizeDesc' } },
        };
        const t0 = performance.now();
        const r = await fetch('/service/soap/SearchRequest', { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json', 'X-Zimbra-Csrf-Token': csrf }, body: JSON.stringify(body) });
        const json = (await r.json()) as { Body?: { SearchResponse?: unknown } };
        ms += performance.now() - t0;
        if (r.status !== 200 || !json.Body?.SearchResponse) throw new Error(`floor: folder ${id} answered ${r.status}`);
      }
      return ms;
    },
    csrf,
    folders,
    N,
  );
}

/** The same requests from Node: what the server alone takes. */
async function nodeFloor(sim: ZimbraSim, folders: number[]): Promise<number> {
  const c = await simLogin(sim);
  let ms = 0;
  for (const id of folders) {
    const t0 = performance.now();
    const r = await c.soap('SearchRequest', { query: `inid:${id}`, types: 'message', limit: N, offset: 0, sortBy: 'sizeDesc' });
    ms += performance.now() - t0;
    if (r.status !== 200 || !r.json.Body.SearchResponse) throw new Error(`floor: folder ${id} answered ${r.status}`);
  }
  return ms;
}

const lines: string[] = [];
const sim = await startZimbraSim({ profile: 'bench', seed: 1, pollMs: 60_000 });
try {
  const all = [...sim.mailbox.messages.values()];
  const folders = [...new Set(all.map((m) => m.folderId))];
  // The truth: the simulator's own N largest (sizes are exact on Zimbra; ties by id, as the view orders them).
  const truth = all.sort((a, b) => b.size - a.size || a.id - b.id).slice(0, N);
  const want = new Set(truth.map((m) => `${m.folderId}/${m.id}`));
  for (const kind of kinds) {
    const s = await launchWithBalise(kind);
    try {
      const page = await s.newPage();
      await loginZimbra(s, page, sim);
      await waitForShell(page);
      const csrf = sim.csrfToken;
      if (!csrf) throw new Error('no CSRF token after the login');
      const before = await pageFloor(page, csrf, folders);
      const nodeBefore = await nodeFloor(sim, folders);
      const logFrom = sim.requestLog.length;
      const { view, fromClickMs: fromClick } = await openLargestView(s, page, 300_000);
      const requests = sim.requestLog.slice(logFrom).filter((e) => e.request !== 'asset' && e.request !== 'page');
      if (process.env.BENCH_DEBUG) for (const e of requests) console.log(`  +${e.at - requests[0]!.at} ms ${e.request} ids=${e.ids}`);
      await s.call(page, 'cleanup-close');
      const after = await pageFloor(page, csrf, folders);
      const nodeAfter = await nodeFloor(sim, folders);
      const fl = (before + after) / 2;
      const same = view.rows.filter((r) => want.has(`${r.folderId}/${r.id}`)).length;
      const named = view.rows.filter((r) => Array.isArray(r.attachments)).length;
      const ratio = view.ms / fl;
      const line =
        `${kind}: the whole mailbox's ${N} largest of ${all.length.toLocaleString('en')} messages (${folders.length} folders; the cleanup panel's view) — listing ${sec(view.ms)} ` +
        `(${view.calls} adapter calls: a sorted search per folder and the attachment lists of the rows; from the click ${sec(fromClick)} with the panel's opening reads; ` +
        `${requests.length} requests to the webmail in all), floor: one server-sorted SearchRequest per folder (sizeDesc, limit ${N}) from the page ${sec(fl)} ` +
        `(${sec(before)} before, ${sec(after)} after; from Node ${sec((nodeBefore + nodeAfter) / 2)}). View/floor ${ratio.toFixed(2)}× (goal ≤ 2×: ${ratio <= 2 ? 'met' : 'MISSED'}; ` +
        `${(view.ms / ((nodeBefore + nodeAfter) / 2)).toFixed(2)}× the Node figure); ` +
        `${same}/${N} identical to the simulator's own ${N} largest; attachment lists on ${named}/${view.rows.length} rows`;
      console.log(line);
      lines.push(line);
      s.assertNoForeignRequests();
    } finally {
      await s.close();
    }
  }
} finally {
  await sim.stop();
}
recordBenchmark("Cleanup: the whole mailbox's largest messages on the Zimbra simulator (bench/largest-zimbra.ts)", lines);
