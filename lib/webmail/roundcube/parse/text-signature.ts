/**
 * Roundcube 1.6, pure parsing (no DOM, no request, no evaluation): Plain-text signatures in a compose body: separators, finding and replacing Balise's block.
 */

/** The separator line Roundcube (sig_separator) and mail clients put before a signature. */
export const SIG_SEPARATOR = '-- \n';

/**
 * The separator Roundcube puts before signatures on this compose page, read from its own (env.signatures):
 * "-- " (sig_separator, the default), "---" (top posting replies, so that the quote below is not taken for the
 * signature), or none (sig_separator off). Without any host signature: "-- ".
 */
export function separatorOf(hostSignatures: string[]): string | null {
  const texts = hostSignatures.filter((t) => t.trim());
  if (!texts.length) return '-- ';
  for (const t of texts) {
    const first = t.replace(/^[\r\n]+/, '').split(/\r?\n/, 1)[0]!;
    if (first === '-- ' || first === '---') return first;
  }
  return null;
}

/**
 * A text signature as it goes in the body: with the separator line in front, unless it has one already (a line
 * "-- " or "---", as Roundcube checks).
 */
export function textSignatureBlock(text: string, separator: string | null = '-- '): string {
  const t = text.replace(/\r\n?/g, '\n').replace(/^\n+|\n+$/g, '');
  if (!separator || /^--[ -]$/m.test(t)) return t;
  return `${separator}\n${t}`;
}

/** Number of signature separator lines ("-- " alone on a line) in a plain-text body. */
export function countSeparators(body: string): number {
  return body.replace(/\r\n?/g, '\n').split('\n').filter((l) => l === '-- ').length;
}

/**
 * Removes every occurrence of the known signature blocks from a plain-text body, then, when there is still a
 * "-- " separator and `dropTail` is set, the tail from the last separator (a signature edited by hand).
 * Returns the body and where the first removed block was (-1 if none).
 */
export function stripTextSignatures(body: string, known: string[], dropTail: boolean): { body: string; at: number } {
  let text = body.replace(/\r\n?/g, '\n');
  let at = -1;
  const blocks = [...new Set(known.map((k) => k.replace(/\r\n?/g, '\n')).filter((k) => k.length > 1))].sort((a, b) => b.length - a.length);
  for (const b of blocks) {
    for (let p = text.indexOf(b); p >= 0; p = text.indexOf(b)) {
      // Take the blank lines Roundcube put before it ("\n\n" + sig) with it.
      let start = p;
      while (start > 0 && text[start - 1] === '\n' && start > p - 2) start--;
      text = text.slice(0, start) + text.slice(p + b.length);
      if (at < 0 || start < at) at = start;
    }
  }
  if (dropTail) {
    const lines = text.split('\n');
    const last = lines.lastIndexOf('-- ');
    if (last >= 0) {
      let start = lines.slice(0, last).join('\n').length;
      text = text.slice(0, start).replace(/\n+$/, '');
      start = text.length;
      if (at < 0 || start < at) at = start;
    }
  }
  return { body: text, at: Math.min(at, text.length) };
}

/** Puts one signature block at `at` (or at the end) of a plain-text body, with a blank line before it. */
export function insertTextSignature(body: string, block: string, at: number): string {
  if (at < 0 || at >= body.length) {
    const head = body.replace(/\n+$/, '');
    return head ? `${head}\n\n${block}` : `\n\n${block}`;
  }
  const before = body.slice(0, at).replace(/\n+$/, '');
  const after = body.slice(at).replace(/^\n+/, '');
  return `${before}\n\n${block}${after ? `\n\n${after}` : ''}`;
}

// ---- quoted messages (a reply's "> " lines, a forwarded message) --------------------------------------------------

/**
 * Roundcube's header before a forwarded message in plain text (compose.php get_forward_header: "-------- " +
 * the localised "originalmessage" + " --------"), also the header of reply_mode 2 (top posting without quoting).
 */
const FORWARD_HEADER = /^-{8} \S.* -{8}$/;
const PLACEHOLDER = /\u0000Q(\d+)\u0000/g;
const IS_PLACEHOLDER = /^\u0000Q\d+\u0000$/;

export interface MaskedText {
  /** The body with each quoted part replaced by one placeholder line. */
  text: string;
  /** The quoted parts, exactly as they were. */
  quotes: string[];
}

