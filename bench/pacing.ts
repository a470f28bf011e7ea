/**
 * Benchmark: what Balise's pacing policy (lib/webmail/kit/pacing-policy.ts, DEFAULT_PACING) costs, and whether the
 * default cleanup stays under the firewall stand-in's default rule (tests/servers/fault-proxy/firewall.ts,
 * DEFAULT_FIREWALL_RULE: 100 requests in any 10 s). Real Roundcube 1.6 + Dovecot 2.3, the realistic mailbox (2,222
 * messages), behind the fault proxy; the built test extension; a fresh browser profile per run (no verdict cached
 * from the run before).
 *
 * In the same run, per browser, each on a freshly seeded mailbox, the default cleanup as a person does it (the panel
 * opened from the quota meter with the default rules: its preview, then "apply"), three ways (test builds only:
 * 'pacing-override' replaces the figures of every pacer of the page):
 *   - shipped: the policy as shipped, the firewall stand-in ON with its default rule (a trip would stop the run: it
 *     is reported);
 *   - noWindow: the policy without its rate bound (4 at once only: the policy before the window);
 *   - none: no bound on requests at once, no interval, no window.
 * Per run: the requests the webmail received (all of them Balise's: Roundcube's page sends none while idle), the peak
 * within the rule's window, the preview's and the apply's times.
 *
 *   npm run build:test && npx tsx bench/pacing.ts [--browser chromium,firefox] [--target roundcube|mailiz] [--variants shipped,noWindow,none]
 */
import { launchWithBalise, type BrowserKind } from '../tests/e2e/harness/browsers';
import { DEFAULT_FIREWALL_RULE, peakInWindow, startFaultProxy, type FaultProxy } from '../tests/servers/fault-proxy/index';
import { mailizTarget, roundcubeTarget } from '../tests/e2e/cleanup/targets';
import { clickAction, openFromMeter, panelState } from '../tests/e2e/cleanup/panel-driver';
import { waitFor } from '../tests/e2e/mailiz/helpers';
import { DEFAULT_PACING, NO_WINDOW } from '../lib/webmail/kit/pacing-policy';
import { recordBenchmark } from './record';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : def;
};
const kinds = arg('browser', 'chromium,firefox').split(',') as BrowserKind[];
const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const rule = DEFAULT_FIREWALL_RULE;
const W = DEFAULT_PACING.window;
const VARIANTS = {
  shipped: {
    // Set explicitly: test builds shorten the window (request.ts, TEST_BUILD_WINDOW) unless told otherwise.
    override: { ...DEFAULT_PACING },
    firewall: true,
    label: `as shipped (${DEFAULT_PACING.concurrency} at once, at most ${W.requests} starts in any ${W.ms / 1000} s; firewall stand-in ON)`,
  },
  noWindow: { override: { window: NO_WINDOW }, firewall: false, label: `${DEFAULT_PACING.concurrency} at once, no rate bound (the policy until 2026-12-07)` },
  none: { override: { concurrency: 1000, minIntervalMs: 0, window: NO_WINDOW }, firewall: false, label: 'without pacing (no bound, no interval)' },
} as const;
type Variant = keyof typeof VARIANTS;

interface Run {
  requests: number;
  peak: number;
  previewMs: number;
  applyMs: number;
  moved: number;
  tripped: number;
  /** Requests per Roundcube action (`_action` of the URL), most first: where the requests go. */
  byAction: string;
}

let fp!: FaultProxy;
// --target mailiz: the Mailiz-like Roundcube (OpenID Connect login, no zipdownload plugin: one request per message it
// classifies), the stand-in at its public origin as Mailiz's firewall is (targets.ts, mailizTarget).
const targetName = arg('target', 'roundcube');
const target =
  targetName === 'mailiz'
    ? await mailizTarget({ behindProxy: true })
    : await roundcubeTarget({
        urlFor: async (u) => {
          fp = await startFaultProxy({ target: u });
          return fp.url;
        },
      });
if (targetName === 'mailiz') fp = (target as { proxy?: FaultProxy }).proxy!;
const variants = arg('variants', Object.keys(VARIANTS).join(',')).split(',') as Variant[];
const proxyHost = new URL(target.url).host;
const lines: string[] = [];

