import 'server-only';
import { LiveKitUnavailableError } from '@/lib/livekit/rooms';
import { readLimitedBody } from '@/lib/read-body';
import { JoinRefusedError } from './join';

// Shared by the meeting route handlers: bounded bodies and 4xx/503 JSON with a message.

export const problem = (status: number, code: string, message: string, headers?: HeadersInit) =>
  Response.json({ code, message }, { status, headers: { 'cache-control': 'no-store', ...headers } });

export class BodyTooLargeError extends Error {}

/** The body as text, refusing it as soon as it passes `maxBytes` (not after buffering it all). */
export async function readBoundedText(request: Request, maxBytes: number): Promise<string> {
  const body = await readLimitedBody(request, maxBytes);
  if (body === 'too_large') throw new BodyTooLargeError();
  return Buffer.from(body).toString('utf8');
}

export const notConfigured = () => problem(503, 'not_configured', 'Meetings are not set up on this server: LiveKit is not configured.');

/** The answer for a refused or failed join. */
export function joinProblem(error: unknown): Response {
  if (error instanceof JoinRefusedError) return problem(error.status, error.code, error.message);
  if (error instanceof LiveKitUnavailableError) {
    console.error('LiveKit unreachable while joining', error.message);
    return problem(503, 'livekit_unreachable', 'The meeting server (LiveKit) cannot be reached right now. Please try again in a moment.');
  }
  throw error;
}
