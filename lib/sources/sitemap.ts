import 'server-only';
import { gunzipSync } from 'node:zlib';
import { DOMParser } from 'linkedom';
import { ExtractionError } from '@/lib/knowledge/extract';
import { type FetchLimits, fetchPage } from '@/lib/knowledge/fetch-url';
import { normalizeUrl } from './urls';

// sitemap.xml and sitemap indexes (sitemaps.org 0.9), plain or gzipped. An index is followed
// a bounded number of levels and files, so a loop or a huge index cannot run away.

export const MAX_SITEMAP_FILES = 50;
const MAX_SITEMAP_DEPTH = 3;
const MAX_SITEMAP_BYTES = 50 * 1_048_576;

export type SitemapResult = { urls: string[]; files: number; problems: string[] };

function decode(bytes: Buffer): string {
  // gzip magic: sitemap.xml.gz, or a server that sends it compressed without saying so.
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      return gunzipSync(bytes, { maxOutputLength: MAX_SITEMAP_BYTES }).toString('utf8');
    } catch {
      throw new ExtractionError('The sitemap is gzipped but could not be unpacked (damaged, or larger than 50 MB).');
    }
  }
  return bytes.toString('utf8');
}

export function parseSitemap(xml: string, base: string): { kind: 'index' | 'urlset'; locations: string[] } {
  const document = new DOMParser().parseFromString(xml, 'text/xml');
  const root = document.documentElement?.localName?.toLowerCase();
  if (root !== 'urlset' && root !== 'sitemapindex') throw new ExtractionError('That address is not a sitemap (expected <urlset> or <sitemapindex>).');
  const selector = root === 'urlset' ? 'url > loc' : 'sitemap > loc';
  const locations = Array.from(document.querySelectorAll(selector))
    .map((element) => normalizeUrl((element as { textContent: string | null }).textContent ?? '', base))
    .filter((url): url is string => !!url);
  return { kind: root === 'urlset' ? 'urlset' : 'index', locations };
}

/** Every page address a sitemap (or index of sitemaps) lists, in order, without repeats, up to `maxUrls`. */
export async function readSitemap(url: string, limits: FetchLimits, maxUrls: number): Promise<SitemapResult> {
  const seen = new Set<string>();
  const urls: string[] = [];
  const problems: string[] = [];
  let files = 0;
  const visit = async (sitemapUrl: string, depth: number, root: boolean) => {
    if (files >= MAX_SITEMAP_FILES || urls.length >= maxUrls) return;
    files++;
    let parsed;
    try {
      const page = await fetchPage(sitemapUrl, { ...limits, maxBytes: MAX_SITEMAP_BYTES });
      parsed = parseSitemap(decode(page.bytes), page.url);
    } catch (error) {
      // The sitemap the person gave must work; a broken child of an index is reported and skipped.
      if (root || !(error instanceof ExtractionError)) throw error;
      problems.push(`${sitemapUrl}: ${error.message}`);
      return;
    }
    if (parsed.kind === 'index') {
      if (depth >= MAX_SITEMAP_DEPTH) return void problems.push(`${sitemapUrl}: sitemap indexes nested deeper than ${MAX_SITEMAP_DEPTH} levels are not followed.`);
      for (const child of parsed.locations) await visit(child, depth + 1, false);
      return;
    }
    for (const location of parsed.locations) {
      if (urls.length >= maxUrls) return;
      if (!seen.has(location)) {
        seen.add(location);
        urls.push(location);
      }
    }
  };
  await visit(url, 0, true);
  return { urls, files, problems };
}