async function once(kind: BrowserKind, variant: Variant): Promise<Run> {
  const v = VARIANTS[variant];
  await target.reseed();
  fp.firewall(null);
  const s = await launchWithBalise(kind);
  try {
    const page = await s.newPage();
    await target.open(s, page);
    if (v.override) await s.call(page, 'pacing-override', v.override);
    // From here on, every request to the webmail is the cleanup's (and the quota meter's, which is Balise's too).
    fp.firewall(v.firewall ? rule : null);
    const from = s.guard.log.length;
    const t0 = Date.now();
    await openFromMeter(page);
    await waitFor(s, page, (x) => x.stage === 'preview' && !!x.groups, 'the preview', 600_000);
    const t1 = Date.now();
    await clickAction(page, 'apply');
    const done = await waitFor(s, page, (x) => x.stage === 'report' && !!x.report && x.report.state !== undefined, 'the report', 600_000);
    const t2 = Date.now();
    if (done.report!.state !== 'done' && !fp.firewallStats.trips) throw new Error(`${kind} ${variant}: the run ended ${done.report!.state} (${done.report!.stopReason ?? ''})`);
    const mine = s.guard.log.slice(from).filter((e) => e.target === proxyHost);
    const times = mine.map((e) => e.at);
    const count = new Map<string, number>();
    for (const e of mine) {
      const a = new URL(e.url).searchParams.get('_action') ?? '(page)';
      count.set(a, (count.get(a) ?? 0) + 1);
    }
    const byAction = [...count].sort((a, b) => b[1] - a[1]).map(([a, n]) => `${a} ${n}`).join(', ');
    // BENCH_DEBUG=1: every request of the run, in order (what to cut next).
    if (process.env.BENCH_DEBUG) for (const e of mine) console.log(`  @${e.at - t0} ${e.method} ${decodeURIComponent(new URL(e.url).search).slice(0, 160)}`);
    const tripped = fp.firewallStats.trips;
    fp.firewall(null);
    s.assertNoForeignRequests();
    return { requests: times.length, peak: peakInWindow(times, rule.windowMs), previewMs: t1 - t0, applyMs: t2 - t1, moved: done.report!.movedCount, tripped, byAction };
  } finally {
    await s.close();
  }
}

try {
  lines.push(
    `Firewall stand-in's default rule: ${rule.maxRequests} requests in any ${rule.windowMs / 1000} s, then ${rule.coolDownMs / 1000} s blocked (ours). ` +
      `Realistic mailbox, default rules, preview + apply through the panel, a fresh profile per run, the ${variants.length === 3 ? 'three' : variants.join(' and ')} in the same run.`,
  );
  if (targetName === 'mailiz') {
    lines.push(
      'The Mailiz-like Roundcube has no zipdownload plugin (Mailiz\'s plugins are not public): every message the preview must read to decide whether it is a clinical document is one viewsource request, so the preview goes at the window\'s pace once its first 80 requests are spent.',
    );
  } else lines.push(
    'Reading: the bench clicks "apply" the moment the preview is ready, so the apply starts with the window still full of the preview\'s last requests (a person who reads the preview for 10 s gets an apply as fast as unpaced: its ~30 requests fit the window). The peak is counted where the stand-in counts, at the proxy (arrival times): starts 80 in the page can arrive as 81-82 within 10 s there; the 20 left under the rule are for that and for the page\'s own requests. Whatever a job asks beyond its first 80 requests goes at 8 a second; since 2026-12-07 afternoon a preview on a Roundcube with zipdownload (this one) fetches the messages it classifies a selection at a time, so it stays within the window.',
  );
  for (const kind of kinds) {
    const runs = {} as Record<Variant, Run>;
    for (const variant of variants) runs[variant] = await once(kind, variant);
    const total = (r: Run) => r.previewMs + r.applyMs;
    const base = runs.none ? total(runs.none) : null;
    for (const variant of variants) {
      const r = runs[variant];
      const under = r.peak <= rule.maxRequests;
      lines.push(
        `${kind}, ${VARIANTS[variant].label}: ${r.requests} requests, peak ${r.peak} in ${rule.windowMs / 1000} s (${(r.peak / (rule.windowMs / 1000)).toFixed(1)}/s), ` +
          `preview ${sec(r.previewMs)}, apply ${sec(r.applyMs)} (${r.moved} moved)${base ? `, ${(total(r) / base).toFixed(2)}× the unpaced time` : ''}; ` +
          `${under ? 'under' : 'OVER'} the rule${VARIANTS[variant].firewall ? `, firewall trips: ${r.tripped}` : ''}.`,
      );
    }
    const described = runs.shipped ?? runs[variants[0]!];
    lines.push(`${kind}: where the requests go (Roundcube's _action, ${runs.shipped ? 'as shipped' : variants[0]}): ${described.byAction}.`);
    console.log(lines.slice(-(variants.length + 1)).join('\n'));
  }
} finally {
  await fp?.stop();
  await target.stop();
}
recordBenchmark(
  targetName === 'mailiz'
    ? 'Pacing on the Mailiz-like Roundcube (no zipdownload): the default cleanup against the firewall stand-in (bench/pacing.ts --target mailiz)'
    : 'Pacing: the default cleanup with and without the pacing policy, against the firewall stand-in (bench/pacing.ts)',
  lines,
);
