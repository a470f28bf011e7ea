import { describe, expect, it } from 'vitest';
import { zipSync, strToU8, unzipSync } from 'fflate';
import { extractXdm, readMetadata } from '../../../../lib/export/readable/xdm';
import { buildPdf, buildXdmZip } from '../../../servers/seed/documents';
import { makePatient } from '../../../servers/seed/content';
import { Rng } from '../../../servers/seed/rng';
import { win } from './helpers';

const parser = () => new (win as unknown as { DOMParser: typeof DOMParser }).DOMParser();
const CLASS = 'urn:uuid:41a5887f-8865-4c09-adf7-e362475b143a';
const TYPE = 'urn:uuid:f0306f51-975f-434e-a61c-c59651d33983';

/** METADATA.XML with one ExtrinsicObject per document. */
function metadata(docs: { uri: string[]; title?: string; mime: string; classCode?: [string, string]; typeCode?: [string, string] }[]): string {
  const eo = docs
    .map(
      (d, i) => `<rim:ExtrinsicObject id="Doc${i}" mimeType="${d.mime}">
  <rim:Slot name="URI"><rim:ValueList>${d.uri.map((u) => `<rim:Value>${u}</rim:Value>`).join('')}</rim:ValueList></rim:Slot>
  ${d.title ? `<rim:Name><rim:LocalizedString value="${d.title}"/></rim:Name>` : ''}
  ${d.classCode ? `<rim:Classification classificationScheme="${CLASS}" classifiedObject="Doc${i}" nodeRepresentation="${d.classCode[0]}"><rim:Name><rim:LocalizedString value="${d.classCode[1]}"/></rim:Name></rim:Classification>` : ''}
  ${d.typeCode ? `<rim:Classification classificationScheme="${TYPE}" classifiedObject="Doc${i}" nodeRepresentation="${d.typeCode[0]}"><rim:Name><rim:LocalizedString value="${d.typeCode[1]}"/></rim:Name></rim:Classification>` : ''}
</rim:ExtrinsicObject>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<lcm:SubmitObjectsRequest xmlns:lcm="urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0" xmlns:rim="urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0"><rim:RegistryObjectList>
${eo}
</rim:RegistryObjectList></lcm:SubmitObjectsRequest>`;
}

const CDA = strToU8('<?xml version="1.0" encoding="UTF-8"?><ClinicalDocument xmlns="urn:hl7-org:v3"><title>CR</title></ClinicalDocument>');

describe('IHE XDM extraction', () => {
  it('extracts the PDF of a seed XDM archive, named from its METADATA.XML title', () => {
    const rng = new Rng(7);
    const patient = makePatient(rng);
    const zip = buildXdmZip({ rng, patient, date: new Date(Date.UTC(2025, 2, 2)), docTitle: 'Lettre de liaison – M. TEST Jean', authorName: 'MARTIN^Paul', authorOrg: 'CH Exemple', recipient: 'dr@medecin.mssante.fr', pdfSize: 20_000 });
    const r = extractXdm(zip, { parser: parser() });
    expect(r.status).toBe('ok');
    expect(r.documents).toHaveLength(1);
    const d = r.documents[0]!;
    expect(d.kind).toBe('pdf');
    expect(d.entry).toBe('IHE_XDM/SUBSET01/DOC0001.PDF');
    expect(d.name).toBe('Lettre de liaison – M. TEST Jean.pdf');
    expect(Array.from(d.bytes)).toEqual(Array.from(unzipSync(zip)['IHE_XDM/SUBSET01/DOC0001.PDF']!));
    expect(String.fromCharCode(...d.bytes.subarray(0, 5))).toBe('%PDF-');
  });

  it('extracts CDA and PDF from several SUBSET folders, matching URI slots (split ones too) and codes', () => {
    const pdf = buildPdf(new Rng(3), 5_000, 'CR imagerie');
    const zip = zipSync({
      'INDEX.HTM': strToU8('<html></html>'),
      'README.TXT': strToU8('readme'),
      'IHE_XDM/SUBSET01/METADATA.XML': strToU8(
        metadata([
          { uri: ['DOC0001.XML'], title: 'CR d’imagerie médicale', mime: 'text/xml', classCode: ['10', 'Compte rendu'], typeCode: ['18748-4', 'CR d’imagerie médicale'] },
          { uri: ['1|DOC00', '2|02.PDF'], mime: 'application/pdf', classCode: ['10', 'Compte rendu'] },
        ]),
      ),
      'IHE_XDM/SUBSET01/DOC0001.XML': CDA,
      'IHE_XDM/SUBSET01/DOC0002.PDF': pdf,
      'IHE_XDM/SUBSET02/METADATA.XML': strToU8(metadata([])),
      'IHE_XDM/SUBSET02/DOC0001.XML': CDA,
      'IHE_XDM/SUBSET01/IMAGE.JPG': new Uint8Array([0xff, 0xd8, 0xff]),
      'OTHER/DOC.PDF': pdf,
    });
    const r = extractXdm(zip, { parser: parser() });
    expect(r.status).toBe('ok');
    const byEntry = Object.fromEntries(r.documents.map((d) => [d.entry, d]));
    expect(Object.keys(byEntry).sort()).toEqual(['IHE_XDM/SUBSET01/DOC0001.XML', 'IHE_XDM/SUBSET01/DOC0002.PDF', 'IHE_XDM/SUBSET02/DOC0001.XML']);
    expect(byEntry['IHE_XDM/SUBSET01/DOC0001.XML']).toMatchObject({ kind: 'cda', name: 'CR d’imagerie médicale.xml', typeCode: '18748-4', classCode: '10' });
    expect(Array.from(byEntry['IHE_XDM/SUBSET01/DOC0001.XML']!.bytes)).toEqual(Array.from(CDA));
    // No title: the class code's display name.
    expect(byEntry['IHE_XDM/SUBSET01/DOC0002.PDF']).toMatchObject({ kind: 'pdf', name: 'Compte rendu.pdf' });
    expect(Array.from(byEntry['IHE_XDM/SUBSET01/DOC0002.PDF']!.bytes)).toEqual(Array.from(pdf));
    // No metadata for it: the entry's own name.
    expect(byEntry['IHE_XDM/SUBSET02/DOC0001.XML']!.name).toBe('DOC0001.XML');
  });

  it('never expands entities: a METADATA.XML with a DOCTYPE is not parsed, names come from the entries', () => {
    const evil = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd"><!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<lcm:SubmitObjectsRequest xmlns:lcm="urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0" xmlns:rim="urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0"><rim:RegistryObjectList>
<rim:ExtrinsicObject id="D" mimeType="application/pdf"><rim:Slot name="URI"><rim:ValueList><rim:Value>DOC0001.PDF</rim:Value></rim:ValueList></rim:Slot><rim:Name><rim:LocalizedString value="&xxe;&b;"/></rim:Name></rim:ExtrinsicObject>
</rim:RegistryObjectList></lcm:SubmitObjectsRequest>`;
    expect(readMetadata(evil, parser()).size).toBe(0);
    const zip = zipSync({ 'IHE_XDM/SUBSET01/METADATA.XML': strToU8(evil), 'IHE_XDM/SUBSET01/DOC0001.PDF': buildPdf(new Rng(1), 2000, 'x') });
    const r = extractXdm(zip, { parser: parser() });
    expect(r.documents.map((d) => d.name)).toEqual(['DOC0001.PDF']);
  });

  it('skips what it cannot or should not open: too large, declared sizes too large, not a zip, no METADATA.XML', () => {
    const zip = zipSync({ 'IHE_XDM/SUBSET01/METADATA.XML': strToU8(metadata([])), 'IHE_XDM/SUBSET01/DOC0001.XML': new Uint8Array(200_000) });
    expect(extractXdm(zip, { parser: parser(), maxBytes: 100 }).status).toBe('too-large');
    expect(extractXdm(zip, { parser: parser(), maxExtracted: 100_000 }).status).toBe('too-large');
    expect(extractXdm(strToU8('PK\u0003\u0004 not really a zip'), { parser: parser() }).status).toBe('unreadable');
    expect(extractXdm(zipSync({ 'IHE_XDM/SUBSET01/DOC0001.PDF': buildPdf(new Rng(1), 2000, 'x') }), { parser: parser() }).status).toBe('not-xdm');
    // Without a DOM parser at all (never in a page), names come from the entries.
    const plain = extractXdm(zipSync({ 'IHE_XDM/SUBSET01/METADATA.XML': strToU8(metadata([{ uri: ['A.XML'], title: 'T', mime: 'text/xml' }])), 'IHE_XDM/SUBSET01/A.XML': CDA }));
    expect(plain.documents.map((d) => d.name)).toEqual([typeof DOMParser === 'function' ? 'T.xml' : 'A.XML']);
  });
});
