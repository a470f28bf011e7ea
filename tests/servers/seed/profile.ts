/**
 * The shared mailbox seeder (Roundcube/Dovecot environment and the Zimbra simulator both use it).
 *
 * `generateMailbox` yields complete RFC 822 messages (CRLF) with their ground truth. It is deterministic for a
 * given (profile, seed, now): dates are offsets from `now`, every message draws from its own PRNG stream.
 * Messages are yielded in received-date order (oldest first), so a consumer that assigns UIDs in that order
 * gets UIDs that grow with the date in every folder.
 *
 * Profiles:
 * - realistic: 2,222 messages (INBOX 1,150, Sent 330, Drafts 12, Trash 160, Junk 70, Patients 260,
 *   Patients/Archives 240) over 24 months, total ≈ 160 MiB (80 % of QUOTA_BYTES), ≥ 10 messages over 2 MB.
 * - bench: 20,500 messages, mostly small (median ≈ 1.2 KB, 90 % under 30 KB), ≈ 20 over 1 MB, total ≈ 314 MiB:
 *   give the bench mailbox a quota of ≥ 1 GiB (the Roundcube environment uses 1 GiB for this profile).
 */
import { Rng } from './rng.ts';
import { CRLF, addressHeader, base64Lines, base64LinesSize, encodeText, fileNameParams, header, quotedPrintable, rfc5322Date } from './mime.ts';
import { KIND_BUILDERS, makePatient, type AttPlan, type BuiltAttachment, type Draft, type KindId } from './content.ts';
import type { Patient } from './documents.ts';

export type SeedFolder = 'INBOX' | 'Sent' | 'Drafts' | 'Trash' | 'Junk' | 'Patients' | 'Patients/Archives';
export interface SeedAttachment {
  filename: string;
  contentType: string;
  size: number /* decoded bytes */;
}
export interface SeedMessage {
  folder: SeedFolder;
  raw: Buffer; // exact RFC 822 bytes, CRLF line ends
  internalDate: Date; // received date (= Date header)
  seen: boolean;
  flagged: boolean;
  answered: boolean;
  draft: boolean;
  messageId: string; // without <>
  subject: string;
  from: { name: string; address: string };
  to: { name: string; address: string }[];
  attachments: SeedAttachment[];
  clinical: null | 'xdm' | 'hprim' | 'pdf'; // ground truth: IHE_XDM.ZIP, HPRIM text result (recognisable by content), or a PDF attachment
}
export interface SeedOptions {
  profile: 'realistic' | 'bench';
  seed?: number;
  now?: Date /* default: new Date() */;
}
export const QUOTA_BYTES = 200 * 1024 * 1024;

// ---------------------------------------------------------------------------------------------------------

const FOLDERS: readonly SeedFolder[] = ['INBOX', 'Sent', 'Drafts', 'Trash', 'Junk', 'Patients', 'Patients/Archives'];
const DAY = 86_400_000;

type Weights = readonly (readonly [KindId, number])[];

interface ProfileDef {
  counts: Record<SeedFolder, number>;
  kinds: Record<SeedFolder, Weights>;
  targetBytes: number;
  bigChance: number;
}

const CLINICAL_MIX: Weights = [
  ['hprimBody', 15], ['hprimAtt', 15], ['labPdf', 10], ['hospital', 22], ['imaging', 15], ['xdm', 13], ['colleague', 10],
];

