/**
 * A rendered signature shown in the options page: the HTML rendering is parsed into nodes (tree.ts) and
 * rebuilt as Preact elements, so whatever a name or a template holds stays text (no innerHTML anywhere).
 */
import type { ComponentChildren } from 'preact';
import { parseSignatureHtml, type SigNode } from '../webmail/kit/signature-html';

function toVNodes(nodes: readonly SigNode[]): ComponentChildren[] {
  return nodes.map((n, i) => {
    if (n.t === 'text') return n.s;
    if (n.t === 'br') return <br key={i} />;
    const children = toVNodes(n.children);
    switch (n.tag) {
      case 'b':
        return <b key={i}>{children}</b>;
      case 'i':
        return <i key={i}>{children}</i>;
      case 'strong':
        return <strong key={i}>{children}</strong>;
      case 'em':
        return <em key={i}>{children}</em>;
      case 'a':
        return n.href ? (
          <a key={i} href={n.href} rel="noreferrer noopener" target="_blank">
            {children}
          </a>
        ) : (
          <span key={i}>{children}</span>
        );
    }
  });
}

export function SignatureHtml({ html }: { html: string }) {
  return <div data-preview="html">{toVNodes(parseSignatureHtml(html))}</div>;
}
