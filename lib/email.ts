import 'server-only';
import nodemailer, { type Transporter } from 'nodemailer';
import { getEnv } from '@/lib/env';

// Mail is always sent outside any database transaction (see afterCommit in defineAction), and
// a relay that stalls gives up within these bounds instead of holding a request forever.
const SMTP_CONNECTION_TIMEOUT_MS = 10_000;
const SMTP_SOCKET_TIMEOUT_MS = 20_000;

let transport: Transporter | undefined;

function mailer(): Transporter | undefined {
  const { SMTP_URL } = getEnv();
  if (!SMTP_URL) return undefined;
  transport ??= nodemailer.createTransport(SMTP_URL, {
    connectionTimeout: SMTP_CONNECTION_TIMEOUT_MS,
    greetingTimeout: SMTP_CONNECTION_TIMEOUT_MS,
    socketTimeout: SMTP_SOCKET_TIMEOUT_MS,
  });
  return transport;
}

/** Whether invitation links can be emailed (SMTP and the app's public URL are configured). */
export function canEmailInvitations(): boolean {
  return !!getEnv().SMTP_URL && !!getEnv().APP_URL;
}

/**
 * Emails an invitation link. Returns false when email is not configured or sending failed:
 * the dashboard then shows the link to copy instead.
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

/**
 * Emails a budget alert to the workspace's owners and admins when SMTP is configured. Returns
 * false when it is not or sending fails (the alert still shows in the dashboard).
 */
export async function sendBudgetAlertEmail({
  to,
  workspace,
  severity,
  label,
  thresholdUsd,
  spentUsd,
  pausesChat,
}: {
  to: string[];
  workspace: string;
  severity: 'warning' | 'critical';
  label: string;
  thresholdUsd: string;
  spentUsd: string;
  /** The monthly cap itself was reached: public chat is paused. */
  pausesChat: boolean;
}): Promise<boolean> {
  const { APP_URL, SMTP_FROM } = getEnv();
  const smtp = mailer();
  if (!smtp || to.length === 0) return false;
  const link = APP_URL ? `\n\nSee where the money goes: ${new URL('/dashboard/costs', APP_URL).toString()}` : '';
  try {
    await smtp.sendMail({
      from: SMTP_FROM,
      to,
      subject: `${severity === 'critical' ? 'Budget reached' : 'Budget warning'}: ${workspace} has spent $${spentUsd}`,
      text:
        `${workspace} has spent $${spentUsd}, reaching its ${label} threshold of $${thresholdUsd}.` +
        (pausesChat
          ? '\n\nThe monthly cap is reached: the public chat widget is paused until the cap is raised in Settings or the month ends.'
          : '') +
        link,
    });
    return true;
  } catch (error) {
    console.error('Budget alert email failed', error);
    return false;
  }
}

/**
 * Tells the team about a visitor who wants a person or left their email (human handoff), when
 * SMTP is configured. Returns false when it is not or sending fails (the Inbox shows it anyway).
 */
export async function sendTeamNotificationEmail({ to, subject, text }: { to: string[]; subject: string; text: string }): Promise<boolean> {
  const { SMTP_FROM } = getEnv();
  const smtp = mailer();
  if (!smtp || to.length === 0) return false;
  try {
    await smtp.sendMail({ from: SMTP_FROM, to, subject, text });
    return true;
  } catch (error) {
    console.error('Team notification email failed', error);
    return false;
  }
}
