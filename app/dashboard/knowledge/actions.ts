'use server';

import { redirect } from 'next/navigation';
import type { ActionState } from '@/lib/actions/state';
import { submitForm } from '@/lib/actions/submit';
import * as knowledge from './mutations';

const PATH = '/dashboard/knowledge';

export async function updateDocumentMetadataAction(_state: ActionState, formData: FormData) {
  return submitForm(knowledge.updateDocumentMetadata, formData, PATH);
}

export async function reindexDocumentAction(_state: ActionState, formData: FormData) {
  return submitForm(knowledge.reindexDocument, formData, PATH);
}

export async function deleteDocumentAction(_state: ActionState, formData: FormData): Promise<ActionState> {
  const state = await submitForm(knowledge.deleteKnowledgeDocument, formData, PATH);
  if (state.status === 'success') redirect(PATH);
  return state;
}
