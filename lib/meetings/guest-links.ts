import 'server-only';
import { randomBytes } from 'node:crypto';
import { getEnv } from '@/lib/env';
import { deriveGuestLinkKey, type GuestLinkCheck, type GuestLinkClaims, signGuestLink, verifyGuestLink } from './guest-link-token';

export const GUEST_LINK_LIFETIMES_HOURS = [1, 24, 24 * 7] as const;

let cachedKey: Buffer | undefined;

function guestLinkKey(): Buffer {
  if (cachedKey) return cachedKey;
  const secret = getEnv().AUTH_SECRET;
  if (!secret) throw new Error('AUTH_SECRET is not set: guest links cannot be signed (npm run dev creates one in .env.local).');
  cachedKey = deriveGuestLinkKey(secret);
  return cachedKey;
}

export function newGuestLinkId(): string {
  return randomBytes(18).toString('base64url');
}

export function createGuestLinkToken(claims: GuestLinkClaims): string {
  return signGuestLink(guestLinkKey(), claims);
}

export function checkGuestLinkToken(token: string, now = new Date()): GuestLinkCheck {
  return verifyGuestLink(guestLinkKey(), token, now);
}
