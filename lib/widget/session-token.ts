import 'server-only';
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { getEnv } from '@/lib/env';

// A visitor's conversation is identified by a signed token, kept in the chat frame's
// localStorage: `<sessionId>.<HMAC-SHA256(widgetId, sessionId)>`. The key is derived from
// AUTH_SECRET (HKDF, its own label) so it never equals the key that signs dashboard sessions.
// Binding the widget id means a token cannot be replayed against another widget, even of the
// same tenant; there is nothing to look up, so a forged token costs no database work.

let cachedKey: Buffer | undefined;

function signingKey(): Buffer {
  if (cachedKey) return cachedKey;
  const secret = getEnv().AUTH_SECRET;
  if (!secret) throw new Error('AUTH_SECRET is not set: widget sessions cannot be signed (npm run dev creates one in .env.local).');
  cachedKey = Buffer.from(hkdfSync('sha256', secret, '', 'assistant-platform widget session token v1', 32));
  return cachedKey;
}

function mac(widgetId: string, sessionId: string): Buffer {
  return createHmac('sha256', signingKey()).update(`${widgetId}:${sessionId}`).digest();
}

export function signWidgetSession(widgetId: string, sessionId: string): string {
  return `${sessionId}.${mac(widgetId, sessionId).toString('base64url')}`;
}

const tokenShape = z.string().regex(/^[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/);

/** The session id the token was issued for with this widget, or null when it is not genuine. */
export function verifyWidgetSession(widgetId: string, token: string | null | undefined): string | null {
  if (!tokenShape.safeParse(token).success) return null;
  const [sessionId, signature] = token!.split('.') as [string, string];
  if (!z.uuid().safeParse(sessionId).success) return null;
  const expected = mac(widgetId, sessionId);
  const given = Buffer.from(signature, 'base64url');
  return given.length === expected.length && timingSafeEqual(given, expected) ? sessionId : null;
}
