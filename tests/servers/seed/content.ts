/**
 * French, fictitious content for the seeded mailbox: people, organisations, subjects and bodies, and the
 * message kinds (lab result, hospital letter, imaging report, XDM document, colleague, newsletter…).
 */
import type { Rng } from './rng.ts';
import type { Addr } from './mime.ts';
import { frDate, compactDate, parisParts } from './mime.ts';
import { buildDocx, buildHprim, buildIcs, buildJpeg, buildPdf, buildXdmZip, labResults, type Patient } from './documents.ts';

/** The owner of every seeded mailbox (the BAL the tests log in to). */
export const OWNER: Addr = { name: 'Dr Martin Durand', address: 'martin.durand@medecin.mssante.fr' };

export const LAST_NAMES = [
  'MARTIN', 'BERNARD', 'THOMAS', 'PETIT', 'ROBERT', 'RICHARD', 'DUBOIS', 'MOREAU', 'LAURENT', 'SIMON', 'MICHEL',
  'LEFÈVRE', 'LEROY', 'ROUX', 'DAVID', 'BERTRAND', 'MOREL', 'FOURNIER', 'GIRARD', 'BONNET', 'DUPONT', 'LAMBERT',
  'FONTAINE', 'ROUSSEAU', 'VINCENT', 'MULLER', 'FAURE', 'ANDRÉ', 'MERCIER', 'BLANC', 'GUÉRIN', 'BOYER', 'GARNIER',
  'CHEVALIER', 'FRANÇOIS', 'LEGRAND', 'GAUTHIER', 'GARCIA', 'PERRIN', 'ROBIN', 'CLÉMENT', 'MORIN', 'NICOLAS',
  'HENRY', 'ROUSSEL', 'MATHIEU', 'MASSON', 'MARCHAND', 'DUVAL', 'DENIS', 'DUMONT', 'LEMAIRE', 'NOËL', 'MEYER',
  'DUFOUR', 'MEUNIER', 'BRUN', 'BLANCHARD', 'GIRAUD', 'JOLY', 'RIVIÈRE', 'LUCAS', 'BRUNET', 'GAILLARD', 'BARBIER',
  'ARNAUD', 'GÉRARD', 'ROCHE', 'RENARD', 'SCHMITT', 'LEROUX', 'COLIN', 'VIDAL', 'CARON', 'PICARD', 'ROGER',
  'FABRE', 'AUBERT', 'LEMOINE', 'RENAUD', 'DUMAS', 'LACROIX', 'OLIVIER', 'BOURGEOIS', 'BENOÎT', 'LECLERC',
  'PAYET', 'ROLLAND', 'GUILLAUME', 'LECOMTE', 'HUBERT', 'BERGER', 'CARPENTIER', 'DUPUIS', 'MOULIN', 'DESCHAMPS',
  'HUET', 'VASSEUR', 'BOUCHER', 'FLEURY', 'ROYER', 'KLEIN', 'JACQUET', 'POIRIER', 'MARTY', 'AUBRY', 'GUYOT',
  'CARRÉ', 'MÉNARD', 'MAILLARD', 'BARON', 'BERTIN', 'HERVÉ', 'LE GALL', 'COLLET', 'LÉGER', 'BOUVIER', 'PRÉVOST',
  'LE ROUX', 'BRETON', 'BESSON', 'LANGLOIS', 'RÉMY', 'LE GOFF', 'PELLETIER', 'LÉVÊQUE', 'LEBRUN', 'HAMON',
  'JACOB', 'MONNIER', 'GUICHARD', 'ÉTIENNE', 'TESSIER', 'CHAUVIN', 'DA SILVA', 'LEMAÎTRE', 'MARÉCHAL', 'HOARAU',
  'BARTHÉLEMY', 'CORDIER', 'LEJEUNE', 'DELAUNAY', 'PASQUIER', 'LAPORTE',
] as const;

const FEMALE = [
  'Marie', 'Nathalie', 'Isabelle', 'Sylvie', 'Catherine', 'Françoise', 'Martine', 'Christine', 'Monique', 'Valérie',
  'Sophie', 'Chantal', 'Hélène', 'Céline', 'Élise', 'Léa', 'Chloé', 'Manon', 'Camille', 'Inès', 'Zoé', 'Louise',
  'Jeanne', 'Agnès', 'Geneviève', 'Bérénice', 'Noémie', 'Maëlle', 'Anaïs', 'Thérèse',
] as const;
const MALE = [
  'Jean', 'Pierre', 'Michel', 'André', 'Philippe', 'Alain', 'Jacques', 'Bernard', 'Éric', 'Patrick', 'François',
  'Nicolas', 'Laurent', 'Stéphane', 'Frédéric', 'Sébastien', 'Jérôme', 'Gaël', 'Loïc', 'Hervé', 'Thomas',
  'Lucas', 'Hugo', 'Théo', 'Noé', 'Raphaël', 'Clément', 'Benoît', 'Joël', 'Gérard',
] as const;

