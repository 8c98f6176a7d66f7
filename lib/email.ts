import 'server-only';
import nodemailer, { type Transporter } from 'nodemailer';
import { getEnv } from '@/lib/env';

let transport: Transporter | undefined;

function mailer(): Transporter | undefined {
  const { SMTP_URL } = getEnv();
  if (!SMTP_URL) return undefined;
  transport ??= nodemailer.createTransport(SMTP_URL);
  return transport;
}

/**
 * Emails an invitation link when SMTP and the app's public URL are configured. Returns false
 * (and the dashboard shows the link to copy instead) when they are not or sending fails.
 */
export async function sendInvitationEmail({ to, workspace, path }: { to: string; workspace: string; path: string }): Promise<boolean> {
  const { APP_URL, SMTP_FROM } = getEnv();
  const smtp = mailer();
  if (!smtp || !APP_URL) return false;
  const link = new URL(path, APP_URL).toString();
  try {
    await smtp.sendMail({
      from: SMTP_FROM,
      to,
      subject: `You're invited to ${workspace}`,
      text: `You have been invited to join ${workspace} on Assistant Platform.\n\nAccept the invitation: ${link}\n\nThe link expires in 7 days. If you did not expect this, ignore this email.`,
    });
    return true;
  } catch (error) {
    console.error('Invitation email failed', error);
    return false;
  }
}
