/**
 * Mail HTML → HTML safe to open offline, with DOMPurify (a kept library: hand-written sanitisers miss things),
 * configured and hooked for mail:
 * - no script, no event handler, no form, no frame, no object, no <style> block, no <link>, <meta> or <base>
 *   (DOMPurify's HTML profile, plus FORBID_TAGS); <style> blocks are dropped because they would restyle the whole
 *   page, the header table included (hiding or faking what the archive says);
 * - images: a cid: reference to an attachment of this message points to its file in the message's folder; a
 *   data: image stays (inline bytes, nothing fetched); any other source is removed and the image becomes a small
 *   "[image: alt]" mark (remote images are trackers and would call out each time the record is opened);
 * - links: http(s) links become inert text followed by their URL shown in full, not clickable: a click from an
 *   archive opened years later would leave the workstation (tracking tokens name the recipient, phishing pages
 *   imitate portals), and the URL stays readable and can be copied on purpose. mailto: links stay clickable (they
 *   only open the mail client). cid: links point to the attachment's file; "#fragment" links stay; every other
 *   scheme (javascript:, data:, file:, vbscript:…) loses its href and keeps its text;
 * - inline styles lose every declaration that can fetch or escape the message's box: url(), image-set(),
 *   @import, expression(), behavior, -moz-binding, and position fixed/absolute/sticky (overlays that cover the
 *   page's own header); legacy attributes that fetch (background, srcset, poster, ping, action…) are removed.
 * The page's Content-Security-Policy (html.ts) stops whatever this misses from fetching or running.
 *
 * DOMPurify needs a window: the content script's own (where the export runs) or, in unit tests, jsdom's. It
 * parses into an inert document (no image loads, no script), never into the webmail's page.
 */
import createDOMPurify, { type Config, type DOMPurify } from 'dompurify';

export interface SanitizeOptions {
  /** Content-ID (without < >, lower-case) → href of the attachment's file, relative to the page. */
  cid?: Map<string, string>;
  /** Texts shown in place of a removed image: without alt text, and with it ($1). */
  texts: { image: string; imageAlt: string };
  /** The window DOMPurify works with (default: globalThis). */
  window?: Window;
}

const FORBID_TAGS = ['style', 'link', 'meta', 'base', 'form', 'input', 'button', 'select', 'option', 'optgroup', 'textarea', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'audio', 'video', 'source', 'track', 'picture', 'portal', 'template', 'noscript', 'dialog'];
const FORBID_ATTR = ['srcset', 'background', 'poster', 'ping', 'action', 'formaction', 'longdesc', 'usemap', 'dynsrc', 'lowsrc', 'target', 'download', 'xmlns', 'lang', 'autofocus', 'contenteditable', 'popover'];

const CONFIG: Config = {
  USE_PROFILES: { html: true },
  FORBID_TAGS,
  FORBID_ATTR,
  ALLOW_DATA_ATTR: false,
  ALLOW_UNKNOWN_PROTOCOLS: false,
  WHOLE_DOCUMENT: false,
  KEEP_CONTENT: true,
};

