/**
 * TEST BUILDS ONLY: drives the cleanup runner from e2e tests through the test bridge (./bridge.ts), with the
 * page's real adapter, so that runs, faults, tab closes and resumes can be exercised without the panel.
 * Imported dynamically by ./content.ts (test builds only): store builds do not contain it.
 *
 *   s.call(page, 'cleanup-run', 'start', { action: 'trash', items, maxBatch: 5 })   → { handle }
 *   s.call(page, 'cleanup-run', 'poll', handle)     → { progress, report?, error? }
 *   s.call(page, 'cleanup-run', 'wait', handle)     → Report (throws the CleanupError's code)
 *   s.call(page, 'cleanup-run', 'cancel', handle)
 *   'resumable' | 'status' | 'undoable' | 'last'  → summaries;  'resume' { jobId, maxBatch? } | 'undo' { maxBatch? } → { handle }
 *   'abandon' jobId → Report;  'trashed' jobId → JobItem[]
 */
import type { Bus } from '../features/bus';
import type { Webmail } from '../webmail/types';
import type { JobItem, Progress, Report } from '../features/cleanup/types';
import {
  abandonJob,
  cleanupStatus,
  findLastJob,
  findResumableJob,
  findUndoableJob,
  resumeJob,
  startJob,
  trashedItems,
  undoLastJob,
  type RunOptions,
} from '../features/cleanup/run';

interface Running {
  ac: AbortController;
  progress: Progress | null;
  report?: Report;
  error?: { code: string; message: string };
  done: Promise<void>;
  /**
   * Page-side times (Date.now()): launched, every item had an outcome (progress), the job's promise settled. Benches
   * use these rather than when their polling learnt it (a 10,000-line report through WebDriver BiDi takes seconds).
   */
  timing: { startedAt: number; allDoneAt: number | null; settledAt: number | null };
}

const running = new Map<string, Running>();
let next = 0;

/** The same adapter with a smaller batch size (so that a few messages make several batches). */
function withBatch(webmail: Webmail, maxBatch: number | undefined): Webmail {
  if (!maxBatch) return webmail;
  return new Proxy(webmail, {
    get(target, prop) {
      if (prop === 'capabilities') return { ...target.capabilities, maxBatch };
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

function launch(fn: (opts: RunOptions) => Promise<Report>, bus: Bus, retryDelayMs?: number): { handle: string } {
  const handle = `h${++next}`;
  const ac = new AbortController();
  const r: Running = { ac, progress: null, done: Promise.resolve(), timing: { startedAt: Date.now(), allDoneAt: null, settledAt: null } };
  // Tests may shorten the pause between retries (1 s, then 3 s in the extension); nothing else changes.
  const deps = retryDelayMs !== undefined ? { deps: { retryDelayMs } } : {};
  const onProgress = (p: Progress) => {
    r.progress = p;
    if (r.timing.allDoneAt === null && p.totalCount > 0 && p.doneCount + p.failedCount >= p.totalCount) r.timing.allDoneAt = Date.now();
  };
  r.done = fn({ signal: ac.signal, bus, onProgress, ...deps })
    .then(
      (rep) => void (r.report = rep),
      (e: unknown) => void (r.error = { code: String((e as { code?: unknown })?.code ?? 'error'), message: e instanceof Error ? e.message : String(e) }),
    )
    .finally(() => (r.timing.settledAt = Date.now()));
  running.set(handle, r);
  return { handle };
}

function get(handle: unknown): Running {
  const r = running.get(String(handle));
  if (!r) throw new Error(`no run ${String(handle)}`);
  return r;
}

export async function cleanupRunCommand(ctx: { webmail: Webmail | null; bus: Bus; origin: string }, op: unknown, arg?: unknown, arg2?: unknown): Promise<unknown> {
  const webmail = ctx.webmail;
  if (!webmail) throw new Error('no webmail detected');
  const a = (arg ?? {}) as { action?: 'trash' | 'delete'; items?: JobItem[]; maxBatch?: number; jobId?: string; retryDelayMs?: number };
  const bal = async () => (await webmail.account()).address;
  switch (op) {
    case 'start': {
      const address = await bal();
      const w = withBatch(webmail, a.maxBatch);
      return launch((opts) => startJob(w, { bal: address, origin: ctx.origin, action: a.action ?? 'trash', items: a.items ?? [] }, opts), ctx.bus, a.retryDelayMs);
    }
    case 'resume': {
      const w = withBatch(webmail, a.maxBatch);
      return launch((opts) => resumeJob(w, String(a.jobId), opts), ctx.bus, a.retryDelayMs);
    }
    case 'undo': {
      const address = await bal();
      const w = withBatch(webmail, a.maxBatch);
      return launch((opts) => undoLastJob(w, address, opts), ctx.bus, a.retryDelayMs);
    }
    case 'poll': {
      const r = get(arg);
      // The report only once settled, and only when asked: it can be 10,000 lines.
      const full = (arg2 as { report?: boolean } | undefined)?.report !== false;
      return { progress: r.progress, report: full ? (r.report ?? null) : null, error: r.error ?? null, timing: r.timing, settled: r.timing.settledAt !== null };
    }
    case 'wait': {
      const r = get(arg);
      await r.done;
      if (r.error) throw Object.assign(new Error(r.error.message), { code: r.error.code });
      return r.report;
    }
    case 'cancel':
      get(arg).ac.abort();
      return true;
    case 'abandon':
      return abandonJob(webmail, String(arg));
    case 'resumable':
      return findResumableJob(await bal());
    case 'undoable':
      return findUndoableJob(await bal());
    case 'last':
      return findLastJob(await bal());
    case 'status':
      return cleanupStatus(await bal());
    case 'trashed':
      return trashedItems(String(arg));
    default:
      throw new Error(`unknown cleanup-run op ${String(op)}`);
  }
}
