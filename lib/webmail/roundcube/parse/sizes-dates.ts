/**
 * Roundcube 1.6, pure parsing (no DOM, no request, no evaluation): Sizes and dates as Roundcube prints them in list rows ("4.5 Mo", "Aujourd’hui 14:05"): bytes ± precision, epoch ms.
 */


const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;
const TiB = 1024 * GiB;

/**
 * A size as Roundcube formats it (rcmail_action::show_bytes: "875 o", "397 ko", "4.5 Mo", "12 Mo"; English
 * "B/KB/MB/GB") to bytes and the ± uncertainty the format leaves:
 * - bytes: exact;
 * - KiB: round(b/1024), so ±512 B;
 * - MiB/GiB below 10: "%.1f", so ±0.05 unit; from 10: "%d", truncated, so the range is [v, v+1) units and the
 *   middle is returned, ±0.5 unit.
 */
export function parseSizeLabel(label: string): { bytes: number; precision: number } | null {
  const m = /^\s*(\d+(?:[.,]\d+)?)\s*([A-Za-z]+)\s*$/.exec(label.replace(/\u00a0/g, ' '));
  if (!m) return null;
  const text = m[1]!.replace(',', '.');
  const v = Number(text);
  if (!Number.isFinite(v)) return null;
  const u = m[2]!;
  const first = u[0]!.toLowerCase();
  let unit: number;
  if (u === 'o' || u === 'B' || u === 'b' || /^(octets?|bytes?)$/i.test(u)) unit = 1;
  else if (first === 'k') unit = KiB;
  else if (first === 'm') unit = MiB;
  else if (first === 'g') unit = GiB;
  else if (first === 't') unit = TiB;
  else return null;
  if (unit === 1) return { bytes: Math.round(v), precision: 0 };
  if (unit === KiB) return { bytes: Math.round(v * KiB), precision: KiB / 2 };
  if (text.includes('.')) {
    const decimals = text.split('.')[1]!.length;
    const half = 0.5 * 10 ** -decimals;
    return { bytes: Math.round(v * unit), precision: Math.ceil(half * unit) };
  }
  // "%d": truncated towards zero.
  return { bytes: Math.round((v + 0.5) * unit), precision: Math.ceil(0.5 * unit) };
}

// ---------------------------------------------------------------------------------------------------------
// Dates

const WEEKDAYS: Record<string, number> = {
  // fr_FR (Roundcube's labels), en_US, de_DE, es_ES, it_IT
  dim: 0, lun: 1, mar: 2, mer: 3, jeu: 4, ven: 5, sam: 6,
  sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6,
  so: 0, mo: 1, di: 2, mi: 3, do: 4, fr: 5, sa: 6,
  dom: 0, lu: 1, ma: 2, mié: 3, mie: 3, ju: 4, vi: 5, sá: 6,
  gio: 4, sab: 6,
};
const TODAY = new Set(['aujourd’hui', "aujourd'hui", 'today', 'heute', 'hoy', 'oggi']);

interface WallTime {
  y: number;
  mo: number;
  d: number;
  h: number;
  mi: number;
  dow: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function wallTime(t: number, timeZone: string): WallTime {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      weekday: 'short',
    });
    formatters.set(timeZone, f);
  }
  const o: Record<string, string> = {};
  for (const p of f.formatToParts(new Date(t))) o[p.type] = p.value;
  return {
    y: Number(o.year),
    mo: Number(o.month),
    d: Number(o.day),
    h: Number(o.hour),
    mi: Number(o.minute),
    dow: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(o.weekday!),
  };
}

