import 'server-only';
import { createHash, randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A random base62 string with `length` characters (rejection sampling keeps it unbiased). */
export function randomToken(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += ALPHABET[byte % 62];
    }
  }
  return out;
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export const newPublishableKey = () => `pk_live_${randomToken(24)}`;

/** A secret API key: the full key is shown once; only its hash and a short prefix are stored. */
export function newSecretKey(): { key: string; prefix: string; hash: string } {
  const key = `sk_live_${randomToken(40)}`;
  return { key, prefix: key.slice(0, 12), hash: sha256(key) };
}

/** An invitation link token; only its hash is stored. */
export function newInvitationToken(): { token: string; hash: string } {
  const token = randomToken(32);
  return { token, hash: sha256(token) };
}
