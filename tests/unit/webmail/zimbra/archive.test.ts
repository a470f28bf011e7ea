/**
 * Zimbra's REST archive as Webmail.rawMessages (lib/webmail/zimbra/archive.ts): the URL ArchiveFormatter answers,
 * the entry names it writes mapped back to item ids, and answers that are not exactly what was asked. The
 * simulator's own archive (tests/servers/zimbra-sim/rest.ts) is exercised by the preview e2e.
 */
import { describe, expect, it } from 'vitest';
import { strToU8, zipSync } from 'fflate';
import { archiveEntryId, archiveMessages } from '../../../../lib/webmail/zimbra/archive';

const msg = (n: number) => strToU8(`Return-Path: <a@b.fr>\r\nSubject: m${n}\r\n\r\nbody ${n}\r\n`);

function fakeSoap(answer: () => Response) {
  const paths: string[] = [];
  return {
    paths,
    soap: {
      rest: async (p: string) => {
        paths.push(p);
        return answer();
      },
    },
  };
}
const zip = (files: Record<string, Uint8Array>) => new Response(zipSync(files), { headers: { 'content-type': 'application/zip' } });

describe('archive entry names', () => {
  it('reads the padded id getEntryName puts before the subject, or the type-id name of a message without one', () => {
    expect(archiveEntryId('Inbox/0000000257-Résultats.eml')).toBe('257');
    expect(archiveEntryId('Inbox!1/0000001024-x.y.eml')).toBe('1024');
    expect(archiveEntryId('Inbox/MESSAGE-88.eml')).toBe('88');
    expect(archiveEntryId('Inbox/message-88.eml')).toBe('88');
    expect(archiveEntryId('Inbox/257-short.eml')).toBeNull();
    expect(archiveEntryId('Inbox/0000000257-x.eml.meta')).toBeNull();
  });
});

describe('archiveMessages', () => {
  it('asks exactly these ids without metadata, and maps the entries back', async () => {
    const { soap, paths } = fakeSoap(() => zip({ 'Inbox/0000000257-a.eml': msg(257), 'Inbox/MESSAGE-300.eml': msg(300), 'Inbox/0000000999-x.eml': msg(999) }));
    const got = await archiveMessages(soap, ['257', '300', '301', '../x'], { maxBytes: 10_000 });
    expect(paths).toEqual(['/service/home/~/?fmt=zip&list=257,300,301&meta=0']);
    expect([...got.keys()].sort()).toEqual(['257', '300']);
  });

  it('answers nothing for a 204 (none found), refuses an HTML page, trusts no id found twice', async () => {
    expect((await archiveMessages(fakeSoap(() => new Response(null, { status: 204 })).soap, ['1', '2'], { maxBytes: 100 })).size).toBe(0);
    await expect(archiveMessages(fakeSoap(() => new Response('<html>', { headers: { 'content-type': 'text/html' } })).soap, ['1', '2'], { maxBytes: 100 })).rejects.toMatchObject({ code: 'unsupported' });
    const twice = await archiveMessages(fakeSoap(() => zip({ 'Inbox/0000000001-a.eml': msg(1), 'Sent/0000000001-a.eml': msg(1), 'Inbox/0000000002-b.eml': msg(2) })).soap, ['1', '2'], { maxBytes: 10_000 });
    expect([...twice.keys()]).toEqual(['2']);
  });
});
