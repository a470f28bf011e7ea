/**
 * The signature on Roundcube and Zimbra: a button beside each compose editor (host data-balise="signature",
 * data-action="insert" / "remove"), and an optional automatic insertion (settings.signature.autoInsert). The
 * signature goes into the host's own signature block through ComposeEditor.setSignature (replaced, never
 * duplicated) and comes out through removeSignature, also when auto-insertion is turned off while a compose
 * view is open.
 *
 * Which signature: the background resolves it from the BAL written from (compose/context): its situation →
 * that situation's preferred BAL → that situation's template. Before the registry is filled, the BAL written
 * from is the preferred one, with the default template.
 *
 * The keyboard shortcut and the context-menu entry reach this feature through a function registered in the
 * content script's isolated world (EDITOR_HOOK, see caret.ts): invisible to the page's own scripts.
 */
import { render } from 'preact';
import { useState } from 'preact/hooks';
import type { Feature, FeatureContext } from '../context';
import type { ComposeEditor } from '../../webmail/types';
import { mountShadow } from '../../ui/shadow';
import { BASE_CSS } from '../../ui/base-css';
import { Button } from '../../ui/components';
import { send } from '../../messages/send';
import type { ComposeContext } from '../../messages/registry';
import { t } from '../../i18n/t';
import { watchComposeEditors, type EditorWatch } from '../compose-watch';
import { EDITOR_HOOK } from './caret';

const CSS = `
.sig { display: inline-flex; gap: 0.35rem; align-items: center; flex-wrap: wrap; margin: 0.25rem 0.4rem; }
.sig .state { font-size: 12px; }
`;

async function contextFor(editor: ComposeEditor): Promise<ComposeContext> {
  let from: string | null = null;
  try {
    from = editor.fromAddress();
  } catch {
    from = null;
  }
  return send('compose/context', { from: from && from.length <= 320 ? from : null });
}

interface EditorState {
  /** Balise inserted the signature automatically in this editor (and the user did not remove it). */
  auto: boolean;
}

function SignatureButtons({ editor, state, onChange }: { editor: ComposeEditor; state: EditorState; onChange?: () => void }) {
  const [status, setStatus] = useState<{ kind: 'inserted' | 'removed' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const insert = async () => {
    setBusy(true);
    try {
      const ctx = await contextFor(editor);
      editor.setSignature(ctx.signature);
      setStatus({ kind: 'inserted', text: t('sigInserted') });
    } catch (e) {
      setStatus({ kind: 'error', text: t('sigFailed', e instanceof Error ? e.message : String(e)) });
    } finally {
      setBusy(false);
      onChange?.();
    }
  };
  const remove = () => {
    try {
      editor.removeSignature();
      state.auto = false;
      setStatus({ kind: 'removed', text: t('sigRemoved') });
    } catch (e) {
      setStatus({ kind: 'error', text: t('sigFailed', e instanceof Error ? e.message : String(e)) });
    }
    onChange?.();
  };
  return (
    <div class="sig" data-state={status?.kind ?? 'idle'}>
      <Button action="insert" onClick={() => void insert()} disabled={busy} title={t('sigInsertTitle')}>
        {t('sigInsert')}
      </Button>
      <Button action="remove" variant="secondary" onClick={remove} disabled={busy}>
        {t('sigRemove')}
      </Button>
      <span class={`state ${status?.kind === 'error' ? '' : 'b-muted'}`} role="status" aria-live="polite">
        {status?.text ?? ''}
      </span>
    </div>
  );
}

/** Picks the editor a shortcut means: the only one, else the first whose anchor is on screen. */
function pickEditor(editors: ComposeEditor[]): ComposeEditor | null {
  if (editors.length <= 1) return editors[0] ?? null;
  for (const e of editors) {
    const a = e.anchor();
    if (a && a.isConnected && (a as HTMLElement).getClientRects?.().length) return e;
  }
  return editors[0] ?? null;
}

export function mountSignature(ctx: FeatureContext): EditorWatch {
  const states = new Map<string, EditorState>();
  let lastAutoInsert: boolean | null = null;

  const onEditor = (editor: ComposeEditor, signal: AbortSignal) => {
    const state: EditorState = { auto: false };
    states.set(editor.id, state);
    signal.addEventListener('abort', () => states.delete(editor.id), { once: true });
    const anchor = editor.anchor();
    if (anchor) {
      const ui = mountShadow({ feature: 'signature', css: `${BASE_CSS}\n${CSS}`, anchor, placement: 'after' });
      render(<SignatureButtons editor={editor} state={state} />, ui.container);
      signal.addEventListener(
        'abort',
        () => {
          render(null, ui.container);
          ui.remove();
        },
        { once: true },
      );
    }
    void contextFor(editor)
      .then((c) => {
        lastAutoInsert = c.autoInsert;
        if (!c.autoInsert || signal.aborted) return;
        editor.setSignature(c.signature);
        state.auto = true;
      })
      .catch((e: unknown) => console.warn('[Balise] signature', e));
  };

  const watch = watchComposeEditors(ctx.doc, ctx.webmail, onEditor, ctx.signal);

  // Auto-insertion turned on or off in the options while a compose view is open: follow it when the user
  // comes back to the webmail's tab.
  const resync = () => {
    if (ctx.doc.visibilityState === 'hidden') return;
    const editors = watch.current();
    if (!editors.length) return;
    void contextFor(editors[0]!)
      .then(async (c) => {
        if (lastAutoInsert === c.autoInsert) return;
        lastAutoInsert = c.autoInsert;
        for (const editor of editors) {
          const state = states.get(editor.id);
          if (!state) continue;
          if (!c.autoInsert && state.auto) {
            editor.removeSignature();
            state.auto = false;
          } else if (c.autoInsert && !state.auto) {
            editor.setSignature((await contextFor(editor)).signature);
            state.auto = true;
          }
        }
      })
      .catch((e: unknown) => console.warn('[Balise] signature', e));
  };
  ctx.doc.addEventListener('visibilitychange', resync, { signal: ctx.signal });
  ctx.doc.defaultView?.addEventListener('focus', resync, { signal: ctx.signal });

  // The shortcut and the context menu (through the background's injected function) use the host's block too.
  const g = globalThis as unknown as Record<symbol, unknown>;
  const key = Symbol.for(EDITOR_HOOK);
  const hook = async (): Promise<boolean> => {
    const editor = pickEditor(watch.current());
    if (!editor) return false;
    editor.setSignature((await contextFor(editor)).signature);
    return true;
  };
  g[key] = hook;
  ctx.signal.addEventListener(
    'abort',
    () => {
      if (g[key] === hook) delete g[key];
    },
    { once: true },
  );
  return watch;
}

export const signatureFeature: Feature = {
  id: 'signature',
  applies: (ctx) => ctx.detection.supported && ctx.webmail.capabilities.compose,
  mount: (ctx) => {
    mountSignature(ctx);
  },
};
