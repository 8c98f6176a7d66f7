// The mail relay of the end-to-end app: a real SMTP server on loopback that keeps what it
// receives, with a small HTTP mailbox so tests can read what the app sent:
// GET /messages?to=<address> lists the mails to that address, newest last.
import { createServer } from 'node:http';
import { SMTPServer } from 'smtp-server';

const smtpPort = Number(process.env.MAIL_SMTP_PORT ?? 3104);
const httpPort = Number(process.env.MAIL_HTTP_PORT ?? 3105);

type Mail = { to: string[]; body: string; receivedAt: string };
const mailbox: Mail[] = [];

new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  onData(stream, session, callback) {
    let body = '';
    stream.on('data', (chunk: Buffer) => (body += chunk.toString()));
    stream.on('end', () => {
      mailbox.push({ to: session.envelope.rcptTo.map((rcpt) => rcpt.address.toLowerCase()), body, receivedAt: new Date().toISOString() });
      callback();
    });
  },
}).listen(smtpPort, '127.0.0.1');

createServer((request, response) => {
  const url = new URL(request.url ?? '/', `http://127.0.0.1:${httpPort}`);
  if (url.pathname === '/health') return response.end('ok');
  if (url.pathname !== '/messages') return response.writeHead(404).end();
  const to = url.searchParams.get('to')?.toLowerCase();
  response.setHeader('content-type', 'application/json');
  response.end(JSON.stringify(mailbox.filter((mail) => !to || mail.to.includes(to))));
}).listen(httpPort, '127.0.0.1', () => console.log(`Mail relay: SMTP on ${smtpPort}, mailbox on http://127.0.0.1:${httpPort}`));
