import 'server-only';
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { randomToken } from '@/lib/auth/tokens';
import { getEnv } from '@/lib/env';

// Visitor signing keys are HS256 secrets the company's server signs visitor tokens with. HMAC
// needs the secret itself to verify, so it cannot be stored as a hash like API keys: it is
// stored encrypted (AES-256-GCM, key derived from AUTH_SECRET by HKDF under its own label), and
// bound to its tenant and key id as associated data, so a database copy alone forges nothing
// and a ciphertext moved to another row does not decrypt. The secret is shown once.

let cachedKey: Buffer | undefined;

function encryptionKey(): Buffer {
  if (cachedKey) return cachedKey;
  const secret = getEnv().AUTH_SECRET;
  if (!secret) throw new Error('AUTH_SECRET is not set: visitor signing keys cannot be stored.');
  cachedKey = Buffer.from(hkdfSync('sha256', secret, '', 'assistant-platform visitor signing key encryption v1', 32));
  return cachedKey;
}

const associatedData = (tenantId: string, keyId: string) => Buffer.from(`${tenantId}:${keyId}`);

export function newVisitorSigningKey(): { keyId: string; secret: string } {
  return { keyId: `vk_${randomToken(12)}`, secret: `vsk_${randomToken(43)}` };
}

export function encryptSigningSecret(tenantId: string, keyId: string, secret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', encryptionKey(), iv);
  cipher.setAAD(associatedData(tenantId, keyId));
  const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), ciphertext.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

/** The secret's bytes (the HMAC key, as JWT libraries use a string secret), or null if it does not decrypt. */
export function decryptSigningSecret(tenantId: string, keyId: string, stored: string): Uint8Array | null {
  const [version, iv, ciphertext, tag] = stored.split('.');
  if (version !== 'v1' || !iv || !ciphertext || !tag) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', encryptionKey(), Buffer.from(iv, 'base64url'));
    decipher.setAAD(associatedData(tenantId, keyId));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return new Uint8Array(Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]));
  } catch {
    return null;
  }
}
