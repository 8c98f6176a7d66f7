import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExtractionError } from '@/lib/knowledge/extract';
import { fetchPage, isPrivateAddress } from '@/lib/knowledge/fetch-url';

describe('URL import guard (SSRF)', () => {
  let server: Server;
  let origin: string;
  const limits = (allowedHosts: string[] = ['127.0.0.1']) => ({ maxBytes: 2048, timeoutMs: 3000, maxRedirects: 2, allowedHosts });

  beforeAll(async () => {
    server = createServer((request, response) => {
      const port = (server.address() as AddressInfo).port;
      if (request.url === '/page') return response.end('<html><body><h1>Hello</h1></body></html>');
      if (request.url === '/big') return response.end('x'.repeat(10_000));
      if (request.url === '/to-localhost') {
        response.writeHead(302, { location: `http://localhost:${port}/page` });
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
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it.each(['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.169.254', '0.0.0.0', '::1', 'fd00::1', 'fe80::1', '::ffff:10.0.0.1', '100.64.0.1'])(
    'treats %s as private',
    (address) => expect(isPrivateAddress(address)).toBe(true),
  );

  it.each(['93.184.216.34', '2606:4700::1111', '8.8.8.8'])('treats %s as public', (address) => expect(isPrivateAddress(address)).toBe(false));

  it('refuses loopback and private targets, by literal address or by name', async () => {
    await expect(fetchPage(`${origin}/page`, limits([]))).rejects.toThrow(/private or local network/);
    const port = new URL(origin).port;
    await expect(fetchPage(`http://localhost:${port}/page`, limits([]))).rejects.toThrow(/private or local network/);
    await expect(fetchPage('http://169.254.169.254/latest/meta-data/', limits([]))).rejects.toThrow(/private or local network/);
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
    await expect(fetchPage(`${origin}/to-localhost`, limits(['127.0.0.1']))).rejects.toThrow(/localhost points to a private/);
    await expect(fetchPage(`${origin}/loop`, limits())).rejects.toThrow(/redirected more than 2 times/);
  });

  it('stops reading at the size limit', async () => {
    await expect(fetchPage(`${origin}/big`, limits())).rejects.toThrow(ExtractionError);
    await expect(fetchPage(`${origin}/big`, limits())).rejects.toThrow(/larger than/);
  });
});
