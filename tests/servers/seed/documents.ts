/**
 * Attachment bodies: PDF reports, JPEG images, IHE XDM zips (fflate), HPRIM Médecin text results, small
 * office files. All deterministic from the Rng given; all content fictitious.
 */
import { createHash } from 'node:crypto';
import { zipSync, type Zippable } from 'fflate';
import type { Rng } from './rng.ts';
import { frDate, compactDate, parisParts } from './mime.ts';

export interface Patient {
  civ: 'M.' | 'Mme';
  last: string; // upper case, may have accents
  first: string;
  birth: Date;
  nir: string; // 15 characters, fictitious
  address1: string;
  address2: string;
  postcode: string;
  city: string;
}

const stripAccents = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '');

/** A minimal, well-formed single-page PDF padded with a binary stream to `size` bytes (starts with %PDF-1.4). */
export function buildPdf(rng: Rng, size: number, title: string, lines: string[] = []): Uint8Array {
  const esc = (s: string) => stripAccents(s).replace(/[^\x20-\x7e]/g, '?').replace(/([()\\])/g, '\\$1');
  const text = [`BT /F1 14 Tf 50 790 Td (${esc(title)}) Tj ET`]
    .concat(lines.slice(0, 40).map((l, i) => `BT /F1 10 Tf 50 ${760 - i * 14} Td (${esc(l)}) Tj ET`))
    .join('\n');
  const head = Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1');
  const objs = [
    `1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n`,
    `2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n`,
    `3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>\nendobj\n`,
    `4 0 obj\n<< /Length ${text.length} >>\nstream\n${text}\nendstream\nendobj\n`,
    `5 0 obj\n<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>\nendobj\n`,
  ].map((s) => Buffer.from(s, 'latin1'));
  // Object 6: opaque embedded data (stands for scanned pages / images) sized to reach `size`.
  const xrefAndTrailerEstimate = 7 * 20 + 120;
  const fixed = head.length + objs.reduce((a, b) => a + b.length, 0) + xrefAndTrailerEstimate + 80;
  const padLen = Math.max(0, size - fixed);
  const o6head = Buffer.from(`6 0 obj\n<< /Length ${padLen} /Filter /FlateDecode >>\nstream\n`, 'latin1');
  const o6tail = Buffer.from(`\nendstream\nendobj\n`, 'latin1');
  const pad = rng.bytes(padLen);
  const offsets: number[] = [];
  let pos = head.length;
  for (const o of objs) {
    offsets.push(pos);
    pos += o.length;
  }
  offsets.push(pos);
  pos += o6head.length + pad.length + o6tail.length;
  const xref =
    `xref\n0 7\n0000000000 65535 f \n` +
    offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('') +
    `trailer\n<< /Size 7 /Root 1 0 R >>\nstartxref\n${pos}\n%%EOF\n`;
  return Buffer.concat([head, ...objs, o6head, pad, o6tail, Buffer.from(xref, 'latin1')]);
}

/** JPEG-looking bytes (SOI + JFIF APP0 … EOI) of exactly `size` bytes. */
export function buildJpeg(rng: Rng, size: number): Uint8Array {
  const head = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x48, 0x00, 0x48, 0x00, 0x00]);
  const body = rng.bytes(Math.max(0, size - head.length - 2));
  return Buffer.concat([head, body, Buffer.from([0xff, 0xd9])]);
}

