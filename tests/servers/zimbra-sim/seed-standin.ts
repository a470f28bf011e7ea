/**
 * TEMPORARY stand-in for the shared seeder `tests/servers/seed/profile.ts`, which another engineer is
 * writing. Same entry point and message shape, so that the simulator can switch to the real one by changing
 * one import in `seed.ts`. Delete this file once the real seeder has landed.
 */

export type SeedFolder = 'INBOX' | 'Sent' | 'Drafts' | 'Trash' | 'Junk' | 'Patients' | 'Patients/Archives';

export interface SeedAttachment {
  filename: string;
  contentType: string;
  size: number;
}

export interface SeedMessage {
  folder: SeedFolder;
  raw: Buffer;
  internalDate: Date;
  seen: boolean;
  flagged: boolean;
  answered: boolean;
  draft: boolean;
  messageId: string;
  subject: string;
  from: string;
  to: string[];
  attachments: SeedAttachment[];
  clinical: boolean;
}

export interface SeedMailbox {
  address: string;
  messages: SeedMessage[];
}

class Prng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 1;
  }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(a: number, b: number): number {
    return a + Math.floor(this.next() * (b - a + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  logUniform(a: number, b: number): number {
    return Math.round(Math.exp(Math.log(a) + this.next() * (Math.log(b) - Math.log(a))));
  }
}

const OWNER = 'dr.martin@medecin.mssante.fr';
const PEERS = [
  ['Laboratoire Bio Santé', 'resultats@labo-biosante.mssante.fr'],
  ['Dr Claire Dubois', 'claire.dubois@medecin.mssante.fr'],
  ['Centre Hospitalier de Vienne', 'secretariat.cardio@ch-vienne.mssante.fr'],
  ['Cabinet de radiologie du Parc', 'imagerie@radio-parc.mssante.fr'],
  ['Pharmacie des Alpes', 'pharmacie.alpes@pharmacien.mssante.fr'],
] as const;
const SUBJECTS = [
  'Compte rendu de consultation',
  'Résultats biologiques',
  'Compte rendu d’hospitalisation',
  'Demande d’avis',
  'Ordonnance renouvelée',
  'CR imagerie thoracique',
  'Lettre de liaison',
];
const BODIES = [
  'Cher confrère,\n\nVeuillez trouver ci-joint le compte rendu.\n\nBien confraternellement.',
  'Bonjour,\n\nLes résultats sont disponibles en pièce jointe.\n****FIN****',
  'Madame, Monsieur,\n\nSuite à la consultation du jour, voici mes conclusions : fin de traitement prévue.',
  'Bonjour,\n\nPouvez-vous me rappeler au sujet de ce patient ?\n\nCordialement',
];

function b64lines(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64').replace(/.{76}/g, '$&\r\n');
}

function qEncode(s: string): string {
  return /^[\x20-\x7e]*$/.test(s) ? s : `=?UTF-8?B?${Buffer.from(s, 'utf8').toString('base64')}?=`;
}

function randomBytes(rng: Prng, n: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = rng.int(1, 0x7fffffff);
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

export function generateMailbox(opts: { profile: 'realistic' | 'bench' | 'empty'; seed: number; now: number }): SeedMailbox {
  const { profile, seed, now } = opts;
  const rng = new Prng(seed);
  const count = profile === 'empty' ? 0 : profile === 'bench' ? 3000 : 400;
  const maxAtt = profile === 'bench' ? 200_000 : 1_500_000;
  const messages: SeedMessage[] = [];
  const folders: [SeedFolder, number][] = [
    ['INBOX', 50],
    ['Sent', 15],
    ['Drafts', 2],
    ['Trash', 10],
    ['Junk', 3],
    ['Patients', 12],
    ['Patients/Archives', 8],
  ];
  const total = folders.reduce((a, [, w]) => a + w, 0);
  for (let i = 0; i < count; i++) {
    let r = rng.next() * total;
    let folder: SeedFolder = 'INBOX';
    for (const [f, w] of folders) {
      r -= w;
      if (r < 0) {
        folder = f;
        break;
      }
    }
    const peer = rng.pick(PEERS);
    const outgoing = folder === 'Sent' || folder === 'Drafts';
    const fromName = outgoing ? 'Dr Paul Martin' : peer[0];
    const fromAddr = outgoing ? OWNER : peer[1];
    const toAddr = outgoing ? peer[1] : OWNER;
    const clinical = rng.chance(0.6);
    const subject = `${rng.pick(SUBJECTS)} ${clinical ? `– patient ${String.fromCharCode(65 + rng.int(0, 25))}.` : ''}`.trim();
    const date = new Date(now - rng.logUniform(60_000, 900 * 86_400_000));
    const messageId = `<${seed}.${i}.${date.getTime()}@sim.balise.test>`;
    const attachments: SeedAttachment[] = [];
    const nAtt = rng.chance(0.45) ? rng.int(1, 3) : 0;
    const boundary = `=_sim_${seed}_${i}`;
    const body = rng.pick(BODIES);
    const headers = [
      `Return-Path: <${fromAddr}>`,
      `Message-ID: ${messageId}`,
      `Date: ${date.toUTCString().replace('GMT', '+0000')}`,
      `From: ${qEncode(fromName)} <${fromAddr}>`,
      `To: <${toAddr}>`,
      `Subject: ${qEncode(subject)}`,
      'MIME-Version: 1.0',
    ];
    let raw: string;
    if (nAtt === 0) {
      raw = [...headers, 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '', body.replace(/\n/g, '\r\n'), ''].join('\r\n');
    } else {
      const parts = [
        [...headers, `Content-Type: multipart/mixed; boundary="${boundary}"`, '', 'This is a multi-part message in MIME format.', ''].join('\r\n'),
        `--${boundary}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${body.replace(/\n/g, '\r\n')}\r\n`,
      ];
      for (let a = 0; a < nAtt; a++) {
        const kind = rng.pick([
          ['pdf', 'application/pdf'],
          ['jpg', 'image/jpeg'],
          ['hprim', 'text/plain'],
          ['zip', 'application/zip'],
        ] as const);
        const size = rng.logUniform(2_000, maxAtt);
        const filename = kind[0] === 'zip' ? 'IHE_XDM.ZIP' : `CR_${i}_${a}.${kind[0]}`;
        attachments.push({ filename, contentType: kind[1], size });
        parts.push(
          `--${boundary}\r\nContent-Type: ${kind[1]}; name="${filename}"\r\nContent-Disposition: attachment; filename="${filename}"\r\nContent-Transfer-Encoding: base64\r\n\r\n${b64lines(randomBytes(rng, size))}\r\n`,
        );
      }
      parts.push(`--${boundary}--\r\n`);
      raw = parts.join('');
    }
    messages.push({
      folder,
      raw: Buffer.from(raw, 'utf8'),
      internalDate: date,
      seen: folder !== 'INBOX' || rng.chance(0.7),
      flagged: rng.chance(0.08),
      answered: folder === 'INBOX' && rng.chance(0.2),
      draft: folder === 'Drafts',
      messageId,
      subject,
      from: `${fromName} <${fromAddr}>`,
      to: [toAddr],
      attachments,
      clinical,
    });
  }
  return { address: OWNER, messages };
}
