/**
 * Keyboard only, in both browsers: Tab, Shift+Tab, Enter, Space and Escape, never a click. From the toolbar popup's
 * "enable on this webmail" (on the Zimbra simulator under http://localhost, where Balise does not run yet) and the
 * options page, to the webmail page: the quota meter and its panel opened and closed, the cleanup panel from its
 * preview through the move to the trash to the permanent deletion's confirmation step. At every stop: each action
 * of the view is reached by Tab, the focused element shows a focus indicator (a computed outline or box-shadow), and
 * the meters and progress bars have accessible names.
 *
 * The browser's permission prompt is not part of the walk (no automation reaches it): the test build holds
 * http://localhost, so permissions.request() answers at once (tests/e2e/onboarding/enable.e2e.ts says the same).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeyInput, Page } from 'puppeteer-core';
import { BROWSERS, launchWithBalise, type Session } from '../harness/browsers';
import { startStaticServer } from '../harness/static-server';
import { startZimbraSim, type ZimbraSim } from '../../servers/zimbra-sim/index';
import { loginUnregistered, openPopupFor } from '../onboarding/helpers';
import { panelState } from '../cleanup/panel-driver';

/** What has the focus, looking through shadow roots, and how it shows it. */
interface Focused {
  /** data-action, else tag#id/name: what the walk reports. */
  key: string;
  /** Which element exactly (a number the walk writes on it once: several controls share a key). */
  id: string;
  action: string | null;
  /** The Balise host element it lives in (data-balise), or null in the page itself. */
  host: string | null;
  indicator: boolean;
  style: string;
}

async function focused(page: Page): Promise<Focused | null> {
  return page.evaluate(() => {
    let el = document.activeElement as HTMLElement | null;
    let host: string | null = null;
    while (el?.shadowRoot?.activeElement) {
      host = el.getAttribute('data-balise') ?? host;
      el = el.shadowRoot.activeElement as HTMLElement;
    }
    if (!el || el === document.body || el === document.documentElement) return null;
    const st = getComputedStyle(el);
    let outline = st.outlineStyle !== 'none' && parseFloat(st.outlineWidth) > 0;
    let shadow = st.boxShadow !== 'none' && st.boxShadow !== '';
    // Headless Firefox driven over WebDriver BiDi never gives the window the focus: :focus and :focus-visible then
    // match nothing though the element is the active one. Read the style sheets instead: a :focus-visible (or
    // :focus) rule whose selector, without it, matches the element and draws an outline or a box-shadow.
    const byRules = !document.hasFocus();
    if (byRules) {
      const sheets: CSSStyleSheet[] = [];
      for (let n: Node | null = el; n; n = (n.getRootNode() as ShadowRoot).host ?? null) {
        const r = n.getRootNode() as Document | ShadowRoot;
        sheets.push(...Array.from(r.styleSheets), ...(r.adoptedStyleSheets ?? []));
        if (r === document) break;
      }
      const rules = (list: CSSRuleList): CSSStyleRule[] =>
        Array.from(list).flatMap((r) => (r instanceof CSSStyleRule ? [r] : 'cssRules' in r ? rules((r as CSSGroupingRule).cssRules) : []));
      for (const rule of sheets.flatMap((sh) => rules(sh.cssRules))) {
        for (const sel of rule.selectorText.split(',')) {
          if (!/:focus(-visible)?\b/.test(sel)) continue;
          const bare = sel.replace(/:focus(-visible)?\b/g, '').trim() || '*';
          let hit = false;
          try {
            hit = el.matches(bare.replace(/^:host\b/, '*'));
          } catch {
            hit = false;
          }
          if (!hit) continue;
          const o = rule.style.outlineStyle || rule.style.outline;
          if (o && !/none/.test(o)) outline = true;
          const b = rule.style.boxShadow;
          if (b && b !== 'none') shadow = true;
        }
      }
    }
    const action = el.getAttribute('data-action');
    const key = action ?? `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.getAttribute('name') ? `[${el.getAttribute('name')}]` : ''}${el.getAttribute('data-setting') ? `[${el.getAttribute('data-setting')}]` : ''}`;
    if (!el.dataset.kbWalk) el.dataset.kbWalk = String(((globalThis as { __kbWalk?: number }).__kbWalk = ((globalThis as { __kbWalk?: number }).__kbWalk ?? 0) + 1));
    return { key, id: el.dataset.kbWalk, action, host, indicator: outline || shadow, style: `outline ${st.outlineStyle} ${st.outlineWidth}; box-shadow ${st.boxShadow}; :focus ${el.matches(':focus')}, :focus-visible ${el.matches(':focus-visible')}, ${byRules ? 'read from the style sheets' : 'computed'}` };
  });
}

