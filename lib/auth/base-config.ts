import type { NextAuthConfig, Session } from 'next-auth';
import { safeRedirectUrl } from './redirects';

// The session shape of the Auth.js configuration, without providers or database access:
// what a token carries and how it maps onto the session. The dashboard re-checks the user,
// membership and role against the database on every request.
export const baseAuthConfig = {
  pages: { signIn: '/sign-in', error: '/sign-in' },
  session: { strategy: 'jwt', maxAge: 30 * 24 * 60 * 60 },
  trustHost: true,
  providers: [],
  callbacks: {
    // Every redirect Auth.js makes (callbackUrl of sign-in and sign-out) stays on the app.
    redirect: ({ url, baseUrl }) => safeRedirectUrl(url, baseUrl),
    session({ session, token }) {
      if (token.sub) session.user.id = token.sub;
      // Claims this app adds to the token (see the jwt callback in config.ts).
      session.tenantId = typeof token.tenantId === 'string' ? token.tenantId : '';
      session.sessionVersion = typeof token.sessionVersion === 'number' ? token.sessionVersion : 0;
      // The role at sign-in, for display only: authorization re-reads it from the database.
      session.role = typeof token.role === 'string' ? (token.role as Session['role']) : undefined;
      return session;
    },
  },
} satisfies NextAuthConfig;
