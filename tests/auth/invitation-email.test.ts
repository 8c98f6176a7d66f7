import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inviteMember } from '@/app/dashboard/team/mutations';
import { closeDatabase, type Database, getDatabase } from '@/db/client';
import { invitations } from '@/db/schema';
import { startSmtpServer } from '../helpers/smtp';
import { createTeam, type Team } from '../helpers/team';

// A real SMTP server on loopback receives the invitation, as a mail relay would.
describe('invitation email', () => {
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let db: Database;
  let team: Team;
  const asOwner = () => ({ userId: team.users.owner, tenantId: team.tenantId });

  beforeAll(async () => {
    smtp = await startSmtpServer();
    // Environment is read once per process, so it is set before anything reads it.
    process.env.SMTP_URL = smtp.url;
    process.env.APP_URL = 'https://assistant.example.com';
    ({ db } = await getDatabase());
    team = await createTeam(db);
  });
  afterAll(async () => {
    await closeDatabase();
    await smtp.close();
  });

  it('emails the link (and only emails it) once the invitation is committed', async () => {
    const state = await inviteMember.run(asOwner(), { email: 'mailme@example.com', role: 'member' });
    expect(state).toMatchObject({ status: 'success', message: expect.stringContaining('emailed to mailme@example.com') });
    // The inviter never sees an emailed link: holding it is what proves the mailbox.
    expect(state.result).toEqual({ email: 'mailme@example.com' });
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]!.to).toEqual(['mailme@example.com']);
    expect(smtp.received[0]!.body.replace(/=\r?\n/g, '')).toMatch(/https:\/\/assistant\.example\.com\/invite\/[A-Za-z0-9]{32}/);
    const [invitation] = await db.select().from(invitations).where(eq(invitations.email, 'mailme@example.com'));
    expect(invitation!.emailedAt).not.toBeNull();
  });
});