const PROFILES: Record<SeedOptions['profile'], ProfileDef> = {
  realistic: {
    counts: { INBOX: 1150, Sent: 330, Drafts: 12, Trash: 160, Junk: 70, Patients: 260, 'Patients/Archives': 240 },
    kinds: {
      INBOX: [
        ['hprimBody', 9], ['hprimAtt', 7], ['labPdf', 6], ['hospital', 11], ['imaging', 7], ['xdm', 5], ['colleague', 20],
        ['secretariat', 12], ['admin', 6], ['newsletter', 8], ['event', 4],
      ],
      Sent: [['sentReply', 55], ['sentReferral', 30], ['sentPlain', 15]],
      Drafts: [['draft', 1]],
      Trash: [
        ['newsletter', 25], ['secretariat', 20], ['colleague', 20], ['admin', 10], ['hospital', 8], ['labPdf', 5],
        ['hprimBody', 5], ['imaging', 4], ['event', 3],
      ],
      Junk: [['spam', 70], ['newsletter', 30]],
      Patients: CLINICAL_MIX,
      'Patients/Archives': CLINICAL_MIX,
    },
    targetBytes: 160 * 1024 * 1024,
    bigChance: 0.02,
  },
  bench: {
    counts: { INBOX: 12000, Sent: 3000, Drafts: 50, Trash: 2000, Junk: 1000, Patients: 1500, 'Patients/Archives': 950 },
    kinds: {
      INBOX: [
        ['hprimBody', 15], ['hprimAtt', 4], ['labPdf', 3], ['hospital', 4], ['imaging', 2], ['xdm', 2], ['colleague', 30],
        ['secretariat', 20], ['admin', 5], ['newsletter', 12], ['event', 3],
      ],
      Sent: [['sentReply', 60], ['sentReferral', 10], ['sentPlain', 30]],
      Drafts: [['draft', 1]],
      Trash: [['newsletter', 30], ['secretariat', 30], ['colleague', 30], ['hospital', 5], ['hprimBody', 5]],
      Junk: [['spam', 70], ['newsletter', 30]],
      Patients: [['hprimBody', 30], ['hprimAtt', 10], ['labPdf', 8], ['hospital', 12], ['imaging', 8], ['xdm', 7], ['colleague', 25]],
      'Patients/Archives': [['hprimBody', 30], ['hprimAtt', 10], ['labPdf', 8], ['hospital', 12], ['imaging', 8], ['xdm', 7], ['colleague', 25]],
    },
    targetBytes: 320 * 1024 * 1024,
    bigChance: 0.006,
  },
};

function planAtts(kind: KindId, rng: Rng, bigChance: number): AttPlan[] {
  const s = (kind: AttPlan['kind'], min: number, max: number): AttPlan => ({ kind, size: rng.logUniform(min, max), scalable: true });
  const big = (kind: AttPlan['kind'], min: number, max: number): AttPlan => ({ kind, size: rng.int(min, max), scalable: false });
  switch (kind) {
    case 'hprimBody':
    case 'sentPlain':
      return [];
    case 'hprimAtt':
      return [{ kind: 'hprim', size: 0, scalable: false }, ...(rng.chance(0.3) ? [s('pdf', 40_000, 250_000)] : [])];
    case 'labPdf':
      return [s('pdf', 40_000, 300_000)];
    case 'hospital': {
      if (rng.chance(bigChance)) return [big('pdf', 2_500_000, 6_000_000)];
      return [s('pdf', 60_000, 1_200_000), ...(rng.chance(0.12) ? [s('pdf', 20_000, 80_000)] : [])];
    }
    case 'imaging': {
      const out = [s('pdf', 50_000, 400_000)];
      if (rng.chance(bigChance * 2)) {
        const n = rng.int(1, 2);
        for (let i = 0; i < n; i++) out.push(big('jpeg', 2_000_000, 4_500_000));
      } else if (rng.chance(0.35)) {
        const n = rng.int(1, 3);
        for (let i = 0; i < n; i++) out.push(s('jpeg', 150_000, 1_200_000));
      }
      return out;
    }
    case 'xdm':
      return [s('xdm', 40_000, 600_000)];
    case 'colleague':
    case 'sentReply':
      if (!rng.chance(kind === 'colleague' ? 0.15 : 0.1)) return [];
      return [rng.weighted([[s('docx', 15_000, 60_000), 1], [s('jpeg', 80_000, 900_000), 1], [s('pdf', 30_000, 300_000), 1]] as const)];
    case 'secretariat':
      return rng.chance(0.06) ? [s('pdf', 20_000, 90_000)] : [];
    case 'admin':
      if (rng.chance(bigChance)) return [big('pdf', 2_000_000, 3_500_000)];
      return rng.chance(0.4) ? [s('pdf', 80_000, 900_000)] : [];
    case 'newsletter':
      return [];
    case 'event':
      return [{ kind: 'ics', size: 0, scalable: false }];
    case 'spam':
      return rng.chance(0.1) ? [s('jpeg', 30_000, 200_000)] : [];
    case 'sentReferral':
      return [s('pdf', 30_000, 150_000), ...(rng.chance(0.2) ? [s('pdf', 30_000, 150_000)] : [])];
    case 'draft':
      return rng.chance(0.25) ? [s('pdf', 30_000, 200_000)] : [];
  }
}

/** Rough encoded size of one attachment (for the size calibration only). */
function attEstimate(a: AttPlan): number {
  switch (a.kind) {
    case 'hprim':
      return 2600;
    case 'ics':
      return 800;
    case 'xdm':
      return base64LinesSize(a.size + 5200) + 200;
    case 'docx':
      return base64LinesSize(Math.max(a.size, 1500) + 400) + 250;
    default:
      return base64LinesSize(a.size) + 250;
  }
}
/** Mean size of the headers and text parts of a message (measured on the realistic profile). */
const TEXT_ESTIMATE = 1500;

