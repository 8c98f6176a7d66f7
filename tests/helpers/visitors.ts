import { SignJWT } from 'jose';
import { createVisitorKey } from '@/app/dashboard/settings/mutations';
import type { Team } from './team';

/** A visitor signing key created by the team's owner through the Settings action. */
export async function createSigningKey(team: Team, name = 'Site'): Promise<{ keyId: string; secret: string }> {
  const state = await createVisitorKey.run({ userId: team.users.owner, tenantId: team.tenantId }, { name });
  if (state.status !== 'success') throw new Error(`could not create a signing key: ${JSON.stringify(state)}`);
  return { keyId: state.result!.keyId!, secret: state.result!.secret! };
}

type Claims = { sub?: string; email?: string; email_verified?: boolean; name?: string; attributes?: Record<string, unknown>; [claim: string]: unknown };

/** A visitor token as a company's server would sign it (HS256 with the key's secret, `kid` in the header). */
export async function signVisitorToken(
  key: { keyId: string; secret: string },
  widgetId: string,
  claims: Claims = {},
  times: { iat?: number; exp?: number } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const iat = times.iat ?? now;
  return new SignJWT({ sub: 'user-42', ...claims })
    .setProtectedHeader({ alg: 'HS256', kid: key.keyId, typ: 'JWT' })
    .setAudience(widgetId)
    .setIssuedAt(iat)
    .setExpirationTime(times.exp ?? iat + 3600)
    .sign(new TextEncoder().encode(key.secret));
}
