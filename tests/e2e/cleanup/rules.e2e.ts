/**
 * Two cleanup rules end to end, in both real browsers, on real Roundcube 1.6 + Dovecot 2.3 (realistic mailbox):
 * - "everything in one chosen folder" takes the WHOLE folder, not only the list page Roundcube shows (50
 *   messages): the 'folder' group is exactly the folder's non-protected messages as doveadm lists them, and with
 *   the protected ones it covers every message of the folder;
 * - "larger than X MB, older than M months" is exactly doveadm's `search LARGER … BEFORE …` in the rule's folders,
 *   minus the protected messages and minus those of the chosen folder (one group per message: the folder rule
 *   comes first, plan.ts);
 * - applying moves exactly those two groups to the trash (doveadm, by Message-ID): the chosen folder keeps exactly
 *   its protected messages, and nothing else moves.
 * The user changes the rules in the panel (trash, junk and old rules off, the folder chosen, the size threshold
 * typed in) and asks for a new preview, as a user would. Figures are printed for the report.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { BROWSERS, launchWithBalise, type Session } from '../harness/browsers';
import { listAllMessages, listMessages, readManifest, search as doveSearch, type MessageTruth } from '../../servers/roundcube/truth';
import { MB } from '../../../lib/features/cleanup/plan';
import { daysAgo, monthsAgo } from '../../../lib/features/cleanup/rules';
import type { Folder } from '../../../lib/webmail/types';
import { HOST, clickAction, openFromMeter, panelState, typeNumber, waitDeep, type PanelState } from './panel-driver';
import { checkRun, indexByRef, roundcubeTarget, type Target } from './targets';
import type { RoundcubeEnv } from '../../servers/roundcube/index';

/**
 * The user folder emptied whole (260 messages in the realistic mailbox, Roundcube lists 50 a page), and the size
 * threshold (MB) of the large rule: 0.1, because every seeded message over 0.3 MB carries a clinical document
 * (protected), so a 1 MB rule would plan nothing; over 0.1 MB, a few ordinary messages are planned.
 */
const CHOSEN = 'Patients';
const LARGE_MB = 0.1;

const key = (folderId: string, id: string | number) => `${folderId}/${id}`;
const sorted = (xs: Iterable<string>) => [...xs].sort();

