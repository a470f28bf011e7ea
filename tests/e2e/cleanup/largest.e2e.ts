/**
 * The whole mailbox's largest messages, end to end in both browsers, on real Roundcube + Dovecot and on the Zimbra
 * simulator: opened from the quota panel, its rows (data-folder, data-id, data-size) are the server's N largest of
 * every folder (doveadm's truth; the simulator's own), the trash's rows are marked, attachments are named where
 * the adapter can tell them (Zimbra) and not downloaded anywhere; two rows chosen and applied go to the trash
 * through the runner — exactly those two, checked at the source — and nothing else moves.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { BROWSERS, launchWithBalise, type Session } from '../harness/browsers';
import { waitPierced } from '../harness/shadow';
import { HOST, clickAction, panelState, waitDeep } from './panel-driver';
import { roundcubeTarget, zimbraTarget, type Target, type Truth } from './targets';

const N = 50;

const TARGETS: [string, () => Promise<Target>][] = [
  ['Roundcube', () => roundcubeTarget()],
  ['Zimbra simulator', () => zimbraTarget()],
];

interface Row {
  folder: string;
  id: string;
  size: number;
  precision: number;
  inTrash: boolean;
}

async function rowsOf(page: Page): Promise<Row[]> {
  return page.$$eval(`${HOST} >>> [data-view="largest-mailbox"] tbody tr`, (trs) =>
    trs.map((tr) => ({
      folder: tr.getAttribute('data-folder') ?? '',
      id: tr.getAttribute('data-id') ?? '',
      size: Number(tr.getAttribute('data-size')),
      precision: Number(tr.getAttribute('data-size-precision')),
      inTrash: tr.getAttribute('data-in-trash') === 'true',
    })),
  );
}

/** Roundcube lists sizes rounded (each row says ± how much: data-size-precision); Zimbra's are exact. */

