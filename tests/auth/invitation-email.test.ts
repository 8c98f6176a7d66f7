import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inviteMember } from '@/app/dashboard/team/mutations';
import { closeDatabase, type Database, getDatabase } from '@/db/client';
import { startSmtpServer } from '../helpers/smtp';
import { createTeam } from '../helpers/team';

// A real SMTP server on loopback receives the invitation, as a mail relay would.
describe('invitation email', () => {
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let db: Database;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    // Environment is read once per process, so it is set before anything reads it.
    process.env.SMTP_URL = smtp.url;
    process.env.APP_URL = 'https://assistant.example.com';
    ({ db } = await getDatabase());
  });
  afterAll(async () => {
    await closeDatabase();
    await smtp.close();
  });

  it('emails the invitation link when SMTP and the public URL are configured', async () => {
    const team = await createTeam(db);
    const state = await inviteMember.run({ userId: team.users.owner, tenantId: team.tenantId }, { email: 'mailme@example.com', role: 'member' });
    expect(state).toMatchObject({ status: 'success', message: expect.stringContaining('emailed to mailme@example.com') });
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]!.to).toEqual(['mailme@example.com']);
    const link = `https://assistant.example.com${state.result!.path}`;
    expect(smtp.received[0]!.body.replace(/=\r?\n/g, '')).toContain(link);
  });
});
