import type { DefaultSession } from 'next-auth';

declare module 'next-auth' {
  interface Session {
    tenantId: string;
    sessionVersion: number;
    user: { id: string } & DefaultSession['user'];
  }
  interface User {
    sessionVersion?: number;
  }
}
