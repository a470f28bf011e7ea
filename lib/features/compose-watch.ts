/**
 * Compose views come and go on a webmail page (Zimbra opens them as tabs of its single page; Roundcube loads a
 * compose page): this calls `onEditor` once for each compose editor that appears (by its stable id) and runs
 * the cleanup it returned when the editor goes away or the content script stops. Shared by the signature and
 * compose-check features; each has its own watcher.
 */
import type { ComposeEditor, Webmail } from '../webmail/types';

export interface EditorWatch {
  /** Look again now (e.g. after a click that may have opened a compose view). */
  refresh(): void;
  /** The editors seen at the last look. */
  current(): ComposeEditor[];
  stop(): void;
}

export function watchComposeEditors(
  doc: Document,
  webmail: Pick<Webmail, 'composeEditors'>,
  onEditor: (editor: ComposeEditor, signal: AbortSignal) => void,
  signal: AbortSignal,
  opts: { debounceMs?: number } = {},
): EditorWatch {
  const live = new Map<string, { editor: ComposeEditor; ctrl: AbortController }>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  const look = () => {
    timer = undefined;
    if (stopped) return;
    let editors: ComposeEditor[] = [];
    try {
      editors = webmail.composeEditors();
    } catch (e) {
      console.warn('[Balise] composeEditors', e);
    }
    const ids = new Set(editors.map((e) => e.id));
    for (const [id, entry] of live) {
      if (!ids.has(id)) {
        entry.ctrl.abort();
        live.delete(id);
      }
    }
    for (const editor of editors) {
      const known = live.get(editor.id);
      if (known) {
        known.editor = editor;
        continue;
      }
      const ctrl = new AbortController();
      live.set(editor.id, { editor, ctrl });
      try {
        onEditor(editor, ctrl.signal);
      } catch (e) {
        console.error('[Balise] compose editor', e);
      }
    }
  };
  const schedule = () => {
    if (stopped || timer !== undefined) return;
    timer = setTimeout(look, opts.debounceMs ?? 250);
  };

  const observer = new MutationObserver(schedule);
  observer.observe(doc.body ?? doc.documentElement, { childList: true, subtree: true });
  const stop = () => {
    if (stopped) return;
    stopped = true;
    observer.disconnect();
    if (timer !== undefined) clearTimeout(timer);
    for (const entry of live.values()) entry.ctrl.abort();
    live.clear();
  };
  signal.addEventListener('abort', stop, { once: true });
  look();
  return {
    refresh: schedule,
    current: () => [...live.values()].map((e) => e.editor),
    stop,
  };
}
