import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExtractionError } from '@/lib/knowledge/extract';
import { fetchPage, isPrivateAddress } from '@/lib/knowledge/fetch-url';

describe('URL import guard (SSRF)', () => {
  let server: Server;
  let origin: string;
  let port: number;
  // The test server listens on a random port, so the allow-list names it with its port.
  const limits = (allowedHosts: string[] = [`127.0.0.1:${port}`]) => ({ maxBytes: 2048, timeoutMs: 3000, maxRedirects: 2, allowedHosts });

  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.url === '/page') return response.end('<html><body><h1>Hello</h1></body></html>');
      if (request.url === '/big') return response.end('x'.repeat(10_000));
      if (request.url === '/to-localhost') {
        // Port 80: the name is refused when it resolves, before any connection.
        response.writeHead(302, { location: 'http://localhost/page' });
        return response.end();
      }
      if (request.url?.startsWith('/redirect?to=')) {
        response.writeHead(302, { location: decodeURIComponent(request.url.slice('/redirect?to='.length)) });
        return response.end();
      }
      if (request.url === '/loop') {
        response.writeHead(302, { location: '/loop' });
        return response.end();
      }
      response.writeHead(404);
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    origin = `http://127.0.0.1:${port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it.each(['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.169.254', '0.0.0.0', '::1', 'fd00::1', 'fe80::1', '::ffff:10.0.0.1', '100.64.0.1'])(
    'treats %s as private',
    (address) => expect(isPrivateAddress(address)).toBe(true),
  );

  it.each(['93.184.216.34', '2606:4700::1111', '8.8.8.8'])('treats %s as public', (address) => expect(isPrivateAddress(address)).toBe(false));

  it('refuses loopback and private targets, by literal address or by name', async () => {
    await expect(fetchPage(`${origin}/page`, limits([]))).rejects.toThrow(/private or local network/);
    await expect(fetchPage('http://localhost/page', limits([]))).rejects.toThrow(/private or local network/);
    await expect(fetchPage('http://169.254.169.254/latest/meta-data/', limits([]))).rejects.toThrow(/private or local network/);
  });

  // IANA special-purpose ranges that are not globally reachable, and forms embedding an IPv4 address.
  const SPECIAL_PURPOSE = [
    '::7f00:1', // IPv4-compatible ::127.0.0.1 (::/96)
    '::a00:1', // IPv4-compatible ::10.0.0.1
    '::8.8.8.8', // IPv4-compatible, even of a public address (deprecated form)
    '64:ff9b:1::a00:1', // local-use NAT64
    'fec0::1', // site-local
    '2002:7f00:1::1', // 6to4 of 127.0.0.1
    '2002:808:808::1', // 6to4 of a public address: the relay is still a gateway
    '::ffff:7f00:1', // IPv4-mapped, in the hex form URLs normalise to
    '::ffff:0:a00:1', // IPv4-translated (SIIT)
    '100::1', // discard-only
    '2001::1', // Teredo
    '2001:2::1', // benchmarking
    '3fff::1', // documentation
    '5f00::1', // SRv6 SIDs
    '192.88.99.1', // deprecated 6to4 relay anycast
  ];

  it.each(SPECIAL_PURPOSE)('treats special-purpose %s as private', (address) => expect(isPrivateAddress(address)).toBe(true));

  it.each(['::ffff:808:808', '2a00:1450:4001::1'])('treats %s as public', (address) => expect(isPrivateAddress(address)).toBe(false));

  const literal = (address: string) => (address.includes(':') ? `[${address}]` : address);

  it.each(SPECIAL_PURPOSE)('refuses a URL to %s, directly and by redirect', async (address) => {
    await expect(fetchPage(`http://${literal(address)}/`, limits())).rejects.toThrow(/private or local network/);
    const to = encodeURIComponent(`http://${literal(address)}/latest/meta-data/`);
    await expect(fetchPage(`${origin}/redirect?to=${to}`, limits())).rejects.toThrow(/private or local network/);
  });

  it('allows only ports 80 and 443 unless the allow-list names the port', async () => {
    for (const url of ['http://example.com:8080/', 'https://example.com:8443/', 'http://example.com:22/', 'http://93.184.216.34:6379/']) {
      await expect(fetchPage(url, limits([]))).rejects.toThrow(/standard web ports \(80 and 443\)/);
    }
    // A host-only entry trusts the host on the standard ports, not on the test server's random one.
    await expect(fetchPage(`${origin}/page`, limits(['127.0.0.1']))).rejects.toThrow(/private or local network/);
    expect((await fetchPage(`${origin}/page`, limits([`127.0.0.1:${port}`]))).bytes.toString()).toContain('Hello');
    // `host:*` trusts that host on any port (local servers on a development machine), and only that host.
    expect((await fetchPage(`${origin}/page`, limits(['127.0.0.1:*']))).bytes.toString()).toContain('Hello');
    await expect(fetchPage(`http://localhost:${port}/page`, limits(['127.0.0.1:*']))).rejects.toThrow(/standard web ports/);
  });

  it('refuses a redirect to a port the allow-list does not name', async () => {
    for (const target of ['http://example.com:8080/', 'https://93.184.216.34:8443/', 'http://[2606:4700::1111]:6379/']) {
      await expect(fetchPage(`${origin}/redirect?to=${encodeURIComponent(target)}`, limits())).rejects.toThrow(/standard web ports/);
    }
    // The allow-list entry names the test server's port only: the next port over is not trusted.
    const sibling = `http://127.0.0.1:${port + 1}/page`;
    await expect(fetchPage(`${origin}/redirect?to=${encodeURIComponent(sibling)}`, limits())).rejects.toThrow(/private or local network/);
  });

  it('refuses other schemes and embedded credentials', async () => {
    await expect(fetchPage('file:///etc/passwd', limits())).rejects.toThrow(/Only http and https/);
    await expect(fetchPage('http://user:pass@example.com/', limits())).rejects.toThrow(/credentials/);
  });

  it('fetches an allow-listed host', async () => {
    const page = await fetchPage(`${origin}/page`, limits());
    expect(page.bytes.toString()).toContain('<h1>Hello</h1>');
  });

  it('checks every redirect again', async () => {
    await expect(fetchPage(`${origin}/to-localhost`, limits())).rejects.toThrow(/localhost points to a private/);
    await expect(fetchPage(`${origin}/loop`, limits())).rejects.toThrow(/redirected more than 2 times/);
  });

  it('stops reading at the size limit', async () => {
    await expect(fetchPage(`${origin}/big`, limits())).rejects.toThrow(ExtractionError);
    await expect(fetchPage(`${origin}/big`, limits())).rejects.toThrow(/larger than/);
  });
});
