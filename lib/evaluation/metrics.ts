// Retrieval metrics shared by the labelled-set harness (`npm run bench -- quality`, the
// floors in `npm test`) and the tenant's own evaluation runs, so both measure the same way.

import type { EvaluationMetrics } from '@/db/schema';

export type RetrievalJudgement = {
  /** False for a question the knowledge does not answer: the right outcome is no passage. */
  answerable: boolean;
  /** 1-based rank of the first passage that answers it, or null when none came back. */
  firstRelevantRank: number | null;
  /** How many passages came back after the relevance floor. */
  returned: number;
};

/** The retrieval part of a run's stored scores (`EvaluationMetrics`, which documents each). */
export type RetrievalMetrics = Pick<EvaluationMetrics, 'answerable' | 'unanswerable' | 'recallAt3' | 'recallAt5' | 'mrr' | 'noAnswerPrecision' | 'noAnswerRecall'>;

const share = (count: number, total: number) => (total === 0 ? null : count / total);

export function retrievalMetrics(judgements: RetrievalJudgement[]): RetrievalMetrics {
  const answerable = judgements.filter((judgement) => judgement.answerable);
  const unanswerable = judgements.filter((judgement) => !judgement.answerable);
  const declined = judgements.filter((judgement) => judgement.returned === 0);
  const within = (k: number) => answerable.filter((judgement) => judgement.firstRelevantRank !== null && judgement.firstRelevantRank <= k).length;
  return {
    answerable: answerable.length,
    unanswerable: unanswerable.length,
    recallAt3: share(within(3), answerable.length),
    recallAt5: share(within(5), answerable.length),
    mrr: share(
      answerable.reduce((sum, judgement) => sum + (judgement.firstRelevantRank ? 1 / judgement.firstRelevantRank : 0), 0),
      answerable.length,
    ),
    noAnswerPrecision: share(declined.filter((judgement) => !judgement.answerable).length, declined.length),
    noAnswerRecall: share(unanswerable.filter((judgement) => judgement.returned === 0).length, unanswerable.length),
  };
}

/** The 1-based rank of the first item that `isRelevant` accepts, or null. */
export function firstRelevantRank<T>(ranked: T[], isRelevant: (item: T) => boolean): number | null {
  const index = ranked.findIndex(isRelevant);
  return index === -1 ? null : index + 1;
}

/**
 * Whether a retrieved passage is from the named section: the section is in its heading path or
 * (a small section merged into a neighbour) a heading line of its text. Headings compare
 * ignoring case and surrounding spaces; no section means anywhere in the document.
 */
export function inSection(section: string | null | undefined, passage: { headingPath: string[]; content?: string }): boolean {
  const wanted = section?.trim().toLowerCase();
  if (!wanted) return true;
  const same = (heading: string) => heading.trim().toLowerCase() === wanted;
  return (
    passage.headingPath.some(same) ||
    (passage.content ?? '').split('\n').some((line) => /^#{1,6} /.test(line) && line.replace(/^#{1,6} /, '').split(' › ').some(same))
  );
}

/** An expected passage: a document, optionally one of its sections. */
export type ExpectedPassage = { documentId: string; section?: string | null };

/** Whether a retrieved passage is one of the expected ones. */
export const answersFrom = (expected: ExpectedPassage[]) => (passage: { documentId: string; headingPath: string[]; content?: string }) =>
  expected.some((source) => source.documentId === passage.documentId && inSection(source.section, passage));