const CITIES: readonly (readonly [string, string])[] = [
  ['35000', 'Rennes'], ['35200', 'Rennes'], ['35500', 'Vitré'], ['35400', 'Saint-Malo'], ['35300', 'Fougères'],
  ['35510', 'Cesson-Sévigné'], ['35170', 'Bruz'], ['35760', 'Saint-Grégoire'], ['35650', 'Le Rheu'],
  ['35740', 'Pacé'], ['35830', 'Betton'], ['35230', 'Noyal-Châtillon-sur-Seiche'],
];
const STREETS = [
  'rue de la Paix', 'avenue du Général Leclerc', 'rue des Lilas', 'boulevard de la Liberté', 'rue Saint-Hélier',
  'allée des Châtaigniers', 'rue de Brest', 'place Sainte-Anne', 'rue de Fougères', 'chemin des Prés',
  'impasse des Écoles', 'rue Jean Jaurès', 'quai Châteaubriand', 'rue du Moulin',
] as const;

export interface Org {
  name: string;
  domain: string;
  city: string;
}

const LABS: Org[] = [
  { name: 'Laboratoire de biologie médicale Océane', domain: 'lbm-oceane.mssante.fr', city: 'Rennes' },
  { name: 'Biolab des Deux Rives', domain: 'labo-deuxrives.mssante.fr', city: 'Cesson-Sévigné' },
  { name: 'Laboratoire Armor Biologie', domain: 'armor-bio.mssante.fr', city: 'Saint-Malo' },
];
const HOSPITALS: Org[] = [
  { name: 'CHU de Rennes', domain: 'chu-rennes.mssante.fr', city: 'Rennes' },
  { name: 'Centre hospitalier de Vitré', domain: 'ch-vitre.mssante.fr', city: 'Vitré' },
  { name: 'Clinique Saint-Laurent', domain: 'clinique-stlaurent.mssante.fr', city: 'Rennes' },
  { name: 'Hôpital privé Sévigné', domain: 'hp-sevigne.mssante.fr', city: 'Cesson-Sévigné' },
  { name: 'Centre hospitalier de Fougères', domain: 'ch-fougeres.mssante.fr', city: 'Fougères' },
];
const IMAGING: Org[] = [
  { name: 'Imagerie médicale – CHU de Rennes', domain: 'chu-rennes.mssante.fr', city: 'Rennes' },
  { name: 'Cabinet de radiologie du Colombier', domain: 'radiologie-colombier.mssante.fr', city: 'Rennes' },
  { name: 'Centre d’imagerie Vitré Échographie', domain: 'imagerie-vitre.mssante.fr', city: 'Vitré' },
];
const SERVICES = [
  'Cardiologie', 'Pneumologie', 'Gastro-entérologie', 'Médecine interne', 'Neurologie', 'Chirurgie orthopédique',
  'Endocrinologie', 'Gériatrie', 'Urgences', 'Rhumatologie', 'Néphrologie', 'Chirurgie viscérale',
] as const;
const SPECIALTIES = ['cardiologique', 'pneumologique', 'dermatologique', 'rhumatologique', 'endocrinologique', 'neurologique', 'psychiatrique', 'gériatrique'] as const;
const COLLEAGUE_DOMAINS: readonly (readonly [string, number])[] = [
  ['medecin.mssante.fr', 10], ['infirmier.mssante.fr', 3], ['pharmacien.mssante.fr', 2], ['masseur-kinesitherapeute.mssante.fr', 1],
  ['sagefemme.mssante.fr', 1], ['msp-thabor.mssante.fr', 2], ['gmail.example', 1], ['orange.example', 1],
];
const EXAMS = [
  'Échographie abdominale', 'IRM du genou droit', 'Scanner thoracique', 'Radiographie du thorax', 'Mammographie bilatérale',
  'Échodoppler des membres inférieurs', 'IRM cérébrale', 'Scanner abdomino-pelvien', 'Échographie thyroïdienne',
  'Radiographie du rachis lombaire', 'IRM de l’épaule gauche', 'Ostéodensitométrie',
] as const;
const XDM_DOCS = ['Lettre de liaison', 'Compte rendu de consultation', 'Synthèse médicale', 'Compte rendu opératoire', 'Lettre de sortie', 'Compte rendu d’examen'] as const;

