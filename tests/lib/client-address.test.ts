import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyClientAddress, CLIENT_ADDRESS_HEADER, clientIp, normalizeAddress, resolveClientAddress } from '@/lib/client-address';
import { serveRoute } from '../helpers/http-route';

describe('resolveClientAddress', () => {
  it('uses the socket and ignores forwarded headers when no proxy is trusted', () => {
    expect(resolveClientAddress('203.0.113.9', '1.2.3.4', 0)).toBe('203.0.113.9');
    expect(resolveClientAddress('::ffff:203.0.113.9', undefined, 0)).toBe('203.0.113.9');
  });

  it('takes the entry the outermost trusted proxy appended', () => {
    // client wrote "6.6.6.6", nginx appended the real client, the load balancer appended nginx's peer.
    expect(resolveClientAddress('10.0.0.2', '6.6.6.6, 198.51.100.4, 10.0.0.1', 2)).toBe('198.51.100.4');
    expect(resolveClientAddress('10.0.0.2', '6.6.6.6, 198.51.100.4', 1)).toBe('198.51.100.4');
    expect(resolveClientAddress('10.0.0.2', ['6.6.6.6', '198.51.100.4'], 1)).toBe('198.51.100.4');
  });

  it('takes the furthest entry when the chain is shorter than the trusted hops, and the socket when there is none', () => {
    expect(resolveClientAddress('10.0.0.2', '198.51.100.4', 3)).toBe('198.51.100.4');
    expect(resolveClientAddress('10.0.0.2', undefined, 1)).toBe('10.0.0.2');
  });

  it('refuses what is not an address', () => {
    expect(resolveClientAddress('10.0.0.2', 'evil, <script>', 1)).toBe('unknown');
    expect(normalizeAddress('[2001:db8::1]:443')).toBe('2001:db8::1');
    expect(normalizeAddress('198.51.100.4:5555')).toBe('198.51.100.4');
    expect(normalizeAddress('not-an-ip')).toBeUndefined();
  });

  it('drops every untrusted forwarding header and overwrites a forged client address', () => {
    const headers: Record<string, string | string[] | undefined> = {
      'x-forwarded-for': '6.6.6.6',
      'x-forwarded-host': 'evil.example',
      'x-forwarded-proto': 'https',
      forwarded: 'for=6.6.6.6',
      'x-real-ip': '6.6.6.6',
      [CLIENT_ADDRESS_HEADER]: '6.6.6.6',
    };
    applyClientAddress(headers, '127.0.0.1', 0);
    expect(headers).toEqual({ 'x-forwarded-for': '127.0.0.1', [CLIENT_ADDRESS_HEADER]: '127.0.0.1' });
  });
});

describe('clientIp over real HTTP', () => {
  let server: Awaited<ReturnType<typeof serveRoute>>;
  beforeAll(async () => {
    server = await serveRoute(async (request) => Response.json({ ip: clientIp(request.headers), host: request.headers.get('x-forwarded-host') }));
  });
  afterAll(() => server.close());

  it('is the TCP peer whatever the client writes', async () => {
    for (const forged of ['203.0.113.1', '203.0.113.2, 10.0.0.1', '::1']) {
      const response = await fetch(server.url, { headers: { 'x-forwarded-for': forged, 'x-real-ip': forged, [CLIENT_ADDRESS_HEADER]: forged, 'x-forwarded-host': 'evil.example' } });
      expect(await response.json()).toEqual({ ip: '127.0.0.1', host: null });
    }
  });

  it('counts IPv6 clients per /64', () => {
    const headers = (address: string) => new Headers({ [CLIENT_ADDRESS_HEADER]: address });
    expect(clientIp(headers('2001:db8:1:2:aaaa::1'))).toBe('2001:db8:1:2::/64');
    expect(clientIp(headers('2001:db8:1:2:bbbb:cccc:dddd:eeee'))).toBe('2001:db8:1:2::/64');
    expect(clientIp(headers('2001:db8::7'))).toBe('2001:db8:0:0::/64');
    expect(clientIp(headers('2001:0db8:0001:0002::1'))).toBe('2001:db8:1:2::/64');
  });
});
