/**
 * The background's side of the export: save a part with the downloads API, wait until the browser reports it
 * complete, check the size it reports on disk, and clean up after a failed export.
 *
 * Extensions cannot read a downloaded file back, so what is checked here is what the downloads API reports:
 * state "complete", the file exists, and its size equals the part's (whose bytes the content script checked
 * before handing it over).
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

export function exportHandlers(): HandlersFor<typeof exportMessageDefs> {
  return {
    'export/save-part': async ({ filename, size, blob, url }, sender) => {
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
        const id = await browser.downloads.download({ url: href, filename, saveAs: false, conflictAction: 'uniquify' });
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
    'export/remove-parts': async ({ ids }) => {
      for (const id of ids) {
        try {
          const item = await find(id);
          if (!item || item.byExtensionId !== browser.runtime.id) continue;
          if (item.state === 'in_progress') await browser.downloads.cancel(id);
          else if (item.exists !== false) await browser.downloads.removeFile(id).catch(() => undefined);
          await browser.downloads.erase({ id });
        } catch (e) {
          console.warn('[Balise] could not remove export part', id, e);
        }
      }
      return { ok: true as const };
    },
  };
}