export function makePatient(rng: Rng): Patient {
  const female = rng.chance(0.52);
  const last = rng.pick(LAST_NAMES);
  const first = female ? rng.pick(FEMALE) : rng.pick(MALE);
  const year = rng.int(1930, 2020);
  const month = rng.int(1, 12);
  const birth = new Date(Date.UTC(year, month - 1, rng.int(1, 28), 12));
  const [postcode, city] = rng.pick(CITIES);
  // Fictitious NIR: sex, YY, MM, department 35, commune, order, key (97 - n mod 97).
  const base = `${female ? 2 : 1}${String(year % 100).padStart(2, '0')}${String(month).padStart(2, '0')}35${String(rng.int(1, 360)).padStart(3, '0')}${String(rng.int(1, 999)).padStart(3, '0')}`;
  const key = 97 - Number(BigInt(base) % 97n);
  return {
    civ: female ? 'Mme' : 'M.',
    last,
    first,
    birth,
    nir: `${base}${String(key).padStart(2, '0')}`,
    address1: `${rng.int(1, 140)} ${rng.pick(STREETS)}`,
    address2: rng.chance(0.2) ? `Bât. ${rng.pick(['A', 'B', 'C'])}, apt ${rng.int(1, 60)}` : '',
    postcode,
    city,
  };
}

export const patientLabel = (p: Patient) => `${p.civ} ${p.last} ${p.first}`;

const slug = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

function person(rng: Rng): { first: string; last: string } {
  const female = rng.chance(0.5);
  return { first: female ? rng.pick(FEMALE) : rng.pick(MALE), last: rng.pick(LAST_NAMES) };
}

function colleague(rng: Rng): Addr & { title: string } {
  const p = person(rng);
  const domain = rng.weighted(COLLEAGUE_DOMAINS);
  const title = domain.startsWith('medecin') ? 'Dr ' : domain.startsWith('infirmier') ? '' : domain.startsWith('pharmacien') ? '' : '';
  const lastCap = p.last.charAt(0) + p.last.slice(1).toLowerCase();
  return { name: `${title}${p.first} ${lastCap}`, address: `${slug(p.first)}.${slug(p.last)}@${domain}`, title };
}

// ---------------------------------------------------------------------------------------------------------
// Message kinds

export type AttKind = 'pdf' | 'jpeg' | 'xdm' | 'hprim' | 'docx' | 'ics';
export interface AttPlan {
  kind: AttKind;
  /** Decoded size wanted (for xdm: the size of the PDF inside). */
  size: number;
  /** May be rescaled so the whole mailbox reaches its size target. */
  scalable: boolean;
}

export interface BuiltAttachment {
  filename: string;
  contentType: string;
  charset?: string;
  encoding: 'base64' | 'quoted-printable';
  data: Uint8Array;
  hprim?: boolean;
}

export interface Draft {
  from: Addr;
  to: Addr[];
  subject: string;
  text: string;
  textCharset: 'utf-8' | 'iso-8859-1';
  textEncoding: 'quoted-printable' | '8bit';
  html?: string;
  hprimBody?: boolean;
  attachments: BuiltAttachment[];
  inReplyTo?: string;
  domain: string; // for the Message-ID
}

export type KindId =
  | 'hprimBody' | 'hprimAtt' | 'labPdf' | 'hospital' | 'imaging' | 'xdm' | 'colleague' | 'secretariat' | 'admin'
  | 'newsletter' | 'event' | 'spam' | 'sentReply' | 'sentReferral' | 'sentPlain' | 'draft';

export interface BuildCtx {
  rng: Rng;
  date: Date;
  patient: Patient;
  atts: AttPlan[];
  index: number;
}

const SIGN_OFFS = ['Bien confraternellement,', 'Bien cordialement,', 'Cordialement,', 'Confraternellement,', 'Bien à vous,'] as const;

function pdfAtt(ctx: BuildCtx, a: AttPlan, filename: string, title: string): BuiltAttachment {
  const p = ctx.patient;
  return {
    filename,
    contentType: 'application/pdf',
    encoding: 'base64',
    data: buildPdf(ctx.rng, a.size, title, [patientLabel(p), `Ne(e) le ${frDate(p.birth)}`, `Document du ${frDate(ctx.date)}`]),
  };
}

function extraAtts(ctx: BuildCtx, from: number, prefix: string): BuiltAttachment[] {
  const out: BuiltAttachment[] = [];
  ctx.atts.slice(from).forEach((a, i) => {
    const n = i + 1;
    if (a.kind === 'jpeg') out.push({ filename: `${prefix}_image${n}.jpg`, contentType: 'image/jpeg', encoding: 'base64', data: buildJpeg(ctx.rng, a.size) });
    else if (a.kind === 'pdf') out.push(pdfAtt(ctx, a, `${prefix}_annexe${n}.pdf`, 'Annexe'));
    else if (a.kind === 'docx')
      out.push({
        filename: `${prefix}_${n}.docx`,
        contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        encoding: 'base64',
        data: buildDocx(ctx.rng, ctx.date, ['Document de travail', `Rédigé le ${frDate(ctx.date)}`], Math.max(0, a.size - 1500)),
      });
  });
  return out;
}

const para = (rng: Rng, options: readonly string[], n: number) => {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(rng.pick(options));
  return out.join(' ');
};

