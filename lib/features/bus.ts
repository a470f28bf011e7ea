/**
 * How features speak to each other on one page without knowing each other: a tiny typed event bus.
 * E.g. the cleanup emits 'mailbox-changed' after each batch and the quota meter refreshes; the quota meter
 * emits 'open-cleanup' and the cleanup panel opens.
 */
import type { Folder } from '../webmail/types';

/** Folder figures asked at `at` (ms since the epoch): the read may still be on its way. */
export interface FoldersRead {
  list: Promise<Folder[]>;
  at: number;
}

export interface BusEvents {
  /** Balise changed the mailbox (moved, deleted, restored): figures must be read again. */
  'mailbox-changed': { reason: string };
  /**
   * Open the cleanup panel (from the quota meter, the popup or a notification); `view`: straight to that view;
   * `folders`: the folder figures the opener just asked (and when; perhaps not answered yet), which the panel takes
   * instead of reading them again while they are fresh (Roundcube: one request per folder).
   */
  'open-cleanup': { source: 'meter' | 'popup' | 'notification' | 'test'; view?: 'largest-mailbox'; folders?: FoldersRead };
  /** A fresh quota figure was read (by whichever feature read it). */
  quota: { usedBytes: number; limitBytes: number | null; at: number };
}

type Handler<K extends keyof BusEvents> = (payload: BusEvents[K]) => void;

export class Bus {
  private handlers = new Map<keyof BusEvents, Set<Handler<keyof BusEvents>>>();

  on<K extends keyof BusEvents>(type: K, fn: Handler<K>, signal?: AbortSignal): () => void {
    let set = this.handlers.get(type);
    if (!set) this.handlers.set(type, (set = new Set()));
    set.add(fn as Handler<keyof BusEvents>);
    const off = () => set!.delete(fn as Handler<keyof BusEvents>);
    signal?.addEventListener('abort', off, { once: true });
    return off;
  }

  emit<K extends keyof BusEvents>(type: K, payload: BusEvents[K]): void {
    for (const fn of [...(this.handlers.get(type) ?? [])]) {
      try {
        (fn as Handler<K>)(payload);
      } catch (e) {
        console.error('[Balise]', type, e);
      }
    }
  }
}
