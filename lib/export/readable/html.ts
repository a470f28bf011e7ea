/**
 * The pieces every generated page shares: THE escape function (all text that reaches a page goes through it),
 * hrefs to files in the archive, the page shell with its Content-Security-Policy, and the style sheet.
 *
 * Pages are built as strings from escaped pieces: no DOM, no innerHTML of untrusted input. They are opened from
 * file:// on a practice workstation, possibly years later, offline: no script, no remote anything.
 */

/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml(text: string | null | undefined): string {
  return String(text ?? '').replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;'));
}

/**
 * A relative href to a file in the archive, from a path of "/"-separated segments: each segment percent-encoded
 * (names may hold #, ?, % or spaces), then escaped for the attribute. `up` = how many folders to climb first.
 */
export function fileHref(path: string, up = 0): string {
  const rel = path
    .split('/')
    .map((s) => encodeURIComponent(s))
    .join('/');
  return escapeHtml('../'.repeat(up) + rel);
}

/**
 * The policy of every generated page. Nothing may load but images from the archive itself ('self' on a file://
 * page) or inline data: images; inline styles only; no script, no frame, no form target, no base. Even a
 * sanitiser miss therefore cannot fetch or run anything.
 */
export const PAGE_CSP = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; form-action 'none'; base-uri 'none'; frame-src 'none'";

const CSS = `
:root { color-scheme: light; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; margin: 1.5rem auto; max-width: 72rem; padding: 0 1rem; color: #1b1b1b; }
h1 { font-size: 1.35rem; } h2 { font-size: 1.15rem; margin-top: 2rem; border-bottom: 1px solid #ccd; } h3 { font-size: 1rem; margin-top: 1.25rem; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; vertical-align: top; padding: .3rem .5rem; border-bottom: 1px solid #e3e3ea; }
th { background: #f2f3f7; } table.headers th { width: 9rem; }
.reminder { background: #fff4d6; border: 1px solid #e3c46d; padding: .6rem .8rem; border-radius: 4px; }
.note { background: #eef3fb; border: 1px solid #b9cbe6; padding: .6rem .8rem; border-radius: 4px; }
.type { display: inline-block; padding: 0 .4rem; border-radius: 3px; background: #e6eefc; font-size: .85em; margin-right: .25rem; }
.muted { color: #5a5a66; font-size: .9em; } td.date { white-space: nowrap; } .size { white-space: nowrap; color: #5a5a66; }
.body { border-top: 2px solid #ccd; margin-top: 1.5rem; padding-top: 1rem; overflow-wrap: anywhere; }
.body pre, pre.text { white-space: pre-wrap; font: 14px/1.4 ui-monospace, Menlo, Consolas, monospace; }
.link-off { color: #333; text-decoration: underline dotted; } .url { color: #5a5a66; font-size: .9em; overflow-wrap: anywhere; }
.img-off { display: inline-block; border: 1px dashed #aab; padding: 0 .3rem; color: #5a5a66; font-size: .85em; }
nav a { margin-right: 1rem; } ul.files { margin: 0; padding-left: 1.1rem; }
`;

/** A whole page: doctype, charset, CSP, title, style, then `body` (already-escaped HTML). */
export function page(lang: 'fr' | 'en', title: string, body: string): string {
  return (
    `<!DOCTYPE html>\n<html lang="${lang}">\n<head>\n<meta charset="utf-8">\n` +
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(PAGE_CSP)}">\n` +
    `<meta name="referrer" content="no-referrer">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n` +
    `<title>${escapeHtml(title)}</title>\n<style>${CSS}</style>\n</head>\n<body>\n${body}\n</body>\n</html>\n`
  );
}

/** "1,2 Mo" / "1.2 MB": a size for people, in the page's language. */
export function humanSize(bytes: number, lang: 'fr' | 'en'): string {
  const units = lang === 'fr' ? ['o', 'Ko', 'Mo', 'Go'] : ['B', 'KB', 'MB', 'GB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  const n = u === 0 ? String(v) : v.toFixed(v < 10 ? 1 : 0);
  return `${lang === 'fr' ? n.replace('.', ',') : n} ${units[u]}`;
}

/** "2025-03-02 10:15" in local time, or ''. */
export function localDateTime(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '';
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return '';
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}