const CLINICAL_SENTENCES = [
  'Le patient a été pris en charge pour une décompensation cardiaque d’évolution favorable sous traitement diurétique.',
  'L’examen clinique à l’entrée retrouvait des œdèmes des membres inférieurs et une dyspnée de stade III.',
  'Le bilan biologique montre une fonction rénale stable et un ionogramme sans anomalie.',
  'Un relais per os a été effectué, avec une surveillance de la kaliémie à prévoir dans huit jours.',
  'Nous proposons une consultation de contrôle dans trois mois avec une échographie cardiaque.',
  'Pas d’allergie connue. Traitement habituel poursuivi sans modification.',
  'La douleur a régressé sous antalgiques de palier 1 ; reprise de la marche le lendemain.',
  'Le scanner ne met pas en évidence de lésion focale suspecte.',
  'Une kinésithérapie respiratoire a été débutée pendant le séjour.',
  'Merci de bien vouloir assurer le suivi habituel et l’adaptation du traitement si nécessaire.',
  'Les résultats anatomopathologiques vous seront transmis dès réception.',
  'La patiente rentre à domicile avec le passage d’une infirmière deux fois par jour.',
] as const;

const COLLEAGUE_SENTENCES = [
  'Je me permets de vous adresser ce patient pour avis concernant une HTA mal équilibrée malgré une bithérapie.',
  'Pourriez-vous me dire si un rendez-vous est possible dans les prochaines semaines ?',
  'Je vous remercie de votre retour rapide concernant notre patient commun.',
  'Vous trouverez les éléments du dossier ci-dessous ; n’hésitez pas à m’appeler au cabinet.',
  'Je serai en congés du 12 au 26, le Dr Leroy assurera le remplacement.',
  'La réunion de la CPTS est déplacée à jeudi 20 h, salle du conseil de la maison de santé.',
  'Suite à notre échange téléphonique, je vous confirme l’arrêt de l’anticoagulant 48 h avant le geste.',
  'Le traitement a été bien toléré, je vous propose de poursuivre à la même posologie.',
  'Merci pour ce courrier très complet.',
  'Pouvez-vous m’envoyer le dernier bilan biologique par messagerie sécurisée ?',
] as const;

function signature(from: Addr, org?: string): string {
  return `\n\n-- \n${from.name}${org ? '\n' + org : ''}`;
}

