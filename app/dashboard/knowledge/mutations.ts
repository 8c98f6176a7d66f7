import 'server-only';
import { z } from 'zod';
import { deleteDocument, getDocument, updateDocument } from '@/db/queries/knowledge';
import { enqueueIngestion } from '@/db/queue';
import { ActionError, defineAction } from '@/lib/actions/define-action';
import { categoryField, tagsField } from '@/lib/knowledge/fields';

export const documentMetadataInput = z.object({
  documentId: z.uuid('Unknown document.'),
  title: z.string().trim().min(1, 'Give the document a title.').max(200, 'At most 200 characters.'),
  category: categoryField,
  tags: tagsField,
});

export const updateDocumentMetadata = defineAction({
  permission: 'knowledge:manage',
  input: documentMetadataInput,
  handler: async (tx, { tenantId }, { documentId, ...values }) => {
    if (!(await updateDocument(tx, tenantId, documentId, values))) throw new ActionError('That document was not found.', 'not_found');
    return { message: 'Document details saved.' };
  },
});

export const reindexDocument = defineAction({
  permission: 'knowledge:manage',
  input: z.object({ documentId: z.uuid('Unknown document.') }),
  handler: async (tx, { tenantId }, { documentId }) => {
    const document = await getDocument(tx, tenantId, documentId);
    if (!document) throw new ActionError('That document was not found.', 'not_found');
    await updateDocument(tx, tenantId, documentId, { status: 'queued', progress: 0, statusReason: null });
    return {
      message: 'Re-indexing started. The current chunks stay searchable until the new ones are ready.',
      afterCommit: () => enqueueIngestion({ tenantId, documentId }),
    };
  },
});

export const deleteKnowledgeDocument = defineAction({
  permission: 'knowledge:manage',
  input: z.object({ documentId: z.uuid('Unknown document.') }),
  handler: async (tx, { tenantId }, { documentId }) => {
    if (!(await deleteDocument(tx, tenantId, documentId))) throw new ActionError('That document was not found.', 'not_found');
    return { message: 'Document and its chunks deleted.' };
  },
});
