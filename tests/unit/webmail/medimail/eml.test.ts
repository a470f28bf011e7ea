/** The reconstructed message reads back (with postal-mime, as Balise reads messages) to what went in, byte for byte. */
import PostalMime from 'postal-mime';
import { describe, expect, it } from 'vitest';
import { base64Lines, buildEml, encodeWord, partType } from '../../../../lib/webmail/medimail/eml';
import { looksLikeMessageStart } from '../../../../lib/webmail/raw';

describe('medimail .eml reconstruction', () => {
  it('carries headers, body and every document with its type and exact bytes', async () => {
    const pdf = new Uint8Array(5000).map((_, i) => (i * 31) & 0xff);
    const zip = new Uint8Array([0x50, 0x4b, 3, 4, 0, 255, 254]);
    const eml = buildEml({
      from: 'Laboratoire Océane <bio@lbm-oceane.mssante.fr>',
      to: ['martin.durand@medecin.mssante.fr'],
      cc: ['Dr Élise Roux <elise.roux@medecin.mssante.fr>'],
      subject: 'Résultats de biologie – Mme LEMOINE Agnès (HPRIM) et un sujet assez long pour être plié en plusieurs mots',
      date: Date.UTC(2026, 10, 20, 4, 2, 0),
      hostId: '3100566',
      bodyHtml: 'Bonjour Docteur,<br>\nVoici les résultats.<br>',
      attachments: [
        { filename: 'CR_26R5068932.pdf', contentType: 'application/pdf', bytes: pdf },
        { filename: 'IHE_XDM.ZIP', contentType: 'application/zip', bytes: zip },
        { filename: 'résultats été.txt', contentType: 'text/plain', bytes: new TextEncoder().encode('****FIN****\r\n') },
      ],
    });
    expect(looksLikeMessageStart(eml.subarray(0, 200))).toBe(true);
    const text = new TextDecoder().decode(eml);
    expect(text).toMatch(/^X-Balise-Reconstructed: medimail; id=3100566;/m);
    expect(text.split('\r\n').every((l) => l.length <= 998)).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/\n/);
    const m = await PostalMime.parse(eml);
    expect(m.from?.address).toBe('bio@lbm-oceane.mssante.fr');
    expect(m.from?.name).toBe('Laboratoire Océane');
    expect(m.to?.map((a) => a.address)).toEqual(['martin.durand@medecin.mssante.fr']);
    expect(m.cc?.map((a) => a.name)).toEqual(['Dr Élise Roux']);
    expect(m.subject).toBe('Résultats de biologie – Mme LEMOINE Agnès (HPRIM) et un sujet assez long pour être plié en plusieurs mots');
    expect(new Date(m.date!).getTime()).toBe(Date.UTC(2026, 10, 20, 4, 2, 0));
    expect(m.html).toContain('Voici les résultats.');
    expect(m.attachments.map((a) => [a.filename, a.mimeType])).toEqual([
      ['CR_26R5068932.pdf', 'application/pdf'],
      ['IHE_XDM.ZIP', 'application/zip'],
      ['résultats été.txt', 'text/plain'],
    ]);
    expect(new Uint8Array(m.attachments[0]!.content as ArrayBuffer)).toEqual(pdf);
    expect(new Uint8Array(m.attachments[1]!.content as ArrayBuffer)).toEqual(zip);
  });

  it('encodes base64 like the platform, types parts from the server or the name', () => {
    for (const n of [0, 1, 2, 3, 57, 58, 200]) {
      const b = new Uint8Array(n).map((_, i) => (i * 7 + 3) & 0xff);
      expect(base64Lines(b).replace(/\r\n/g, '')).toBe(Buffer.from(b).toString('base64'));
      expect(base64Lines(b).split('\r\n').every((l) => l.length <= 76)).toBe(true);
    }
    expect(encodeWord('plain')).toBe('plain');
    expect(partType('application/pdf; name=x', 'x.bin')).toBe('application/pdf');
    expect(partType('application/octet-stream', 'IHE_XDM.ZIP')).toBe('application/octet-stream'); // the server's word
    expect(partType('application/force-download', 'IHE_XDM.ZIP')).toBe('application/zip');
    expect(partType(null, 'resultats.hpr')).toBe('text/plain');
    expect(partType('', 'inconnu.qqq')).toBe('application/octet-stream');
  });
});