interface PlannedMessage {
  index: number;
  folder: SeedFolder;
  kind: KindId;
  date: Date;
  atts: AttPlan[];
  patient: Patient;
  seen: boolean;
  flagged: boolean;
  answered: boolean;
  draft: boolean;
}

function ageDays(folder: SeedFolder, rng: Rng): number {
  switch (folder) {
    case 'Patients/Archives':
      return 60 + rng.float() * 670;
    case 'Drafts':
      return rng.float() * 120;
    case 'Junk':
      return rng.float() * 120;
    case 'Trash':
      return 365 * Math.pow(rng.float(), 1.3);
    default:
      return 730 * Math.pow(rng.float(), 1.7);
  }
}

function plan(opts: SeedOptions): PlannedMessage[] {
  const def = PROFILES[opts.profile];
  const seed = opts.seed ?? 1;
  const now = (opts.now ?? new Date()).getTime();
  const rng = new Rng(seed, 0);
  const patients = Array.from({ length: 600 }, () => makePatient(rng));
  const out: PlannedMessage[] = [];
  let index = 0;
  for (const folder of FOLDERS) {
    for (let i = 0; i < def.counts[folder]; i++) {
      const kind = rng.weighted(def.kinds[folder]);
      const age = ageDays(folder, rng);
      // Whole seconds, at least two minutes in the past.
      const t = Math.floor((now - 120_000 - age * DAY) / 1000) * 1000;
      const recent = now - t < 30 * DAY;
      const atts = planAtts(kind, rng, def.bigChance);
      const p = rng.pick(patients);
      let seen = true;
      let flagged = false;
      let answered = false;
      let draft = false;
      switch (folder) {
        case 'INBOX':
          seen = rng.chance(recent ? 0.55 : 0.97);
          flagged = rng.chance(0.06);
          answered = rng.chance(kind === 'colleague' || kind === 'secretariat' ? 0.35 : 0.03);
          break;
        case 'Sent':
          flagged = rng.chance(0.02);
          break;
        case 'Drafts':
          draft = true;
          break;
        case 'Trash':
          seen = rng.chance(0.95);
          break;
        case 'Junk':
          seen = rng.chance(0.4);
          break;
        default:
          seen = rng.chance(0.99);
          flagged = rng.chance(0.1);
          answered = rng.chance(kind === 'colleague' ? 0.4 : 0.02);
      }
      out.push({ index: index++, folder, kind, date: new Date(t), atts, patient: p, seen, flagged, answered, draft });
    }
  }
  // Scale the ordinary attachments so that the whole mailbox lands on the profile's size target.
  let fixed = 0;
  let scalable = 0;
  for (const m of out) {
    fixed += TEXT_ESTIMATE;
    for (const a of m.atts) {
      if (a.scalable) scalable += attEstimate(a);
      else fixed += attEstimate(a);
    }
  }
  const factor = Math.max(0.05, (def.targetBytes - fixed) / scalable);
  for (const m of out) for (const a of m.atts) if (a.scalable) a.size = Math.max(2_000, Math.round(a.size * factor));
  out.sort((a, b) => a.date.getTime() - b.date.getTime() || a.index - b.index);
  return out;
}

// ---------------------------------------------------------------------------------------------------------

