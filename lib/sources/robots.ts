import 'server-only';
import robotsParser from 'robots-parser';
import { ExtractionError } from '@/lib/knowledge/extract';
import { type FetchLimits, fetchPage } from '@/lib/knowledge/fetch-url';

// robots.txt, read with a real parser (robots-parser: groups, wildcards, `$`, Allow/Disallow
// precedence, Crawl-delay). One file per origin, fetched through the same SSRF guard as pages.

/** The product token robots.txt groups are matched against. */
export const CRAWLER_USER_AGENT = 'AssistantPlatform';

/** A Crawl-delay above this is clamped: a site asking for minutes per page would never finish a sync. */
export const MAX_CRAWL_DELAY_SECONDS = 30;

const ROBOTS_MAX_BYTES = 512 * 1024;

export type RobotsRules = {
  isAllowed(url: string): boolean;
  /** Seconds between two requests to this origin, if the site asks for it. */
  crawlDelaySeconds: number | undefined;
  sitemaps: string[];
};

const allowAll: RobotsRules = { isAllowed: () => true, crawlDelaySeconds: undefined, sitemaps: [] };

/**
 * The rules for one origin. No robots.txt (4xx) means everything is allowed; a server error
 * means the site cannot say what is allowed right now, so nothing is crawled (as the big
 * crawlers do), with the reason.
 */
export async function fetchRobots(origin: string, limits: FetchLimits): Promise<RobotsRules> {
  const robotsUrl = new URL('/robots.txt', origin).toString();
  const page = await fetchPage(robotsUrl, { ...limits, maxBytes: Math.min(limits.maxBytes, ROBOTS_MAX_BYTES) }, { passStatuses: [400, 401, 403, 404, 405, 410, 451, 500, 502, 503, 504] });
  if (page.status >= 500) throw new ExtractionError(`${origin} answered HTTP ${page.status} for robots.txt, so it cannot be crawled right now.`);
  if (page.status >= 400) return allowAll;
  const robots = robotsParser(robotsUrl, page.bytes.toString('utf8'));
  const delay = robots.getCrawlDelay(CRAWLER_USER_AGENT);
  return {
    isAllowed: (url) => robots.isAllowed(url, CRAWLER_USER_AGENT) !== false,
    crawlDelaySeconds: delay && delay > 0 ? Math.min(delay, MAX_CRAWL_DELAY_SECONDS) : undefined,
    sitemaps: robots.getSitemaps(),
  };
}
