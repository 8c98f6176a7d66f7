import { describe, expect, it } from 'vitest';
import { isProviderEmailVerified } from '@/lib/auth/config';
import type { Env } from '@/lib/env';

const env = (issuer?: string) => ({ AUTH_MICROSOFT_ENTRA_ID_ISSUER: issuer }) as Env;

describe('isProviderEmailVerified', () => {
  it('trusts an email_verified claim, from any provider', () => {
    expect(isProviderEmailVerified('google', { email: 'a@b.example', email_verified: true }, env())).toBe(true);
    expect(isProviderEmailVerified('oidc', { email: 'a@b.example', email_verified: 'true' }, env())).toBe(true);
  });

  it('refuses a missing or false claim, and a profile without an email', () => {
    expect(isProviderEmailVerified('google', { email: 'a@b.example', email_verified: false }, env())).toBe(false);
    expect(isProviderEmailVerified('oidc', { email: 'a@b.example' }, env())).toBe(false);
    expect(isProviderEmailVerified('oidc', { email_verified: true }, env())).toBe(false);
    expect(isProviderEmailVerified('oidc', undefined, env())).toBe(false);
  });

  it('on Microsoft’s multi-tenant endpoints, needs the domain-verified claim (xms_edov)', () => {
    for (const issuer of [undefined, 'https://login.microsoftonline.com/common/v2.0', 'https://login.microsoftonline.com/organizations/v2.0']) {
      expect(isProviderEmailVerified('microsoft-entra-id', { email: 'ceo@victim.example' }, env(issuer))).toBe(false);
      expect(isProviderEmailVerified('microsoft-entra-id', { email: 'ceo@victim.example', xms_edov: true }, env(issuer))).toBe(true);
    }
  });

  it('trusts one configured directory, whose administrators own its addresses', () => {
    const issuer = 'https://login.microsoftonline.com/8f2c3f4e-1111-2222-3333-444455556666/v2.0';
    expect(isProviderEmailVerified('microsoft-entra-id', { email: 'ana@corp.example' }, env(issuer))).toBe(true);
  });
});
