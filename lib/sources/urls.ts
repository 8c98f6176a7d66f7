// Addresses as a crawl compares them: one spelling per page, the site boundary, and the
// include/exclude path patterns a person types (`/docs/*`).

// Query parameters that only say where a visitor came from: the same page under every campaign.
const TRACKING_PARAMETER = /^(utm_[a-z]+|gclid|fbclid|msclkid|mc_cid|mc_eid|_ga|ref)$/i;

/** The one spelling of a page's address: no fragment, no tracking parameters, default port dropped. Undefined for anything that is not http(s). */
export function normalizeUrl(raw: string, base?: string | URL): string | undefined {
  let url: URL;
  try {
    url = new URL(raw.trim(), base);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.username || url.password) return undefined;
  url.hash = '';
  for (const name of [...url.searchParams.keys()]) if (TRACKING_PARAMETER.test(name)) url.searchParams.delete(name);
  url.searchParams.sort();
  // URL already lower-cases the host and drops a default port; an empty query loses its "?".
  return url.toString().replace(/\?$/, '');
}

const siteHost = (host: string) => host.toLowerCase().replace(/^www\./, '');

/** Same site: the same host, with or without `www.`. */
export function isSameSite(url: string, start: string): boolean {
  return siteHost(new URL(url).hostname) === siteHost(new URL(start).hostname);
}

/** A path pattern (`/docs/*`, `*.pdf`) as a regular expression over path and query. */
function patternToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  // `/docs` also covers `/docs/...`: a pattern names a section, as people mean it.
  return new RegExp(`^${escaped}${pattern.endsWith('*') || pattern.endsWith('$') ? '' : '(?:[/?].*)?'}$`);
}

export type PathFilter = (url: string) => boolean;

/** Whether a page's path passes the include patterns (any, or none given) and no exclude pattern. */
export function pathFilter(include: readonly string[], exclude: readonly string[]): PathFilter {
  const includes = include.map(patternToRegExp);
  const excludes = exclude.map(patternToRegExp);
  return (url) => {
    const { pathname, search } = new URL(url);
    const path = pathname + search;
    if (includes.length && !includes.some((pattern) => pattern.test(path))) return false;
    return !excludes.some((pattern) => pattern.test(path));
  };
}

/** Patterns typed one per line or comma-separated: each must be a path. */
export function parsePatterns(text: string): string[] {
  return [...new Set(text.split(/[\n,]/).map((line) => line.trim()).filter(Boolean))];
}
