'use client';

import { useActionState } from 'react';
import { Field, TextInput } from '@/components/ui/field';
import { FormMessage } from '@/components/ui/form-message';
import { SubmitButton } from '@/components/ui/submit-button';
import { idleState } from '@/lib/actions/state';
import { updateDocumentMetadataAction } from '../actions';

export function MetadataForm({ documentId, title, category, tags, readOnly }: { documentId: string; title: string; category: string | null; tags: string[]; readOnly: boolean }) {
  const [state, formAction] = useActionState(updateDocumentMetadataAction, idleState);
  return (
    <form action={formAction} className="flex flex-col gap-4" noValidate>
      <input type="hidden" name="documentId" value={documentId} />
      <fieldset disabled={readOnly} className="grid gap-4 sm:grid-cols-3">
        <Field label="Title" name="title" errors={state.fieldErrors?.title}>
          <TextInput name="title" defaultValue={state.values?.title ?? title} errors={state.fieldErrors?.title} />
        </Field>
        <Field label="Category" name="category" errors={state.fieldErrors?.category}>
          <TextInput name="category" defaultValue={state.values?.category ?? category ?? ''} errors={state.fieldErrors?.category} />
        </Field>
        <Field label="Tags (comma-separated)" name="tags" errors={state.fieldErrors?.tags}>
          <TextInput name="tags" defaultValue={state.values?.tags ?? tags.join(', ')} errors={state.fieldErrors?.tags} />
        </Field>
      </fieldset>
      <FormMessage state={state} />
      {!readOnly && (
        <div>
          <SubmitButton>Save details</SubmitButton>
        </div>
      )}
    </form>
  );
}
