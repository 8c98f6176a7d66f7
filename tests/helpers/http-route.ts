import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { installClientAddressHook } from '@/lib/client-address';

type RouteHandler = (request: Request) => Promise<Response>;

/**
 * Serves one route handler over real HTTP on loopback with the server's client-address hook
 * installed, as `next start` runs it: so tests exercise what a client can and cannot forge
 * (forwarded headers) against the TCP peer the server actually sees.
 */
export async function serveRoute(handler: RouteHandler, trustedHops = 0): Promise<{ url: string; close: () => Promise<void> }> {
  installClientAddressHook(trustedHops);
  const server: Server = createServer(async (incoming: IncomingMessage, outgoing) => {
    try {
      const requestHeaders = new Headers();
      for (const [name, value] of Object.entries(incoming.headers)) {
        for (const item of [value ?? []].flat()) requestHeaders.append(name, item);
      }
      const hasBody = incoming.method !== 'GET' && incoming.method !== 'HEAD';
      const request = new Request(`http://${incoming.headers.host}${incoming.url}`, {
        method: incoming.method,
        headers: requestHeaders,
        body: hasBody ? (Readable.toWeb(incoming) as ReadableStream) : undefined,
        duplex: 'half',
      } as RequestInit);
      const response = await handler(request);
      const headers = Object.fromEntries([...response.headers].filter(([name]) => name !== 'set-cookie'));
      outgoing.writeHead(response.status, { ...headers, 'set-cookie': response.headers.getSetCookie() });
      outgoing.end(Buffer.from(await response.arrayBuffer()));
    } catch (error) {
      outgoing.writeHead(500).end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
