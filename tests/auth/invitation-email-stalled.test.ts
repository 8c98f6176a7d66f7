import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inviteMember } from '@/app/dashboard/team/mutations';
import { closeDatabase, type Database, getDatabase } from '@/db/client';
import { executeRows } from '@/db/sql';
import { invitations } from '@/db/schema';
import { withTenantId } from '@/db/withTenant';
import { createTeam, type Team } from '../helpers/team';

// A mail relay that accepts connections and never answers: the invitation must be committed
// first and the single embedded connection stay free while the mail is tried.
describe('invitation email through a stalled relay', () => {
  const sockets = new Set<Socket>();
  const stalled = createServer((socket) => sockets.add(socket));
  let db: Database;
  let team: Team;

  beforeAll(async () => {
    await new Promise<void>((resolve) => stalled.listen(0, '127.0.0.1', resolve));
    process.env.SMTP_URL = `smtp://127.0.0.1:${(stalled.address() as AddressInfo).port}`;
    process.env.APP_URL = 'https://assistant.example.com';
    ({ db } = await getDatabase());
    team = await createTeam(db);
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    stalled.close();
    await closeDatabase();
  });

  it('does not hold the database while the relay is tried, and falls back to the link to copy', async () => {
    const pending = inviteMember.run({ userId: team.users.owner, tenantId: team.tenantId }, { email: 'slow@example.com', role: 'member' });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(sockets.size).toBe(1);
    const started = performance.now();
    const [row] = await withTenantId(team.tenantId, (tx) => executeRows<{ n: number }>(tx, sql`select count(*)::int as n from invitations where email = 'slow@example.com'`));
    // Answered at once, and the invitation is already committed while the mail is being tried.
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(row).toEqual({ n: 1 });
    const state = await pending;
    expect(state).toMatchObject({ status: 'success', message: expect.stringContaining('could not be sent') });
    expect(state.result!.path).toMatch(/^\/invite\/[A-Za-z0-9]{32}$/);
    const [invitation] = await db.select().from(invitations).where(eq(invitations.email, 'slow@example.com'));
    expect(invitation!.emailedAt).toBeNull();
  }, 60_000);
});
