/**
 * Verdicts of messages that no longer exist go at the next snapshot. A verdict says a message carries a health
 * document: kept for a message another client deleted or moved, it is health metadata that serves nobody.
 *
 * What the snapshot listed whole (a folder searched with no criterion) tells which ids exist there at no cost. For
 * the other folders the server is asked about exactly the ids that have a verdict (`mailbox.stillIn`: one search per
 * request-sized part on Roundcube, one id search on Zimbra) — a few requests, never a listing. A folder that no
 * longer exists holds none of them. Without a mailbox part (nothing to ask) or on any failure, verdicts stay: the
 * 30-day idle purge (lib/background/retention.ts) still removes them later.
 */
import type { Folder, MessageRef, Webmail } from '../../webmail/types';
import type { VerdictCache } from './classify';

export interface PruneOutcome {
  /** Verdicts dropped. */
  dropped: number;
  /** Requests to the webmail it took (stillIn calls). */
  asked: number;
}

/**
 * `listedWhole`: folder id → every id the snapshot's listing of that whole folder returned.
 */
export async function pruneVerdicts(
  webmail: Webmail,
  cache: VerdictCache,
  folders: readonly Folder[],
  listedWhole: ReadonlyMap<string, ReadonlySet<string>>,
  signal?: AbortSignal,
): Promise<PruneOutcome> {
  if (!cache.ids || !cache.drop) return { dropped: 0, asked: 0 };
  const refs = await cache.ids();
  const byFolder = new Map<string, string[]>();
  for (const r of refs) {
    const list = byFolder.get(r.folderId);
    if (list) list.push(r.id);
    else byFolder.set(r.folderId, [r.id]);
  }
  const exists = new Set(folders.map((f) => f.id));
  const gone: MessageRef[] = [];
  let asked = 0;
  for (const [folderId, ids] of byFolder) {
    if (signal?.aborted) break;
    let present: ReadonlySet<string> | null = null;
    if (!exists.has(folderId)) present = new Set();
    else if (listedWhole.has(folderId)) present = listedWhole.get(folderId)!;
    else if (webmail.mailbox) {
      try {
        asked++;
        present = await webmail.mailbox.stillIn(folderId, ids, signal ? { signal } : undefined);
      } catch {
        present = null;
      }
    }
    if (!present) continue;
    for (const id of ids) if (!present.has(id)) gone.push({ folderId, id });
  }
  if (gone.length) await cache.drop(gone);
  return { dropped: gone.length, asked };
}
