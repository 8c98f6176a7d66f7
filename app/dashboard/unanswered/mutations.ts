import 'server-only';
import { z } from 'zod';
import { createDocument } from '@/db/queries/knowledge';
import { getQuestionsById, markQuestionsAnswered } from '@/db/queries/unanswered';
import { enqueueIngestion } from '@/db/queue';
import { ActionError, defineAction } from '@/lib/actions/define-action';
import { faqMarkdown } from '@/lib/unanswered/faq';
import { UNANSWERED_LIST_LIMIT } from '@/lib/unanswered/grouping';

/** The category FAQ entries written from the Unanswered page get, so they are easy to find under Knowledge. */
export const FAQ_CATEGORY = 'FAQ';

export const answerQuestionsInput = z.object({
  // The group's questions (a form sends them comma-separated); the member may have unticked some.
  questionIds: z
    .string('Choose at least one question.')
    .transform((text) => [...new Set(text.split(',').map((id) => id.trim()).filter(Boolean))])
    .pipe(
      z
        .array(z.uuid('Unknown question.'))
        .min(1, 'Choose at least one question this answers.')
        .max(UNANSWERED_LIST_LIMIT, `At most ${UNANSWERED_LIST_LIMIT} questions at once.`),
    ),
  question: z.string('Write the question.').trim().min(1, 'Write the question as visitors ask it.').max(200, 'At most 200 characters.'),
  answer: z.string('Write the answer.').trim().min(1, 'Write the answer.').max(20_000, 'At most 20,000 characters.'),
});

/**
 * "Add an answer": writes an FAQ knowledge document (`# question`, then the answer), queued for
 * indexing like any other document, and marks the questions it answers so they leave the list.
 */
export const answerQuestions = defineAction({
  permission: 'knowledge:manage',
  input: answerQuestionsInput,
  handler: async (tx, { tenantId }, { questionIds, question, answer }) => {
    const found = await getQuestionsById(tx, tenantId, questionIds);
    if (found.length !== questionIds.length) throw new ActionError('Those questions were not found. Their conversation may have been deleted; reload the page.', 'not_found');
    if (found.some(({ answered }) => answered)) throw new ActionError('Someone has answered these questions already. Reload the page to see what is left.', 'conflict');

    const content = faqMarkdown(question, answer);
    const document = await createDocument(tx, {
      tenantId,
      title: question,
      category: FAQ_CATEGORY,
      sourceType: 'text',
      mimeType: 'text/markdown',
      sizeBytes: Buffer.byteLength(content),
      content,
    });
    // Conditional on each question still being unanswered: of two members answering at once, the second rolls back.
    const marked = await markQuestionsAnswered(tx, tenantId, questionIds, document.id);
    if (marked.length !== questionIds.length) throw new ActionError('Someone has answered these questions meanwhile. Reload the page to see what is left.', 'conflict');
    return {
      message: `Answer added to the knowledge base as “${question}”. The assistant uses it as soon as it is indexed (a few seconds).`,
      result: { documentId: document.id },
      afterCommit: () => enqueueIngestion({ tenantId, documentId: document.id }),
    };
  },
});
