import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revokeVisitorKey } from '@/app/dashboard/settings/mutations';
import { closeDatabase, type Database, getDatabase } from '@/db/client';
import { listVisitorSigningKeys } from '@/db/queries/visitors';
import { visitorSigningKeys } from '@/db/schema';
import { withTenantId } from '@/db/withTenant';
import { verifyVisitorToken } from '@/lib/visitors/token';
import { createTeam, type Team } from '../helpers/team';
import { createSigningKey, signVisitorToken } from '../helpers/visitors';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('visitor tokens (JWT, HS256, per-workspace keys)', () => {
  let db: Database;
  let team: Team;
  let key: { keyId: string; secret: string };
  beforeAll(async () => {
    ({ db } = await getDatabase());
    team = await createTeam(db, 'Identity');
    key = await createSigningKey(team);
  });
  afterAll(closeDatabase);

  const verify = (token: string, widgetId = team.widgetId) =>
    withTenantId(team.tenantId, (tx) => verifyVisitorToken(tx, { tenantId: team.tenantId, widgetId, token }));
  const refusal = async (token: string, widgetId?: string) => {
    const result = await verify(token, widgetId);
    expect(result.ok).toBe(false);
    return (result as { reason: string }).reason;
  };

  it('accepts a valid token and reads its claims; an email is verified only when the company says so', async () => {
    const token = await signVisitorToken(key, team.widgetId, { sub: 'u-1', email: 'ada@example.com', name: 'Ada', attributes: { plan: 'pro', seats: 5 } });
    const result = await verify(token);
    expect(result).toMatchObject({ ok: true, visitor: { externalId: 'u-1', email: 'ada@example.com', emailVerified: false, name: 'Ada', attributes: { plan: 'pro', seats: 5 }, keyId: key.keyId } });
    const vouched = await verify(await signVisitorToken(key, team.widgetId, { email: 'ada@example.com', email_verified: true }));
    expect(vouched).toMatchObject({ ok: true, visitor: { emailVerified: true } });
  });

  it('stores the secret encrypted, never in clear, and records the key as used', async () => {
    const rows = await db.select().from(visitorSigningKeys);
    expect(rows.some((row) => row.secretCiphertext.includes(key.secret))).toBe(false);
    await verify(await signVisitorToken(key, team.widgetId));
    const [listed] = await withTenantId(team.tenantId, (tx) => listVisitorSigningKeys(tx, team.tenantId));
    expect(listed!.lastUsedAt).not.toBeNull();
  });

  it('refuses an expired token', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect(await refusal(await signVisitorToken(key, team.widgetId, {}, { iat: now - 7200, exp: now - 3600 }))).toMatch(/expired/);
  });

  it('refuses exp more than 24 hours after iat', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect(await refusal(await signVisitorToken(key, team.widgetId, {}, { iat: now, exp: now + 25 * 3600 }))).toMatch(/24 hours/);
  });

  it('refuses an iat in the future and a token missing sub', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect(await refusal(await signVisitorToken(key, team.widgetId, {}, { iat: now + 3600, exp: now + 7200 }))).toMatch(/future/);
    const noSub = await new SignJWT({}).setProtectedHeader({ alg: 'HS256', kid: key.keyId }).setAudience(team.widgetId).setIssuedAt().setExpirationTime('1h').sign(new TextEncoder().encode(key.secret));
    expect(await refusal(noSub)).toMatch(/"sub"/);
  });

  it('refuses a token for another widget (aud), even of the same workspace', async () => {
    expect(await refusal(await signVisitorToken(key, crypto.randomUUID()))).toMatch(/another widget/);
  });

  it('refuses an unknown key id', async () => {
    expect(await refusal(await signVisitorToken({ keyId: 'vk_unknown', secret: key.secret }, team.widgetId))).toMatch(/unknown or revoked/);
  });

  it('rotates without downtime: two keys work at once, a revoked one stops', async () => {
    const next = await createSigningKey(team, 'Next');
    const withOld = await signVisitorToken(key, team.widgetId);
    const withNew = await signVisitorToken(next, team.widgetId);
    expect((await verify(withOld)).ok).toBe(true);
    expect((await verify(withNew)).ok).toBe(true);
    const rows = await withTenantId(team.tenantId, (tx) => listVisitorSigningKeys(tx, team.tenantId));
    const old = rows.find((row) => row.keyId === key.keyId)!;
    expect(await revokeVisitorKey.run({ userId: team.users.owner, tenantId: team.tenantId }, { keyId: old.id })).toMatchObject({ status: 'success' });
    expect(await refusal(withOld)).toMatch(/unknown or revoked/);
    expect((await verify(withNew)).ok).toBe(true);
    key = next;
  });

  it('refuses a tampered payload', async () => {
    const [header, , signature] = (await signVisitorToken(key, team.widgetId, { sub: 'u-1' })).split('.');
    const now = Math.floor(Date.now() / 1000);
    const forged = b64({ sub: 'admin', aud: team.widgetId, iat: now, exp: now + 600 });
    expect(await refusal(`${header}.${forged}.${signature}`)).toMatch(/signature does not match/);
  });

  it('refuses alg "none" (an unsigned token)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const unsigned = `${b64({ alg: 'none', kid: key.keyId, typ: 'JWT' })}.${b64({ sub: 'u-1', aud: team.widgetId, iat: now, exp: now + 600 })}.`;
    expect(await refusal(unsigned)).toMatch(/"none" is not accepted/);
  });

  it('refuses HS/RS confusion: an RS256 token, and an HS256 token keyed with a public key', async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const rs = await new SignJWT({ sub: 'u-1' }).setProtectedHeader({ alg: 'RS256', kid: key.keyId }).setAudience(team.widgetId).setIssuedAt().setExpirationTime('1h').sign(privateKey);
    expect(await refusal(rs)).toMatch(/"RS256" is not accepted/);
    // The classic confusion: HMAC with the RSA public key's PEM as the "secret".
    const pem = await exportSPKI(publicKey);
    const confused = await new SignJWT({ sub: 'u-1' }).setProtectedHeader({ alg: 'HS256', kid: key.keyId }).setAudience(team.widgetId).setIssuedAt().setExpirationTime('1h').sign(new TextEncoder().encode(pem));
    expect(await refusal(confused)).toMatch(/signature does not match/);
    // Other HMAC sizes are refused before the key is used.
    const hs512 = await new SignJWT({ sub: 'u-1' }).setProtectedHeader({ alg: 'HS512', kid: key.keyId }).setAudience(team.widgetId).setIssuedAt().setExpirationTime('1h').sign(new TextEncoder().encode(key.secret.padEnd(64, 'x')));
    expect(await refusal(hs512)).toMatch(/"HS512" is not accepted/);
  });

  it('refuses a key of another workspace and malformed claims', async () => {
    const other = await createTeam(db, 'Other');
    const otherKey = await createSigningKey(other);
    expect(await refusal(await signVisitorToken(otherKey, team.widgetId))).toMatch(/unknown or revoked/);
    expect(await refusal(await signVisitorToken(key, team.widgetId, { attributes: { 'bad key!': 1 } }))).toMatch(/attribute/);
    expect(await refusal(await signVisitorToken(key, team.widgetId, { attributes: { nested: { a: 1 } } }))).toBeTruthy();
    expect(await refusal('not-a-jwt')).toMatch(/not a signed JWT/);
  });
});
