import type { Metadata } from 'next';
import Link from 'next/link';
import { ActionForm } from '@/components/action-form';
import { buttonClasses } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { Select } from '@/components/ui/field';
import { SubmitButton } from '@/components/ui/submit-button';
import { listPersonalities } from '@/db/queries/personalities';
import { availableModels, resolveModel } from '@/lib/ai/models';
import { can } from '@/lib/auth/permissions';
import { withDashboardTenant } from '@/lib/auth/session';
import { duplicatePersonalityAction, makeDefaultPersonalityAction, removePersonalityAction } from './actions';

export const metadata: Metadata = { title: 'AI personalities' };

export default async function PersonalitiesPage() {
  const { rows, role } = await withDashboardTenant(async (tx, context) => ({ rows: await listPersonalities(tx, context.tenantId), role: context.role }));
  const canManage = can(role, 'personalities:manage');
  const modelLabels = new Map(availableModels().map((model) => [model.id, model.label]));

  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold">AI personalities</h1>
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
            How your assistant speaks and which model writes its answers. Widgets each use one personality; the default answers everywhere else.
          </p>
        </div>
        <div className="flex gap-2">
          <Link href="/dashboard/playground" className={buttonClasses('secondary')}>Try in the playground</Link>
          {canManage && <Link href="/dashboard/personalities/new" className={buttonClasses()}>New personality</Link>}
        </div>
      </div>
      {!modelLabels.size && (
        <p className="rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200" role="status">
          No model provider is configured, so the assistant runs in <strong>retrieval-only mode</strong>: it replies with the best-matching passages of your knowledge and their sources. Set OPENAI_API_KEY, ANTHROPIC_API_KEY or LLM_BASE_URL to get written answers.
        </p>
      )}
      <ul className="grid gap-4 lg:grid-cols-2">
        {rows.map(({ personality, widgetCount }) => {
          const others = rows.filter((row) => row.personality.id !== personality.id && row.personality.isActive);
          const needsReplacement = personality.isDefault || widgetCount > 0;
          const answeringModel = resolveModel(personality.preferredModel);
          return (
            <li key={personality.id}>
              <Card className="h-full">
                <div className="flex flex-col gap-3" data-testid="personality-card">
                  <div className="flex flex-wrap items-center gap-2">
                    <h2 className="text-base font-semibold">
                      <Link href={`/dashboard/personalities/${personality.id}`} className="hover:underline">{personality.name}</Link>
                    </h2>
                    {personality.isDefault && <span className="rounded-full bg-indigo-100 px-2 py-0.5 text-xs font-medium text-indigo-800 dark:bg-indigo-950 dark:text-indigo-300">Default</span>}
                    {!personality.isActive && <span className="rounded-full bg-slate-200 px-2 py-0.5 text-xs font-medium text-slate-700 dark:bg-slate-800 dark:text-slate-300">Inactive</span>}
                  </div>
                  {personality.description && <p className="text-sm text-slate-600 dark:text-slate-400">{personality.description}</p>}
                  <dl className="grid grid-cols-2 gap-x-4 gap-y-1 text-xs text-slate-600 dark:text-slate-400 sm:grid-cols-4">
                    <div><dt className="font-medium text-slate-800 dark:text-slate-200">Model</dt><dd>{answeringModel ? (modelLabels.get(answeringModel.id) ?? answeringModel.id) : 'Retrieval-only'}{answeringModel && !personality.preferredModel ? ' (auto)' : ''}</dd></div>
                    <div><dt className="font-medium text-slate-800 dark:text-slate-200">Temperature</dt><dd>{personality.temperature}</dd></div>
                    <div><dt className="font-medium text-slate-800 dark:text-slate-200">Max tokens</dt><dd>{personality.maxTokens.toLocaleString('en-US')}</dd></div>
                    <div><dt className="font-medium text-slate-800 dark:text-slate-200">Widgets</dt><dd>{widgetCount}</dd></div>
                  </dl>
                  {personality.preferredModel && !modelLabels.has(personality.preferredModel) && (
                    <p className="text-xs text-amber-700 dark:text-amber-300">Prefers {personality.preferredModel}, whose provider is not configured: {answeringModel ? `answers with ${answeringModel.label}` : 'replies are retrieval-only'}.</p>
                  )}
                  {canManage && (
                    <div className="flex flex-wrap items-start gap-2 border-t border-slate-200 pt-3 dark:border-slate-800">
                      <Link href={`/dashboard/personalities/${personality.id}`} className={buttonClasses('secondary')}>Edit</Link>
                      <ActionForm action={duplicatePersonalityAction}>
                        <input type="hidden" name="personalityId" value={personality.id} />
                        <SubmitButton variant="secondary" pendingLabel="Copying…">Duplicate</SubmitButton>
                      </ActionForm>
                      {!personality.isDefault && personality.isActive && (
                        <ActionForm action={makeDefaultPersonalityAction}>
                          <input type="hidden" name="personalityId" value={personality.id} />
                          <SubmitButton variant="secondary">Make default</SubmitButton>
                        </ActionForm>
                      )}
                      {(!needsReplacement || others.length > 0) && (
                        <ActionForm action={removePersonalityAction} confirm={`Delete ${personality.name}? This cannot be undone.`}>
                          <input type="hidden" name="personalityId" value={personality.id} />
                          {needsReplacement && (
                            <>
                              <label htmlFor={`replacement-${personality.id}`} className="sr-only">Replacement for {personality.name}</label>
                              <Select id={`replacement-${personality.id}`} name="replacementId" className="w-44" defaultValue="" required>
                                <option value="" disabled>Replace with…</option>
                                {others.map((row) => (
                                  <option key={row.personality.id} value={row.personality.id}>{row.personality.name}</option>
                                ))}
                              </Select>
                            </>
                          )}
                          <SubmitButton variant="danger" pendingLabel="Deleting…">Delete</SubmitButton>
                        </ActionForm>
                      )}
                    </div>
                  )}
                  {canManage && needsReplacement && (
                    <p className="text-xs text-slate-500 dark:text-slate-400">
                      {personality.isDefault ? 'The default' : `Used by ${widgetCount} widget${widgetCount === 1 ? '' : 's'}`}: deleting it moves {personality.isDefault && widgetCount === 0 ? 'the default' : 'them'} to the replacement you choose.
                    </p>
                  )}
                </div>
              </Card>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
