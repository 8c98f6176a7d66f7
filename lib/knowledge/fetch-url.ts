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

// Every range of the IANA IPv4 and IPv6 special-purpose address registries that is not
// globally reachable, plus multicast and the forms that embed or translate an IPv4 address
// (a NAT64 or 6to4 gateway would carry the request on to that IPv4 host). Node's BlockList
// applies the IPv4 rules to IPv4-mapped IPv6 addresses (::ffff:10.0.0.1, ::ffff:a00:1) too.
const PRIVATE_RANGES = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16],
  ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16],
  ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) {
  PRIVATE_RANGES.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 96], // unspecified, loopback and the deprecated IPv4-compatible form (::10.0.0.1)
  ['::ffff:0:0:0', 96], // IPv4-translated (SIIT)
  ['64:ff9b::', 96], // NAT64, well-known prefix
  ['64:ff9b:1::', 48], // NAT64, local use
  ['100::', 64], // discard-only
  ['100:0:0:1::', 64], // dummy prefix
  ['2001::', 23], // IETF protocol assignments: Teredo (embeds IPv4), benchmarking, ORCHID
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4 (embeds IPv4)
  ['3fff::', 20], // documentation
  ['5f00::', 16], // segment routing (SRv6) SIDs
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const) {
  PRIVATE_RANGES.addSubnet(network, prefix, 'ipv6');
}

export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  return PRIVATE_RANGES.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** Web servers listen on these; any other port (a database, an admin console) needs an allow-list entry. */
export const DEFAULT_PORTS: readonly number[] = [80, 443];

export type FetchLimits = { maxBytes: number; timeoutMs: number; maxRedirects: number; allowedHosts: readonly string[] };

export type FetchedPage = { url: string; bytes: Buffer; contentType: string | undefined; status: number; headers: http.IncomingHttpHeaders };

/** Extra request headers (conditional requests), and statuses handed back instead of thrown (304, 404, 410). */
export type FetchOptions = { headers?: Record<string, string>; passStatuses?: readonly number[] };

const portOf = (url: URL) => (url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80);

const bareHost = (host: string) => host.replace(/^\[|\]$/g, '').toLowerCase();

/** An allow-list entry: `host`, `host:port`, `ipv6` or `[ipv6]:port`, normalised as a URL host. */
function parseAllowEntry(entry: string): { host: string; port?: number | '*' } | undefined {
  const match = /^\[(.+)\](?::(\d+|\*))?$/.exec(entry) ?? (isIP(entry) === 6 ? [entry, entry] : /^([^:]+)(?::(\d+|\*))?$/.exec(entry));
  if (!match) return undefined;
  try {
    const host = new URL(`http://${isIP(match[1]!) === 6 ? `[${match[1]}]` : match[1]}/`).hostname;
    return { host: bareHost(host), port: match[2] === '*' ? '*' : match[2] ? Number(match[2]) : undefined };
  } catch {
    return undefined;
  }
}

/**
 * Whether the operator's allow-list (KNOWLEDGE_URL_ALLOWLIST) trusts this address: an entry
 * `host` covers that host on ports 80 and 443, `host:port` that host on that port, `host:*` on
 * any port (a development machine's local servers). A trusted
 * target may resolve to a private address.
 */
export function isAllowListed(url: URL, allowedHosts: readonly string[]): boolean {
  const host = bareHost(url.hostname);
  const port = portOf(url);
  return allowedHosts.some((raw) => {
    const entry = parseAllowEntry(raw);
    if (!entry || entry.host !== host) return false;
    if (entry.port === '*') return true;
    return entry.port === undefined ? DEFAULT_PORTS.includes(port) : entry.port === port;
  });
}

function guardedLookup(trusted: boolean) {
  return (hostname: string, options: object, callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const blocked = !trusted && addresses.some((entry) => isPrivateAddress(entry.address));
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
  const trusted = isAllowListed(url, allowedHosts);
  const host = bareHost(url.hostname);
  // Literal IP addresses never go through DNS, so they are checked here.
  if (isIP(host) && isPrivateAddress(host) && !trusted) {
    throw new ExtractionError(`${host} is a private or local network address, which imports may not reach.`);
  }
  if (!trusted && !DEFAULT_PORTS.includes(portOf(url))) {
    throw new ExtractionError(`Only addresses on the standard web ports (80 and 443) can be imported, not port ${portOf(url)}.`);
  }
  return url;
}

function requestOnce(url: URL, limits: FetchLimits, signal: AbortSignal, extraHeaders: Record<string, string> = {}) {
  return new Promise<{ status: number; location?: string; contentType?: string; bytes: Buffer; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : http;
    const request = client.get(
      url,
      {
        lookup: guardedLookup(isAllowListed(url, limits.allowedHosts)) as never,
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
