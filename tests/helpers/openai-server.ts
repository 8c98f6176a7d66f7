import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readWebmAudio } from '@/lib/voice/webm';

// A local server speaking the OpenAI HTTP API (the parts the product uses), so providers are
// tested over real HTTP with real SDK clients. Scripted failures exercise retries.

export type RecordedRequest = { path: string; headers: IncomingMessage['headers']; body: Record<string, unknown>; audio?: Buffer };

/** What /v1/audio/transcriptions hears in an uploaded WAV (the server reports the WAV's real duration). */
export type TranscriptionScript = (audio: Buffer, model: string) => string;

/** Seconds of audio in a 16-bit PCM WAV, from its header (what a real server bills). */
export function wavSeconds(wav: Buffer): number {
  const byteRate = wav.readUInt32LE(28);
  let offset = 12;
  while (offset + 8 <= wav.length) {
    const size = wav.readUInt32LE(offset + 4);
    if (wav.toString('ascii', offset, offset + 4) === 'data') return Math.min(size, wav.length - offset - 8) / byteRate;
    offset += 8 + size + (size % 2);
  }
  return 0;
}

/** A WAV of a quiet tone, 60 ms per character of the text, as a TTS server would return. */
function speechWav(text: string, sampleRate = 24_000): Buffer {
  const samples = Math.round(sampleRate * 0.06 * Math.max(1, text.length));
  const data = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) data.writeInt16LE(Math.round(3000 * Math.sin((2 * Math.PI * 220 * i) / sampleRate)), i * 2);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

/** How the next chat completion misbehaves: a broken SSE body, or a stream that stops sending. */
export type ChatFault = 'malformed' | 'stall';

export type ChatScript = { text: string; promptTokens: number; completionTokens: number };

/** A whole (not streamed) chat completion with its usage, as the OpenAI API answers one. */
function sendCompletion(response: ServerResponse, model: unknown, reply: ChatScript, finishReason: 'stop' | 'length') {
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(
    JSON.stringify({
      id: 'chatcmpl-test',
      object: 'chat.completion',
      created: 1_764_000_000,
      model,
      choices: [{ index: 0, message: { role: 'assistant', content: reply.text }, finish_reason: finishReason }],
      usage: { prompt_tokens: reply.promptTokens, completion_tokens: reply.completionTokens, total_tokens: reply.promptTokens + reply.completionTokens },
    }),
  );
}

export type OpenAiTestServer = {
  baseURL: string;
  requests: RecordedRequest[];
  /** Status codes to answer, in order, before answering normally. */
  failNext: (...statuses: number[]) => void;
  /** Faults for the next chat completions, in order. */
  faultNext: (...faults: ChatFault[]) => void;
  /** What chat completions stream from now on (split into word-sized deltas). */
  scriptChat: (script: ChatScript) => void;
  close: () => Promise<void>;
};

