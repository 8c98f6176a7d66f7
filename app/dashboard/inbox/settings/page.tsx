import type { Metadata } from 'next';
import Link from 'next/link';
import { Card } from '@/components/ui/card';
import { getSupportSettings } from '@/db/queries/handoffs';
import { can } from '@/lib/auth/permissions';
import { withDashboardTenant } from '@/lib/auth/session';
import { SupportSettingsForm } from './support-settings-form';

export const metadata: Metadata = { title: 'Handoff settings' };

export default async function HandoffSettingsPage() {
  const { settings, role } = await withDashboardTenant(async (tx, context) => ({ settings: await getSupportSettings(tx, context.tenantId), role: context.role }));
  return (
    <div className="flex flex-col gap-6">
      <div>
        <Link href="/dashboard/inbox" className="text-sm text-indigo-600 hover:underline dark:text-indigo-400">← Inbox</Link>
        <h1 className="mt-2 text-2xl font-semibold">Handoff settings</h1>
      </div>
      <Card
        title="People in the chat"
        description="When visitors can ask for a person, when the team is at work, and how long a visitor waits before the chat asks for an email instead."
      >
        <SupportSettingsForm settings={settings} timeZones={Intl.supportedValuesOf('timeZone')} readOnly={!can(role, 'support:manage')} />
      </Card>
    </div>
  );
}
