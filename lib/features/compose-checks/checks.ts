/**
 * What the compose checks warn about, as a pure function of what the compose view shows. They never block
 * sending: they say what is risky and how to fix it.
 * - recipients outside MSSanté domains: the message leaves the MSSanté trust space;
 * - patient addresses (<INS>@patient.mssante.fr) whose INS is not a valid 15-character NIR/NIA (key checked,
 *   Corsica 2A/2B included); for valid ones, a reminder of the [FIN] rule;
 * - attachments above the BAL's limit;
 * - writing from a BAL that is not the preferred one of its practice situation.
 */
import { checkPatientAddress, finSubjectStatus, isMssanteAddress, isPatientAddress, parseAddress, type InsResultCode } from '../../mssante/addresses';

export type ComposeWarning =
  | { kind: 'non-mssante'; addresses: string[] }
  | { kind: 'ins-key'; address: string; code: Exclude<InsResultCode, 'ins.ok'> }
  | { kind: 'attachments-size'; bytes: number; limitMB: number }
  | { kind: 'not-preferred'; from: string; preferred: string; situation: string | null };

export interface FinReminder {
  /** Valid patient addresses among the recipients. */
  patients: string[];
  /** How the subject stands against the [FIN] rule ('unknown' when the page does not give it). */
  subject: 'exact' | 'near' | 'none' | 'unknown';
}

export interface ComposeFacts {
  recipients: readonly string[];
  attachmentsBytes: number | null;
  subject: string | null;
  from: string | null;
  preferredAddress: string | null;
  notPreferred: boolean;
  situation: string | null;
  attachmentLimitMB: number | null;
}

export interface ComposeReport {
  warnings: ComposeWarning[];
  fin: FinReminder | null;
}

/** The address in a recipient as a page may give it ("Name <a@b.fr>", "a@b.fr;"), lower-cased; '' if none. */
export function recipientAddress(raw: string): string {
  if (typeof raw !== 'string') return '';
  const angle = /<([^<>]*)>/.exec(raw);
  return (angle ? angle[1]! : raw)
    .trim()
    .replace(/^mailto:/i, '')
    .replace(/[,;]+$/, '')
    .trim()
    .toLowerCase();
}

export const MB = 1024 * 1024;

export function checkCompose(f: ComposeFacts): ComposeReport {
  const warnings: ComposeWarning[] = [];
  const seen = new Set<string>();
  const outside: string[] = [];
  const patients: string[] = [];
  for (const raw of f.recipients) {
    const address = recipientAddress(raw);
    if (!address || seen.has(address)) continue;
    seen.add(address);
    if (!parseAddress(address)) continue; // the webmail itself says when an address is malformed
    if (isPatientAddress(address)) {
      const r = checkPatientAddress(address);
      if (r.ok) patients.push(address);
      else warnings.push({ kind: 'ins-key', address, code: r.code as Exclude<InsResultCode, 'ins.ok'> });
    } else if (!isMssanteAddress(address)) {
      outside.push(address);
    }
  }
  if (outside.length) warnings.unshift({ kind: 'non-mssante', addresses: outside });
  if (f.attachmentLimitMB !== null && f.attachmentsBytes !== null && f.attachmentsBytes > f.attachmentLimitMB * MB) {
    warnings.push({ kind: 'attachments-size', bytes: f.attachmentsBytes, limitMB: f.attachmentLimitMB });
  }
  if (f.notPreferred && f.from && f.preferredAddress && f.from !== f.preferredAddress) {
    warnings.push({ kind: 'not-preferred', from: f.from, preferred: f.preferredAddress, situation: f.situation });
  }
  const fin: FinReminder | null = patients.length
    ? { patients, subject: f.subject === null ? 'unknown' : finSubjectStatus(f.subject) }
    : null;
  return { warnings, fin };
}
