import 'server-only';
import { decodeProtectedHeader, errors as joseErrors, jwtVerify } from 'jose';
import { z } from 'zod';
import { getActiveVisitorSigningKey, touchVisitorSigningKey, type VisitorProfile } from '@/db/queries/visitors';
import type { Transaction } from '@/db/withTenant';
import { decryptSigningSecret } from './signing-keys';

// Verifies the JWT a company's page hands the widget to say who its visitor is. Verified with
// `jose` (constant-time HMAC comparison); only HS256 is accepted, so `alg: none` and
// RS256/HS256 confusion are refused before any key is touched. Every refusal names its reason.

export const VISITOR_TOKEN_RULES = {
  algorithm: 'HS256',
  /** `exp` may be at most this long after `iat`. */
  maxLifetimeSeconds: 24 * 60 * 60,
  /** Clock difference tolerated between the company's server and this one. */
  clockToleranceSeconds: 60,
  maxTokenLength: 8192,
  maxAttributes: 30,
  maxAttributesBytes: 4096,
} as const;

export type VerifiedVisitor = VisitorProfile & { keyId: string; expiresAt: Date };
export type VisitorTokenResult = { ok: true; visitor: VerifiedVisitor } | { ok: false; reason: string };

const attributeValue = z.union([z.string().max(500), z.number().finite(), z.boolean(), z.null()]);

const claimsSchema = z.object({
  sub: z.string({ error: '"sub" must be a string.' }).min(1, '"sub" is empty.').max(255, '"sub" is longer than 255 characters.'),
  email: z.email('"email" is not an email address.').max(320).optional(),
  email_verified: z.boolean({ error: '"email_verified" must be true or false.' }).optional(),
  name: z.string({ error: '"name" must be a string.' }).max(200, '"name" is longer than 200 characters.').optional(),
  attributes: z
    .record(z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'attribute names are letters, digits, _ . - (at most 64).'), attributeValue, {
      error: '"attributes" must be an object of strings, numbers, booleans or null.',
    })
    .refine((value) => Object.keys(value).length <= VISITOR_TOKEN_RULES.maxAttributes, `"attributes" has more than ${VISITOR_TOKEN_RULES.maxAttributes} entries.`)
    .refine((value) => JSON.stringify(value).length <= VISITOR_TOKEN_RULES.maxAttributesBytes, '"attributes" is too large.')
    .optional(),
});

const JWS_COMPACT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

const refuse = (reason: string): VisitorTokenResult => ({ ok: false, reason });

/** Checks a visitor token for `widgetId` of `tenantId`, with that tenant's active keys. */
export async function verifyVisitorToken(
  tx: Transaction,
  { tenantId, widgetId, token, now = new Date() }: { tenantId: string; widgetId: string; token: string; now?: Date },
): Promise<VisitorTokenResult> {
  if (token.length > VISITOR_TOKEN_RULES.maxTokenLength || !JWS_COMPACT.test(token)) return refuse('the visitor token is not a signed JWT.');
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    return refuse('the visitor token header cannot be read.');
  }
  if (header.alg !== VISITOR_TOKEN_RULES.algorithm) {
    return refuse(`algorithm "${String(header.alg)}" is not accepted; visitor tokens are signed with HS256.`);
  }
  if (typeof header.kid !== 'string' || header.kid.length === 0 || header.kid.length > 100) return refuse('the token header has no "kid" (the signing key id).');
  const key = await getActiveVisitorSigningKey(tx, tenantId, header.kid);
  if (!key) return refuse(`the signing key "${header.kid}" is unknown or revoked.`);
  const secret = decryptSigningSecret(tenantId, key.keyId, key.secretCiphertext);
  if (!secret) return refuse(`the signing key "${header.kid}" cannot be used (was AUTH_SECRET changed?).`);

  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, secret, {
      algorithms: [VISITOR_TOKEN_RULES.algorithm],
      audience: widgetId,
      requiredClaims: ['sub', 'exp', 'iat'],
      maxTokenAge: VISITOR_TOKEN_RULES.maxLifetimeSeconds,
      clockTolerance: VISITOR_TOKEN_RULES.clockToleranceSeconds,
      currentDate: now,
    }));
  } catch (error) {
    return refuse(describeJoseError(error));
  }
  const exp = payload.exp as number;
  const iat = payload.iat as number;
  if (exp - iat > VISITOR_TOKEN_RULES.maxLifetimeSeconds) return refuse('"exp" is more than 24 hours after "iat"; issue shorter-lived tokens.');
  const claims = claimsSchema.safeParse(payload);
  if (!claims.success) return refuse(claims.error.issues.map((issue) => issue.message).join(' '));
  await touchVisitorSigningKey(tx, tenantId, key.id);
  const { sub, email, email_verified, name, attributes } = claims.data;
  return {
    ok: true,
    visitor: {
      externalId: sub,
      email: email ?? null,
      // Only the company can vouch for an email; an unverified one is just a field.
      emailVerified: email !== undefined && email_verified === true,
      name: name ?? null,
      attributes: attributes ?? {},
      keyId: key.keyId,
      expiresAt: new Date(exp * 1000),
    },
  };
}

function describeJoseError(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) {
    return error.claim === 'iat' ? '"iat" is more than 24 hours ago.' : 'the visitor token has expired.';
  }
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return 'the visitor token is for another widget ("aud" must be this widget\'s id).';
    if (error.claim === 'iat' && error.reason === 'check_failed') return '"iat" is in the future.';
    return `the "${error.claim}" claim is missing or invalid.`;
  }
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'the signature does not match (wrong secret or altered token).';
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'this signing algorithm is not accepted; use HS256.';
  if (error instanceof joseErrors.JWTInvalid || error instanceof joseErrors.JWSInvalid) return 'the visitor token is malformed.';
  return 'the visitor token could not be verified.';
}
