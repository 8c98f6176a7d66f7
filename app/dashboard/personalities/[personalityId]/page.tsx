import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { z } from 'zod';
import { buttonClasses } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { getPersonalityById } from '@/db/queries/personalities';
import { can } from '@/lib/auth/permissions';
import { withDashboardTenant } from '@/lib/auth/session';
import { modelOptions } from '../model-options';
import { PersonalityForm } from '../personality-form';

export const metadata: Metadata = { title: 'Edit personality' };

export default async function PersonalityPage({ params }: { params: Promise<{ personalityId: string }> }) {
  const id = z.uuid().safeParse((await params).personalityId);
  if (!id.success) notFound();
  const { personality, role } = await withDashboardTenant(async (tx, context) => ({
    personality: await getPersonalityById(tx, context.tenantId, id.data),
    role: context.role,
  }));
  if (!personality) notFound();
  const canManage = can(role, 'personalities:manage');
  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <Link href="/dashboard/personalities" className="text-sm text-indigo-600 hover:underline dark:text-indigo-400">← AI personalities</Link>
          <h1 className="mt-2 text-2xl font-semibold">{personality.name}</h1>
          {personality.isDefault && <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">The default personality: it answers wherever no other is chosen.</p>}
        </div>
        <Link href={`/dashboard/playground?personality=${personality.id}`} className={buttonClasses('secondary')}>Chat with it</Link>
      </div>
      <Card description={canManage ? undefined : 'Only owners and admins can change personalities.'}>
        <PersonalityForm {...modelOptions()} readOnly={!canManage} personality={personality} />
      </Card>
    </div>
  );
}
