/**
 * Driving the cleanup panel as a user does, shared by panel.e2e.ts and rules.e2e.ts: its state through the test
 * bridge, elements inside its shadow root (polled), buttons by data-action, number fields typed, and the panel
 * opened from the quota meter in the page.
 */
import type { ElementHandle, Page } from 'puppeteer-core';
import type { Session } from '../harness/browsers';
import { waitPierced } from '../harness/shadow';
import type { Report } from '../../../lib/features/cleanup/types';

export const HOST = '[data-balise="cleanup"]';

export interface PanelState {
  stage: string;
  createdAt: number | null;
  groups: { kind: string; count: number; bytes: number; bytesPrecision: number; ids: { folderId: string; id: string }[] }[] | null;
  stats: { searches: number; totalMs: number; candidates: number; classify: { downloaded: number; cached: number; downloadedBytes: number }; failures?: Record<string, number> } | null;
  report: Report | null;
}

export async function panelState(s: Session, page: Page): Promise<PanelState | null> {
  return s.call<PanelState | null>(page, 'cleanup-state').catch(() => null);
}

/**
 * An element inside the panel's shadow root, polled: puppeteer's `>>>` waits re-check on document mutations only, so
 * an element (or attribute) that appears inside the shadow root while the page around it stays still is seen late or
 * never (harness/shadow.ts; the save confirmation timed out that way in Firefox).
 */
export async function waitDeep(page: Page, selector: string, timeoutMs = 60_000): Promise<ElementHandle<Element>> {
  return waitPierced(page, `${HOST} >>> ${selector}`, timeoutMs).catch(() => {
    throw new Error(`no ${selector} in the panel after ${timeoutMs} ms`);
  });
}

/** Click the panel's enabled button for `action` (data-action). */
export async function clickAction(page: Page, action: string): Promise<void> {
  const el = await waitDeep(page, `[data-action="${action}"]:not([disabled])`, 30_000);
  await el.click();
}

/** Replace a number field's value as a user would (select all, type, leave the field). */
export async function typeNumber(page: Page, action: string, value: string): Promise<void> {
  const el = await waitDeep(page, `[data-action="${action}"]`, 30_000);
  await el.click();
  await page.keyboard.press('End');
  for (let i = 0; i < 8; i++) await page.keyboard.press('Backspace');
  await el.type(value);
  await page.keyboard.press('Tab');
}

/** Open the panel as a user does: the quota meter in the page, then "make room" in its panel. */
export async function openFromMeter(page: Page): Promise<void> {
  const meter = await waitPierced(page, '[data-balise="quota"] >>> [data-action="open-quota"]', 30_000);
  await meter.evaluate((b) => (b as HTMLElement).click());
  const open = await waitPierced(page, '[data-balise="quota-panel"] >>> [data-action="open-cleanup"]', 15_000);
  await open.evaluate((b) => (b as HTMLElement).click());
  await waitDeep(page, '[role="dialog"]', 30_000);
}
