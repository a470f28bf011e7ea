/**
 * The export's downloads in few requests: where the webmail offers several raw messages in one answer
 * (Webmail.rawMessages: Roundcube's zipdownload, Zimbra's REST zip), consecutive small messages of one folder come
 * in one request (a run), the others one by one. Why: an export is paced (at most 80 request starts in any 10 s),
 * so a thousand one-by-one downloads take two minutes whatever the link; a few dozen archives do not wait at all.
 *
 * Memory stays bounded: runs are cut at EXPORT_RUN_BYTES of listed size, only the run being written and the next
 * RUNS_AHEAD ones (asked as soon as this one is taken, so that they arrive while this one is written) are held, and
 * each message's bytes are let go once handed over.
 * Safety: a message is taken from a run only under its own id and with about the listed size (the adapter already
 * checked it starts like a message); anything else is downloaded alone, and after one failed run no other run is
 * asked (no retry loop). The export then checks every message as it always does (sizes, hashes read back).
 */
import type { RawMessage, Webmail } from '../webmail/types';
import { ARCHIVE_MAX_MESSAGES, ARCHIVE_MESSAGE_MAX_BYTES } from '../webmail/kit/archive';
import type { ExportItem } from './contract';

/** Listed bytes per run: 1 + RUNS_AHEAD runs in memory at most (the one written, the ones asked ahead). */
export const EXPORT_RUN_BYTES = 2 * 1024 * 1024;
/**
 * Runs asked ahead of the one being written. One: the host builds each archive with its own CPU (Roundcube: PHP
 * fetches every message over IMAP, then zips), and two ahead made no difference that the test host could measure
 * (bench/export.ts, 2 cores, runs interleaved: 6.0 and 6.6 s with one ahead, 5.8 and 6.0 s with two, while curl's
 * own time for the same requests moved between 3.7 and 4.8 s); one more archive built at once for every user of a
 * shared webmail is not worth a gain lost in the noise.
 */
export const RUNS_AHEAD = 1;

/** Runs of consecutive items of one folder, each small and of known size (indices into `items`); -1: alone. */
export function cutRuns(items: readonly ExportItem[]): Int32Array {
  const runOf = new Int32Array(items.length).fill(-1);
  let run = -1;
  let count = 0;
  let bytes = 0;
  let folder: string | null = null;
  for (const [i, it] of items.entries()) {
    const size = it.size ?? 0;
    if (!size || size > ARCHIVE_MESSAGE_MAX_BYTES) {
      folder = null; // a message alone ends the run: runs stay consecutive
      continue;
    }
    if (folder !== it.ref.folderId || count >= ARCHIVE_MAX_MESSAGES || bytes + size > EXPORT_RUN_BYTES) {
      run++;
      count = 0;
      bytes = 0;
      folder = it.ref.folderId;
    }
    runOf[i] = run;
    count++;
    bytes += size;
  }
  // A run of one is a plain download.
  const sizes = new Map<number, number>();
  for (const r of runOf) if (r >= 0) sizes.set(r, (sizes.get(r) ?? 0) + 1);
  for (let i = 0; i < runOf.length; i++) if (runOf[i]! >= 0 && sizes.get(runOf[i]!) === 1) runOf[i] = -1;
  return runOf;
}

/** Whether `n` bytes can be the message listed with this size (exact where the host says so, else about). */
function sizeFits(item: ExportItem, n: number, exactSizes: boolean): boolean {
  if (!item.size) return false;
  return exactSizes ? n === item.size : Math.abs(n - item.size) <= Math.ceil(item.size * 0.05) + 4096;
}

/**
 * A fetcher for ReadAhead: the raw message of items[i], from its run's archive when it has one, else alone.
 * `onRun` counts the archive requests (the export's stats).
 */
export function archiveFetcher(
  webmail: Pick<Webmail, 'rawMessage' | 'rawMessages'>,
  items: readonly ExportItem[],
  exactSizes: boolean,
  onRun?: () => void,
): (item: ExportItem, signal: AbortSignal) => Promise<RawMessage> {
  const fetchMany = webmail.rawMessages?.bind(webmail);
  const runOf = fetchMany ? cutRuns(items) : new Int32Array(items.length).fill(-1);
  const indexOf = new Map(items.map((it, i) => [it, i] as const));
  const runs = new Map<number, Promise<Map<string, Uint8Array> | null>>();
  let stopped = false;
  const alone = (item: ExportItem, signal: AbortSignal) => webmail.rawMessage(item.ref, { signal });

  const ensure = (run: number, signal: AbortSignal) => {
    if (runs.has(run) || stopped) return;
    const members = items.filter((_, i) => runOf[i] === run);
    if (!members.length) return;
    const maxBytes = members.reduce((n, it) => n + Math.ceil((it.size ?? 0) * 1.05) + 4096, 0);
    onRun?.();
    const p = fetchMany!(members[0]!.ref.folderId, members.map((it) => it.ref.id), { maxBytes, signal }).catch((e: unknown) => {
      if (signal.aborted) throw e;
      stopped = true;
      return null;
    });
    p.catch(() => undefined); // an abort surfaces when the run is taken
    runs.set(run, p);
  };
  /** The run's archive; the next runs' requests go out now too, so they arrive while this one is written. */
  const runBytes = (run: number, signal: AbortSignal): Promise<Map<string, Uint8Array> | null> => {
    for (const r of runs.keys()) if (r < run) runs.delete(r); // written already: let its bytes go
    for (let r = run; r <= run + RUNS_AHEAD; r++) ensure(r, signal);
    return runs.get(run) ?? Promise.resolve(null);
  };

  return async (item, signal) => {
    const i = indexOf.get(item) ?? -1;
    const run = i >= 0 ? runOf[i]! : -1;
    if (run < 0 || (stopped && !runs.has(run))) return alone(item, signal);
    // (runBytes answers null for a run not asked because an earlier one failed: alone then.)
    const got = await runBytes(run, signal);
    const bytes = got?.get(item.ref.id);
    got?.delete(item.ref.id);
    if (bytes && sizeFits(item, bytes.length, exactSizes)) return { head: bytes, rest: null };
    return alone(item, signal);
  };
}
