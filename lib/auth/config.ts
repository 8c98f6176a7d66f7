import 'server-only';
import { DrizzleAdapter } from '@auth/drizzle-adapter';
import type { Adapter } from 'next-auth/adapters';
import NextAuth, { CredentialsSignin, type NextAuthConfig } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import Google from 'next-auth/providers/google';
import MicrosoftEntraID from 'next-auth/providers/microsoft-entra-id';
import type { Provider } from 'next-auth/providers';
import { z } from 'zod';
import { listUserWorkspaces } from '@/db/queries/memberships';
import { getUserByEmail, markEmailVerified } from '@/db/queries/users';
import { accounts, authSessions, users, verificationTokens } from '@/db/schema';
import { withSystem } from '@/db/withTenant';
import { type Env, getEnv, isPasswordSignInEnabled } from '@/lib/env';
import { clientIp, consumeRateLimit, forgiveRateLimitHit } from '@/lib/rate-limit';
import { baseAuthConfig } from './base-config';
import { resolveWorkspaceOnSignIn } from './onboarding';
import { takePendingInvitation } from './pending-invitation';
import { verifyPassword } from './passwords';

export class RateLimitedSignIn extends CredentialsSignin {
  code = 'rate_limited';
}

export const SIGN_IN_LIMITS = {
  perEmail: { limit: 10, windowSeconds: 15 * 60 },
  perIp: { limit: 100, windowSeconds: 15 * 60 },
};

const credentialsSchema = z.object({
  email: z.email().transform((email) => email.trim().toLowerCase()),
  password: z.string().min(1).max(200),
});

const ADAPTER_METHODS = [
  'createUser', 'getUser', 'getUserByEmail', 'getUserByAccount', 'updateUser', 'deleteUser',
  'linkAccount', 'unlinkAccount', 'getAccount', 'createSession', 'getSessionAndUser',
  'updateSession', 'deleteSession', 'createVerificationToken', 'useVerificationToken',
] as const;

// The Auth.js Drizzle adapter with every call run as app_system, never as the login role.
function systemScopedAdapter(): Adapter {
  const tables = { usersTable: users, accountsTable: accounts, sessionsTable: authSessions, verificationTokensTable: verificationTokens };
  return Object.fromEntries(
    ADAPTER_METHODS.map((method) => [
      method,
      (...args: unknown[]) =>
        withSystem(async (tx) => {
          const adapter = DrizzleAdapter(tx, tables) as unknown as Record<string, (...a: unknown[]) => unknown>;
          return adapter[method]!(...args);
        }),
    ]),
  ) as Adapter;
}

export type ProviderOption = { id: string; name: string };

// Microsoft's multi-tenant endpoints: anyone's directory can sign in, and a directory's
// administrators can put any address in a user's email claim.
const MULTI_TENANT_ENTRA = /\/(common|organizations|consumers)\/v2\.0\/?$/i;

/**
 * Whether the provider vouches that the email belongs to the person signing in: an
 * `email_verified` claim; for Microsoft Entra ID, a single configured directory (its own
 * administrators own its addresses) or, on the multi-tenant endpoint, the optional `xms_edov`
 * claim (the address's domain is verified by the directory that issued it).
 */
export function isProviderEmailVerified(provider: string, profile: Record<string, unknown> | null | undefined, env: Env = getEnv()): boolean {
  if (!profile || typeof profile.email !== 'string' || !profile.email) return false;
  if (profile.email_verified === true || profile.email_verified === 'true') return true;
  if (provider !== 'microsoft-entra-id') return false;
  const issuer = env.AUTH_MICROSOFT_ENTRA_ID_ISSUER ?? 'https://login.microsoftonline.com/common/v2.0';
  return !MULTI_TENANT_ENTRA.test(issuer) || profile.xms_edov === true || profile.xms_edov === 'true' || profile.xms_edov === 1;
}

