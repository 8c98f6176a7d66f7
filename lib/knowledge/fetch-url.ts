import 'server-only';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP } from 'node:net';
import { ExtractionError } from './extract';

// Fetches one web page for the knowledge base without letting a tenant reach the server's own
// network (SSRF): every address a host name resolves to is checked at connection time (so a
// DNS answer cannot change between the check and the connection), redirects are followed by
// hand and each one checked again, and size and time are bounded.

const PRIVATE_RANGES = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16],
  ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15],
  ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) {
  PRIVATE_RANGES.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['64:ff9b::', 96], ['2001:db8::', 32]] as const) {
  PRIVATE_RANGES.addSubnet(network, prefix, 'ipv6');
}

export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  // IPv4-mapped IPv6 (::ffff:10.0.0.1) is judged as the IPv4 address it maps to.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return PRIVATE_RANGES.check(mapped[1]!, 'ipv4');
  return PRIVATE_RANGES.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

export type FetchLimits = { maxBytes: number; timeoutMs: number; maxRedirects: number; allowedHosts: readonly string[] };

export type FetchedPage = { url: string; bytes: Buffer; contentType: string | undefined; status: number; headers: http.IncomingHttpHeaders };

/** Extra request headers (conditional requests), and statuses handed back instead of thrown (304, 404, 410). */
export type FetchOptions = { headers?: Record<string, string>; passStatuses?: readonly number[] };

function guardedLookup(allowedHosts: readonly string[]) {
  return (hostname: string, options: object, callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const blocked = !allowedHosts.includes(hostname.toLowerCase()) && addresses.some((entry) => isPrivateAddress(entry.address));
      if (blocked) return callback(new ExtractionError(`${hostname} points to a private or local network address, which imports may not reach.`), []);
      const all = (options as { all?: boolean }).all;
      if (all) return callback(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

function checkUrl(raw: string, allowedHosts: readonly string[]): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ExtractionError('That is not a valid web address.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ExtractionError('Only http and https addresses can be imported.');
  if (url.username || url.password) throw new ExtractionError('Addresses with credentials in them cannot be imported.');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  // Literal IP addresses never go through DNS, so they are checked here.
  if (isIP(host) && isPrivateAddress(host) && !allowedHosts.includes(host)) {
    throw new ExtractionError(`${host} is a private or local network address, which imports may not reach.`);
  }
  return url;
}

function requestOnce(url: URL, limits: FetchLimits, signal: AbortSignal, extraHeaders: Record<string, string> = {}) {
  return new Promise<{ status: number; location?: string; contentType?: string; bytes: Buffer; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : http;
    const request = client.get(
      url,
      {
        lookup: guardedLookup(limits.allowedHosts) as never,
        headers: { 'user-agent': 'AssistantPlatform-KnowledgeImport/1.0', accept: 'text/html,application/xhtml+xml,text/plain,application/pdf;q=0.9,*/*;q=0.5', ...extraHeaders },
        signal,
      },
      (response) => {
        const status = response.statusCode ?? 0;
        if (status >= 300 && status < 400) {
          response.resume();
          return resolve({ status, location: response.headers.location, bytes: Buffer.alloc(0), headers: response.headers });
        }
        const declared = Number(response.headers['content-length'] ?? 0);
        if (declared > limits.maxBytes) {
          response.destroy();
          return reject(new ExtractionError(`The page is larger than the ${Math.round(limits.maxBytes / 1_048_576)} MB limit.`));
        }
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > limits.maxBytes) {
            response.destroy();
            reject(new ExtractionError(`The page is larger than the ${Math.round(limits.maxBytes / 1_048_576)} MB limit.`));
          } else chunks.push(chunk);
        });
        response.on('end', () => resolve({ status, contentType: response.headers['content-type'], bytes: Buffer.concat(chunks), headers: response.headers }));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
  });
}

export async function fetchPage(rawUrl: string, limits: FetchLimits, options: FetchOptions = {}): Promise<FetchedPage> {
  const signal = AbortSignal.timeout(limits.timeoutMs);
  let url = checkUrl(rawUrl, limits.allowedHosts);
  for (let redirects = 0; ; redirects++) {
    let response;
    try {
      response = await requestOnce(url, limits, signal, options.headers);
    } catch (error) {
      if (error instanceof ExtractionError) throw error;
      if (signal.aborted) throw new ExtractionError(`The page did not load within ${limits.timeoutMs / 1000} seconds.`);
      throw new ExtractionError(`The page could not be fetched (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`);
    }
    const passed = options.passStatuses?.includes(response.status) ?? false;
    if (response.location && response.status >= 300 && response.status < 400 && !passed) {
      if (redirects >= limits.maxRedirects) throw new ExtractionError(`The page redirected more than ${limits.maxRedirects} times.`);
      url = checkUrl(new URL(response.location, url).toString(), limits.allowedHosts);
      continue;
    }
    if (response.status >= 400 && !passed) throw new ExtractionError(`The site answered with HTTP ${response.status}.`);
    return { url: url.toString(), bytes: response.bytes, contentType: response.contentType, status: response.status, headers: response.headers };
  }
}
