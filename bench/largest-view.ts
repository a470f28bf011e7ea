/** The cleanup panel's largest-messages view, opened through the bus as the quota panel does and waited for (benches). */
import type { Page } from 'puppeteer-core';
import type { Session } from '../tests/e2e/harness/browsers';

export interface LargestView {
  status: string;
  /** The view's own listing time (the feature's clock). */
  ms: number;
  calls: number;
  error: string | null;
  rows: { folderId: string; id: string; size: number; attachments?: unknown[] | null }[];
}

/** Opens the view and polls the panel until it is ready; throws if it fails or takes longer than `limitMs`. */
export async function openLargestView(s: Session, page: Page, limitMs: number): Promise<{ view: LargestView; fromClickMs: number }> {
  const t = performance.now();
  await s.call(page, 'bus', 'open-cleanup', { source: 'test', view: 'largest-mailbox' });
  for (;;) {
    const st = await s.call<{ largest: LargestView | null } | null>(page, 'cleanup-state');
    if (st?.largest?.status === 'failed') throw new Error(`the view failed: ${st.largest.error}`);
    if (st?.largest?.status === 'ready') return { view: st.largest, fromClickMs: performance.now() - t };
    if (performance.now() - t > limitMs) throw new Error(`the view took more than ${Math.round(limitMs / 1000)} s`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
