/**
 * Roundcube 1.6's list-row formatting, re-implemented to check it against real rows (findings.test.ts) and to
 * document the inverse an adapter needs (size label -> byte range).
 *
 * Sizes: rcmail_action::show_bytes (program/include/rcmail_action.php):
 *   >= 1 GiB: "%.1f Go" below 10, "%d Go" (truncated) from 10;  >= 1 MiB: same with "Mo";
 *   >= 1 KiB: round(bytes/1024) "ko";  else bytes "o".  (fr_FR labels B/KB/MB/GB = o/ko/Mo/Go; "." decimal point)
 * Dates: rcmail::format_date (program/include/rcmail.php), with prettydate = true (default), in the user's
 * time zone: today -> "Aujourd’hui H:i"; since 00:00 six days ago -> "D H:i" (Lun, Mar, Mer, Jeu, Ven, Sam, Dim);
 * otherwise date_long "Y-m-d H:i". The list shows the Date header (the internal date when sorting by arrival).
 */

export const FR_UNITS = { B: 'o', KB: 'ko', MB: 'Mo', GB: 'Go' } as const;
const KiB = 1024;
const MiB = 1024 * 1024;
const GiB = 1024 * 1024 * 1024;

export function rcShowBytes(bytes: number, u: { B: string; KB: string; MB: string; GB: string } = FR_UNITS): string {
  if (bytes >= GiB) {
    const g = bytes / GiB;
    return (g >= 10 ? String(Math.trunc(g)) : g.toFixed(1)) + ' ' + u.GB;
  }
  if (bytes >= MiB) {
    const m = bytes / MiB;
    return (m >= 10 ? String(Math.trunc(m)) : m.toFixed(1)) + ' ' + u.MB;
  }
  if (bytes >= KiB) return `${Math.round(bytes / KiB)} ${u.KB}`;
  return `${bytes} ${u.B}`;
}

/** The byte range [min, max] a size label can stand for (inverse of rcShowBytes). */
export function rcSizeRange(label: string): { min: number; max: number } | null {
  const m = /^(\d+(?:\.\d)?) (o|ko|Mo|Go|B|KB|MB|GB)$/.exec(label.trim());
  if (!m) return null;
  const v = Number(m[1]);
  const unit = m[2]!;
  if (unit === 'o' || unit === 'B') return { min: v, max: v };
  if (unit === 'ko' || unit === 'KB') return { min: Math.max(KiB, Math.ceil((v - 0.5) * KiB)), max: Math.min(MiB - 1, Math.ceil((v + 0.5) * KiB) - 1) };
  const scale = unit === 'Mo' || unit === 'MB' ? MiB : GiB;
  const next = scale === MiB ? GiB : Infinity;
  // "%.1f" below 10 (so "10.0" means [9.95, 10)), rounded to the nearest tenth.
  if (m[1]!.includes('.')) return { min: Math.max(scale, Math.ceil((v - 0.05) * scale)), max: Math.min(next - 1, 10 * scale - 1, Math.ceil((v + 0.05) * scale) - 1) };
  return { min: v * scale, max: Math.min(next - 1, (v + 1) * scale - 1) }; // "%d": truncated
}

const FR_DAYS = ['Dim', 'Lun', 'Mar', 'Mer', 'Jeu', 'Ven', 'Sam'] as const;
export const FR_TODAY = 'Aujourd’hui';

function parts(t: Date, timeZone: string) {
  const f = new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', weekday: 'short' });
  const o: Record<string, string> = {};
  for (const p of f.formatToParts(t)) o[p.type] = p.value;
  const dow = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(o.weekday!);
  return { y: Number(o.year), mo: Number(o.month), d: Number(o.day), h: o.hour!, mi: o.minute!, dow };
}

/** Epoch ms of local midnight `daysBack` days before the local date of `now` in `timeZone`. */
function localMidnight(now: Date, daysBack: number, timeZone: string): number {
  const p = parts(now, timeZone);
  // Start from UTC midnight of that calendar day and correct by the zone offset at that instant (twice, for DST).
  let t = Date.UTC(p.y, p.mo - 1, p.d - daysBack);
  for (let i = 0; i < 2; i++) {
    const q = parts(new Date(t), timeZone);
    const asUtc = Date.UTC(q.y, q.mo - 1, q.d, Number(q.h), Number(q.mi));
    t += Date.UTC(p.y, p.mo - 1, p.d - daysBack) - asUtc;
  }
  return t;
}

export function rcFormatDate(date: Date, now: Date = new Date(), timeZone = 'Europe/Paris'): string {
  const t = Math.floor(date.getTime() / 1000) * 1000;
  const p = parts(date, timeZone);
  const hm = `${p.h}:${p.mi}`;
  if (t > localMidnight(now, 0, timeZone) && t <= now.getTime()) return `${FR_TODAY} ${hm}`;
  if (t > localMidnight(now, 6, timeZone) && t <= now.getTime()) return `${FR_DAYS[p.dow]} ${hm}`;
  return `${p.y}-${String(p.mo).padStart(2, '0')}-${String(p.d).padStart(2, '0')} ${hm}`;
}
