import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';

// A real website on a loopback port for crawl tests, the e2e flow and the bench: pages that can
// change or disappear between syncs, with or without ETag / Last-Modified support, redirects,
// slow pages, robots.txt and sitemaps (plain, gzipped, indexes).

export type SitePage = {
  body?: string | Buffer;
  status?: number;
  contentType?: string;
  /** Answer conditional requests with an ETag derived from the body. */
  etag?: boolean;
  /** Answer If-Modified-Since with this Last-Modified date. */
  lastModified?: Date;
  redirect?: string;
  delayMs?: number;
  /** Hold the response until release(path) is called. */
  hold?: boolean;
};

export type SiteRequest = { path: string; at: number; headers: IncomingHttpHeaders; status: number };

export type Website = {
  origin: string;
  port: number;
  pages: Map<string, SitePage>;
  requests: SiteRequest[];
  robots: string | null;
  hits(path: string): number;
  release(path: string): void;
  /** Resolves when a request for the path arrives (for holding a page mid-sync). */
  waitForRequest(path: string): Promise<void>;
  close(): Promise<void>;
};

export function html(title: string, body: string, extraHead = ''): string {
  return `<!doctype html><html><head><title>${title}</title>${extraHead}</head><body><nav><a href="/">Home</a></nav><main><article><h1>${title}</h1>${body}</article></main><footer>© Example</footer></body></html>`;
}

/** A page of prose long enough for Readability to take it as the main content. */
export function article(title: string, text: string, links: string[] = [], extraHead = ''): string {
  const paragraphs = [text, `${title} is part of the example help centre. ${text}`].map((line) => `<p>${line}</p>`).join('');
  return html(title, `${paragraphs}<ul>${links.map((link) => `<li><a href="${link}">${link}</a></li>`).join('')}</ul>`, extraHead);
}

export function sitemapXml(urls: string[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${urls.map((url) => `<url><loc>${url}</loc></url>`).join('')}</urlset>`;
}

export function sitemapIndexXml(urls: string[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${urls.map((url) => `<sitemap><loc>${url}</loc></sitemap>`).join('')}</sitemapindex>`;
}

export const gzip = (text: string) => gzipSync(Buffer.from(text));

export async function startWebsite(port = 0, host = '127.0.0.1'): Promise<Website> {
  const pages = new Map<string, SitePage>();
  const requests: SiteRequest[] = [];
  const held = new Map<string, Array<() => void>>();
  const waiters = new Map<string, Array<() => void>>();
  const site = { robots: null as string | null };

  const server: Server = createServer((request, response) => {
    const path = request.url ?? '/';
    // Logged on arrival (what politeness is about); the status is filled in when answered.
    const entry: SiteRequest = { path, at: Date.now(), headers: request.headers, status: 0 };
    requests.push(entry);
    const record = (status: number) => {
      entry.status = status;
    };
    for (const resolve of waiters.get(path) ?? []) resolve();
    waiters.delete(path);
    if (path === '/robots.txt') {
      record(site.robots === null ? 404 : 200);
      if (site.robots === null) return response.writeHead(404).end('Not found');
      return response.writeHead(200, { 'content-type': 'text/plain' }).end(site.robots);
    }
    const page = pages.get(path);
    if (!page) {
      record(404);
      return response.writeHead(404, { 'content-type': 'text/html' }).end('<html><body>Not found</body></html>');
    }
    const answer = () => {
      if (page.redirect) {
        record(page.status ?? 301);
        return response.writeHead(page.status ?? 301, { location: page.redirect }).end();
      }
      const body = Buffer.isBuffer(page.body) ? page.body : Buffer.from(page.body ?? '');
      const headers: Record<string, string> = { 'content-type': page.contentType ?? 'text/html; charset=utf-8' };
      if (page.etag) {
        headers.etag = `"${createHash('sha1').update(body).digest('hex').slice(0, 16)}"`;
        if (request.headers['if-none-match'] === headers.etag) {
          record(304);
          return response.writeHead(304, headers).end();
        }
      }
      if (page.lastModified) {
        headers['last-modified'] = page.lastModified.toUTCString();
        const since = request.headers['if-modified-since'];
        if (!page.etag && since && new Date(since).getTime() >= Math.floor(page.lastModified.getTime() / 1000) * 1000) {
          record(304);
          return response.writeHead(304, headers).end();
        }
      }
      record(page.status ?? 200);
      response.writeHead(page.status ?? 200, headers).end(body);
    };
    if (page.hold) {
      const queue = held.get(path) ?? [];
      queue.push(answer);
      held.set(path, queue);
    } else if (page.delayMs) setTimeout(answer, page.delayMs);
    else answer();
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const actualPort = (server.address() as AddressInfo).port;
  return {
    origin: `http://${host}:${actualPort}`,
    port: actualPort,
    pages,
    requests,
    get robots() {
      return site.robots;
    },
    set robots(text: string | null) {
      site.robots = text;
    },
    hits: (path) => requests.filter((request) => request.path === path).length,
    release(path) {
      const page = pages.get(path);
      if (page) page.hold = false;
      for (const answer of held.get(path) ?? []) answer();
      held.delete(path);
    },
    waitForRequest: (path) =>
      new Promise<void>((resolve) => {
        const list = waiters.get(path) ?? [];
        list.push(resolve);
        waiters.set(path, list);
      }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const path of held.keys()) held.delete(path);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