/** The preview stage, with a plan newer than `after` (a refresh replaces the plan). */
async function waitPreview(s: Session, page: Page, after = 0, timeoutMs = 120_000): Promise<PanelState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const st = await panelState(s, page);
    if (st?.stage === 'preview' && st.groups && (st.createdAt ?? 0) > after) return st;
    if (st?.stage === 'failed' || st?.stage === 'locked') throw new Error(`panel stage ${st.stage}`);
    if (Date.now() > deadline) throw new Error(`stage ${st?.stage}, waited for a preview`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** What the panel's DOM shows for each group, and the rows of one expanded group. */
async function domGroups(page: Page): Promise<Record<string, { count: number; bytes: number; precision: number }>> {
  return page.evaluate((h: string) => {
    const root = document.querySelector(h)!.shadowRoot!;
    const out: Record<string, { count: number; bytes: number; precision: number }> = {};
    for (const el of Array.from(root.querySelectorAll('[data-group]'))) {
      out[el.getAttribute('data-group')!] = { count: Number(el.getAttribute('data-count')), bytes: Number(el.getAttribute('data-bytes')), precision: Number(el.getAttribute('data-bytes-precision')) };
    }
    return out;
  }, HOST);
}

async function domIds(page: Page, kind: string): Promise<string[]> {
  return page.evaluate(
    async (h: string, kind: string) => {
      const group = document.querySelector(h)!.shadowRoot!.querySelector(`[data-group="${kind}"]`)!;
      const btn = group.querySelector<HTMLButtonElement>('[data-action="expand"]');
      if (!btn) return [];
      if (btn.getAttribute('aria-expanded') !== 'true') btn.click();
      for (let i = 0; i < 100 && !group.querySelector('tr[data-id]'); i++) await new Promise((r) => setTimeout(r, 50));
      return Array.from(group.querySelectorAll('tr[data-id]')).map((r) => `${r.getAttribute('data-folder')}/${r.getAttribute('data-id')}`);
    },
    HOST,
    kind,
  );
}

const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

describe('cleanup rules "whole folder" and "large" on Roundcube', () => {
  let target: Target & { env: RoundcubeEnv };
  let dirty = false;
  beforeAll(async () => {
    target = await roundcubeTarget();
  }, 180_000);
  afterAll(async () => {
    await target?.stop();
  });

  for (const kind of BROWSERS) {
    describe(`in ${kind}`, () => {
      let s: Session;
      let page: Page;
      beforeAll(async () => {
        if (dirty) await target.reseed();
        s = await launchWithBalise(kind);
        page = await s.newPage();
        await target.open(s, page);
      }, 180_000);
      afterAll(async () => {
        s?.assertNoForeignRequests();
        await s?.close();
      });

      it('previews the WHOLE chosen folder and exactly the large messages doveadm finds, then moves exactly those', { timeout: 300_000 }, async () => {
        const env = target.env;
        const figures: string[] = [];
        const t0 = Date.now();

        // The chosen folder holds more than one list page.
        const pageSize = await page.evaluate(() => Number((window as unknown as { rcmail: { env: { pagesize: number } } }).rcmail.env.pagesize));
        const inFolder = await listMessages(env, CHOSEN);
        expect(pageSize).toBeGreaterThan(0);
        expect(inFolder.length).toBeGreaterThan(pageSize);

        // The panel opens with the default rules (a first preview), then the user changes them.
        await openFromMeter(page);
        const first = await waitPreview(s, page);
        const tFirst = Date.now();
        await (await waitDeep(page, '.c-rules > summary')).click();
        for (const a of ['rule-trash', 'rule-junk', 'rule-old']) {
          const box = await waitDeep(page, `[data-action="${a}"]`);
          expect(await box.evaluate((e) => (e as HTMLInputElement).checked), a).toBe(true);
          await box.click();
        }
        const select = await waitDeep(page, '[data-action="rule-folder"]');
        await select.select(CHOSEN);
        await typeNumber(page, 'large-mb', String(LARGE_MB));
        await typeNumber(page, 'large-months', '0');
        const shown = await page.evaluate((h: string) => {
          const root = document.querySelector(h)!.shadowRoot!;
          const q = (a: string) => root.querySelector<HTMLInputElement>(`[data-action="${a}"]`);
          return {
            trash: q('rule-trash')!.checked,
            junk: q('rule-junk')!.checked,
            old: q('rule-old')!.checked,
            large: q('rule-large')!.checked,
            folder: root.querySelector<HTMLSelectElement>('[data-action="rule-folder"]')!.value,
            mb: q('large-mb')!.value,
            months: q('large-months')!.value,
            largeFolders: Array.from(root.querySelectorAll<HTMLInputElement>('[data-action="large-folder"]'))
              .filter((b) => b.checked)
              .map((b) => b.getAttribute('data-folder')!),
          };
        }, HOST);
        expect(shown).toMatchObject({ trash: false, junk: false, old: false, large: true, folder: CHOSEN, mb: String(LARGE_MB), months: '0' });
        // The large rule looks in the default folders, the chosen one among them (so the folder rule's precedence counts).
        expect(shown.largeFolders).toContain(CHOSEN);
        expect(shown.largeFolders).toContain('INBOX');

        // A new preview for these rules.
        await clickAction(page, 'refresh');
        const st = await waitPreview(s, page, first.createdAt ?? 0);
        const tRules = Date.now();
        const createdAt = st.createdAt!;
        expect(st.stats?.failures ?? {}).toEqual({});
        const group = (k: string) => st.groups!.find((g) => g.kind === k);
        expect(st.groups!.map((g) => g.kind).sort()).toEqual(['folder', 'large', 'protected']);

        // The truth, from doveadm and the seeder's manifest (clinical documents), at the plan's instant.
        const folders = await s.call<Folder[]>(page, 'webmail', 'folders');
        expect(folders.find((f) => f.id === CHOSEN)?.role).toBe('other');
        const clinical = new Map(readManifest(env).messages.map((m) => [m.messageId, m.clinical !== null]));
        const recentCut = daysAgo(createdAt, 30);
        const all = new Map((await listAllMessages(env)).map((m) => [key(m.folder, m.uid), m]));
        const whyKept = (m: MessageTruth) => {
          if (!clinical.has(m.messageId)) throw new Error(`no seed truth for ${m.messageId}`);
          return !m.flags.seen || m.flags.flagged || m.internalDate.getTime() >= recentCut || clinical.get(m.messageId)!;
        };
        const largeCut = monthsAgo(createdAt, 0);
        const larger = Math.round(LARGE_MB * MB);
        const wantFolder = new Set<string>();
        const wantLarge = new Set<string>();
        const wantProtected = new Set<string>();
        let largeInChosen = 0;
        let largeKept = 0;
        for (const m of inFolder) (whyKept(m) ? wantProtected : wantFolder).add(key(CHOSEN, m.uid));
        for (const f of shown.largeFolders) {
          for (const uid of await doveSearch(env, f, { before: new Date(largeCut), larger })) {
            if (f === CHOSEN) {
              largeInChosen++;
              continue; // the folder rule comes first
            }
            const m = all.get(key(f, uid));
            if (!m) throw new Error(`doveadm search found ${f}/${uid}, doveadm fetch did not`);
            if (whyKept(m)) {
              wantProtected.add(key(f, uid));
              largeKept++;
            } else wantLarge.add(key(f, uid));
          }
        }
        // Every part of the comparison is exercised.
        expect(wantFolder.size).toBeGreaterThan(5);
        expect(wantLarge.size).toBeGreaterThan(0);
        expect(largeInChosen).toBeGreaterThan(0);
        expect(largeKept).toBeGreaterThan(0);

        const ids = (k: string) => sorted((group(k)?.ids ?? []).map((r) => key(r.folderId, r.id)));
        expect(ids('folder')).toEqual(sorted(wantFolder));
        expect(ids('large')).toEqual(sorted(wantLarge));
        expect(ids('protected')).toEqual(sorted(wantProtected));
        // The WHOLE folder: planned plus kept is every message doveadm lists there, beyond the first list page.
        // (Keys are folder/uid and a subfolder's path starts with its parent's: compare folder ids, not prefixes.)
        const chosenIds = new Set(
          st.groups!.filter((g) => g.kind === 'folder' || g.kind === 'protected').flatMap((g) => g.ids.filter((r) => r.folderId === CHOSEN).map((r) => key(r.folderId, r.id))),
        );
        expect(sorted(chosenIds)).toEqual(sorted(inFolder.map((m) => key(CHOSEN, m.uid))));
        const firstPage = new Set(inFolder.slice(-pageSize).map((m) => key(CHOSEN, m.uid))); // newest UIDs = newest dates (seeded in date order)
        const beyond = ids('folder').filter((k) => !firstPage.has(k)).length;
        expect(beyond).toBeGreaterThan(0);

        // Counts and bytes: the state, the DOM, and doveadm's sizes within the stated precision.
        const dom = await domGroups(page);
        for (const k of ['folder', 'large', 'protected']) {
          const g = group(k)!;
          expect(g.count, k).toBe(g.ids.length);
          expect(dom[k], k).toEqual({ count: g.count, bytes: g.bytes, precision: g.bytesPrecision });
          const truthBytes = g.ids.reduce((a, r) => a + all.get(key(r.folderId, r.id))!.vsize, 0);
          expect(Math.abs(truthBytes - g.bytes), k).toBeLessThanOrEqual(g.bytesPrecision);
        }
        expect(sorted(await domIds(page, 'folder'))).toEqual(sorted(wantFolder));
        expect(sorted(await domIds(page, 'large'))).toEqual(sorted(wantLarge));
        const folderBytes = inFolder.filter((m) => wantFolder.has(key(CHOSEN, m.uid))).reduce((a, m) => a + m.vsize, 0);
        figures.push(
          `${CHOSEN}: ${inFolder.length} messages (page ${pageSize}); folder group ${wantFolder.size} (${beyond} beyond the first page, ${folderBytes} B, shown ${group('folder')!.bytes} ± ${group('folder')!.bytesPrecision} B); ` +
            `large > ${LARGE_MB} MB: ${wantLarge.size} planned, ${largeKept} protected, ${largeInChosen} in ${CHOSEN}; protected ${wantProtected.size}`,
        );

        // Apply: exactly the folder and large groups go to the trash, nothing else moves.
        const before = await target.truth();
        const byRef = indexByRef(before);
        const keyOn = (k: string) => {
          const m = byRef.get(k);
          if (!m) throw new Error(`no message ${k} on the server`);
          return m;
        };
        const planned = new Map<string, { restoreTo?: string }>();
        for (const k of [...wantFolder, ...wantLarge]) planned.set(keyOn(k), { restoreTo: k.slice(0, k.lastIndexOf('/')) });
        const folderKeys = new Set([...wantFolder].map(keyOn));
        await clickAction(page, 'apply');
        dirty = true;
        const el = await waitDeep(page, '[data-balise="cleanup-report"][data-action-kind="trash"]', 120_000);
        const shownReport = await el.evaluate((e) => ({
          moved: Number(e.getAttribute('data-moved-count')),
          failed: Number(e.getAttribute('data-failed-count')),
          skipped: Number(e.getAttribute('data-skipped-count')),
        }));
        const tApply = Date.now();
        expect(shownReport).toEqual({ moved: planned.size, failed: 0, skipped: 0 });
        const report = (await panelState(s, page))!.report!;
        const after = await target.truth();
        const c = checkRun(before, after, planned, report, target.folders.trash, { seenOnTrash: target.seenOnTrash });
        expect(c.moved).toBe(planned.size);
        // The chosen folder: exactly the folder group left it, for the trash; what stays is exactly the protected ones.
        const left = [...before].filter(([, w]) => w.folder === CHOSEN).map(([k]) => k).filter((k) => after.get(k)?.folder !== CHOSEN);
        expect(sorted(left)).toEqual(sorted(folderKeys));
        for (const k of folderKeys) expect(after.get(k)?.folder, k).toBe(target.folders.trash);
        const stays = sorted((await listMessages(env, CHOSEN)).map((m) => m.messageId));
        expect(stays).toEqual(sorted(inFolder.filter((m) => wantProtected.has(key(CHOSEN, m.uid))).map((m) => m.messageId)));

        figures.push(
          `first preview ${sec(tFirst - t0)} (default rules, ${first.stats!.classify.downloaded} downloaded); rules preview ${sec(tRules - tFirst)} (planner ${st.stats!.totalMs} ms, ${st.stats!.searches} searches, ` +
            `${st.stats!.candidates} candidates, ${st.stats!.classify.downloaded} downloaded, ${st.stats!.classify.cached} cached); apply ${sec(tApply - tRules)}: ${c.moved} moved, ${c.unchanged} unchanged; total ${sec(Date.now() - t0)}`,
        );
        console.log(`[cleanup rules ${kind}] ${figures.join(' | ')}`);
      });
    });
  }
});
