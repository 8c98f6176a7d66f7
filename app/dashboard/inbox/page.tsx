import type { Metadata } from 'next';
import Link from 'next/link';
import { ActionForm } from '@/components/action-form';
import { SubmitButton } from '@/components/ui/submit-button';
import { getSupportSettings, isMemberOnDuty } from '@/db/queries/handoffs';
import { can } from '@/lib/auth/permissions';
import { withDashboardTenant } from '@/lib/auth/session';
import { inboxSnapshot } from '@/lib/handoff/inbox';
import { isWithinOfficeHours } from '@/lib/handoff/office-hours';
import { setOnDutyAction } from './actions';
import { InboxList } from './live';

export const metadata: Metadata = { title: 'Inbox' };

export default async function InboxPage() {
  const { snapshot, onDuty, settings, role, renderedAt } = await withDashboardTenant(async (tx, context) => ({
    renderedAt: new Date(),
    snapshot: await inboxSnapshot(tx, context.tenantId, context.userId),
    onDuty: await isMemberOnDuty(tx, context.tenantId, context.userId),
    settings: await getSupportSettings(tx, context.tenantId),
    role: context.role,
  }));
  const open = isWithinOfficeHours(settings, renderedAt);
  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold">Inbox</h1>
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
            Visitors who asked for a person. Take one, answer in the chat they are in, and resolve it to hand the conversation back to the assistant.
          </p>
          <p className="mt-1 text-xs text-slate-500" data-testid="office-hours-status">
            {!settings.handoffEnabled
              ? 'Handoff is off: visitors cannot ask for a person.'
              : settings.officeHoursEnabled
                ? `${open ? 'Within' : 'Outside'} office hours (${settings.timeZone}). ${open ? '' : 'Visitors are asked to leave an email.'}`
                : `No office hours set: visitors wait up to ${settings.pickupTimeoutMinutes} min before being asked for an email.`}{' '}
            <Link href="/dashboard/inbox/settings" className="text-indigo-600 hover:underline dark:text-indigo-400">
              {can(role, 'support:manage') ? 'Handoff settings' : 'See handoff settings'}
            </Link>
          </p>
        </div>
        <ActionForm action={setOnDutyAction} showSuccess>
          <input type="hidden" name="onDuty" value={onDuty ? 'false' : 'true'} />
          <span className="text-sm" data-testid="on-duty-status">{onDuty ? 'You are on duty (emailed when a visitor waits).' : 'You are off duty.'}</span>
          <SubmitButton variant="secondary">{onDuty ? 'Go off duty' : 'Go on duty'}</SubmitButton>
        </ActionForm>
      </div>
      <InboxList initial={snapshot} now={renderedAt.getTime()} />
    </div>
  );
}