/** The sign-in options this deployment offers: each only when configured. */
export function oauthProviders(env: Env = getEnv()): Provider[] {
  const providers: Provider[] = [];
  if (env.AUTH_GOOGLE_ID && env.AUTH_GOOGLE_SECRET) {
    providers.push(Google({ clientId: env.AUTH_GOOGLE_ID, clientSecret: env.AUTH_GOOGLE_SECRET }));
  }
  if (env.AUTH_MICROSOFT_ENTRA_ID_ID && env.AUTH_MICROSOFT_ENTRA_ID_SECRET) {
    providers.push(
      MicrosoftEntraID({
        clientId: env.AUTH_MICROSOFT_ENTRA_ID_ID,
        clientSecret: env.AUTH_MICROSOFT_ENTRA_ID_SECRET,
        issuer: env.AUTH_MICROSOFT_ENTRA_ID_ISSUER ?? 'https://login.microsoftonline.com/common/v2.0',
      }),
    );
  }
  if (env.AUTH_OIDC_ISSUER && env.AUTH_OIDC_ID && env.AUTH_OIDC_SECRET) {
    providers.push({
      id: 'oidc',
      name: env.AUTH_OIDC_NAME,
      type: 'oidc',
      issuer: env.AUTH_OIDC_ISSUER,
      clientId: env.AUTH_OIDC_ID,
      clientSecret: env.AUTH_OIDC_SECRET,
      authorization: { params: { scope: 'openid email profile' } },
    });
  }
  return providers;
}

export function signInOptions(env: Env = getEnv()): { oauth: ProviderOption[]; password: boolean } {
  return {
    oauth: oauthProviders(env).map((provider) => {
      const config = typeof provider === 'function' ? provider() : provider;
      return { id: config.id, name: config.name };
    }),
    password: isPasswordSignInEnabled(env),
  };
}

function passwordProvider() {
  return Credentials({
    id: 'credentials',
    name: 'Email and password',
    credentials: { email: { type: 'email' }, password: { type: 'password' } },
    async authorize(raw, request) {
      const parsed = credentialsSchema.safeParse(raw);
      if (!parsed.success) return null;
      const { email, password } = parsed.data;
      const emailKey = `sign-in:email:${email}`;
      const limits = await Promise.all([
        consumeRateLimit(emailKey, SIGN_IN_LIMITS.perEmail),
        consumeRateLimit(`sign-in:ip:${clientIp(request.headers)}`, SIGN_IN_LIMITS.perIp),
      ]);
      if (limits.some((limit) => !limit.allowed)) throw new RateLimitedSignIn();
      const user = await withSystem((tx) => getUserByEmail(tx, email));
      if (!(await verifyPassword(password, user?.passwordHash)) || !user) return null;
      // The per-account limit is against guessing: a right password does not use it up, so a
      // person who signs in often (several devices, browsers) is never locked out by it.
      await forgiveRateLimitHit(emailKey, SIGN_IN_LIMITS.perEmail);
      return { id: user.id, email: user.email, name: user.name, image: user.image, sessionVersion: user.sessionVersion };
    },
  });
}

/** Switching workspace: only to one the user is a member of; anything else changes nothing. */
export async function chosenWorkspace(userId: string, requested: unknown): Promise<{ tenantId: string; role: string } | undefined> {
  if (typeof requested !== 'string') return undefined;
  const workspaces = await withSystem((tx) => listUserWorkspaces(tx, userId));
  const chosen = workspaces.find((workspace) => workspace.tenantId === requested);
  return chosen && { tenantId: chosen.tenantId, role: chosen.role };
}

function authConfig(): NextAuthConfig {
  const env = getEnv();
  return {
    ...baseAuthConfig,
    secret: env.AUTH_SECRET,
    adapter: systemScopedAdapter(),
    providers: [...oauthProviders(env), ...(isPasswordSignInEnabled(env) ? [passwordProvider()] : [])],
    callbacks: {
      ...baseAuthConfig.callbacks,
      // An address a provider does not vouch for never becomes an account: it could be someone
      // else's, and would then squat on it here.
      signIn({ account, profile }) {
        if (!account || account.type === 'credentials') return true;
        return isProviderEmailVerified(account.provider, profile, env) || '/sign-in?error=EmailUnverified';
      },
      async jwt({ token, user, account, trigger, session }) {
        if (user?.id) {
          if (account && account.type !== 'credentials') await withSystem((tx) => markEmailVerified(tx, user.id!));
          const workspace = await resolveWorkspaceOnSignIn({ id: user.id, email: user.email, name: user.name }, await takePendingInvitation());
          token.tenantId = workspace.tenantId;
          token.role = workspace.role;
          token.sessionVersion = user.sessionVersion ?? 0;
        }
        if (trigger === 'update' && token.sub) Object.assign(token, await chosenWorkspace(token.sub, (session as { tenantId?: unknown } | undefined)?.tenantId));
        return token;
      },
    },
  };
}

// Configured lazily, per request, so `next build` needs no secrets or provider settings.
export const { handlers, auth, signIn, signOut, unstable_update: updateSession } = NextAuth(() => authConfig());
