import Link from 'next/link';
import { ActionForm } from '@/components/action-form';
import { SubmitButton } from '@/components/ui/submit-button';
import { changedSettings, type listPersonalityVersions, settingsOf } from '@/db/queries/personalities';
import { makeVersionLiveAction } from '../actions';

const SETTING_LABELS = {
  systemPrompt: 'instructions',
  temperature: 'temperature',
  maxTokens: 'max tokens',
  topP: 'top P',
  frequencyPenalty: 'frequency penalty',
  presencePenalty: 'presence penalty',
  preferredModel: 'model',
  allowGeneralKnowledge: 'general knowledge',
  fallbackMessage: '“no answer” message',
} as const;

const dateTime = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short' });

/** A personality's versions, newest first: what changed, which is live, test, edit from, make live. */
export function VersionHistory({
  personalityId,
  versions,
  testSets,
  canManage,
}: {
  personalityId: string;
  versions: Awaited<ReturnType<typeof listPersonalityVersions>>;
  testSets: Array<{ id: string; name: string }>;
  canManage: boolean;
}) {
  const live = versions.find((row) => row.version.isLive)?.version;
  return (
    <ol className="divide-y divide-slate-200 dark:divide-slate-800">
      {versions.map(({ version, authorName, authorEmail }, index) => {
        const older = versions[index + 1]?.version;
        const changes = older ? changedSettings(settingsOf(older), settingsOf(version)) : [];
        const newer = live && version.version > live.version;
        return (
          <li key={version.id} className="flex flex-col gap-2 py-3" data-testid="version-row">
            <div className="flex flex-wrap items-center gap-2">
              <span className="font-medium">Version {version.version}</span>
              {version.isLive ? (
                <span className="rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-medium text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300">Live</span>
              ) : (
                <span className="rounded-full bg-slate-200 px-2 py-0.5 text-xs font-medium text-slate-700 dark:bg-slate-800 dark:text-slate-300">{newer ? 'Draft' : 'Earlier'}</span>
              )}
              <span className="text-xs text-slate-500">
                {dateTime.format(version.createdAt)}
                {authorName || authorEmail ? ` · ${authorName ?? authorEmail}` : ''}
              </span>
            </div>
            <p className="text-sm text-slate-600 dark:text-slate-400">
              {version.note ?? (older ? (changes.length ? `Changed ${changes.map((key) => SETTING_LABELS[key]).join(', ')}.` : 'Same settings as the version before.') : 'The first version.')}
              {version.note && older && changes.length > 0 && <span className="text-xs"> (changed {changes.map((key) => SETTING_LABELS[key]).join(', ')})</span>}
            </p>
            <div className="flex flex-wrap items-center gap-3 text-sm">
              {testSets.length > 0 && (
                <span className="flex flex-wrap items-center gap-2">
                  <span className="text-xs text-slate-500">Test with</span>
                  {testSets.map((set) => (
                    <Link key={set.id} href={`/dashboard/evaluation/sets/${set.id}?version=${version.id}`} className="text-indigo-600 hover:underline dark:text-indigo-400">
                      {set.name}
                    </Link>
                  ))}
                </span>
              )}
              {canManage && (
                <Link href={`/dashboard/personalities/${personalityId}?from=${version.id}`} className="text-indigo-600 hover:underline dark:text-indigo-400">
                  Edit from this version
                </Link>
              )}
              {canManage && !version.isLive && (
                <ActionForm action={makeVersionLiveAction} confirm={`Make version ${version.version} live? New replies use it at once.`}>
                  <input type="hidden" name="versionId" value={version.id} />
                  <SubmitButton variant="secondary" pendingLabel="Publishing…">{newer ? 'Make live' : 'Roll back to this version'}</SubmitButton>
                </ActionForm>
              )}
            </div>
          </li>
        );
      })}
    </ol>
  );
}
