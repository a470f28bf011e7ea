/**
 * One contract for every webmail adapter, run over every target below in both browsers: the same assertions, each
 * checked against the target's own truth (Roundcube: doveadm; the Zimbra and Medimail stand-ins: their mailboxes). Adding a webmail
 * means adding a target (tests/e2e/cleanup/targets.ts: log in, truth, folders) and what this file needs on top (the
 * address, raw bytes, how to open a compose view), not copying tests.
 *
 * What an adapter cannot do is declared per target (`parts`); the assertions that need a part are skipped by name
 * when the target declares it absent, and the first test checks the live adapter has exactly the declared parts, so
 * nothing is skipped silently.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { BROWSERS, launchWithBalise, type Session } from '../harness/browsers';
import { larryTarget, mailizTarget, medimailTarget, roundcubeTarget, zimbraTarget, type Target, type Truth } from '../cleanup/targets';
import type { RoundcubeEnv } from '../../servers/roundcube/index';
import { rawMessage as doveRaw } from '../../servers/roundcube/truth';
import { waitForAdapter } from '../roundcube/helpers';
import { expectReconstruction } from '../medimail/helpers';
import type { Account, BatchResult, Folder, MessageSummary, Quota } from '../../../lib/webmail/types';

interface Parts {
  quota: boolean;
  mailbox: boolean;
  compose: boolean;
  /** Several raw messages in one request (Webmail.rawMessages: Roundcube's zipdownload plugin, Zimbra's REST zip). */
  archive: boolean;
}

interface ContractTarget {
  target: Target;
  address: string;
  /** The host's list page size: a whole-folder search must span more than one page. */
  listPage: number;
  /**
   * Checks the adapter's raw download of one message against the server's own truth: byte for byte where the server
   * stores the message (IMAP, Zimbra); where the webmail gives no raw message (Medimail), the reconstruction's
   * headers and every attachment's bytes.
   */
  checkRaw(folderId: string, id: string, got: Buffer): Promise<void>;
  /** Opens a compose view in `page` and waits until the adapter can see it. */
  openCompose(s: Session, page: Page): Promise<void>;
}

/** The parts each adapter has on a logged-in mail page (declared: the first test checks the live adapter agrees). */
const PARTS: Record<string, Parts> = {
  // The test Roundcube enables zipdownload; the Mailiz-like one does not (whether Mailiz does is not public).
  roundcube: { quota: true, mailbox: true, compose: true, archive: true },
  mailiz: { quota: true, mailbox: true, compose: true, archive: false },
  larry: { quota: true, mailbox: true, compose: true, archive: true },
  zimbra: { quota: true, mailbox: true, compose: true, archive: true },
  // Medimail documents no quota, no move and no delete (issue 13): the adapter lists, reads and composes only.
  medimail: { quota: false, mailbox: false, compose: true, archive: false },
};

/** Byte-for-byte comparison with the server's stored message. */
const sameBytes = (want: () => Promise<Buffer>) => async (got: Buffer) => {
  const w = await want();
  expect(got.length).toBe(w.length);
  expect(got.equals(w)).toBe(true);
};


/** Any Roundcube target (default, Mailiz-like behind OpenID Connect, Larry skin): doveadm bytes, compose by URL. */
function roundcubeContract(t: Target & { env: RoundcubeEnv }): ContractTarget {
  return {
    target: t,
    address: t.env.address,
    listPage: 50, // Roundcube's default mail_pagesize, which the seeded user keeps
    checkRaw: (folderId, id, got) => sameBytes(() => doveRaw(t.env, folderId, Number(id)))(got),
    openCompose: async (s, page) => {
      await s.gotoWithBalise(page, `${t.url}?_task=mail&_action=compose`);
      await waitForAdapter(s, page);
      await page.waitForSelector('#composebody');
    },
  };
}

/** The adapter each target's page is for, when the target is named otherwise. */
const ADAPTER: Record<string, string> = { mailiz: 'roundcube', larry: 'roundcube' };