for (const [name, make] of TARGETS) {
  describe(`the whole mailbox's largest messages on ${name}`, () => {
    let target: Target;
    beforeAll(async () => {
      target = await make();
    }, 120_000);
    afterAll(async () => {
      await target?.stop();
    });

    for (const kind of BROWSERS) {
      describe(`in ${kind}`, () => {
        let s: Session;
        let page: Page;
        beforeAll(async () => {
          // Seeded when it started: fresh for the first browser; the next one gets it back as seeded.
          if (kind !== BROWSERS[0]) await target.reseed();
          s = await launchWithBalise(kind);
          page = await s.newPage();
          await page.setViewport({ width: 1280, height: 900 });
          await target.open(s, page);
        }, 180_000);
        afterAll(async () => {
          await s?.close();
        });

        it('lists the server’s N largest of every folder and moves exactly the two chosen to the trash', { timeout: 600_000 }, async () => {
          const before: Truth = await target.truth();
          const guardFrom = s.guard.log.length;
          // From the quota panel, as a user does.
          const meter = await waitPierced(page, '[data-balise="quota"] >>> [data-action="open-quota"]', 30_000);
          await meter!.evaluate((b) => (b as HTMLElement).click());
          const open = await waitPierced(page, '[data-balise="quota-panel"] >>> [data-action="open-largest"]', 15_000);
          await open!.evaluate((b) => (b as HTMLElement).click());
          await waitDeep(page, '[data-largest-state="ready"]', 300_000);
          const rows = await rowsOf(page);
          const st = (await panelState(s, page)) as unknown as { stage: string; largest: { ms: number; calls: number; rows: { folderId: string; id: string; attachments: { name: string; size: number }[] | null }[] } };
          expect(st.stage).toBe('largest');

          // The truth: every message of every folder, largest first.
          const all = [...before.values()].sort((a, b) => b.size - a.size);
          expect(rows.length).toBe(Math.min(N, all.length));
          const byRef = new Map([...before.values()].map((w) => [`${w.folder}/${w.id}`, w]));
          const cut = all[N - 1]!.size;
          // The widest rounding among the rows (0 on Zimbra): the near-tie allowance at the cut.
          const tol = Math.max(0, ...rows.map((r) => r.precision));
          if (target.name === 'zimbra') expect(tol).toBe(0);
          const top = new Set(all.slice(0, N).map((w) => `${w.folder}/${w.id}`));
          let same = 0;
          for (const r of rows) {
            const w = byRef.get(`${r.folder}/${r.id}`);
            expect(w, `${r.folder}/${r.id} is on the server`).toBeTruthy();
            expect(Math.abs(w!.size - r.size), `size of ${r.folder}/${r.id}`).toBeLessThanOrEqual(r.precision + 1);
            expect(r.inTrash).toBe(r.folder === target.folders.trash);
            if (top.has(`${r.folder}/${r.id}`)) same++;
            // A row outside the truth's N can only be a near tie at the cut.
            else expect(w!.size, `${r.folder}/${r.id} outside the N largest`).toBeGreaterThanOrEqual(cut - 2 * tol - 1);
          }
          if (target.name === 'zimbra') expect(same).toBe(N);
          // Largest first.
          for (let i = 1; i < rows.length; i++) expect(rows[i]!.size).toBeLessThanOrEqual(rows[i - 1]!.size);
          // The trash is searched too (the seeded trash holds large messages on both servers).
          const trashMax = all.find((w) => w.folder === target.folders.trash);
          if (trashMax && trashMax.size > cut + 2 * tol) expect(rows.some((r) => r.inTrash)).toBe(true);

          // Attachments: named on Zimbra (its search answers the part tree), the paper-clip flag only on Roundcube.
          if (target.name === 'zimbra') {
            expect(st.largest.rows.every((r) => Array.isArray(r.attachments))).toBe(true);
            expect(st.largest.rows.some((r) => r.attachments!.some((a) => a.name && a.size > 0))).toBe(true);
          } else expect(st.largest.rows.every((r) => r.attachments === null)).toBe(true);
          // Nothing was downloaded: no raw message request went out.
          const sent = s.guard.log.slice(guardFrom).map((e) => e.url);
          expect(sent.filter((u) => /_action=viewsource|service\/home\//.test(u))).toEqual([]);
          console.log(`[largest ${name} ${kind}] ${rows.length} rows in ${st.largest.ms} ms, ${st.largest.calls} adapter calls, ${sent.filter((u) => u.startsWith(target.url)).length} requests to the webmail, ${same}/${N} identical to the truth's`);

          // Choose two rows outside the trash, from two folders when there are.
          const out = rows.filter((r) => !r.inTrash);
          const first = out[0]!;
          const second = out.find((r) => r.folder !== first.folder) ?? out[1]!;
          const chosen = [first, second];
          for (const r of chosen) {
            const box = await waitDeep(page, `[data-view="largest-mailbox"] tr[data-folder="${r.folder}"][data-id="${r.id}"] [data-action="select"]`);
            await box.click();
          }
          const fig = await waitDeep(page, '[data-figure="selected"][data-selected-count="2"]', 10_000);
          expect(Number(await fig.evaluate((e) => e.getAttribute('data-selected-bytes')))).toBe(first.size + second.size);
          // "Export the selected": the one export view, for exactly those two (not run here: Chromium's save dialog).
          await clickAction(page, 'export-largest');
          await waitDeep(page, '[data-export="largest"] [data-export-chooser][data-source="selected"][data-items="2"] [data-action="export"]', 10_000);
          await clickAction(page, 'apply-largest');
          const rep = await waitPierced(page, `${HOST} >>> [data-balise="cleanup-report"][data-action-kind="trash"]`, 300_000);
          expect(await rep!.evaluate((e) => [e.getAttribute('data-moved-count'), e.getAttribute('data-failed-count')])).toEqual(['2', '0']);

          // At the source: exactly those two are in the trash now, nothing else moved.
          const after = await target.truth();
          const chosenKeys = new Set(chosen.map((r) => [...before].find(([, w]) => w.folder === r.folder && w.id === r.id)![0]));
          expect(chosenKeys.size).toBe(2);
          for (const [k, w] of before) {
            const now = after.get(k);
            expect(now, `${k} still on the server`).toBeTruthy();
            if (chosenKeys.has(k)) expect(now!.folder, k).toBe(target.folders.trash);
            else expect(now!.folder, k).toBe(w.folder);
          }
          s.assertNoForeignRequests();
        });
      });
    }
  });
}