/**
 * Hides the parts of a plain-text body that quote another message, so that signature lookups (separators, known
 * blocks, the tail after the last "-- ") only ever see the text written in this editor. A quoted message may carry
 * its own "-- " signature (Balise's or anyone's): it is never the signature of this message.
 * - every run of lines starting with ">" (a reply's quote), with the reply header above it when that line ends
 *   with ":" (Roundcube's mailreplyintro, "Le …, X a écrit :");
 * - from a forward header ("-------- Message original --------") to the end, except the known signature blocks
 *   that end the body (Roundcube appends the identity's signature after the forwarded text when not top posting).
 * Each part becomes one line `\0Q<n>\0`; {@link unmaskQuotes} puts them back byte for byte.
 */
export function maskQuotes(body: string, known: string[] = []): MaskedText {
  const text = body.replace(/\r\n?/g, '\n').replace(/\u0000/g, '');
  const lines = text.split('\n');
  const quotes: string[] = [];
  const out: string[] = [];
  const put = (part: string[]) => {
    out.push(`\u0000Q${quotes.length}\u0000`);
    quotes.push(part.join('\n'));
  };
  for (let i = 0; i < lines.length; ) {
    const line = lines[i]!;
    if (FORWARD_HEADER.test(line)) {
      const rest = lines.slice(i).join('\n');
      // Known signature blocks that end the body, one after the other (the identity's, then Balise's or the
      // reverse after an identity switch), stay outside the quote.
      const blocks = known.map((k) => k.replace(/\r\n?/g, '\n').replace(/^\n+|\n+$/g, '')).filter((b) => b.length > 1);
      blocks.sort((a, b) => b.length - a.length);
      let cut = rest.length;
      for (let again = true; again; ) {
        again = false;
        const head = rest.slice(0, cut).replace(/\n+$/, '');
        for (const block of blocks) {
          if (head.length > block.length && head.endsWith(block)) {
            cut = head.length - block.length;
            again = true;
            break;
          }
        }
      }
      const quote = rest.slice(0, cut).replace(/\n+$/, '');
      put([quote]);
      const after = rest.slice(quote.length);
      if (after) out.push(...after.slice(1).split('\n'));
      break;
    }
    if (line.startsWith('>')) {
      const part: string[] = [];
      // The reply header just above the quote goes with it.
      const prev = out[out.length - 1];
      if (prev !== undefined && prev.trim() && !IS_PLACEHOLDER.test(prev) && /:\s*$/.test(prev)) part.push(out.pop()!);
      while (i < lines.length && lines[i]!.startsWith('>')) part.push(lines[i++]!);
      put(part);
      continue;
    }
    out.push(line);
    i++;
  }
  return { text: out.join('\n'), quotes };
}

/** Puts back the quoted parts {@link maskQuotes} hid. */
export function unmaskQuotes(text: string, quotes: string[]): string {
  return text.replace(PLACEHOLDER, (m, n: string) => quotes[Number(n)] ?? m);
}

/** Whether a quoted part (its placeholder) comes after the last "-- " line of a masked body. */
function quoteAfterLastSeparator(masked: string): boolean {
  const lines = masked.split('\n');
  const last = lines.lastIndexOf('-- ');
  return last >= 0 && lines.slice(last + 1).some((l) => IS_PLACEHOLDER.test(l));
}

/** Whether the text written in this editor (quotes aside) holds a signature: a "-- " line or a known block. */
export function hasOwnTextSignature(body: string, known: string[]): boolean {
  const { text } = maskQuotes(body, known);
  return countSeparators(text) > 0 || known.some((k) => k.length > 1 && text.includes(k.replace(/\r\n?/g, '\n')));
}

/**
 * Puts one signature block in a plain-text body, in place of the signature written in this editor (known blocks,
 * or the tail after its last "-- " line when no quote follows it), never inside a quoted part. `block` null removes it.
 */
export function replaceOwnTextSignature(body: string, known: string[], block: string | null, topPosting = false): string {
  const { text, quotes } = maskQuotes(body, known);
  const stripped = stripTextSignatures(text, known, !quoteAfterLastSeparator(text));
  if (block === null) return unmaskQuotes(stripped.body, quotes);
  const at = stripped.at >= 0 ? stripped.at : topPosting && stripped.body.trim() ? 0 : -1;
  return unmaskQuotes(insertTextSignature(stripped.body, block, at), quotes);
}
