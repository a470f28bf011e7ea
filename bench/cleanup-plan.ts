/**
 * Benchmark: the cleanup preview (planning + classification of clinical documents) on the seeded mailbox.
 * - In real browsers, on real Roundcube + Dovecot and on the Zimbra simulator: the panel is opened, the preview
 *   prepared (searches, then every candidate that may carry a document downloaded and classified), then closed and
 *   opened again (verdicts from the background's cache). Times are the planner's own (snapshot stats) and the
 *   user's (click to preview).
 * - In Node: the classifier alone over every message of the mailbox (throughput of postal-mime + fflate + HPRIM).
 *
 *   npm run build:test && npx tsx bench/cleanup-plan.ts [--browser chromium,firefox] [--server roundcube,zimbra] [--profile realistic|bench]
 */
import { launchWithBalise, type BrowserKind, type Session } from '../tests/e2e/harness/browsers';
import { startRoundcube } from '../tests/servers/roundcube/index';
import { startZimbraSim } from '../tests/servers/zimbra-sim/index';
import { loginWithBalise } from '../tests/e2e/roundcube/helpers';
import { loginZimbra, waitForShell } from '../tests/e2e/zimbra/helpers';
import { generateMailbox } from '../tests/servers/seed/profile';
import { classifyRaw } from '../lib/features/cleanup/classify';
import { recordBenchmark } from './record';
import type { Page } from 'puppeteer-core';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : def;
};
const kinds = arg('browser', 'chromium,firefox').split(',') as BrowserKind[];
const servers = arg('server', 'roundcube,zimbra').split(',');
const profile = arg('profile', 'realistic') as 'realistic' | 'bench';
const MiB = 1024 * 1024;

interface Stats {
  searches: number;
  searchMs: number;
  totalMs: number;
  candidates: number;
  classify: { total: number; cached: number; downloaded: number; downloadedBytes: number; ms: number };
}

async function preview(s: Session, page: Page): Promise<{ ms: number; stats: Stats; groups: { kind: string; count: number }[] }> {
  const t0 = Date.now();
  await s.call(page, 'bus', 'open-cleanup', { source: 'test' });
  for (;;) {
    const st = await s.call<{ stage: string; stats: Stats; groups: { kind: string; count: number }[] } | null>(page, 'cleanup-state').catch(() => null);
    if (st?.stage === 'preview' && st.groups) {
      const ms = Date.now() - t0;
      await s.call(page, 'cleanup-close');
      return { ms, stats: st.stats, groups: st.groups };
    }
    if (st?.stage === 'failed') throw new Error('preview failed');
    await new Promise((r) => setTimeout(r, 100));
  }
}

const lines: string[] = [];
for (const server of servers) {
  for (const kind of kinds) {
    const rc = server === 'roundcube' ? await startRoundcube({ profile, seed: 1 }) : null;
    const sim = server === 'zimbra' ? await startZimbraSim({ profile, seed: 1, pollMs: 60_000 }) : null;
    const s = await launchWithBalise(kind);
    try {
      const page = await s.newPage();
      if (rc) await loginWithBalise(s, page, rc);
      else {
        await loginZimbra(s, page, sim!);
        await waitForShell(page);
      }
      const first = await preview(s, page);
      const second = await preview(s, page);
      const c = first.stats.classify;
      const groups = first.groups.map((g) => `${g.kind} ${g.count}`).join(', ');
      lines.push(
        `${server} ${profile}, ${kind}: first preview ${(first.ms / 1000).toFixed(1)} s (planner ${(first.stats.totalMs / 1000).toFixed(1)} s: ` +
          `${first.stats.searches} searches ${(first.stats.searchMs / 1000).toFixed(1)} s; ${first.stats.candidates} candidates, ` +
          `${c.downloaded} downloaded and classified, ${(c.downloadedBytes / MiB).toFixed(1)} MiB in ${(c.ms / 1000).toFixed(1)} s = ` +
          `${(c.downloadedBytes / MiB / Math.max(c.ms / 1000, 0.001)).toFixed(1)} MiB/s); second preview (cache) ${(second.ms / 1000).toFixed(1)} s ` +
          `(${second.stats.classify.cached} verdicts from the cache, ${second.stats.classify.downloaded} downloaded). Groups: ${groups}`,
      );
      console.log(lines[lines.length - 1]);
    } finally {
      await s.close();
      await rc?.stop();
      await sim?.stop();
    }
  }
}

// The classifier alone, in Node, on every message of the mailbox.
{
  const t0 = Date.now();
  let n = 0;
  let bytes = 0;
  let genMs = 0;
  let t = Date.now();
  for (const m of generateMailbox({ profile, seed: 1 })) {
    genMs += Date.now() - t;
    await classifyRaw(m.raw);
    n++;
    bytes += m.raw.length;
    t = Date.now();
  }
  const ms = Date.now() - t0 - genMs;
  lines.push(`classifier alone (Node ${process.version}): ${n} messages, ${(bytes / MiB).toFixed(1)} MiB in ${(ms / 1000).toFixed(1)} s = ${(bytes / MiB / (ms / 1000)).toFixed(1)} MiB/s, ${(ms / n).toFixed(2)} ms a message`);
  console.log(lines[lines.length - 1]);
}

recordBenchmark(`Cleanup preview, ${profile} mailbox (bench/cleanup-plan.ts)`, lines);
