/**
 * Accessibility audit with axe-core (the npm package) inside a page the harness drives: its source is evaluated
 * in the page (through the driver, so extension pages' CSP does not apply), then axe.run() on the page or on one
 * Balise host element (axe walks open shadow roots). Rules: WCAG 2.0 / 2.1 A and AA, plus axe's best practices.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'puppeteer-core';

const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: 'minor' | 'moderate' | 'serious' | 'critical' | null;
  help: string;
  nodes: { target: unknown[]; summary: string }[];
}

/**
 * Run axe on `page`, limited to `root` (a selector: a Balise host element such as '[data-balise="cleanup"]', or
 * any element) when given. Returns every violation.
 */
export async function axe(page: Page, root?: string): Promise<AxeViolation[]> {
  const present = await page.evaluate(() => typeof (globalThis as { axe?: unknown }).axe === 'object');
  if (!present) await page.evaluate(`${AXE_SOURCE}\n;void 0;`);
  return page.evaluate(async (rootSelector: string | null) => {
    const a = (globalThis as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: AxeViolation[] }> } }).axe;
    const context = rootSelector ? { include: [rootSelector] } : document;
    const res = await a.run(context, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return res.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: (n as unknown as { target: unknown[] }).target, summary: String((n as unknown as { failureSummary?: string }).failureSummary ?? '').slice(0, 300) })),
    }));
  }, root ?? null);
}

/** The violations of impact serious or critical (the ones the audit fails on). */
export function blocking(v: AxeViolation[]): AxeViolation[] {
  return v.filter((x) => x.impact === 'serious' || x.impact === 'critical');
}

/** One line per violation, for the test's log. */
export function describeViolations(v: AxeViolation[]): string {
  return v.length ? v.map((x) => `${x.impact ?? '?'} ${x.id} (${x.nodes.length}): ${x.help} ${JSON.stringify(x.nodes[0]?.target ?? '')}`).join('\n') : 'none';
}
