import 'server-only';
import { z } from 'zod';
import { deleteConversation as removeConversation } from '@/db/queries/conversations';
import { ActionError, defineAction } from '@/lib/actions/define-action';

export const deleteConversation = defineAction({
  permission: 'conversations:delete',
  input: z.object({ sessionId: z.uuid('Unknown conversation.') }),
  handler: async (tx, { tenantId }, { sessionId }) => {
    if (!(await removeConversation(tx, tenantId, sessionId))) throw new ActionError('That conversation was not found.', 'not_found');
    return { message: 'Conversation deleted.' };
  },
});
