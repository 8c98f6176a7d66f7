import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { Card } from '@/components/ui/card';
import { DEFAULT_SYSTEM_PROMPT } from '@/db/queries/personalities';
import { can } from '@/lib/auth/permissions';
import { withDashboardTenant } from '@/lib/auth/session';
import { modelOptions } from '../model-options';
import { PersonalityForm } from '../personality-form';

export const metadata: Metadata = { title: 'New personality' };

export default async function NewPersonalityPage() {
  const role = await withDashboardTenant(async (_tx, context) => context.role);
  if (!can(role, 'personalities:manage')) redirect('/dashboard/personalities');
  return (
    <div className="flex flex-col gap-6">
      <div>
        <Link href="/dashboard/personalities" className="text-sm text-indigo-600 hover:underline dark:text-indigo-400">← AI personalities</Link>
        <h1 className="mt-2 text-2xl font-semibold">New personality</h1>
      </div>
      <Card>
        <PersonalityForm
          {...modelOptions()}
          readOnly={false}
          personality={{
            name: '',
            description: null,
            systemPrompt: DEFAULT_SYSTEM_PROMPT,
            temperature: '0.30',
            topP: '1.00',
            frequencyPenalty: '0.00',
            presencePenalty: '0.00',
            maxTokens: 1024,
            preferredModel: null,
            allowGeneralKnowledge: false,
            fallbackMessage: null,
            isActive: true,
            isDefault: false,
          }}
        />
      </Card>
    </div>
  );
}
