import 'server-only';
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { getEnv } from '@/lib/env';

// A visitor's conversation is identified by a signed token, kept in the chat frame's
// localStorage: `<sessionId>.<issued at, base-36 seconds>.<HMAC-SHA256(widgetId, sessionId,
// issued at)>`. The key is derived from AUTH_SECRET (HKDF, its own label) so it never equals
// the key that signs dashboard sessions. Binding the widget id means a token cannot be
// replayed against another widget, even of the same tenant; there is nothing to look up, so a
// forged or expired token costs no database work. Tokens expire a set time after they were
// issued, and a visitor who comes back is given a fresh one (a sliding lifetime).

/** How long a token is accepted after it was issued. */
export const WIDGET_SESSION_LIFETIME_SECONDS = 30 * 24 * 3600;
/** A token older than this is replaced by a fresh one when it is used (at most one a day). */
export const WIDGET_SESSION_RENEW_AFTER_SECONDS = 24 * 3600;

let cachedKey: Buffer | undefined;

function signingKey(): Buffer {
  if (cachedKey) return cachedKey;
  const secret = getEnv().AUTH_SECRET;
  if (!secret) throw new Error('AUTH_SECRET is not set: widget sessions cannot be signed (npm run dev creates one in .env.local).');
  cachedKey = Buffer.from(hkdfSync('sha256', secret, '', 'assistant-platform widget session token v2', 32));
  return cachedKey;
}

function mac(widgetId: string, sessionId: string, issuedAt: string): Buffer {
  return createHmac('sha256', signingKey()).update(`${widgetId}:${sessionId}:${issuedAt}`).digest();
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

export function signWidgetSession(widgetId: string, sessionId: string, issuedAtSeconds = nowSeconds()): string {
  const issuedAt = issuedAtSeconds.toString(36);
  return `${sessionId}.${issuedAt}.${mac(widgetId, sessionId, issuedAt).toString('base64url')}`;
}

const tokenShape = z.string().regex(/^[0-9a-f-]{36}\.[0-9a-z]{1,8}\.[A-Za-z0-9_-]{43}$/);

export type VerifiedWidgetSession = { sessionId: string; issuedAtSeconds: number; renewed?: string };

/**
 * The session the token was issued for with this widget, or null when it is not genuine or
 * has expired. `renewed` is a fresh token to hand back when this one is getting old.
 */
export function verifyWidgetSession(widgetId: string, token: string | null | undefined, at = nowSeconds()): VerifiedWidgetSession | null {
  if (!tokenShape.safeParse(token).success) return null;
  const [sessionId, issuedAt, signature] = token!.split('.') as [string, string, string];
  if (!z.uuid().safeParse(sessionId).success) return null;
  const expected = mac(widgetId, sessionId, issuedAt);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const issuedAtSeconds = Number.parseInt(issuedAt, 36);
  const age = at - issuedAtSeconds;
  // A token from the future was not issued by this clock (allowing small skew between instances).
  if (age > WIDGET_SESSION_LIFETIME_SECONDS || age < -300) return null;
  return { sessionId, issuedAtSeconds, renewed: age > WIDGET_SESSION_RENEW_AFTER_SECONDS ? signWidgetSession(widgetId, sessionId, at) : undefined };
}
