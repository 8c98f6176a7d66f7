import type { Metadata } from 'next';
import Link from 'next/link';
import { Card } from '@/components/ui/card';
import { listPersonalities } from '@/db/queries/personalities';
import { resolveModel } from '@/lib/ai/models';
import { can } from '@/lib/auth/permissions';
import { withDashboardTenant } from '@/lib/auth/session';
import { PlaygroundChat } from './playground-chat';

export const metadata: Metadata = { title: 'Playground' };

export default async function PlaygroundPage({ searchParams }: { searchParams: Promise<{ personality?: string }> }) {
  const requested = (await searchParams).personality;
  const { rows, role } = await withDashboardTenant(async (tx, context) => ({ rows: await listPersonalities(tx, context.tenantId), role: context.role }));
  const personalities = rows
    .filter((row) => row.personality.isActive)
    .map(({ personality }) => ({ id: personality.id, name: personality.name, model: resolveModel(personality.preferredModel)?.label ?? 'retrieval-only (no model configured)' }));
  const initial = personalities.find((personality) => personality.id === requested) ?? personalities[0];

  return (
    <div className="flex flex-col gap-6">
      <div>
        <h1 className="text-2xl font-semibold">Playground</h1>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
          Chat with a personality over your knowledge, exactly as visitors would. Conversations here are kept and listed as playground sessions.{' '}
          <Link href="/dashboard/personalities" className="text-indigo-600 hover:underline dark:text-indigo-400">Edit personalities</Link>
        </p>
      </div>
      <Card>
        {!can(role, 'playground:chat') ? (
          <p className="text-sm text-slate-600 dark:text-slate-400">Playground replies call the model and cost money, so only owners and admins can chat here.</p>
        ) : initial ? (
          <PlaygroundChat personalities={personalities} initialPersonalityId={initial.id} />
        ) : (
          <p className="text-sm text-slate-600 dark:text-slate-400">
            No active personality. <Link href="/dashboard/personalities" className="text-indigo-600 hover:underline dark:text-indigo-400">Activate or create one</Link> to chat.
          </p>
        )}
      </Card>
    </div>
  );
}
