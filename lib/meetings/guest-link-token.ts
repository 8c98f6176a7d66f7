import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

// The format of a meeting's guest link, without key handling (lib/meetings/guest-links.ts
// supplies the key): `<tenant id>.<meeting id>.<link id>.<expiry, unix seconds>.<HMAC-SHA256>`.
// The link id is the meeting's current guest link: clearing it in the database revokes every
// copy of the link at once; the expiry is signed, so it cannot be stretched.

export type GuestLinkClaims = { tenantId: string; meetingId: string; linkId: string; expiresAt: Date };

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const SHAPE = new RegExp(`^(${UUID})\\.(${UUID})\\.([A-Za-z0-9_-]{16,64})\\.(\\d{1,12})\\.([A-Za-z0-9_-]{43})$`);

/** The signing key, derived from AUTH_SECRET under its own label (never the session key). */
export function deriveGuestLinkKey(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, '', 'assistant-platform meeting guest link v1', 32));
}

const mac = (key: Buffer, payload: string) => createHmac('sha256', key).update(payload).digest();

export function signGuestLink(key: Buffer, claims: GuestLinkClaims): string {
  const payload = `${claims.tenantId}.${claims.meetingId}.${claims.linkId}.${Math.floor(claims.expiresAt.getTime() / 1000)}`;
  return `${payload}.${mac(key, payload).toString('base64url')}`;
}

export type GuestLinkCheck = { ok: true; claims: GuestLinkClaims } | { ok: false; reason: 'invalid' | 'expired' };

/** Checks the signature, then the expiry; says which failed so the guest gets the right message. */
export function verifyGuestLink(key: Buffer, token: string, now = new Date()): GuestLinkCheck {
  const match = SHAPE.exec(token);
  if (!match) return { ok: false, reason: 'invalid' };
  const [, tenantId, meetingId, linkId, expiry, signature] = match as unknown as [string, string, string, string, string, string];
  const expected = mac(key, `${tenantId}.${meetingId}.${linkId}.${expiry}`);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'invalid' };
  const expiresAt = new Date(Number(expiry) * 1000);
  if (expiresAt.getTime() <= now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, claims: { tenantId, meetingId, linkId, expiresAt } };
}
