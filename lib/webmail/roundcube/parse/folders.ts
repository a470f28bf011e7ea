/**
 * Roundcube 1.6, pure parsing (no DOM, no request, no evaluation): Folders: env.mailboxes, roles, the settings/edit-folder page, folder-size answers.
 */
import * as z from 'zod/mini';
import type { FolderRole } from '../../types';
import { type ExecCall, parseSetEnv, quotaFromScript } from './script';
import { parseSizeLabel } from './sizes-dates';
import { decodeEntities } from './rows';

export interface EnvMailbox {
  id: string;
  name: string;
  class?: string;
  virtual?: boolean;
}

const EnvMailboxSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  class: z.optional(z.string()),
  virtual: z.optional(z.boolean()),
});

/** env.mailboxes (id → {id, name, class}) in env.mailboxes_list order. */
export function envMailboxes(env: Record<string, unknown>): EnvMailbox[] {
  const map = z.record(z.string(), z.unknown()).safeParse(env.mailboxes);
  if (!map.success) return [];
  const order = z.array(z.string()).safeParse(env.mailboxes_list);
  const ids = order.success ? order.data.filter((id) => id in map.data) : Object.keys(map.data);
  const out: EnvMailbox[] = [];
  for (const id of ids) {
    const r = EnvMailboxSchema.safeParse(map.data[id]);
    if (r.success && r.data.id === id) out.push({ id, name: r.data.name, class: r.data.class, virtual: r.data.virtual });
  }
  return out;
}

export function folderRole(id: string, cls: string | undefined, env: Record<string, unknown>): FolderRole {
  if (id.toUpperCase() === 'INBOX') return 'inbox';
  if (typeof env.trash_mailbox === 'string' && id === env.trash_mailbox) return 'trash';
  if (typeof env.drafts_mailbox === 'string' && id === env.drafts_mailbox) return 'drafts';
  if (typeof env.junk_mailbox === 'string' && id === env.junk_mailbox) return 'junk';
  if (typeof env.sent_mailbox === 'string' && id === env.sent_mailbox) return 'sent';
  const c = (cls ?? '').toLowerCase().split(/\s+/);
  for (const role of ['inbox', 'sent', 'drafts', 'trash', 'junk'] as const) if (c.includes(role)) return role;
  return 'other';
}

/**
 * What settings/edit-folder tells about one folder: the exact message count (set_env messagecount), its
 * size as formatted text when the server has STATUS=SIZE (the "_size" row), and the quota (parent.set_quota).
 */
export function parseFolderInfoPage(html: string): {
  count: number | null;
  sizeLabel: string | null;
  quota: { usedBytes: number; limitBytes: number | null } | null;
} {
  const env = parseSetEnv(html);
  const count = env && typeof env.messagecount === 'number' && Number.isSafeInteger(env.messagecount) ? env.messagecount : null;
  const m = /<label\b[^>]*\bfor="_size"[^>]*>[\s\S]*?<\/label>\s*<\/td>\s*<td[^>]*>([^<]*)<\/td>/.exec(html);
  const label = m ? decodeEntities(m[1]!).trim() : null;
  return { count, sizeLabel: label && parseSizeLabel(label) ? label : count === 0 ? '0 o' : null, quota: quotaFromScript(html) };
}

/** folder_size_update("76 Mo") in a folder-size response. */
export function folderSizeFromExec(calls: ExecCall[]): string | null {
  const c = calls.find((x) => x.name === 'folder_size_update' && x.args && typeof x.args[0] === 'string');
  return c ? (c.args![0] as string) : null;
}

// ---------------------------------------------------------------------------------------------------------
// Plain-text signatures
