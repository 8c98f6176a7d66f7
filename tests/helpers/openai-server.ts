import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

// A local server speaking the OpenAI HTTP API (the parts the product uses), so providers are
// tested over real HTTP with real SDK clients. Scripted failures exercise retries.

export type RecordedRequest = { path: string; headers: IncomingMessage['headers']; body: Record<string, unknown> };

export type OpenAiTestServer = {
  baseURL: string;
  requests: RecordedRequest[];
  /** Status codes to answer, in order, before answering normally. */
  failNext: (...statuses: number[]) => void;
  close: () => Promise<void>;
};

export async function startOpenAiServer(options: { dimensions?: number } = {}): Promise<OpenAiTestServer> {
  const requests: RecordedRequest[] = [];
  const failures: number[] = [];
  const dimensions = options.dimensions ?? 1024;
  const server: Server = createServer(async (request, response) => {
    let raw = '';
    for await (const chunk of request) raw += chunk;
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    requests.push({ path: request.url ?? '', headers: request.headers, body });
    const failure = failures.shift();
    if (failure) {
      response.writeHead(failure, { 'content-type': 'application/json', 'retry-after-ms': '10' });
      response.end(JSON.stringify({ error: { message: `scripted ${failure}`, type: 'server_error' } }));
      return;
    }
    if (request.url === '/v1/embeddings') {
      const inputs = (Array.isArray(body.input) ? body.input : [body.input]) as string[];
      const data = inputs.map((text, index) => ({
        object: 'embedding',
        index,
        // A deterministic unit vector that depends on the text.
        embedding: Array.from({ length: dimensions }, (_, i) => (i === text.length % dimensions ? 1 : 0)),
      }));
      const tokens = inputs.reduce((sum, text) => sum + Math.ceil(text.length / 4), 0);
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ object: 'list', data, model: body.model, usage: { prompt_tokens: tokens, total_tokens: tokens } }));
      return;
    }
    response.writeHead(404, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ error: { message: 'not found' } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    failNext: (...statuses) => failures.push(...statuses),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
