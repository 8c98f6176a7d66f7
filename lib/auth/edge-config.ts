import type { NextAuthConfig, Session } from 'next-auth';

// The part of the Auth.js configuration the request gate (proxy.ts) needs: how to read a
// session token. No providers, no database: the gate only decides "signed in or not"; the
// dashboard re-checks the user, membership and role against the database on every request.
export const edgeAuthConfig = {
  pages: { signIn: '/sign-in', error: '/sign-in' },
  session: { strategy: 'jwt', maxAge: 30 * 24 * 60 * 60 },
  trustHost: true,
  providers: [],
  callbacks: {
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
