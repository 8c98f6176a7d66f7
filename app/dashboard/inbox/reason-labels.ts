import type { HandoffReason } from '@/db/schema';

export const HANDOFF_REASON_LABELS: Record<HandoffReason, string> = {
  visitor_request: 'Asked for a person',
  keyword: 'Wrote that they want a person',
  no_answer: 'The assistant could not answer',
  negative_feedback: 'Rated an answer unhelpful',
};