export async function startOpenAiServer(
  options: {
    dimensions?: number;
    port?: number;
    /** Writes each chat reply from its request, instead of the scripted text. */
    answer?: (request: { messages: Array<{ role: string; content: string }> }) => ChatScript;
    /** What the speech recogniser hears (default: nothing). */
    transcribe?: TranscriptionScript;
  } = {},
): Promise<OpenAiTestServer> {
  const requests: RecordedRequest[] = [];
  const failures: number[] = [];
  const faults: ChatFault[] = [];
  let chat: ChatScript = { text: 'Returns are accepted within 30 days [1].', promptTokens: 120, completionTokens: 9 };
  const dimensions = options.dimensions ?? 1024;
  const server: Server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const bytes = Buffer.concat(chunks);
    // Transcriptions arrive as multipart/form-data (the audio file and fields), the rest as JSON.
    if (request.url === '/v1/audio/transcriptions') {
      const form = await new Request('http://local/', { method: 'POST', headers: { 'content-type': request.headers['content-type'] ?? '' }, body: bytes }).formData();
      const file = form.get('file');
      const audio = file instanceof Blob ? Buffer.from(await file.arrayBuffer()) : Buffer.alloc(0);
      const fields = Object.fromEntries([...form.entries()].filter(([key]) => key !== 'file').map(([key, value]) => [key, String(value)]));
      requests.push({ path: request.url, headers: request.headers, body: fields, audio });
      const failure = failures.shift();
      if (failure) {
        response.writeHead(failure, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: { message: `scripted ${failure}` } }));
        return;
      }
      const text = options.transcribe?.(audio, fields.model ?? '') ?? '';
      // A browser's WebM/Opus clip or a WAV: its real length, as the service would bill it.
      const seconds = Math.round((audio.subarray(0, 4).toString('hex') === '1a45dfa3' ? readWebmAudio(audio).seconds : wavSeconds(audio)) * 1000) / 1000;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify(
          fields.response_format === 'verbose_json'
            ? { task: 'transcribe', language: 'english', duration: seconds, text, segments: [] }
            : { text, usage: { type: 'duration', seconds: Math.ceil(seconds) } },
        ),
      );
      return;
    }
    const raw = bytes.toString('utf8');
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
    // Anthropic's Messages API, streamed, for the Anthropic provider.
    if (request.url === '/v1/messages' && body.stream === true) {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const send = (event: string, data: Record<string, unknown>) => response.write(`event: ${event}\ndata: ${JSON.stringify({ type: event, ...data })}\n\n`);
      send('message_start', {
        message: { id: 'msg_test', type: 'message', role: 'assistant', content: [], model: body.model, stop_reason: null, stop_sequence: null, usage: { input_tokens: chat.promptTokens, output_tokens: 1 } },
      });
      send('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
      for (const piece of chat.text.match(/\S+\s*/g) ?? []) send('content_block_delta', { index: 0, delta: { type: 'text_delta', text: piece } });
      send('content_block_stop', { index: 0 });
      send('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: chat.completionTokens } });
      send('message_stop', {});
      response.end();
      return;
    }
    if (request.url === '/v1/audio/speech') {
      response.writeHead(200, { 'content-type': 'audio/wav' });
      response.end(speechWav(String(body.input ?? '')));
      return;
    }
    if (request.url === '/v1/models') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ object: 'list', data: [{ id: 'gpt-4o-mini', object: 'model', owned_by: 'test' }] }));
      return;
    }
    if (request.url === '/v1/chat/completions') {
      const fault = body.stream === true ? faults.shift() : undefined;
      const script = options.answer?.(body as { messages: Array<{ role: string; content: string }> }) ?? chat;
      // Like a real server, the reply stops at the request's output-token limit (a word counts as a token here).
      const limit = Number(body.max_completion_tokens ?? body.max_tokens ?? Infinity);
      const words = script.text.match(/\S+\s*/g) ?? [];
      const truncated = words.length > limit;
      const reply = truncated ? { ...script, text: words.slice(0, limit).join('').trimEnd(), completionTokens: limit } : script;
      const finishReason = truncated ? 'length' : 'stop';
      const usage = { prompt_tokens: reply.promptTokens, completion_tokens: reply.completionTokens, total_tokens: reply.promptTokens + reply.completionTokens };
      if (body.stream !== true) {
        sendCompletion(response, body.model, reply, finishReason);
        return;
      }
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
        `data: ${JSON.stringify({ id: 'chatcmpl-test', object: 'chat.completion.chunk', created: 1_764_000_000, model: body.model, choices, ...extra })}\n\n`;
      response.write(chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]));
      if (fault === 'stall') return; // headers and a first chunk, then silence: the client must time out
      if (fault === 'malformed') {
        response.end('data: {"id":"chatcmpl-test","choices":[{"delta":{"content":\n\n');
        return;
      }
      for (const piece of reply.text.match(/\S+\s*/g) ?? []) response.write(chunk([{ index: 0, delta: { content: piece }, finish_reason: null }]));
      response.write(chunk([{ index: 0, delta: {}, finish_reason: finishReason }]));
      response.write(chunk([], { usage }));
      response.end('data: [DONE]\n\n');
      return;
    }
    if (request.url === '/v1/chat/completions') {
      const reply = options.answer?.(body as { messages: Array<{ role: string; content: string }> }) ?? chat;
      sendCompletion(response, body.model, reply, 'stop');
      return;
    }
    response.writeHead(404, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ error: { message: 'not found' } }));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    failNext: (...statuses) => failures.push(...statuses),
    faultNext: (...next) => faults.push(...next),
    scriptChat: (script) => {
      chat = script;
    },
    close: () =>
      new Promise((resolve) => {
        // Stalled streams would keep the server open forever.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
