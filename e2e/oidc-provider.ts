// A real OpenID Connect provider (the certified `oidc-provider` package) on localhost, for the
// end-to-end sign-in test. Its built-in development login form accepts any login as the email.
import Provider, { type KoaContextWithOIDC } from 'oidc-provider';

const port = Number(process.env.OIDC_PORT ?? 3101);
const appUrl = process.env.APP_URL ?? 'http://localhost:3100';

const provider = new Provider(`http://localhost:${port}`, {
  clients: [
    {
      client_id: 'e2e-client',
      client_secret: 'e2e-client-secret-that-is-long-enough',
      redirect_uris: [`${appUrl}/api/auth/callback/oidc`],
      grant_types: ['authorization_code'],
      response_types: ['code'],
    },
  ],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  scopes: ['openid', 'email', 'profile'],
  async findAccount(_ctx: KoaContextWithOIDC, id: string) {
    return {
      accountId: id,
      claims: async () => ({ sub: id, email: id, email_verified: true, name: id.split('@')[0] }),
    };
  },
  // Grant the test client what it asks for, so the flow has no consent screen.
  async loadExistingGrant(ctx: KoaContextWithOIDC) {
    const existing = ctx.oidc.session!.grantIdFor(ctx.oidc.client!.clientId);
    if (existing) return ctx.oidc.provider.Grant.find(existing);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId! });
    grant.addOIDCScope('openid email profile');
    grant.addOIDCClaims(['email', 'email_verified', 'name']);
    await grant.save();
    return grant;
  },
  // Put the granted claims in the ID token itself (Auth.js reads the profile from it).
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ['e2e-cookie-signing-key'] },
});

provider.listen(port, () => console.log(`OpenID Connect provider on http://localhost:${port}`));