/** The enabled, rendered controls carrying a data-action in `root` (a document, or a Balise host's shadow root). */
async function actionsIn(page: Page, host: string | null): Promise<string[]> {
  return page.evaluate((h: string | null) => {
    const root: ParentNode | null | undefined = h ? document.querySelector(`[data-balise="${h}"]`)?.shadowRoot : document;
    return [...(root?.querySelectorAll<HTMLElement>('[data-action]') ?? [])]
      // Inside a closed <details> (its summary apart) a control is not shown, though Chromium still gives it boxes.
      .filter((e) => !e.hasAttribute('disabled') && e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden')
      .filter((e) => {
        const d = e.closest('details');
        return !d || d.open || !!e.closest('summary');
      })
      .map((e) => e.getAttribute('data-action')!);
  }, host);
}

/** Every meter and progress bar Balise shows (in its pages or in a host's shadow root) and its accessible name. */
async function barNames(page: Page, host: string | null): Promise<{ role: string; name: string }[]> {
  return page.evaluate((h: string | null) => {
    const root: ParentNode | null | undefined = h ? document.querySelector(`[data-balise="${h}"]`)?.shadowRoot : document;
    return [...(root?.querySelectorAll<HTMLElement>('[role="meter"], [role="progressbar"], progress, meter') ?? [])].map((e) => {
      const by = e.getAttribute('aria-labelledby');
      const rn = e.getRootNode() as Document | ShadowRoot;
      const name = e.getAttribute('aria-label') ?? (by ? by.split(/\s+/).map((id) => rn.getElementById?.(id)?.textContent ?? '').join(' ') : '');
      return { role: e.getAttribute('role') ?? e.tagName.toLowerCase(), name: name.trim() };
    });
  }, host);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const kind of BROWSERS) {
  describe(`keyboard only in ${kind}`, () => {
    let s: Session;
    let sim: ZimbraSim;
    let stat: Awaited<ReturnType<typeof startStaticServer>>;
    let from: Page;
    let webmail: Page;
    let base = '';
    const log: string[] = [];

    const press = async (page: Page, key: KeyInput, shift = false) => {
      if (shift) await page.keyboard.down('Shift');
      await page.keyboard.press(key);
      if (shift) await page.keyboard.up('Shift');
      await sleep(30);
    };

    /** Tab (or Shift+Tab) until `until` says stop; every stop must show its focus. Returns the stops in order. */
    const walk = async (page: Page, name: string, until: (f: Focused | null, seen: Focused[]) => boolean, opts: { back?: boolean; max?: number } = {}) => {
      const seen: Focused[] = [];
      for (let i = 0; i < (opts.max ?? 120); i++) {
        await press(page, 'Tab', opts.back);
        const f = await focused(page);
        if (f) {
          // Balise's own controls (its pages, its hosts on the webmail); the webmail's own are not Balise's to fix.
          if (f.host || !/^https?:/.test(page.url())) expect(f.indicator, `${name}: no visible focus on ${f.key} (${f.style})`).toBe(true);
          seen.push(f);
        }
        if (until(f, seen)) return seen;
      }
      throw new Error(`${name}: stopped after ${opts.max ?? 120} Tabs; reached ${seen.map((x) => x.key).join(' → ')}`);
    };

    /** Tab around a view (a trapped dialog, or a page until focus comes back): every action there is reached. */
    const walkAll = async (page: Page, name: string, host: string | null) => {
      const want = new Set(await actionsIn(page, host));
      const seen = await walk(page, name, (f, all) => !!f && all.length > 1 && f.id === all[0]!.id && (!host || f.host === host), { max: 200 });
      const reached = new Set(seen.filter((f) => !host || f.host === host).map((f) => f.action).filter(Boolean));
      const missed = [...want].filter((a) => !reached.has(a));
      log.push(`${name}: ${seen.length - 1} stops, actions ${[...reached].join(', ')}`);
      expect(missed, `${name}: not reached by Tab`).toEqual([]);
      return seen;
    };

    /** Tab (Shift+Tab when `back`) to the control `action` (or, without one, of that key) inside `host` (or the page). */
    const tabTo = async (page: Page, name: string, action: string, host: string | null, back = false) =>
      walk(page, name, (f) => !!f && (f.action ?? f.key) === action && f.host === host, { back, max: 250 });

    const waitStage = async (stage: string, timeoutMs = 120_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const st = await panelState(s, webmail);
        if (st?.stage === stage && (stage !== 'preview' || st.groups)) return;
        if (st?.stage === 'failed') throw new Error('cleanup panel failed');
        if (Date.now() > deadline) throw new Error(`stage ${st?.stage}, waited for ${stage}`);
        await sleep(100);
      }
    };

    beforeAll(async () => {
      [sim, stat] = await Promise.all([startZimbraSim({ profile: 'realistic', seed: 5 }), startStaticServer()]);
      s = await launchWithBalise(kind);
      from = await s.newPage();
      await s.gotoWithBalise(from, `${stat.url}plain.html`);
      webmail = await s.newPage();
      await webmail.setViewport({ width: 1280, height: 800 });
      base = await loginUnregistered(webmail, sim);
    });
    afterAll(async () => {
      console.log(`[keyboard ${kind}]\n${log.join('\n')}`);
      await s?.close();
      await sim?.stop();
      await stat?.close();
    });

    it('the toolbar popup: every action reached, and Enter enables Balise on the webmail', async () => {
      const popup = await openPopupFor(s, from, base);
      await popup.waitForSelector('[data-action="enable-origin"]');
      await walkAll(popup, 'popup', null);
      await walk(popup, 'popup backwards', (f, all) => all.length > 2 && f?.id === all[0]!.id, { back: true, max: 60 });
      await tabTo(popup, 'popup', 'enable-origin', null);
      if (kind === 'chromium') await press(popup, 'Enter');
      else {
        // Firefox delivers the keys to Balise's pages over WebDriver BiDi (keydown, keypress, keyup reach the focused
        // button, trusted) but performs no activation there (no click from Enter or Space on a moz-extension:// page;
        // it does on web pages: the panels below). The button is reached and shows its focus; it is pressed here by
        // the mouse, the one step of this walk that is not the keyboard's, in Firefox only.
        log.push('popup (firefox): enable-origin pressed with the mouse: BiDi keys activate nothing on extension pages');
        await popup.click('[data-action="enable-origin"]');
      }
      await popup.waitForFunction(() => !!document.querySelector('[data-section="enable-here"] [data-enabled]'), { polling: 100, timeout: 20_000 });
      expect((await barNames(popup, null)).filter((b) => !b.name)).toEqual([]);
      await popup.close();
      await webmail.bringToFront();
      await webmail.waitForFunction(() => !!document.querySelector('[data-balise="quota"]')?.getAttribute('data-used-bytes'), { polling: 200, timeout: 20_000 });
    });

    it('the options page: every action reached forwards, and backwards too', async () => {
      const options = await s.openExtensionPage('/options.html', from);
      await options.waitForSelector('[data-section="webmails"] [data-list="origins"]', { timeout: 15_000 });
      await sleep(500); // the other sections load their data too
      await options.bringToFront();
      const forwards = await walkAll(options, 'options', null);
      const backwards = await walk(options, 'options backwards', (f, all) => all.length > 1 && f?.id === all[0]!.id, { back: true, max: 250 });
      // The same controls, whichever the direction (Firefox stops once more or less on a scrolled region's edge).
      const ids = (l: Focused[]) => [...new Set(l.filter((f) => f.action).map((f) => f.id))].sort();
      expect(ids(backwards)).toEqual(ids(forwards));
      expect((await barNames(options, null)).filter((b) => !b.name)).toEqual([]);
      await options.close();
    });

    it('the quota meter and its panel: Enter opens, every action reached, Escape closes and gives the focus back', async () => {
      await webmail.bringToFront();
      const meterNames = await barNames(webmail, 'quota');
      expect(meterNames.length).toBeGreaterThan(0);
      expect(meterNames.filter((b) => !b.name)).toEqual([]);
      expect(await webmail.$eval('[data-balise="quota"]', (h) => h.shadowRoot!.querySelector('[data-action="open-quota"]')!.getAttribute('aria-label'))).toMatch(/\d/);
      await tabTo(webmail, 'webmail page', 'open-quota', 'quota');
      await press(webmail, 'Enter');
      await webmail.waitForFunction(() => !!document.querySelector('[data-balise="quota-panel"]')?.shadowRoot?.querySelector('[data-list="folders"] li'), { polling: 100, timeout: 30_000 });
      expect((await focused(webmail))?.host).toBe('quota-panel');
      await walkAll(webmail, 'quota panel', 'quota-panel');
      expect((await barNames(webmail, 'quota-panel')).filter((b) => !b.name)).toEqual([]);
      await press(webmail, 'Escape');
      await webmail.waitForFunction(() => !document.querySelector('[data-balise="quota-panel"]'), { polling: 100, timeout: 5000 });
      expect(await focused(webmail)).toMatchObject({ action: 'open-quota', host: 'quota' });
    });

    it('the cleanup panel: preview, move to the trash, report, then the permanent deletion’s confirmation step', async () => {
      const t0 = Date.now();
      await webmail.bringToFront();
      // Space on the meter (Enter was used above), then the quota panel's "make room".
      await press(webmail, ' ');
      await webmail.waitForFunction(() => !!document.querySelector('[data-balise="quota-panel"]')?.shadowRoot?.querySelector('[data-action="open-cleanup"]'), { polling: 100, timeout: 30_000 });
      await tabTo(webmail, 'quota panel', 'open-cleanup', 'quota-panel');
      await press(webmail, 'Enter');
      await waitStage('preview');
      await sleep(300);
      expect((await focused(webmail))?.host).toBe('cleanup');
      await walkAll(webmail, 'cleanup preview', 'cleanup');
      // "What to clean?" opens with Enter on its summary: its rules are reached then.
      await tabTo(webmail, 'cleanup preview', 'summary', 'cleanup');
      await press(webmail, 'Enter');
      expect(await webmail.$eval('[data-balise="cleanup"]', (h) => !!h.shadowRoot!.querySelector('details[open]'))).toBe(true);
      await walkAll(webmail, 'cleanup preview, rules open', 'cleanup');

      // Slow the moves down so that the running stage, with its progress bar, can be looked at.
      sim.faults.latency(1500, 'MsgActionRequest');
      await tabTo(webmail, 'cleanup preview', 'apply', 'cleanup');
      await press(webmail, 'Enter');
      await waitStage('running', 30_000);
      const bars = await barNames(webmail, 'cleanup');
      log.push(`cleanup running: ${bars.map((b) => `${b.role} "${b.name}"`).join('; ')}`);
      expect(bars.some((b) => b.role === 'progress')).toBe(true);
      expect(bars.filter((b) => !b.name)).toEqual([]);
      sim.faults.reset();

      await waitStage('report');
      await sleep(300);
      await walkAll(webmail, 'cleanup report', 'cleanup');
      await tabTo(webmail, 'cleanup report', 'delete-forever', 'cleanup');
      await press(webmail, ' ');
      await webmail.waitForFunction(() => !!document.querySelector('[data-balise="cleanup"]')?.shadowRoot?.querySelector('.c-confirm-delete'), { polling: 100, timeout: 60_000 });
      await sleep(300);
      const confirm = await walkAll(webmail, 'cleanup delete confirmation', 'cleanup');
      expect(confirm.some((f) => f.action === 'confirm-delete' || f.action === 'export-then-delete' || /delete/.test(f.action ?? ''))).toBe(true);
      await press(webmail, 'Escape');
      await webmail.waitForFunction(() => !document.querySelector('[data-balise="cleanup"]')?.shadowRoot?.querySelector('[role="dialog"]'), { polling: 100, timeout: 5000 });
      log.push(`cleanup walk: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      s.assertNoForeignRequests();
    });
  });
}