export const KIND_BUILDERS: Record<KindId, (ctx: BuildCtx) => Draft> = {
  hprimBody(ctx) {
    const { rng, patient: p, date } = ctx;
    const lab = rng.pick(LABS);
    const labRef = `${String(parisParts(date).y).slice(2)}${rng.pick(['A', 'B', 'C', 'R'])}${rng.int(1000000, 9999999)}`;
    const text = buildHprim({ patient: p, labRef, date, labName: lab.name, labCity: lab.city, doctor: `Dr ${OWNER.name.replace('Dr ', '')}`, results: labResults(rng), finFichier: rng.chance(0.3) });
    const subj = rng.pick([
      `Résultats d'analyses – ${patientLabel(p)}`,
      `Résultats biologiques du ${frDate(date)} – ${p.civ} ${p.last}`,
      `[HPRIM] Résultats ${p.last} ${p.first}`,
    ]);
    return {
      from: { name: lab.name, address: `resultats@${lab.domain}` },
      to: [OWNER],
      subject: subj,
      text,
      textCharset: 'iso-8859-1',
      textEncoding: rng.chance(0.6) ? 'quoted-printable' : '8bit',
      hprimBody: true,
      attachments: [],
      domain: lab.domain,
    };
  },

  hprimAtt(ctx) {
    const { rng, patient: p, date } = ctx;
    const lab = rng.pick(LABS);
    const labRef = `${String(parisParts(date).y).slice(2)}${rng.pick(['A', 'B', 'C', 'R'])}${rng.int(1000000, 9999999)}`;
    const hprim = buildHprim({ patient: p, labRef, date, labName: lab.name, labCity: lab.city, doctor: `Dr ${OWNER.name.replace('Dr ', '')}`, results: labResults(rng), finFichier: rng.chance(0.5) });
    const variant = rng.int(0, 2);
    const file = Buffer.from(hprim.replace(/\n/g, '\r\n'), 'latin1');
    const hprimAtt: BuiltAttachment =
      variant === 0
        ? { filename: `RES_${labRef}.hpr`, contentType: 'text/plain', charset: 'ISO-8859-1', encoding: 'base64', data: file, hprim: true }
        : variant === 1
          ? { filename: `${labRef}.hpr`, contentType: 'application/octet-stream', encoding: 'base64', data: file, hprim: true }
          : { filename: `resultats_${slug(p.last)}.txt`, contentType: 'text/plain', charset: 'ISO-8859-1', encoding: 'base64', data: file, hprim: true };
    const atts = [hprimAtt];
    ctx.atts.slice(1).forEach((a) => {
      if (a.kind === 'pdf') atts.push(pdfAtt(ctx, a, `CR_${labRef}.pdf`, `Compte rendu de biologie ${labRef}`));
    });
    const from = { name: lab.name, address: rng.chance(0.5) ? `hprim@${lab.domain}` : `biologie@${lab.domain}` };
    return {
      from,
      to: [OWNER],
      subject: rng.pick([`Résultats de biologie – ${patientLabel(p)} (HPRIM)`, `Compte rendu d'analyses – dossier ${labRef}`, `Résultats ${p.last} ${p.first} du ${frDate(date)}`]),
      text: `Bonjour Docteur,\n\nVeuillez trouver ci-joint les résultats du dossier ${labRef} de ${patientLabel(p)}.\nCe message est généré automatiquement, merci de ne pas y répondre.\n\n${lab.name}\n${lab.city}\n`,
      textCharset: 'utf-8',
      textEncoding: 'quoted-printable',
      attachments: atts,
      domain: lab.domain,
    };
  },

  labPdf(ctx) {
    const { rng, patient: p, date } = ctx;
    const lab = rng.pick(LABS);
    const ref = `${compactDate(date)}-${rng.int(1000, 9999)}`;
    return {
      from: { name: lab.name, address: `resultats@${lab.domain}` },
      to: [OWNER],
      subject: `Compte rendu de biologie – ${patientLabel(p)}`,
      text: `Bonjour,\n\nLe compte rendu de ${patientLabel(p)} (né(e) le ${frDate(p.birth)}) est disponible en pièce jointe.\n\nCordialement,\n${lab.name}\n`,
      textCharset: 'utf-8',
      textEncoding: 'quoted-printable',
      attachments: [pdfAtt(ctx, ctx.atts[0]!, `Resultats_${slug(p.last)}_${ref}.pdf`, 'Compte rendu de biologie'), ...extraAtts(ctx, 1, 'biologie')],
      domain: lab.domain,
    };
  },

  hospital(ctx) {
    const { rng, patient: p, date } = ctx;
    const h = rng.pick(HOSPITALS);
    const svc = rng.pick(SERVICES);
    const kind = rng.pick(['CR d’hospitalisation', 'Lettre de sortie', 'Compte rendu opératoire', 'Courrier de consultation'] as const);
    const subject = kind === 'Courrier de consultation' ? `${kind} – ${svc} – ${p.civ} ${p.last}` : `${kind.replace('’', "'")} – ${patientLabel(p)}`;
    const author = person(rng);
    const from = { name: `Secrétariat ${svc} – ${h.name}`, address: `secretariat.${slug(svc)}@${h.domain}` };
    const fileBase = rng.chance(0.3) ? `Courrier_${slug(p.last)}_${compactDate(date)}` : `CR_${p.last.charAt(0)}${p.last.slice(1).toLowerCase().replace(/ /g, '')}_${compactDate(date)}`;
    const atts: BuiltAttachment[] = [pdfAtt(ctx, ctx.atts[0]!, `${fileBase}.pdf`, `${kind} - ${svc}`)];
    ctx.atts.slice(1).forEach((a, i) => {
      if (a.kind === 'pdf') atts.push(pdfAtt(ctx, a, i === 0 ? 'Ordonnance_de_sortie.pdf' : `Annexe_${i}.pdf`, 'Ordonnance'));
      else if (a.kind === 'jpeg') atts.push({ filename: `photo_${i + 1}.jpg`, contentType: 'image/jpeg', encoding: 'base64', data: buildJpeg(rng, a.size) });
    });
    return {
      from,
      to: [OWNER],
      subject,
      text: `Cher confrère,\n\nVeuillez trouver ci-joint : ${kind} de ${patientLabel(p)}, né(e) le ${frDate(p.birth)}, service : ${svc}.\n\n${para(rng, CLINICAL_SENTENCES, rng.int(1, 3))}\n\n${rng.pick(SIGN_OFFS)}\n\nDr ${author.first} ${author.last}\n${svc} – ${h.name}`,
      textCharset: 'utf-8',
      textEncoding: 'quoted-printable',
      attachments: atts,
      domain: h.domain,
    };
  },

  imaging(ctx) {
    const { rng, patient: p, date } = ctx;
    const c = rng.pick(IMAGING);
    const exam = rng.pick(EXAMS);
    const atts: BuiltAttachment[] = [pdfAtt(ctx, ctx.atts[0]!, `CR_imagerie_${slug(p.last)}_${compactDate(date)}.pdf`, `Compte rendu : ${exam}`)];
    ctx.atts.slice(1).forEach((a, i) => {
      if (a.kind === 'jpeg') atts.push({ filename: `${slug(exam)}_${i + 1}.jpg`, contentType: 'image/jpeg', encoding: 'base64', data: buildJpeg(rng, a.size) });
      else if (a.kind === 'pdf') atts.push(pdfAtt(ctx, a, `Images_${slug(p.last)}_${i + 1}.pdf`, `Planches : ${exam}`));
    });
    return {
      from: { name: c.name, address: `imagerie@${c.domain}` },
      to: [OWNER],
      subject: `Compte rendu d'imagerie : ${exam} – ${patientLabel(p)}`,
      text: `Cher confrère,\n\nVeuillez trouver ci-joint le compte rendu de l’examen « ${exam} » réalisé le ${frDate(date)} pour ${patientLabel(p)}.\n${rng.chance(0.4) ? 'Les images sont consultables sur le portail patient.\n' : ''}\nConfraternellement,\n${c.name}`,
      textCharset: 'utf-8',
      textEncoding: 'quoted-printable',
      attachments: atts,
      domain: c.domain,
    };
  },

  xdm(ctx) {
    const { rng, patient: p, date } = ctx;
    const h = rng.pick(HOSPITALS);
    const doc = rng.pick(XDM_DOCS);
    const author = person(rng);
    const zip = buildXdmZip({ rng, patient: p, date, docTitle: `${doc} – ${patientLabel(p)}`, authorName: `${author.last}^${author.first}`, authorOrg: h.name, recipient: OWNER.address, pdfSize: ctx.atts[0]!.size });
    return {
      from: { name: h.name, address: `dpi@${h.domain}` },
      to: [OWNER],
      subject: rng.chance(0.5) ? `Document DMP : ${doc} – ${patientLabel(p)}` : `[MSSanté] ${doc} – ${p.last} ${p.first}`,
      text: `Bonjour,\n\nCe message contient un document médical structuré au format IHE XDM concernant ${patientLabel(p)}.\nIl est destiné à être intégré au dossier du patient par votre logiciel.\n\n${h.name}\n`,
      textCharset: 'utf-8',
      textEncoding: 'quoted-printable',
      attachments: [{ filename: 'IHE_XDM.ZIP', contentType: 'application/zip', encoding: 'base64', data: zip }],
      domain: h.domain,
    };
  },

  colleague(ctx) {
    const { rng, patient: p, date } = ctx;
    const c = colleague(rng);
    const subject = rng.pick([
      `Avis ${rng.pick(SPECIALTIES)} pour ${p.civ} ${p.last}`,
      `Adressage : ${patientLabel(p)}`,
      `Re: Demande d'avis – ${p.civ} ${p.last}`,
      `Question au sujet de ${p.civ} ${p.last}`,
      `Remplacement du ${frDate(new Date(date.getTime() + 14 * 86400000))}`,
      `Réunion de concertation pluriprofessionnelle du ${frDate(new Date(date.getTime() + 7 * 86400000))}`,
      'Garde du week-end',
      `Suivi de ${p.civ} ${p.last} après sa sortie`,
    ]);
    return {
      from: c,
      to: [OWNER],
      subject,
      text: `Cher confrère, chère consœur,\n\n${para(rng, COLLEAGUE_SENTENCES, rng.int(1, 4))}\n\n${rng.pick(SIGN_OFFS)}${signature(c)}`,
      textCharset: 'utf-8',
      textEncoding: rng.chance(0.7) ? 'quoted-printable' : '8bit',
      attachments: extraAtts(ctx, 0, 'piece_jointe'),
      domain: c.address.split('@')[1]!,
    };
  },

  secretariat(ctx) {
    const { rng, patient: p, date } = ctx;
    const d2 = new Date(date.getTime() + rng.int(1, 20) * 86400000);
    const subject = rng.pick([
      `Rendez-vous du ${frDate(d2)} – ${p.civ} ${p.last}`,
      `Planning des consultations – semaine ${rng.int(1, 52)}`,
      `Annulation RDV ${p.civ} ${p.last}`,
      `Message téléphonique : ${patientLabel(p)}`,
      `Demande de renouvellement d'ordonnance – ${p.civ} ${p.last}`,
    ]);
    const from = { name: 'Secrétariat – Maison de santé du Thabor', address: 'secretariat@msp-thabor.mssante.fr' };
    return {
      from,
      to: [OWNER],
      subject,
      text: `Bonjour Docteur,\n\n${patientLabel(p)} a appelé ce matin au sujet de son rendez-vous du ${frDate(d2)} à ${rng.int(8, 18)} h ${rng.pick(['00', '15', '30', '45'])}.\nMerci de la rappeler au 02 99 ${rng.int(10, 99)} ${rng.int(10, 99)} ${rng.int(10, 99)}.\n\nBonne journée,\nLe secrétariat`,
      textCharset: 'utf-8',
      textEncoding: '8bit',
      attachments: ctx.atts.map((a) => pdfAtt(ctx, a, `Planning_${compactDate(date)}.pdf`, 'Planning des consultations')),
      domain: 'msp-thabor.mssante.fr',
    };
  },

  admin(ctx) {
    const { rng, date } = ctx;
    const y = parisParts(date).y;
    const src = rng.pick([
      { name: 'ARS Bretagne', address: 'ars-bretagne-alerte@ars.sante.example', domain: 'ars.sante.example' },
      { name: 'Ordre des médecins d’Ille-et-Vilaine', address: 'cdom35@ordre-medecins.example', domain: 'ordre-medecins.example' },
      { name: 'Assurance Maladie – Espace pro', address: 'ne-pas-repondre@assurance-maladie.example', domain: 'assurance-maladie.example' },
      { name: 'GCS e-Santé Bretagne', address: 'mssante@esante-bretagne.mssante.fr', domain: 'esante-bretagne.mssante.fr' },
    ]);
    const subject = rng.pick([
      `Campagne de vaccination antigrippale ${y}-${y + 1}`,
      'Rappel : déclaration obligatoire des maladies infectieuses',
      'Mise à jour de votre fiche dans l’annuaire santé',
      `Votre relevé de rémunération sur objectifs ${y - 1}`,
      'Information : épidémie de bronchiolite, conduite à tenir',
      'Messagerie sécurisée : nouvelle version du webmail',
    ]);
    return {
      from: { name: src.name, address: src.address },
      to: [OWNER],
      subject,
      text: `Madame, Monsieur,\n\nNous vous informons des éléments suivants concernant « ${subject} ».\nVous trouverez le détail sur votre espace professionnel${ctx.atts.length ? ' et dans le document joint' : ''}.\n\nCordialement,\n${src.name}`,
      textCharset: 'utf-8',
      textEncoding: 'quoted-printable',
      attachments: ctx.atts.map((a, i) => pdfAtt(ctx, a, i === 0 ? `Information_${y}.pdf` : `Annexe_${i}.pdf`, subject)),
      domain: src.domain,
    };
  },

  newsletter(ctx) {
    const { rng, date } = ctx;
    const n = rng.int(12, 180);
    const src = rng.pick([
      { name: 'Actu Médicale Hebdo', address: 'lettre@actu-medicale-hebdo.example' },
      { name: 'Formation DPC Ouest', address: 'info@formation-dpc-ouest.example' },
      { name: 'Le Quotidien du Généraliste', address: 'newsletter@quotidien-generaliste.example' },
      { name: 'Labo Pharma Exemple', address: 'contact@labo-pharma.example' },
    ]);
    const subject = rng.pick([
      `Lettre d'information n°${n} – Actualités médicales`,
      'Webinaire : prise en charge du diabète de type 2',
      `Formation DPC : les nouveautés ${parisParts(date).y}`,
      'Le point sur les recommandations de la HAS',
      'Vaccination : ce qui change cette année',
      'Nouveaux tarifs de consultation : ce qu’il faut savoir',
    ]);
    const items = [para(rng, CLINICAL_SENTENCES, 2), para(rng, COLLEAGUE_SENTENCES, 2), para(rng, CLINICAL_SENTENCES, 2)];
    const html = `<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>${subject}</title></head><body style="font-family:Arial,sans-serif">
<h1 style="color:#005a9c">${src.name}</h1><h2>${subject}</h2>
${items.map((t) => `<p>${t}</p>`).join('\n')}
<p><a href="https://${src.address.split('@')[1]}/desinscription">Se désinscrire</a></p></body></html>`;
    return {
      from: src,
      to: [OWNER],
      subject,
      text: `${src.name}\n\n${subject}\n\n${items.join('\n\n')}\n\nSe désinscrire : https://${src.address.split('@')[1]}/desinscription\n`,
      textCharset: 'utf-8',
      textEncoding: 'quoted-printable',
      html,
      attachments: extraAtts(ctx, 0, 'newsletter'),
      domain: src.address.split('@')[1]!,
    };
  },

  event(ctx) {
    const { rng, date } = ctx;
    const c = colleague(rng);
    const summary = rng.pick(['Réunion CPTS', 'Soirée de formation continue', 'Staff pluridisciplinaire', 'Groupe de pairs']);
    return {
      from: c,
      to: [OWNER],
      subject: `Invitation : ${summary} le ${frDate(new Date(date.getTime() + 10 * 86400000))}`,
      text: `Bonjour,\n\nVous êtes convié(e) à « ${summary} ».\nMerci de confirmer votre présence.\n\n${c.name}`,
      textCharset: 'utf-8',
      textEncoding: 'quoted-printable',
      attachments: [{ filename: 'invitation.ics', contentType: 'text/calendar', charset: 'UTF-8', encoding: 'base64', data: buildIcs(new Date(date.getTime() + 10 * 86400000), summary, `evt-${ctx.index}@balise.seed`) }],
      domain: c.address.split('@')[1]!,
    };
  },

  spam(ctx) {
    const { rng } = ctx;
    const src = rng.pick([
      { name: 'Offres Bureautique Pro', address: 'promo@offres-bureautique.example' },
      { name: 'Service MSSanté', address: 'securite@mssante-verification.example' },
      { name: 'Matériel Médical Discount', address: 'ventes@materiel-medical-discount.example' },
      { name: 'E-santé Salon', address: 'invitation@esante-salon.example' },
    ]);
    const subject = rng.pick([
      'Offre spéciale : -30 % sur votre matériel médical',
      'Votre compte de messagerie sera suspendu sous 24 h',
      'Félicitations, vous avez été sélectionné !',
      'Dernier jour : logiciel de cabinet à prix réduit',
      'Invitation : salon de la e-santé',
      'Mise à jour urgente de vos identifiants',
    ]);
    const html = `<html><body><div style="background:#fee;padding:20px"><h1>${subject}</h1><p>${para(rng, ['Profitez de notre offre exceptionnelle.', 'Cliquez ici pour en savoir plus.', 'Offre réservée aux professionnels de santé.', 'Réponse attendue avant ce soir.'], 3)}</p><a href="http://${src.address.split('@')[1]}/go">Accéder</a></div></body></html>`;
    return {
      from: src,
      to: [OWNER],
      subject,
      text: `${subject}\n\nProfitez de notre offre : http://${src.address.split('@')[1]}/go\n`,
      textCharset: 'utf-8',
      textEncoding: 'quoted-printable',
      html,
      attachments: extraAtts(ctx, 0, 'offre'),
      domain: src.address.split('@')[1]!,
    };
  },

  sentReply(ctx) {
    const { rng, patient: p } = ctx;
    const c = colleague(rng);
    const subject = rng.pick([`Re: Avis ${rng.pick(SPECIALTIES)} pour ${p.civ} ${p.last}`, `Re: Question au sujet de ${p.civ} ${p.last}`, 'Re: Garde du week-end', `Re: Suivi de ${p.civ} ${p.last} après sa sortie`, `Re: Rendez-vous – ${p.civ} ${p.last}`]);
    return {
      from: OWNER,
      to: [c],
      subject,
      text: `Cher confrère,\n\n${para(rng, COLLEAGUE_SENTENCES, rng.int(1, 3))}\n\n${rng.pick(SIGN_OFFS)}${signature(OWNER, 'Médecin généraliste – MSSanté')}\n\n> ${rng.pick(COLLEAGUE_SENTENCES)}\n`,
      textCharset: 'utf-8',
      textEncoding: 'quoted-printable',
      attachments: extraAtts(ctx, 0, 'document'),
      inReplyTo: `${rng.int(100000, 999999)}.${rng.int(1000, 9999)}@${c.address.split('@')[1]}`,
      domain: 'medecin.mssante.fr',
    };
  },

  sentReferral(ctx) {
    const { rng, patient: p, date } = ctx;
    const h = rng.pick(HOSPITALS);
    const svc = rng.pick(SERVICES);
    const to = { name: `Secrétariat ${svc} – ${h.name}`, address: `secretariat.${slug(svc)}@${h.domain}` };
    return {
      from: OWNER,
      to: [to],
      subject: `Adressage : ${patientLabel(p)} – ${svc}`,
      text: `Chère consœur, cher confrère,\n\nJe vous adresse ${patientLabel(p)}, né(e) le ${frDate(p.birth)}, pour avis en ${svc.toLowerCase()}.\nVous trouverez mon courrier en pièce jointe.\n\n${rng.pick(SIGN_OFFS)}${signature(OWNER, 'Médecin généraliste – MSSanté')}`,
      textCharset: 'utf-8',
      textEncoding: 'quoted-printable',
      attachments: ctx.atts.map((a, i) => pdfAtt(ctx, a, i === 0 ? `Courrier_adressage_${slug(p.last)}_${compactDate(date)}.pdf` : `Bilan_${i}.pdf`, `Courrier d'adressage - ${svc}`)),
      domain: 'medecin.mssante.fr',
    };
  },

  sentPlain(ctx) {
    const { rng, patient: p } = ctx;
    const c = colleague(rng);
    return {
      from: OWNER,
      to: [c],
      subject: rng.pick([`Demande d'examen – ${p.civ} ${p.last}`, 'Disponibilités pour la garde', `Transmission du dossier de ${p.civ} ${p.last}`, 'Réunion de la maison de santé']),
      text: `Bonjour,\n\n${para(rng, COLLEAGUE_SENTENCES, rng.int(1, 3))}\n\n${rng.pick(SIGN_OFFS)}${signature(OWNER)}`,
      textCharset: 'utf-8',
      textEncoding: '8bit',
      attachments: [],
      domain: 'medecin.mssante.fr',
    };
  },

  draft(ctx) {
    const { rng, patient: p } = ctx;
    const c = colleague(rng);
    return {
      from: OWNER,
      to: [c],
      subject: rng.pick([`Courrier pour ${patientLabel(p)}`, `Re: Avis pour ${p.civ} ${p.last}`, 'Planning des gardes (brouillon)', `Certificat – ${p.civ} ${p.last}`]),
      text: `Cher confrère,\n\n${para(rng, COLLEAGUE_SENTENCES, 1)}\n\n[à compléter]\n`,
      textCharset: 'utf-8',
      textEncoding: 'quoted-printable',
      attachments: ctx.atts.map((a) => pdfAtt(ctx, a, `Courrier_${slug(p.last)}.pdf`, 'Courrier')),
      domain: 'medecin.mssante.fr',
    };
  },
};