const TARGETS: Record<string, () => Promise<ContractTarget>> = {
  roundcube: async () => roundcubeContract(await roundcubeTarget({ seed: 3 })),
  mailiz: async () => roundcubeContract(await mailizTarget({ seed: 3 })),
  larry: async () => roundcubeContract(await larryTarget({ seed: 3 })),
  zimbra: async () => {
    const t = await zimbraTarget({ seed: 13 });
    return {
      target: t,
      address: t.sim.address,
      listPage: 100,
      checkRaw: (_folderId, id, got) => sameBytes(async () => t.sim.mailbox.messages.get(Number(id))!.raw)(got),
      openCompose: async (_s, page) => {
        // The contract is about the adapter finding the editor, not about pointer input: a DOM click, because a
        // pixel click after the contract's other tests once landed nowhere in Firefox (CI, 2 cores) and the compose
        // view never opened. The pointer path is covered by tests/e2e/zimbra/compose.e2e.ts.
        await page.waitForSelector('#zb__NEW_MENU', { visible: true });
        await page.$eval('#zb__NEW_MENU', (b) => (b as HTMLElement).click());
        await page.waitForSelector('[id^="zv__COMPOSE-"] [id^="ZmHtmlEditor"][id$="_body"]');
      },
    };
  },
  medimail: async () => {
    const t = await medimailTarget({ seed: 5 });
    return {
      target: t,
      // The BAL is the account's MSSanté correspondence when the account box shows one (issue 13).
      address: t.sim.mssanteAddress ?? t.sim.address,
      listPage: t.sim.pageSize,
      // A reconstruction (Medimail gives no .eml): the headers the page shows, and each document as the server holds it.
      checkRaw: (_folderId, id, got) => expectReconstruction(t.sim.mailbox.messages.get(Number(id))!, got),
      openCompose: async (s, page) => {
        await s.gotoWithBalise(page, `${t.url}?m=nouveau`);
        await waitForAdapter(s, page);
      },
    };
  },
};

const ROLE_OF: Record<keyof Target['folders'], Folder['role'] | null> = { inbox: 'inbox', trash: 'trash', junk: 'junk', patients: null, archives: null };

function inFolder(truth: Truth, folder: string): Set<string> {
  return new Set([...truth.values()].filter((w) => w.folder === folder).map((w) => w.id));
}

