import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { inviteMember } from '@/app/dashboard/team/mutations';
import { closeDatabase, type Database, getDatabase } from '@/db/client';
import { createTeam } from '../helpers/team';

// A real SMTP server on loopback receives the invitation, as a mail relay would.
describe('invitation email', () => {
  const received: Array<{ to: string[]; body: string }> = [];
  let server: SMTPServer;
  let db: Database;

  beforeAll(async () => {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, callback) {
        let body = '';
        stream.on('data', (chunk: Buffer) => (body += chunk.toString()));
        stream.on('end', () => {
          received.push({ to: session.envelope.rcptTo.map((rcpt) => rcpt.address), body });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.server.address() as AddressInfo;
    // Environment is read once per process, so it is set before anything reads it.
    process.env.SMTP_URL = `smtp://127.0.0.1:${port}`;
    process.env.APP_URL = 'https://assistant.example.com';
    ({ db } = await getDatabase());
  });
  afterAll(async () => {
    await closeDatabase();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('emails the invitation link when SMTP and the public URL are configured', async () => {
    const team = await createTeam(db);
    const state = await inviteMember.run({ userId: team.users.owner, tenantId: team.tenantId }, { email: 'mailme@example.com', role: 'member' });
    expect(state).toMatchObject({ status: 'success', message: expect.stringContaining('emailed to mailme@example.com') });
    expect(received).toHaveLength(1);
    expect(received[0]!.to).toEqual(['mailme@example.com']);
    const link = `https://assistant.example.com${state.result!.path}`;
    expect(received[0]!.body.replace(/=\r?\n/g, '')).toContain(link);
  });
});