/** Epoch ms of a wall-clock time in `timeZone` (the earlier instant when the time is ambiguous). */
export function zonedToEpoch(y: number, mo: number, d: number, h: number, mi: number, timeZone: string): number {
  const want = Date.UTC(y, mo - 1, d, h, mi);
  let t = want;
  for (let i = 0; i < 3; i++) {
    const w = wallTime(t, timeZone);
    const diff = want - Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi);
    if (diff === 0) break;
    t += diff;
  }
  // When the clock was put back, the same wall time came an hour earlier too: take that one.
  const e = wallTime(t - 3_600_000, timeZone);
  if (Date.UTC(e.y, e.mo - 1, e.d, e.h, e.mi) === want) return t - 3_600_000;
  return t;
}

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function parseTime(s: string): { h: number; mi: number } | null {
  const m = /^(\d{1,2})[:h.](\d{2})(?:\s*([ap])\.?m\.?)?$/i.exec(s.trim());
  if (!m) return null;
  let h = Number(m[1]);
  const mi = Number(m[2]);
  if (m[3]) {
    const pm = m[3].toLowerCase() === 'p';
    if (h === 12) h = pm ? 12 : 0;
    else if (pm) h += 12;
  }
  if (h > 23 || mi > 59) return null;
  return { h, mi };
}

/**
 * Roundcube's `date_format` (jQuery UI style, e.g. "yy-mm-dd", "dd/mm/yy", "dd.mm.yy") to a reader of the
 * date part of `date_long` labels. Defaults to ISO.
 */
function dateReader(format: string | undefined): (s: string) => { y: number; mo: number; d: number } | null {
  const order: ('y' | 'm' | 'd')[] = [];
  for (const tok of (format ?? 'yy-mm-dd').toLowerCase().match(/y+|m+|d+/g) ?? []) order.push(tok[0] as 'y' | 'm' | 'd');
  const ord = order.length === 3 && new Set(order).size === 3 ? order : (['y', 'm', 'd'] as const);
  return (s) => {
    const parts = s.split(/[-/.\s]+/).filter(Boolean);
    if (parts.length !== 3 || parts.some((p) => !/^\d+$/.test(p))) return null;
    const v: Record<string, number> = {};
    ord.forEach((k, i) => (v[k] = Number(parts[i])));
    const y = v.y! < 100 ? 2000 + v.y! : v.y!;
    if (v.m! < 1 || v.m! > 12 || v.d! < 1 || v.d! > 31) return null;
    return { y, mo: v.m!, d: v.d! };
  };
}

/**
 * A list-row date label (rcmail::format_date with prettydate) to epoch ms (start of the minute), or null:
 * - "2026-06-13 17:57" (date_long, in the user's date format);
 * - "Aujourd’hui 14:05" / "Today 14:05" (today, after local midnight);
 * - "Lun 14:05" / "Mon 14:05" (within the last six days).
 * `now` is the server's current time, `timeZone` the user's Roundcube time zone.
 */
export function parseDateLabel(label: string, now: number, timeZone: string, dateFormat?: string): number | null {
  const s = label.replace(/\u00a0/g, ' ').trim();
  if (!s || !isValidTimeZone(timeZone)) return null;
  const tm = /\s(\d{1,2}[:h.]\d{2}(?:\s*[ap]\.?m\.?)?)$/i.exec(s);
  if (!tm) return null;
  const head = s.slice(0, tm.index).trim();
  const time = parseTime(tm[1]!);
  if (!time) return null;
  const lower = head.toLowerCase();
  if (TODAY.has(lower)) {
    const w = wallTime(now, timeZone);
    return zonedToEpoch(w.y, w.mo, w.d, time.h, time.mi, timeZone);
  }
  const dow = WEEKDAYS[lower.replace(/\.$/, '')];
  if (dow !== undefined && !/\d/.test(head)) {
    for (let k = 1; k <= 6; k++) {
      const w = wallTime(now - k * 86_400_000, timeZone);
      if (w.dow === dow) return zonedToEpoch(w.y, w.mo, w.d, time.h, time.mi, timeZone);
    }
    return null;
  }
  const d = dateReader(dateFormat)(head);
  if (!d) return null;
  return zonedToEpoch(d.y, d.mo, d.d, time.h, time.mi, timeZone);
}
