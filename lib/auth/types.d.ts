import type { DefaultSession } from 'next-auth';
import type { MemberRole } from '@/db/schema';

declare module 'next-auth' {
  interface Session {
    tenantId: string;
    sessionVersion: number;
    role?: MemberRole;
    user: { id: string } & DefaultSession['user'];
  }
  interface User {
    sessionVersion?: number;
  }
}
