import type { Message } from '@/db/schema';

/**
 * Whether an assistant answer was grounded in the knowledge: it finished, had passages to
 * stand on, and (when a model wrote it) cites at least one of them. The engine's rules make a
 * model cite every fact as [n] and say it does not know otherwise, so an answer without a
 * citation is one where the knowledge did not help. A failed reply is no answer at all.
 */
export function isGroundedAnswer(message: Pick<Message, 'status' | 'content' | 'sources' | 'metadata'>): boolean {
  if (message.status !== 'complete' || message.sources.length === 0) return false;
  if (message.metadata.answerMode === 'retrieval-only') return true;
  return /\[\d+\]/.test(message.content);
}
