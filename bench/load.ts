/**
 * Benchmark: how much Balise delays the webmail's load event.
 * Real Roundcube (seeded realistic mailbox) reloaded N times in two browsers opened side by side — one without
 * Balise, one with the built extension — loads interleaved, median of loadEventEnd. Same flags and network
 * guard in both. Target: ratio ≤ 1.03.
 *
 *   npm run build:test && npx tsx bench/load.ts [--runs 15] [--browser chromium|firefox]
 */
import { launchWithBalise, type BrowserKind } from '../tests/e2e/harness/browsers';
import { login, startRoundcube } from '../tests/servers/roundcube';
import os from 'node:os';
import { recordBenchmark } from './record';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : def;
};
const runs = Number(arg('runs', '15'));
const kinds = arg('browser', 'chromium,firefox').split(',') as BrowserKind[];

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const env = await startRoundcube({ profile: 'realistic' });
const lines: string[] = [];
try {
  for (const kind of kinds) {
    const plain = await launchWithBalise(kind, { extension: false });
    const balise = await launchWithBalise(kind);
    try {
      const pPlain = await plain.newPage();
      const pBalise = await balise.newPage();
      await login(pPlain, env);
      await login(pBalise, env);
      await balise.gotoWithBalise(pBalise, pBalise.url());
      const inbox = `${env.url}?_task=mail&_mbox=INBOX`;
      const loadTime = async (p: typeof pPlain) => {
        await p.goto(inbox, { waitUntil: 'load' });
        return p.evaluate(() => {
          const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
          return nav.loadEventEnd - nav.startTime;
        });
      };
      // Warm both (caches, PHP opcache), then interleave.
      for (let i = 0; i < 3; i++) {
        await loadTime(pPlain);
        await loadTime(pBalise);
      }
      const a: number[] = [];
      const b: number[] = [];
      for (let i = 0; i < runs; i++) {
        if (i % 2) {
          a.push(await loadTime(pPlain));
          b.push(await loadTime(pBalise));
        } else {
          b.push(await loadTime(pBalise));
          a.push(await loadTime(pPlain));
        }
      }
      const ratio = median(b) / median(a);
      // The machine's load average says whether the figures are comparable with another run's (other work on the
      // same cores slows both browsers, and makes the ratio noisier).
      const busy = os.loadavg()[0]!.toFixed(1);
      const line = `${kind}: load event median without Balise ${median(a).toFixed(1)} ms, with ${median(b).toFixed(1)} ms, ratio ${ratio.toFixed(3)} (${runs} interleaved loads; target ≤ 1.03; load average ${busy} on ${os.cpus().length} cores)`;
      console.log(line);
      lines.push(line);
      plain.assertNoForeignRequests();
      balise.assertNoForeignRequests();
    } finally {
      await plain.close();
      await balise.close();
    }
  }
} finally {
  await env.stop();
}
recordBenchmark('Load-event delay (bench/load.ts)', lines);
