/**
 * The background's side of the export: save a part with the downloads API, wait until the browser reports it
 * complete, check the size it reports on disk, and clean up after a failed export.
 *
 * Extensions cannot read a downloaded file back, so what is checked here is what the downloads API reports:
 * state "complete", the file exists, and its size equals the part's (whose bytes the content script checked
 * before handing it over).
 *
 * Which downloads may be removed again: a permanent deletion may leave a completed export as the only copy of
 * the messages, so 'export/remove-parts' (sent by the content script, which runs in a webmail page) is held to
 * what {@link ExportParts} recorded: only parts this background saved for the SAME tab, in that tab's CURRENT
 * export, that are not sealed yet. A tab's export is sealed — its parts count as verified backups, never removed
 * by Balise — as soon as a permanent deletion starts in that tab, when the tab starts another export (another
 * page, or a save after EXPORT_IDLE_MS without one), and when the tab closes.
 */
import { browser, type Browser } from 'wxt/browser';
import type { HandlersFor } from '../messages/router';
import type { exportMessageDefs } from '../messages/export';

type Item = Browser.downloads.DownloadItem;

export class DownloadFailure extends Error {
  override readonly name = 'DownloadFailure';
  constructor(
    readonly code: 'download-failed' | 'download-size' | 'download-timeout' | 'forbidden',
    message: string,
  ) {
    super(message);
  }
}

const TIMEOUT_MS = 15 * 60_000;
/** A tab's export is over (sealed) when it has saved nothing for this long. */
export const EXPORT_IDLE_MS = 10 * 60_000;

interface PartRecord {
  tabId: number;
  session: number;
  sealed: boolean;
}

interface Session {
  id: number;
  origin: string;
  /** The page's document (Chromium gives one per page load; Firefox does not). */
  doc: string | undefined;
  lastAt: number;
}

/** The downloads each export created, per tab (in memory: after a restart nothing is removable, the safe side). */
export class ExportParts {
  private readonly parts = new Map<number, PartRecord>();
  private readonly sessions = new Map<number, Session>();
  private next = 1;
  constructor(private readonly now: () => number = Date.now) {}

  private current(tabId: number, origin: string, doc: string | undefined): Session | undefined {
    const s = this.sessions.get(tabId);
    if (!s || s.origin !== origin || s.doc !== doc || this.now() - s.lastAt > EXPORT_IDLE_MS) {
      if (s) this.seal(tabId);
      return undefined;
    }
    return s;
  }

  /** A part is about to be saved: it belongs to the tab's current export, or starts a new one. */
  begin(tabId: number, origin: string, doc: string | undefined): number {
    const s = this.current(tabId, origin, doc) ?? { id: this.next++, origin, doc, lastAt: 0 };
    s.lastAt = this.now();
    this.sessions.set(tabId, s);
    return s.id;
  }

  record(downloadId: number, tabId: number, session: number): void {
    this.parts.set(downloadId, { tabId, session, sealed: false });
  }

  /** Every part this tab saved so far is a verified backup from now on. */
  seal(tabId: number): void {
    for (const p of this.parts.values()) if (p.tabId === tabId) p.sealed = true;
    this.sessions.delete(tabId);
  }

  /**
   * Which of these downloads this tab may remove: ids Balise never saved for an export are left alone (`unknown`);
   * any id saved by another tab or export, or sealed, makes the whole request `refused`.
   */
  check(ids: readonly number[], tabId: number, origin: string, doc: string | undefined): { removable: number[]; unknown: number[]; refused: number[] } {
    const s = this.current(tabId, origin, doc);
    const out = { removable: [] as number[], unknown: [] as number[], refused: [] as number[] };
    for (const id of ids) {
      const p = this.parts.get(id);
      if (!p) out.unknown.push(id);
      else if (p.sealed || !s || p.tabId !== tabId || p.session !== s.id) out.refused.push(id);
      else out.removable.push(id);
    }
    return out;
  }

  forget(downloadId: number): void {
    this.parts.delete(downloadId);
  }
}

async function find(id: number): Promise<Item | undefined> {
  return (await browser.downloads.search({ id }))[0];
}

