// Model output rendered as HTML with nothing from the text trusted: every character is escaped
// first, then a small markdown subset is re-created from the escaped text. Raw HTML therefore
// shows as text, and the only tags that can appear are the ones written below. Links survive
// only when the caller's policy allows their target; others keep their words, not the link.
// Dependency-free: the widget frame bundles it (40 KB budget).

import { originMatches } from '@/lib/domains';

export type LinkPolicy = (href: string) => boolean;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
const unescapeHtml = (text: string) =>
  text.replace(/&(amp|lt|gt|quot|#39);/g, (_, name: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[name]!);

/**
 * Links may point to the tenant's own sites (its allowed origins, wildcards included) or to
 * the pages its knowledge came from; nothing else, and never a non-http(s) scheme.
 */
export function tenantLinkPolicy(allowedOrigins: readonly string[], sourceUrls: readonly string[]): LinkPolicy {
  const sources = new Set(sourceUrls.map((url) => url.replace(/#.*$/, '')));
  return (href) => {
    let url: URL;
    try {
      url = new URL(href);
    } catch {
      return false;
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return false;
    return originMatches(url.origin, allowedOrigins) || sources.has(url.href.replace(/#.*$/, ''));
  };
}

const LINK = /\[([^\]\n]+)\]\(((?:[^()\s]|\([^()\s]*\))+)\)/g;
const PLACEHOLDER = /\u0000(\d+)\u0000/g;

/** Emphasis and numbered citations ([1] or [1][3] become references to the listed sources). */
const formatText = (html: string) =>
  html
    .replace(/\*\*([^*\n]+)\*\*/g, '<strong>$1</strong>')
    .replace(/(^|[^\w*])\*([^*\n]+)\*(?!\w)/g, '$1<em>$2</em>')
    .replace(/(^|[^\w])_([^_\n]+)_(?!\w)/g, '$1<em>$2</em>')
    .replace(/\[(\d{1,2})\](?!\()/g, '<sup class="citation" data-source="$1">[$1]</sup>');

function renderInline(escaped: string, allowLink: LinkPolicy): string {
  // Finished markup (code spans, then links) is cut out as it is built, so later rules never
  // rewrite inside it (a citation marker in a link's address, an underscore in code).
  const finished: string[] = [];
  const cutOut = (html: string) => `\u0000${finished.push(html) - 1}\u0000`;
  let html = escaped.replace(/`([^`\n]+)`/g, (_, code: string) => cutOut(`<code>${code}</code>`));
  // Link targets may hold one level of parentheses (Wikipedia-style URLs).
  html = html.replace(LINK, (_, label: string, target: string) => {
    const href = unescapeHtml(target);
    if (!/^https?:\/\//i.test(href) || !allowLink(href)) return label;
    return cutOut(`<a href="${escapeHtml(href)}" target="_blank" rel="noopener noreferrer nofollow">${formatText(label)}</a>`);
  });
  html = formatText(html);
  // A link's label may hold a code span: restore until nothing is left to restore.
  while (html.includes('\u0000')) html = html.replace(PLACEHOLDER, (_, index: string) => finished[Number(index)]!);
  return html;
}

type Block = { kind: 'code'; lines: string[] } | { kind: 'list'; ordered: boolean; items: string[] } | { kind: 'text'; tag: string; lines: string[] };

export function renderMarkdown(markdown: string, allowLink: LinkPolicy = () => false): string {
  const blocks: Block[] = [];
  let current: Block | null = null;
  let inFence = false;
  // NUL marks cut-out markup in renderInline: it never comes from the text.
  for (const rawLine of markdown.replace(/\u0000/g, '').replace(/\r\n?/g, '\n').split('\n')) {
    const line = escapeHtml(rawLine);
    if (/^\s*```/.test(rawLine)) {
      if (inFence) current = null;
      else blocks.push((current = { kind: 'code', lines: [] }));
      inFence = !inFence;
      continue;
    }
    if (inFence && current?.kind === 'code') {
      current.lines.push(line);
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    const bullet = /^\s*[-*+]\s+(.*)$/.exec(line);
    const numbered = /^\s*\d{1,3}[.)]\s+(.*)$/.exec(line);
    const quote = /^&gt;\s?(.*)$/.exec(line);
    if (!line.trim()) current = null;
    else if (heading) {
      // Headings inside a chat bubble stay small: h1/h2 become h3, the rest h4.
      blocks.push({ kind: 'text', tag: heading[1]!.length <= 2 ? 'h3' : 'h4', lines: [heading[2]!] });
      current = null;
    } else if (bullet || numbered) {
      const ordered = !bullet;
      if (current?.kind !== 'list' || current.ordered !== ordered) blocks.push((current = { kind: 'list', ordered, items: [] }));
      current.items.push((bullet ?? numbered)![1]!);
    } else if (quote) {
      if (current?.kind !== 'text' || current.tag !== 'blockquote') blocks.push((current = { kind: 'text', tag: 'blockquote', lines: [] }));
      current.lines.push(quote[1]!);
    } else if (current?.kind === 'list') {
      current.items[current.items.length - 1] += ` ${line.trim()}`;
    } else {
      if (current?.kind !== 'text' || current.tag !== 'p') blocks.push((current = { kind: 'text', tag: 'p', lines: [] }));
      current.lines.push(line);
    }
  }
  return blocks
    .map((block) => {
      if (block.kind === 'code') return `<pre><code>${block.lines.join('\n')}</code></pre>`;
      if (block.kind === 'list') {
        const tag = block.ordered ? 'ol' : 'ul';
        return `<${tag}>${block.items.map((item) => `<li>${renderInline(item, allowLink)}</li>`).join('')}</${tag}>`;
      }
      return `<${block.tag}>${block.lines.map((line) => renderInline(line, allowLink)).join('<br>')}</${block.tag}>`;
    })
    .join('');
}
