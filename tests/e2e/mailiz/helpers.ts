/**
 * What the Mailiz-like cleanup e2e files share: waiting on the panel's state, Message-IDs of a preview's refs, and
 * how many copies of each message the server holds (a duplicate would hide in a Map keyed by Message-ID).
 *
 * Both files use `mailizTarget({ behindProxy: true })`: the fault proxy (its firewall stand-in) stands at the
 * webmail's public origin and passes the browser's Host on, so the OpenID Connect login comes back through it and
 * Balise sees the mailbox there first, as on Mailiz, where the firewall is in front of the one webmail origin.
 * (Before, the proxy rewrote the Host: the login landed on Roundcube's own origin, the mailbox became that origin's,
 * and lib/background/ownership.ts refused the proxy's page every run: the panel said 'store'.)
 */
import type { Page } from 'puppeteer-core';
import type { Session } from '../harness/browsers';
import type { RoundcubeEnv } from '../../servers/roundcube/index';
import { listAllMessages } from '../../servers/roundcube/truth';
import { panelState, type PanelState } from '../cleanup/panel-driver';
import { indexByRef, type Truth } from '../cleanup/targets';

export async function waitFor(s: Session, page: Page, ok: (st: PanelState) => boolean, what: string, timeoutMs = 300_000): Promise<PanelState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const st = await panelState(s, page);
    if (st && ok(st)) return st;
    if (st?.stage === 'failed') throw new Error(`panel failed while waiting for ${what}`);
    if (Date.now() > deadline) throw new Error(`waited for ${what}; stage ${st?.stage}, error ${JSON.stringify((st as { error?: unknown } | null)?.error ?? null)}, report ${st?.report?.state}/${st?.report?.stopReason}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The Message-IDs of a preview's refs, from the server's truth at the preview. */
export function keysOf(truth: Truth, ids: { folderId: string; id: string }[]): string[] {
  const byRef = indexByRef(truth);
  return ids.map((r) => {
    const k = byRef.get(`${r.folderId}/${r.id}`);
    if (!k) throw new Error(`no message ${r.folderId}/${r.id} on the server`);
    return k;
  });
}

/** What the preview plans to move to the trash (every group but the kept ones and the trash's own). */
export function plannedOf(st: PanelState, before: Truth): Map<string, object> {
  const ids = st.groups!.filter((g) => g.kind !== 'protected' && g.kind !== 'trash').flatMap((g) => g.ids);
  return new Map(keysOf(before, ids).map((k) => [k, {}]));
}

/** Message-ID → how many copies the server holds. */
export async function copies(env: RoundcubeEnv): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const m of await listAllMessages(env)) out.set(m.messageId, (out.get(m.messageId) ?? 0) + 1);
  return out;
}