/** Resolves with the download once it is no longer in progress. */
export function waitForDownload(id: number, timeoutMs = TIMEOUT_MS): Promise<Item> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (err: Error | null, item?: Item) => {
      if (settled) return;
      settled = true;
      clearInterval(poll);
      clearTimeout(timer);
      browser.downloads.onChanged.removeListener(onChanged);
      if (err) reject(err);
      else resolve(item!);
    };
    const check = async () => {
      try {
        const item = await find(id);
        if (!item) finish(new DownloadFailure('download-failed', `download ${id} disappeared`));
        else if (item.state !== 'in_progress') finish(null, item);
      } catch (e) {
        finish(e as Error);
      }
    };
    const onChanged = (delta: Browser.downloads.DownloadDelta) => {
      if (delta.id === id && delta.state && delta.state.current !== 'in_progress') void check();
    };
    browser.downloads.onChanged.addListener(onChanged);
    // A download can finish before the listener is in place: look now, and now and then.
    const poll = setInterval(() => void check(), 1000);
    const timer = setTimeout(() => finish(new DownloadFailure('download-timeout', `download ${id} did not finish`)), timeoutMs);
    void check();
  });
}

function senderOrigin(url: string | undefined): string {
  try {
    return url ? new URL(url).origin : '';
  } catch {
    return '';
  }
}

function docOf(sender: { documentId?: string }): string | undefined {
  return typeof sender.documentId === 'string' ? sender.documentId : undefined;
}

/** The background's record (one per background; tests may pass their own). */
const backgroundParts = new ExportParts();

export function exportHandlers(parts = backgroundParts): HandlersFor<typeof exportMessageDefs> {
  return {
    'export/save-part': async ({ filename, size, blob, url, ask }, sender) => {
      const tabId = sender.tab?.id;
      if (typeof tabId !== 'number') throw new DownloadFailure('forbidden', 'only a webmail tab exports');
      const session = parts.begin(tabId, senderOrigin(sender.url), docOf(sender));
      let href: string;
      let own = false;
      if (blob) {
        if (blob.size !== size) throw new DownloadFailure('download-size', `part is ${blob.size} bytes, ${size} announced`);
        href = URL.createObjectURL(blob);
        own = true;
      } else if (url) {
        // Only an object URL of the sending page's own origin.
        const origin = senderOrigin(sender.url);
        if (!origin || !url.startsWith(`blob:${origin}/`)) throw new DownloadFailure('forbidden', 'object URL of another origin');
        href = url;
      } else {
        throw new DownloadFailure('download-failed', 'nothing to save');
      }
      try {
        const id = await browser.downloads.download({ url: href, filename, saveAs: ask === true, conflictAction: 'uniquify' });
        parts.record(id, tabId, session);
        const item = await waitForDownload(id);
        if (item.state !== 'complete') {
          throw new DownloadFailure('download-failed', `download ${id} ${item.state}${item.error ? `: ${item.error}` : ''}`);
        }
        const onDisk = item.fileSize >= 0 ? item.fileSize : item.totalBytes;
        if (item.exists === false || onDisk !== size) {
          throw new DownloadFailure('download-size', `download ${id}: ${onDisk} bytes on disk, ${size} expected`);
        }
        return { downloadId: id, path: item.filename, bytes: onDisk };
      } finally {
        if (own) URL.revokeObjectURL(href);
      }
    },
    'export/remove-parts': async ({ ids }, sender) => {
      const tabId = sender.tab?.id;
      if (typeof tabId !== 'number') throw new DownloadFailure('forbidden', 'only a webmail tab removes its parts');
      const { removable, refused } = parts.check(ids, tabId, senderOrigin(sender.url), docOf(sender));
      // A verified backup, or a part of another export: nothing of this request is removed.
      if (refused.length) throw new DownloadFailure('forbidden', `not removable (verified or another export's): ${refused.join(', ')}`);
      for (const id of removable) {
        try {
          const item = await find(id);
          if (!item || item.byExtensionId !== browser.runtime.id) continue;
          if (item.state === 'in_progress') await browser.downloads.cancel(id);
          else if (item.exists !== false) await browser.downloads.removeFile(id).catch(() => undefined);
          await browser.downloads.erase({ id });
          parts.forget(id);
        } catch (e) {
          console.warn('[Balise] could not remove export part', id, e);
        }
      }
      return { ok: true as const };
    },
  };
}