function textPart(d: Draft): Buffer {
  const bytes = encodeText(d.text.endsWith('\n') ? d.text : d.text + '\n', d.textCharset);
  const cs = d.textCharset === 'utf-8' ? 'UTF-8' : 'ISO-8859-1';
  const head = `Content-Type: text/plain; charset=${cs}${CRLF}Content-Transfer-Encoding: ${d.textEncoding}${CRLF}${CRLF}`;
  const body = d.textEncoding === 'quoted-printable' ? Buffer.from(quotedPrintable(bytes) + CRLF, 'latin1') : bytes;
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

function htmlPart(html: string): Buffer {
  const head = `Content-Type: text/html; charset=UTF-8${CRLF}Content-Transfer-Encoding: quoted-printable${CRLF}${CRLF}`;
  return Buffer.from(head + quotedPrintable(encodeText(html + '\n', 'utf-8')) + CRLF, 'latin1');
}

function attachmentPart(a: BuiltAttachment): Buffer {
  const { ctypeParam, dispParam } = fileNameParams(a.filename);
  const cs = a.charset ? `; charset=${a.charset}` : '';
  const head =
    `Content-Type: ${a.contentType}${cs};${CRLF} ${ctypeParam}${CRLF}` +
    `Content-Disposition: attachment;${CRLF} ${dispParam}${CRLF}` +
    `Content-Transfer-Encoding: ${a.encoding}${CRLF}${CRLF}`;
  const body = a.encoding === 'base64' ? base64Lines(a.data) : Buffer.from(quotedPrintable(a.data) + CRLF, 'latin1');
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

function multipart(subtype: string, boundary: string, parts: Buffer[], preamble: boolean): { ctype: string; body: Buffer } {
  const chunks: Buffer[] = [];
  if (preamble) chunks.push(Buffer.from(`This is a multi-part message in MIME format.${CRLF}`, 'latin1'));
  for (const p of parts) {
    chunks.push(Buffer.from(`${CRLF}--${boundary}${CRLF}`, 'latin1'));
    chunks.push(p);
  }
  chunks.push(Buffer.from(`${CRLF}--${boundary}--${CRLF}`, 'latin1'));
  return { ctype: `multipart/${subtype};${CRLF} boundary="${boundary}"`, body: Buffer.concat(chunks) };
}

function splitHead(part: Buffer): { head: string; body: Buffer } {
  const i = part.indexOf('\r\n\r\n');
  return { head: part.subarray(0, i).toString('latin1'), body: part.subarray(i + 4) };
}

function render(pm: PlannedMessage, seed: number): SeedMessage {
  const rng = new Rng(seed, 1000 + pm.index);
  const d = KIND_BUILDERS[pm.kind]({ rng, date: pm.date, patient: pm.patient, atts: pm.atts, index: pm.index });
  const hex = rng.next().toString(16).padStart(8, '0');
  const messageId = `${pm.date.getTime().toString(36)}.${hex}.${pm.index}@${d.domain}`;
  const boundary = (tag: string) => `----=_Part_${pm.index}_${tag}_${rng.next().toString(16)}`;

  // Body: text, text+html, then attachments.
  let content: Buffer = textPart(d);
  if (d.html) {
    const alt = multipart('alternative', boundary('alt'), [textPart(d), htmlPart(d.html)], false);
    content = Buffer.concat([Buffer.from(`Content-Type: ${alt.ctype}${CRLF}${CRLF}`, 'latin1'), alt.body]);
  }
  let top: { head: string; body: Buffer };
  if (d.attachments.length) {
    const mixed = multipart('mixed', boundary('mix'), [content, ...d.attachments.map(attachmentPart)], true);
    top = { head: `Content-Type: ${mixed.ctype}`, body: mixed.body };
  } else {
    top = splitHead(content);
  }

  const headers = [
    `Date: ${rfc5322Date(pm.date)}`,
    addressHeader('From', [d.from]),
    addressHeader('To', d.to),
    header('Subject', d.subject),
    `Message-ID: <${messageId}>`,
    ...(d.inReplyTo ? [`In-Reply-To: <${d.inReplyTo}>`, `References: <${d.inReplyTo}>`] : []),
    'MIME-Version: 1.0',
    top.head,
    ...(pm.folder === 'Sent' || pm.folder === 'Drafts' ? ['User-Agent: Roundcube Webmail/1.6.5'] : []),
  ];
  const raw = Buffer.concat([Buffer.from(headers.join(CRLF) + CRLF + CRLF, 'latin1'), top.body]);

  const hasXdm = d.attachments.some((a) => a.filename === 'IHE_XDM.ZIP');
  const hasHprim = !!d.hprimBody || d.attachments.some((a) => a.hprim);
  const hasPdf = d.attachments.some((a) => a.contentType === 'application/pdf');
  return {
    folder: pm.folder,
    raw,
    internalDate: pm.date,
    seen: pm.seen,
    flagged: pm.flagged,
    answered: pm.answered,
    draft: pm.draft,
    messageId,
    subject: d.subject,
    from: { name: d.from.name, address: d.from.address },
    to: d.to.map((t) => ({ name: t.name, address: t.address })),
    attachments: d.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, size: a.data.length })),
    clinical: hasXdm ? 'xdm' : hasHprim ? 'hprim' : hasPdf ? 'pdf' : null,
  };
}

export function* generateMailbox(opts: SeedOptions): Generator<SeedMessage> {
  const seed = opts.seed ?? 1;
  for (const pm of plan(opts)) yield render(pm, seed);
}
