/**
 * Shared steps for the Roundcube adapter's e2e tests: one real Roundcube 1.6 + Dovecot 2.3 environment per file,
 * log in through the real login form, wait until Balise's adapter has detected the page, compare with doveadm.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Page } from 'puppeteer-core';
import type { Session } from '../harness/browsers';
import { login, type RoundcubeEnv } from '../../servers/roundcube/index';
import { listMessages, type MessageTruth } from '../../servers/roundcube/truth';

export interface StateView {
  detection: { kind: string; variant?: string; page: string; supported: boolean; unsupportedReason?: string; version?: string } | null;
  mounted: string[];
  failed: { feature: string; message: string }[];
}

/** The content script starts after the load event: wait until it has detected the page. */
export async function waitForAdapter(s: Session, page: Page, timeoutMs = 20_000): Promise<StateView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const st = await s.call<StateView>(page, 'state').catch(() => null);
    if (st?.detection) return st;
    if (Date.now() > deadline) throw new Error(`no webmail detected on ${page.url()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Log in like a user, then wait for Balise on the mail view. */
export async function loginWithBalise(s: Session, page: Page, env: RoundcubeEnv): Promise<StateView> {
  await login(page, env);
  await s.gotoWithBalise(page, env.url);
  await page.waitForFunction(`window.rcmail && rcmail.message_list && !rcmail.busy && typeof rcmail.env.messagecount === 'number'`, { timeout: 30_000 });
  return waitForAdapter(s, page);
}

/** Message-ID → message, for one folder. */
export async function byMessageId(env: RoundcubeEnv, folder: string): Promise<Map<string, MessageTruth>> {
  return new Map((await listMessages(env, folder)).map((m) => [m.messageId, m]));
}

/** Adds an identity to the Roundcube user (as if created in Settings › Identities). Returns its id. */
export async function addIdentity(env: RoundcubeEnv, o: { name: string; email: string; signature: string; html: boolean }): Promise<number> {
  const script = `
$db = new PDO('sqlite:' . $argv[1]);
$db->setAttribute(PDO::ATTR_ERRMODE, PDO::ERRMODE_EXCEPTION);
$uid = $db->query("SELECT user_id FROM users LIMIT 1")->fetchColumn();
$st = $db->prepare("INSERT INTO identities (user_id, changed, del, standard, name, organization, email, \\"reply-to\\", bcc, signature, html_signature) VALUES (?, datetime('now'), 0, 0, ?, '', ?, '', '', ?, ?)");
$st->execute([$uid, $argv[2], $argv[3], $argv[4], (int) $argv[5]]);
echo $db->lastInsertId();
`;
  const { stdout } = await promisify(execFile)('php', ['-r', script, env.roundcubeDb, o.name, o.email, o.signature, o.html ? '1' : '0']);
  return Number(stdout.trim());
}

export const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
