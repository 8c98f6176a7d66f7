'use client';

import { useActionState, useState } from 'react';
import { Field, Select, TextArea, TextInput } from '@/components/ui/field';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import { idleState } from '@/lib/actions/state';
import { addSourceAction, updateSourceSettingsAction } from './actions';

export type SourceFormValues = {
  sourceId?: string;
  kind: 'page' | 'website' | 'sitemap';
  url: string;
  name: string;
  include: string;
  exclude: string;
  maxPages: number;
  maxDepth: number;
  sameSite: boolean;
  schedule: 'off' | 'daily' | 'weekly' | 'cron';
  cron: string;
  reviewChanges: boolean;
  category: string;
  tags: string;
};

export const NEW_SOURCE: SourceFormValues = {
  kind: 'website',
  url: '',
  name: '',
  include: '',
  exclude: '',
  maxPages: 200,
  maxDepth: 3,
  sameSite: true,
  schedule: 'weekly',
  cron: '',
  reviewChanges: false,
  category: '',
  tags: '',
};

const KIND_LABELS = { page: 'One page', website: 'A website (follow links)', sitemap: 'A sitemap (sitemap.xml or index)' } as const;

/** Adds a web source, or (with sourceId) edits its crawl and schedule settings. */
export function SourceForm({ initial = NEW_SOURCE }: { initial?: SourceFormValues }) {
  const editing = Boolean(initial.sourceId);
  const [state, formAction] = useActionState(editing ? updateSourceSettingsAction : addSourceAction, idleState);
  const submitted = state.status === 'error' ? state.values : undefined;
  const value = <K extends keyof SourceFormValues>(key: K): string => submitted?.[key] ?? String(initial[key] ?? '');
  const checked = (key: 'sameSite' | 'reviewChanges') => (submitted ? submitted[key] === 'on' : initial[key]);
  const [kind, setKind] = useState<SourceFormValues['kind']>((submitted?.kind as SourceFormValues['kind']) ?? initial.kind);
  const [schedule, setSchedule] = useState(value('schedule'));
  const errors = state.fieldErrors ?? {};
  const crawls = kind !== 'page';

  return (
    <form action={formAction} className="flex flex-col gap-4" noValidate>
      {editing ? <input type="hidden" name="sourceId" value={initial.sourceId} /> : null}
      {!editing && (
        <div className="grid gap-4 sm:grid-cols-[14rem_1fr]">
          <Field label="What to add" name="kind" errors={errors.kind}>
            <Select name="kind" value={kind} onChange={(event) => setKind(event.target.value as SourceFormValues['kind'])}>
              {Object.entries(KIND_LABELS).map(([key, label]) => (
                <option key={key} value={key}>{label}</option>
              ))}
            </Select>
          </Field>
          <Field label={kind === 'sitemap' ? 'Sitemap address' : kind === 'website' ? 'Start page address' : 'Web page address'} name="url" errors={errors.url}>
            <TextInput name="url" type="url" placeholder={kind === 'sitemap' ? 'https://example.com/sitemap.xml' : 'https://example.com/help'} defaultValue={value('url')} errors={errors.url} />
          </Field>
        </div>
      )}
      <div className="grid gap-4 sm:grid-cols-3">
        <Field label="Name (optional)" name="name" errors={errors.name}>
          <TextInput name="name" defaultValue={value('name')} maxLength={120} placeholder="e.g. Help centre" errors={errors.name} />
        </Field>
        <Field label="Re-sync" name="schedule" errors={errors.schedule} hint="Unchanged pages cost nothing to re-check.">
          <Select name="schedule" value={schedule} onChange={(event) => setSchedule(event.target.value)}>
            <option value="off">Off (sync by hand)</option>
            <option value="daily">Daily</option>
            <option value="weekly">Weekly</option>
            <option value="cron">Custom (cron, UTC)</option>
          </Select>
        </Field>
        {schedule === 'cron' ? (
          <Field label="Cron expression (UTC)" name="cron" errors={errors.cron} hint="minute hour day month weekday, e.g. 0 6 * * 1-5">
            <TextInput name="cron" defaultValue={value('cron')} placeholder="0 6 * * 1-5" errors={errors.cron} />
          </Field>
        ) : (
          <input type="hidden" name="cron" value="" />
        )}
      </div>
      {crawls && (
        <details className="rounded-md border border-slate-200 p-3 dark:border-slate-800" open={Object.keys(errors).some((key) => ['include', 'exclude', 'maxPages', 'maxDepth'].includes(key))}>
          <summary className="cursor-pointer text-sm font-medium">Crawl settings</summary>
          <div className="mt-3 grid gap-4 sm:grid-cols-2">
            <Field label="Only paths matching (one per line)" name="include" errors={errors.include} hint="e.g. /docs/* — empty takes every path">
              <TextArea name="include" rows={2} defaultValue={value('include')} errors={errors.include} />
            </Field>
            <Field label="Skip paths matching (one per line)" name="exclude" errors={errors.exclude} hint="e.g. /blog/drafts/*">
              <TextArea name="exclude" rows={2} defaultValue={value('exclude')} errors={errors.exclude} />
            </Field>
            <Field label="Page cap" name="maxPages" errors={errors.maxPages}>
              <TextInput name="maxPages" type="number" min={1} max={5000} defaultValue={value('maxPages')} errors={errors.maxPages} />
            </Field>
            {kind === 'website' ? (
              <Field label="Link depth" name="maxDepth" errors={errors.maxDepth} hint="Links followed from the start page">
                <TextInput name="maxDepth" type="number" min={0} max={10} defaultValue={value('maxDepth')} errors={errors.maxDepth} />
              </Field>
            ) : (
              <input type="hidden" name="maxDepth" value="0" />
            )}
          </div>
          <label className="mt-3 flex items-center gap-2 text-sm">
            <input type="checkbox" name="sameSite" defaultChecked={checked('sameSite')} /> Stay on the same site
          </label>
        </details>
      )}
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Category for its documents (optional)" name="category" id={editing ? 'source-category' : 'new-source-category'} errors={errors.category}>
          <TextInput name="category" id={editing ? 'source-category' : 'new-source-category'} defaultValue={value('category')} maxLength={60} errors={errors.category} />
        </Field>
        <Field label="Tags for its documents (comma-separated)" name="tags" id={editing ? 'source-tags' : 'new-source-tags'} errors={errors.tags}>
          <TextInput name="tags" id={editing ? 'source-tags' : 'new-source-tags'} defaultValue={value('tags')} maxLength={500} errors={errors.tags} />
        </Field>
      </div>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="reviewChanges" defaultChecked={checked('reviewChanges')} /> Review changes before they are used for answers
      </label>
      {state.code === 'conflict' && !editing && (
        <label className="flex items-center gap-2 rounded-md bg-amber-50 p-3 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-200">
          <input type="checkbox" name="confirmCost" /> Start the crawl
        </label>
      )}
      <div>
        <SubmitButton pendingLabel={editing ? 'Saving…' : 'Adding…'}>{editing ? 'Save settings' : kind === 'page' ? 'Import page' : 'Add source'}</SubmitButton>
      </div>
      <FormMessage state={state} />
    </form>
  );
}