describe.each(Object.keys(TARGETS))('adapter contract: %s', (name) => {
  let ct: ContractTarget;
  beforeAll(async () => {
    ct = await TARGETS[name]!();
  }, 240_000);
  afterAll(async () => {
    await ct?.target.stop();
  });

  for (const kind of BROWSERS) {
    describe(`in ${kind}`, () => {
      let s: Session;
      let page: Page;
      beforeAll(async () => {
        // No reseed between the browsers: the contract changes nothing for good (its one move is moved back; Roundcube
        // gives those six messages new UIDs, and every test reads the server's truth afresh).
        s = await launchWithBalise(kind);
        page = await s.newPage();
        await ct.target.open(s, page);
      }, 240_000);
      afterAll(async () => {
        await s?.close();
      });
      const call = <T>(method: string, ...args: unknown[]) => s.call<T>(page, 'webmail', method, ...args);
      const listAll = async (folderId: string) => (await call<MessageSummary[][]>('search', { folderId, sort: 'dateAsc' })).flat();
      const declared = (part: keyof Parts) => PARTS[name]![part];

      it('detects its webmail on the mail page, with exactly the declared parts', async () => {
        const st = await waitForAdapter(s, page);
        expect(st.detection).toMatchObject({ kind: ADAPTER[name] ?? name, page: 'mail', supported: true });
        const parts = await s.call<{ quota: boolean; mailbox: boolean }>(page, 'webmail-parts');
        expect({ quota: parts.quota, mailbox: parts.mailbox }).toEqual({ quota: PARTS[name]!.quota, mailbox: PARTS[name]!.mailbox });
      });

      it('reads the account (the mailbox address)', async () => {
        expect((await call<Account>('account')).address).toBe(ct.address.toLowerCase());
      });

      it.skipIf(!declared('quota'))('[quota] reads the quota as the server counts it (to the KiB)', async () => {
        const q = await call<Quota>('quota.read');
        expect(Math.abs(q.usedBytes - (await ct.target.usedBytes()))).toBeLessThan(1024);
        expect(q.limitBytes === null || q.limitBytes > q.usedBytes).toBe(true);
      });

      it('lists the folders with their roles and exact counts', async () => {
        const folders = await call<Folder[]>('folders');
        const truth = await ct.target.truth();
        for (const [role, id] of Object.entries(ct.target.folders) as [keyof Target['folders'], string | null][]) {
          if (id === null) continue; // no such folder on this webmail (Medimail has no junk folder)
          const f = folders.find((x) => x.id === id);
          expect(f, `${role} (${id})`).toBeDefined();
          if (ROLE_OF[role]) expect(f!.role).toBe(ROLE_OF[role]);
          expect(f!.count, `${role} count`).toBe(inFolder(truth, id).size);
        }
      });

      it('searches through the whole folder: every message of the inbox, once', async () => {
        const list = await listAll(ct.target.folders.inbox);
        const ids = list.map((m) => m.ref.id);
        expect(new Set(ids).size).toBe(ids.length);
        expect(new Set(ids)).toEqual(inFolder(await ct.target.truth(), ct.target.folders.inbox));
        expect(ids.length).toBeGreaterThan(2 * ct.listPage); // more than one page of the host's list
      });

      it.skipIf(!declared('mailbox'))('[mailbox] moves a batch, verified at the source (stillIn) and in the server’s truth, and back', async () => {
        const { patients, archives } = ct.target.folders;
        const before = await ct.target.truth();
        const ids = [...inFolder(before, patients)].slice(0, 6);
        expect(ids.length).toBe(6);
        const keys = ids.map((id) => [...before].find(([, w]) => w.folder === patients && w.id === id)![0]);
        const ghost = name === 'roundcube' ? '999999' : '9999999';
        const sorted = (xs: string[]) => [...xs].sort();
        expect(await call<string[]>('mailbox.stillIn', patients, [...ids, ghost])).toEqual(sorted(ids));

        const r = await call<BatchResult>('mailbox.move', patients, [...ids, ghost], archives);
        expect(new Set(r.done)).toEqual(new Set(ids));
        expect(r.failed).toEqual([{ id: ghost, code: 'not-found' }]);
        // At the source: none of them is still there (asked of the server, not of a list).
        expect(await call<string[]>('mailbox.stillIn', patients, ids)).toEqual([]);
        const after = await ct.target.truth();
        for (const k of keys) expect(after.get(k)!.folder).toBe(archives);
        // Where they are now, as the adapter says: exactly the server's new ids.
        // A missing entry means "moved, id unchanged unknown": Zimbra's ids do not change, Roundcube maps its new UIDs.
        const now = ids.map((id) => r.newRefs?.[id] ?? (name === 'zimbra' ? { folderId: archives, id } : undefined));
        expect(now.every((x) => x && x.folderId === archives)).toBe(true);
        expect(now.map((x) => x!.id)).toEqual(keys.map((k) => after.get(k)!.id));
        expect(await call<string[]>('mailbox.stillIn', archives, now.map((x) => x!.id))).toEqual(sorted(now.map((x) => x!.id)));

        const back = await call<BatchResult>('mailbox.move', archives, now.map((x) => x!.id), patients);
        expect(back.failed).toEqual([]);
        const restored = await ct.target.truth();
        for (const k of keys) expect(restored.get(k)!.folder).toBe(patients);
      });

      it('downloads raw messages byte for byte', async () => {
        const list = await listAll(ct.target.folders.patients);
        for (const m of list.slice(0, 4)) {
          const got = await call<{ base64: string; length: number }>('rawMessage', m.ref);
          const bytes = Buffer.from(got.base64, 'base64');
          expect(bytes.length).toBe(got.length);
          await ct.checkRaw(m.ref.folderId, m.ref.id, bytes);
        }
      });

      it('downloads several raw messages in one request byte for byte where the webmail offers it, and says so without a request where not', async () => {
        const list = (await listAll(ct.target.folders.patients)).slice(0, 5);
        const ids = list.map((m) => m.ref.id);
        const maxBytes = list.reduce((n, m) => n + m.size + m.sizePrecision, 0);
        if (!declared('archive')) {
          const before = s.guard.log.length;
          const err = await call('rawMessages', ct.target.folders.patients, ids, { maxBytes }).then(
            () => 'answered',
            (e: unknown) => String(e),
          );
          expect(err).toMatch(/unsupported|no adapter method|offers no archive/);
          // (The page's own requests may go on meanwhile: only an archive request would be the adapter's.)
          expect(s.guard.log.slice(before).filter((e) => /zipdownload|fmt=zip/.test(e.url))).toEqual([]);
          return;
        }
        const got = await call<Record<string, { base64: string; length: number }>>('rawMessages', ct.target.folders.patients, ids, { maxBytes });
        expect(Object.keys(got).sort()).toEqual([...ids].sort());
        for (const id of ids) await ct.checkRaw(ct.target.folders.patients, id, Buffer.from(got[id]!.base64, 'base64'));
      });

      it.skipIf(!declared('compose'))('[compose] finds the compose editor', async () => {
        await ct.openCompose(s, page);
        let editors: { id: string; mode: string }[] = [];
        for (let i = 0; i < 50 && !editors.length; i++) {
          editors = await s.call<{ id: string; mode: string }[]>(page, 'compose', 'list');
          if (!editors.length) await new Promise((r) => setTimeout(r, 200));
        }
        expect(editors.length).toBe(1);
        expect(['html', 'text']).toContain(editors[0]!.mode);
      });

      it('made no request to any host but 127.0.0.1', () => {
        s.assertNoForeignRequests();
      });
    });
  }
});
