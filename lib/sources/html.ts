import 'server-only';
import { parseHTML } from 'linkedom';
import { normalizeUrl } from './urls';

// What a crawler needs from a page besides its text: where it links, the address it calls
// canonical, and whether it asks not to be indexed or followed (<meta name="robots">).

export type PageSignals = { links: string[]; canonical?: string; noindex: boolean; nofollow: boolean };

export function readPageSignals(html: string, pageUrl: string): PageSignals {
  const { document } = parseHTML(html);
  const baseHref = document.querySelector('base[href]')?.getAttribute('href');
  const base = (baseHref && normalizeUrl(baseHref, pageUrl)) || pageUrl;
  const robots = Array.from(document.querySelectorAll('meta[name]'))
    .filter((meta) => /^(robots|assistantplatform)$/i.test(meta.getAttribute('name') ?? ''))
    .map((meta) => (meta.getAttribute('content') ?? '').toLowerCase())
    .join(',');
  const canonicalHref = document.querySelector('link[rel~="canonical"][href]')?.getAttribute('href');
  const links = new Set<string>();
  for (const anchor of Array.from(document.querySelectorAll('a[href]'))) {
    if (/\bnofollow\b/i.test(anchor.getAttribute('rel') ?? '')) continue;
    const url = normalizeUrl(anchor.getAttribute('href') ?? '', base);
    if (url) links.add(url);
  }
  return {
    links: [...links],
    canonical: canonicalHref ? normalizeUrl(canonicalHref, base) : undefined,
    noindex: /\b(noindex|none)\b/.test(robots),
    nofollow: /\b(nofollow|none)\b/.test(robots),
  };
}