/** A CSS declaration that could fetch, run or escape its box. */
const BAD_CSS = /url\s*\(|image-set\s*\(|@import|expression\s*\(|behavior\s*:|-moz-binding|javascript:|position\s*:\s*(?:fixed|absolute|sticky)|\\/i;

/** Declarations split on ";" outside parentheses and quotes (url(data:…;base64,…) stays one piece). */
function declarations(style: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = '';
  let start = 0;
  for (let i = 0; i < style.length; i++) {
    const c = style[i]!;
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (c === ';' && depth === 0) {
      out.push(style.slice(start, i));
      start = i + 1;
    }
  }
  out.push(style.slice(start));
  return out;
}

/** Inline style without its dangerous declarations ('' when none is left). */
export function cleanStyle(style: string): string {
  return declarations(style)
    .map((d) => d.trim())
    .filter((d) => d && !BAD_CSS.test(d))
    .join('; ');
}

const DATA_IMAGE = /^data:image\/(?:png|jpeg|gif|webp|bmp);base64,[a-z0-9+/=\s]+$/i;

function cidKey(v: string): string {
  let id = v.replace(/^cid:/i, '').trim();
  try {
    id = decodeURIComponent(id);
  } catch {
    // keep as written
  }
  return id.replace(/^<|>$/g, '').toLowerCase();
}

const instances = new WeakMap<object, DOMPurify>();
/** The current call's options, read by the hooks (sanitize() is synchronous: no interleaving). */
let current: SanitizeOptions | null = null;

function purifier(win: Window): DOMPurify {
  let p = instances.get(win);
  if (p) return p;
  p = createDOMPurify(win as unknown as Parameters<typeof createDOMPurify>[0]);
  p.addHook('afterSanitizeAttributes', (node) => {
    const el = node as Element;
    if (!el.tagName || !current) return;
    const doc = el.ownerDocument;
    if (el.hasAttribute('style')) {
      const s = cleanStyle(el.getAttribute('style') ?? '');
      if (s) el.setAttribute('style', s);
      else el.removeAttribute('style');
    }
    const tag = el.tagName.toLowerCase();
    if (tag === 'img') {
      const src = (el.getAttribute('src') ?? '').trim();
      const local = /^cid:/i.test(src) ? current.cid?.get(cidKey(src)) : undefined;
      if (local) el.setAttribute('src', local);
      else if (DATA_IMAGE.test(src)) el.setAttribute('src', src.replace(/\s+/g, ''));
      else {
        el.removeAttribute('src');
        el.setAttribute('data-balise-blocked', '');
      }
    } else if (tag === 'a' || tag === 'area') {
      const href = (el.getAttribute('href') ?? '').trim();
      el.removeAttribute('href');
      if (/^mailto:/i.test(href)) el.setAttribute('href', href);
      else if (/^#[\w.:-]*$/.test(href)) el.setAttribute('href', href);
      else if (/^cid:/i.test(href) && current.cid?.get(cidKey(href))) el.setAttribute('href', current.cid.get(cidKey(href))!);
      else if (/^https?:\/\//i.test(href)) {
        el.setAttribute('class', 'link-off');
        el.setAttribute('title', href);
        if (!(el.textContent ?? '').includes(href)) {
          const url = doc.createElement('span');
          url.setAttribute('class', 'url');
          url.textContent = ` <${href}>`;
          el.appendChild(url);
        }
      }
    }
  });
  instances.set(win, p);
  return p;
}

/** Replace each blocked image with a text mark "[image: alt]" (after sanitising, in the inert fragment). */
function markBlockedImages(root: DocumentFragment, texts: SanitizeOptions['texts']): void {
  for (const img of Array.from(root.querySelectorAll('img[data-balise-blocked]'))) {
    const alt = (img.getAttribute('alt') ?? '').trim();
    const mark = img.ownerDocument.createElement('span');
    mark.setAttribute('class', 'img-off');
    mark.textContent = `[${alt ? texts.imageAlt.replace('$1', () => alt) : texts.image}]`;
    img.replaceWith(mark);
  }
}

/** Sanitised HTML (a fragment for the page's body), never containing script, handlers or remote sources. */
export function sanitizeMailHtml(html: string, opts: SanitizeOptions): string {
  const win = opts.window ?? (globalThis as unknown as Window);
  const p = purifier(win);
  current = opts;
  try {
    const frag = p.sanitize(html, { ...CONFIG, RETURN_DOM_FRAGMENT: true }) as DocumentFragment;
    markBlockedImages(frag, opts.texts);
    // Serialise through a detached element of the inert document: reading markup, never assigning it.
    const holder = frag.ownerDocument.createElement('div');
    holder.appendChild(frag);
    return holder.innerHTML;
  } finally {
    current = null;
  }
}

/** A plain-text body as an escaped <pre> (used when the message has no HTML part). */
export function textBody(text: string, escape: (s: string) => string): string {
  return `<pre class="text">${escape(text)}</pre>`;
}