/** A tiny real .docx (zip with the OOXML parts a reader looks for). */
export function buildDocx(rng: Rng, date: Date, paragraphs: string[], padTo = 0): Uint8Array {
  const xmlEsc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const body = paragraphs.map((p) => `<w:p><w:r><w:t xml:space="preserve">${xmlEsc(p)}</w:t></w:r></w:p>`).join('');
  const files: Zippable = {
    '[Content_Types].xml': Buffer.from(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    ),
    '_rels/.rels': Buffer.from(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
    ),
    'word/document.xml': Buffer.from(
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${body}</w:body></w:document>`,
    ),
  };
  if (padTo > 0) files['word/media/image1.png'] = [rng.bytes(padTo), { level: 0 }];
  return zipSync(files, { level: 6, mtime: date });
}

/** An iCalendar invitation. */
export function buildIcs(date: Date, summary: string, uid: string): Uint8Array {
  const p = parisParts(date);
  const d = `${p.y}${String(p.mo).padStart(2, '0')}${String(p.d).padStart(2, '0')}`;
  return Buffer.from(
    [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//Balise seed//FR',
      'METHOD:REQUEST',
      'BEGIN:VEVENT',
      `UID:${uid}`,
      `DTSTAMP:${d}T080000Z`,
      `DTSTART;TZID=Europe/Paris:${d}T200000`,
      `DTEND;TZID=Europe/Paris:${d}T220000`,
      `SUMMARY:${summary}`,
      'END:VEVENT',
      'END:VCALENDAR',
      '',
    ].join('\r\n'),
    'utf8',
  );
}

export interface LabResult {
  section: string;
  label: string;
  code: string;
  value: string;
  unit: string;
  low: string;
  high: string;
}

const LAB_TESTS: Omit<LabResult, 'value'>[] = [
  { section: 'HEMATOLOGIE', label: 'Hématies', code: 'GR', unit: 'T/L', low: '4,00', high: '5,40' },
  { section: 'HEMATOLOGIE', label: 'Hémoglobine', code: 'HB', unit: 'g/dL', low: '12,0', high: '16,0' },
  { section: 'HEMATOLOGIE', label: 'Hématocrite', code: 'HT', unit: '%', low: '37', high: '47' },
  { section: 'HEMATOLOGIE', label: 'Leucocytes', code: 'GB', unit: 'G/L', low: '4,0', high: '10,0' },
  { section: 'HEMATOLOGIE', label: 'Plaquettes', code: 'PLQ', unit: 'G/L', low: '150', high: '400' },
  { section: 'BIOCHIMIE', label: 'Glycémie à jeun', code: 'GLY', unit: 'mmol/L', low: '4,1', high: '5,9' },
  { section: 'BIOCHIMIE', label: 'Créatinine', code: 'CREA', unit: 'µmol/L', low: '45', high: '90' },
  { section: 'BIOCHIMIE', label: 'DFG estimé (CKD-EPI)', code: 'DFG', unit: 'mL/min/1,73m²', low: '90', high: '' },
  { section: 'BIOCHIMIE', label: 'Sodium', code: 'NA', unit: 'mmol/L', low: '136', high: '145' },
  { section: 'BIOCHIMIE', label: 'Potassium', code: 'K', unit: 'mmol/L', low: '3,5', high: '5,1' },
  { section: 'BIOCHIMIE', label: 'Cholestérol LDL', code: 'LDL', unit: 'g/L', low: '', high: '1,60' },
  { section: 'BIOCHIMIE', label: 'Triglycérides', code: 'TG', unit: 'g/L', low: '', high: '1,50' },
  { section: 'BIOCHIMIE', label: 'Hémoglobine glyquée (HbA1c)', code: 'HBA1C', unit: '%', low: '4,0', high: '6,0' },
  { section: 'BIOCHIMIE', label: 'TSH', code: 'TSH', unit: 'mUI/L', low: '0,40', high: '4,00' },
  { section: 'BIOCHIMIE', label: 'Protéine C réactive', code: 'CRP', unit: 'mg/L', low: '', high: '5' },
  { section: 'BIOCHIMIE', label: 'Ferritine', code: 'FERR', unit: 'µg/L', low: '20', high: '200' },
  { section: 'HEMOSTASE', label: 'INR', code: 'INR', unit: '', low: '2,0', high: '3,0' },
];

export function labResults(rng: Rng): LabResult[] {
  const n = rng.int(4, 12);
  const start = rng.int(0, LAB_TESTS.length - n);
  return LAB_TESTS.slice(start, start + n).map((t) => {
    const lo = parseFloat((t.low || '0').replace(',', '.'));
    const hi = parseFloat((t.high || String(lo * 2 || 10)).replace(',', '.'));
    const v = lo + (hi - lo) * (rng.float() * 1.4 - 0.2);
    const digits = hi < 10 ? 2 : hi < 100 ? 1 : 0;
    return { ...t, value: v.toFixed(digits).replace('.', ',') };
  });
}

/**
 * An HPRIM Médecin text result: a 12-line header (title, last name, first name, address 1, address 2,
 * postcode + city, date of birth, NIR, lab reference, date, sender, recipient), free text, then ****FIN****.
 * Returned as a JS string that only uses ISO-8859-1 characters (labs send it in Latin-1).
 */
export function buildHprim(opts: {
  patient: Patient;
  labRef: string;
  date: Date;
  labName: string;
  labCity: string;
  doctor: string;
  results: LabResult[];
  finFichier: boolean;
}): string {
  const { patient: p, results } = opts;
  const lines = [
    p.civ === 'Mme' ? 'MME' : 'M',
    p.last,
    p.first,
    p.address1,
    p.address2,
    `${p.postcode} ${p.city.toUpperCase()}`,
    frDate(p.birth),
    p.nir,
    opts.labRef,
    frDate(opts.date),
    opts.labName.toUpperCase(),
    opts.doctor.toUpperCase(),
  ];
  const body: string[] = [
    '',
    `                ${opts.labName}`,
    `                ${opts.labCity}`,
    '',
    `Dossier n° ${opts.labRef} du ${frDate(opts.date)}`,
    `Patient : ${p.civ} ${p.last} ${p.first}, né(e) le ${frDate(p.birth)}`,
    `Prescripteur : ${opts.doctor}`,
    '',
  ];
  let section = '';
  for (const r of results) {
    if (r.section !== section) {
      section = r.section;
      body.push('', section, '-'.repeat(section.length));
    }
    const range = r.low && r.high ? `(${r.low} - ${r.high})` : r.high ? `(< ${r.high})` : r.low ? `(> ${r.low})` : '';
    body.push(`${(r.label + ' ').padEnd(34, '.')} ${r.value.padStart(8)} ${r.unit.padEnd(14)} ${range}`);
  }
  body.push('');
  for (const r of results) {
    const flag = 'N';
    body.push(`RES|${stripAccents(r.label).toUpperCase()}|${r.code}|N|${r.value.replace(',', '.')}|${r.unit}|${r.low.replace(',', '.')}|${r.high.replace(',', '.')}|${flag}|F||`);
  }
  body.push('', 'Résultats validés par le biologiste responsable.', '****FIN****');
  if (opts.finFichier) body.push('****FINFICHIER****');
  // Keep to Latin-1: replace the few characters outside it.
  return [...lines, ...body].join('\n').replace(/²/g, '2').replace(/[^\x00-\xff]/g, '?') + '\n';
}

/** Paths inside every IHE_XDM.ZIP the seeder builds. */
export const XDM_METADATA_PATH = 'IHE_XDM/SUBSET01/METADATA.XML';

/** An IHE XDM media zip: INDEX.HTM, README.TXT, IHE_XDM/SUBSET01/{METADATA.XML, DOC0001.PDF}. */
export function buildXdmZip(opts: {
  rng: Rng;
  patient: Patient;
  date: Date;
  docTitle: string;
  authorName: string;
  authorOrg: string;
  recipient: string;
  pdfSize: number;
}): Uint8Array {
  const { rng, patient: p, date } = opts;
  const pdf = buildPdf(rng, opts.pdfSize, opts.docTitle, [
    `${p.civ} ${p.last} ${p.first}`,
    `Ne(e) le ${frDate(p.birth)}`,
    opts.authorOrg,
  ]);
  const sha1 = createHash('sha1').update(pdf).digest('hex');
  const ts = `${compactDate(date)}120000`;
  const uid = `1.2.250.1.213.1.1.9.${rng.int(100000, 999999)}.${rng.int(1000, 9999)}`;
  const ins = p.nir.replace(/\s/g, '');
  const xmlEsc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const metadata = `<?xml version="1.0" encoding="UTF-8"?>
<lcm:SubmitObjectsRequest xmlns:lcm="urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0" xmlns:rim="urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0">
  <rim:RegistryObjectList>
    <rim:ExtrinsicObject id="Document01" mimeType="application/pdf" objectType="urn:uuid:7edca82f-054d-47f2-a032-9b2a5b5186c1">
      <rim:Slot name="creationTime"><rim:ValueList><rim:Value>${ts}</rim:Value></rim:ValueList></rim:Slot>
      <rim:Slot name="hash"><rim:ValueList><rim:Value>${sha1}</rim:Value></rim:ValueList></rim:Slot>
      <rim:Slot name="size"><rim:ValueList><rim:Value>${pdf.length}</rim:Value></rim:ValueList></rim:Slot>
      <rim:Slot name="languageCode"><rim:ValueList><rim:Value>fr-FR</rim:Value></rim:ValueList></rim:Slot>
      <rim:Slot name="sourcePatientId"><rim:ValueList><rim:Value>${ins}^^^&amp;1.2.250.1.213.1.4.8&amp;ISO^NH</rim:Value></rim:ValueList></rim:Slot>
      <rim:Slot name="sourcePatientInfo"><rim:ValueList>
        <rim:Value>PID-5|${xmlEsc(p.last)}^${xmlEsc(p.first)}^^^^^L</rim:Value>
        <rim:Value>PID-7|${compactDate(p.birth)}</rim:Value>
        <rim:Value>PID-8|${p.civ === 'Mme' ? 'F' : 'M'}</rim:Value>
      </rim:ValueList></rim:Slot>
      <rim:Slot name="URI"><rim:ValueList><rim:Value>DOC0001.PDF</rim:Value></rim:ValueList></rim:Slot>
      <rim:Name><rim:LocalizedString charset="UTF-8" xml:lang="fr-FR" value="${xmlEsc(opts.docTitle)}"/></rim:Name>
      <rim:Classification classificationScheme="urn:uuid:93606bcf-9494-43ec-9b4e-a7748d1a838d" classifiedObject="Document01" nodeRepresentation="">
        <rim:Slot name="authorPerson"><rim:ValueList><rim:Value>^${xmlEsc(opts.authorName)}^^^^^^^&amp;1.2.250.1.71.4.2.1&amp;ISO</rim:Value></rim:ValueList></rim:Slot>
        <rim:Slot name="authorInstitution"><rim:ValueList><rim:Value>${xmlEsc(opts.authorOrg)}</rim:Value></rim:ValueList></rim:Slot>
      </rim:Classification>
      <rim:ExternalIdentifier identificationScheme="urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab" value="${uid}" registryObject="Document01"/>
      <rim:ExternalIdentifier identificationScheme="urn:uuid:58a6f841-87b3-4a3e-92fd-a8ffeff98427" value="${ins}^^^&amp;1.2.250.1.213.1.4.8&amp;ISO^NH" registryObject="Document01"/>
    </rim:ExtrinsicObject>
    <rim:RegistryPackage id="SubmissionSet01">
      <rim:Slot name="submissionTime"><rim:ValueList><rim:Value>${ts}</rim:Value></rim:ValueList></rim:Slot>
      <rim:Slot name="intendedRecipient"><rim:ValueList><rim:Value>|^^Internet^${xmlEsc(opts.recipient)}</rim:Value></rim:ValueList></rim:Slot>
    </rim:RegistryPackage>
  </rim:RegistryObjectList>
</lcm:SubmitObjectsRequest>
`;
  const index = `<html><head><meta charset="utf-8"><title>IHE XDM</title></head><body>
<h1>Contenu du support IHE XDM</h1>
<p>${xmlEsc(opts.authorOrg)}</p>
<ul><li><a href="IHE_XDM/SUBSET01/DOC0001.PDF">${xmlEsc(opts.docTitle)}</a></li></ul>
</body></html>
`;
  const readme = `Support d'echange IHE XDM (ITI-32)\r\nEmetteur : ${stripAccents(opts.authorOrg)}\r\nLogiciel : Balise seed 1.0\r\nContenu : IHE_XDM/SUBSET01\r\n`;
  return zipSync(
    {
      'INDEX.HTM': Buffer.from(index, 'utf8'),
      'README.TXT': Buffer.from(readme, 'latin1'),
      'IHE_XDM/SUBSET01/METADATA.XML': Buffer.from(metadata, 'utf8'),
      'IHE_XDM/SUBSET01/DOC0001.PDF': [pdf, { level: 0 }],
    },
    { level: 6, mtime: date },
  );
}
