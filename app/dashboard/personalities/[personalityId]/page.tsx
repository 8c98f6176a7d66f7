import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { z } from 'zod';
import { buttonClasses } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { listEvaluationSets } from '@/db/queries/evaluation';
import { getPersonalityById, listPersonalityVersions, settingsOf } from '@/db/queries/personalities';
import { can } from '@/lib/auth/permissions';
import { withDashboardTenant } from '@/lib/auth/session';
import { modelOptions } from '../model-options';
import { PersonalityForm } from '../personality-form';
import { VersionHistory } from './versions';

export const metadata: Metadata = { title: 'Edit personality' };

export default async function PersonalityPage({ params, searchParams }: { params: Promise<{ personalityId: string }>; searchParams: Promise<Record<string, string | undefined>> }) {
  const id = z.uuid().safeParse((await params).personalityId);
  if (!id.success) notFound();
  const from = z.uuid().optional().catch(undefined).parse((await searchParams).from);
  const { personality, versions, testSets, role } = await withDashboardTenant(async (tx, context) => ({
    personality: await getPersonalityById(tx, context.tenantId, id.data),
    versions: await listPersonalityVersions(tx, context.tenantId, id.data),
    testSets: (await listEvaluationSets(tx, context.tenantId)).map(({ set }) => ({ id: set.id, name: set.name })),
    role: context.role,
  }));
  if (!personality) notFound();
  const canManage = can(role, 'personalities:manage');
  // "Edit from this version": the editor starts from that version's settings.
  const startFrom = versions.find((row) => row.version.id === from)?.version;
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
        {startFrom && !startFrom.isLive && (
          <p className="mb-4 rounded-md border border-indigo-200 bg-indigo-50 px-3 py-2 text-sm text-indigo-900 dark:border-indigo-900 dark:bg-indigo-950 dark:text-indigo-200" role="status">
            Editing from version {startFrom.version}. Save it as a draft to test it, or save to make it live.
          </p>
        )}
        <PersonalityForm key={startFrom?.id ?? 'live'} {...modelOptions()} readOnly={!canManage} personality={startFrom ? { ...personality, ...settingsOf(startFrom) } : personality} />
      </Card>
      <Card
        title="Versions"
        description="Every saved change is a version. Save a draft to test it with a test set before visitors see it; make any version live again to roll back."
      >
        <VersionHistory personalityId={personality.id} versions={versions} testSets={testSets} canManage={canManage} />
      </Card>
    </div>
  );
}
