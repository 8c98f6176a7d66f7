// The e2e app's mail relay: a real SMTP server (smtp-server) that keeps what it receives, and a
// small HTTP endpoint listing it, so a spec can check that the team was notified.
import { createServer } from 'node:http';
import { SMTPServer } from 'smtp-server';

const smtpPort = Number(process.env.SMTP_PORT ?? 3106);
const httpPort = Number(process.env.MAILBOX_PORT ?? 3107);
const received: Array<{ to: string[]; body: string }> = [];

new SMTPServer({
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
}).listen(smtpPort, '127.0.0.1');

createServer((_request, response) => {
  response.setHeader('Content-Type', 'application/json');
  response.end(JSON.stringify(received));
}).listen(httpPort, '127.0.0.1', () => console.log(`Mail server: SMTP ${smtpPort}, mailbox http://127.0.0.1:${httpPort}`));
