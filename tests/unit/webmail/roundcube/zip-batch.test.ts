/**
 * Roundcube's zipdownload archives as Webmail.rawMessages (lib/webmail/roundcube/zip-batch.ts, kit/archive.ts):
 * the request the plugin's own form sends, how entries map back to uids, and every answer that is not an archive
 * of exactly what was asked (left out or refused, never guessed). The real plugin is exercised end to end by the
 * preview e2e on the Roundcube test environment (which enables it).
 */
import { describe, expect, it } from 'vitest';
import { strToU8, zipSync } from 'fflate';
import { RcApi } from '../../../../lib/webmail/roundcube/api';
import { entryUid, zipMessages } from '../../../../lib/webmail/roundcube/zip-batch';
import { unzipBounded } from '../../../../lib/webmail/kit/archive';
import { isWebmailError } from '../../../../lib/webmail/types';

const TOKEN = 'rcTOKENrcTOKENrcTOKENrcTOKENrcTO';
const msg = (n: number) => strToU8(`From: a@b.fr\r\nSubject: m${n}\r\n\r\nbody ${n}\r\n`);

function fakeApi(answer: () => Response) {
  const seen: { url: URL; init: RequestInit }[] = [];
  const api = new RcApi({
    pageUrl: 'http://127.0.0.1:8080/?_task=mail&_mbox=INBOX',
    commPath: '/?_task=mail',
    token: TOKEN,
    fetch: async (input, init) => {
      seen.push({ url: new URL(input), init });
      return answer();
    },
  });
  return { api, seen };
}
const zipAnswer = (files: Record<string, Uint8Array>) =>
  new Response(zipSync(files), { headers: { 'content-type': 'application/octet-stream', 'content-disposition': 'attachment; filename="INBOX.zip"' } });

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'no error';
  } catch (e) {
    return isWebmailError(e) ? e.code : String(e);
  }
}

describe('entry names', () => {
  it('reads the uid the plugin puts first, with or without subject and folder path', () => {
    expect(entryUid('12 Résultats biolo.eml')).toBe(12);
    expect(entryUid('7.eml')).toBe(7);
    expect(entryUid('INBOX/Archives/301 x.eml')).toBe(301);
    expect(entryUid('12Résultats.eml')).toBeNull();
    expect(entryUid('notes.txt')).toBeNull();
    expect(entryUid('../12 x.eml')).toBe(12);
  });
});

describe('zipMessages', () => {
  it("posts what the plugin's own form posts and maps entries back to the ids asked", async () => {
    const { api, seen } = fakeApi(() => zipAnswer({ '3 m3.eml': msg(3), '5.eml': msg(5) }));
    const got = await zipMessages(api, 'INBOX', ['3', '5', '9'], { maxBytes: 10_000 });
    expect([...got.keys()].sort()).toEqual(['3', '5']);
    expect(new TextDecoder().decode(got.get('3'))).toContain('Subject: m3');
    const { url, init } = seen[0]!;
    expect(Object.fromEntries(url.searchParams)).toEqual({ _task: 'mail', _action: 'plugin.zipdownload.messages' });
    expect(init.method).toBe('POST');
    expect(Object.fromEntries(new URLSearchParams(String(init.body)))).toEqual({ _mbox: 'INBOX', _uid: '3,5,9', _mode: 'maildir', _token: TOKEN });
  });

  it('leaves out entries not asked for, found twice, or that do not start like a message', async () => {
    const { api } = fakeApi(() =>
      zipAnswer({ '3 a.eml': msg(3), 'x/3 b.eml': msg(3), '4 a.eml': strToU8('<?php warning'), '8 other.eml': msg(8), '6 ok.eml': msg(6) }),
    );
    const got = await zipMessages(api, 'INBOX', ['3', '4', '6'], { maxBytes: 10_000 });
    expect([...got.keys()]).toEqual(['6']);
  });

  it("refuses an HTML answer (the plugin's size-limit page) as unsupported, a login page as a session end", async () => {
    const html = (body: string) => () => new Response(body, { headers: { 'content-type': 'text/html; charset=UTF-8' } });
    expect(await codeOf(zipMessages(fakeApi(html('<html><body><script>rcmail.display_message("Taille maximale dépassée")</script>rcmail')).api, 'INBOX', ['1', '2'], { maxBytes: 1000 }))).toBe('unsupported');
    expect(await codeOf(zipMessages(fakeApi(html('<html><body class="task-login action-none"><form id="login-form">rcmail</form>')).api, 'INBOX', ['1', '2'], { maxBytes: 1000 }))).toBe('auth-expired');
  });

  it('refuses an archive larger than the messages asked for, before inflating it', async () => {
    const big = new Uint8Array(2_000_000); // zeros deflate to a few kilobytes
    big.set(msg(1));
    const { api } = fakeApi(() => zipAnswer({ '1.eml': big }));
    expect(await codeOf(zipMessages(api, 'INBOX', ['1', '2'], { maxBytes: 100_000 }))).toBe('invalid-response');
  });
});

describe('unzipBounded', () => {
  it('refuses what is not a zip, or a damaged one', () => {
    expect(() => unzipBounded(strToU8('<html>'), { maxEntryBytes: 10, maxTotalBytes: 10 })).toThrow(/archive/);
    const z = zipSync({ 'a.eml': msg(1) });
    expect(() => unzipBounded(z.subarray(0, z.length - 30), { maxEntryBytes: 1e6, maxTotalBytes: 1e6 })).toThrow();
  });
  it('bounds each entry and the whole', () => {
    const z = zipSync({ 'a.eml': msg(1), 'b.eml': msg(2) });
    expect(unzipBounded(z, { maxEntryBytes: 1000, maxTotalBytes: 1000 }).size).toBe(2);
    expect(() => unzipBounded(z, { maxEntryBytes: 1000, maxTotalBytes: msg(1).length + 3 })).toThrow(/more than/);
    expect(() => unzipBounded(z, { maxEntryBytes: 10, maxTotalBytes: 1000 })).toThrow(/more than/);
  });
});
