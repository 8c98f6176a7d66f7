import type { AnswerStatus, EvaluationMetrics, EvaluationResult } from '@/db/schema';
import type { AnswerScores } from './judge';
import { type RetrievalJudgement, retrievalMetrics } from './metrics';

// When one question passes, what a run's scores are, and what changed between two runs.

/**
 * Retrieval passes when a labelled passage is among the first three: recall@3, the headline
 * retrieval metric of this product (three passages are what retrieval-only replies quote).
 */
export const RETRIEVAL_PASS_RANK = 3;

/**
 * Passing is strict on purpose: one unsupported claim, one wrong citation or a wrong answer is
 * what a visitor would notice, so the question fails; the averages show how close it came.
 */
export function retrievalPassed(question: { unanswerable: boolean; expectedSources: unknown[] }, firstRelevantRank: number | null, returned: number): boolean | null {
  if (question.unanswerable) return returned === 0;
  if (question.expectedSources.length === 0) return null;
  return firstRelevantRank !== null && firstRelevantRank <= RETRIEVAL_PASS_RANK;
}

export function answerPassed(
  question: { unanswerable: boolean },
  answer: { answerStatus: AnswerStatus; declined: boolean; scores: AnswerScores | null },
): boolean {
  if (question.unanswerable) return answer.declined;
  const { scores } = answer;
  return (
    answer.answerStatus === 'grounded' &&
    !answer.declined &&
    scores !== null &&
    scores.faithfulness === 1 &&
    (scores.citationCorrectness === null || scores.citationCorrectness === 1) &&
    (scores.answerCorrectness === null || scores.answerCorrectness === 1)
  );
}

/** Every scored part passed; null when nothing could be scored. */
export function overallPassed(...parts: Array<boolean | null>): boolean | null {
  const scored = parts.filter((part): part is boolean => part !== null);
  return scored.length ? scored.every(Boolean) : null;
}

const mean = (values: Array<number | null>) => {
  const present = values.filter((value): value is number => value !== null);
  return present.length ? present.reduce((sum, value) => sum + value, 0) / present.length : null;
};

/** A run's scores from its results (finished ones only, so a running run shows its scores so far). */
export function summarizeResults(results: EvaluationResult[]): EvaluationMetrics {
  const done = results.filter((result) => result.status === 'done');
  const judgements: RetrievalJudgement[] = done
    .filter((result) => result.unanswerable || result.expectedSources.length > 0)
    .map((result) => ({ answerable: !result.unanswerable, firstRelevantRank: result.firstRelevantRank, returned: result.passages.length }));
  const retrieval = retrievalMetrics(judgements);
  const declinesJudged = done.filter((result) => result.unanswerable && result.answerPassed !== null);
  return {
    questions: results.length,
    scored: done.filter((result) => result.passed !== null).length,
    passed: done.filter((result) => result.passed === true).length,
    errors: results.filter((result) => result.status === 'error').length,
    answerable: retrieval.answerable,
    unanswerable: retrieval.unanswerable,
    recallAt3: retrieval.recallAt3,
    recallAt5: retrieval.recallAt5,
    mrr: retrieval.mrr,
    noAnswerPrecision: retrieval.noAnswerPrecision,
    noAnswerRecall: retrieval.noAnswerRecall,
    faithfulness: mean(done.map((result) => result.faithfulness)),
    citationCorrectness: mean(done.map((result) => result.citationCorrectness)),
    answerCorrectness: mean(done.map((result) => result.answerCorrectness)),
    honestDeclines: declinesJudged.length ? declinesJudged.filter((result) => result.answerPassed).length / declinesJudged.length : null,
  };
}

export type ComparedMetric = { key: keyof EvaluationMetrics | 'passRate'; label: string; hint: string };

/** The metrics shown side by side, higher is better for every one. */
export const COMPARED_METRICS: ComparedMetric[] = [
  { key: 'passRate', label: 'Questions passed', hint: 'Share of scored questions whose every check passed.' },
  { key: 'recallAt3', label: 'Recall@3', hint: 'Answerable questions with a right passage among the first three.' },
  { key: 'recallAt5', label: 'Recall@5', hint: 'Answerable questions with a right passage among the five the model is given.' },
  { key: 'mrr', label: 'MRR', hint: 'Mean reciprocal rank of the first right passage (1 = always first).' },
  { key: 'noAnswerPrecision', label: 'No-answer precision', hint: 'Of the questions that got no passage, the share that were truly unanswerable.' },
  { key: 'noAnswerRecall', label: 'No-answer recall', hint: 'Of the unanswerable questions, the share that got no passage.' },
  { key: 'faithfulness', label: 'Faithfulness', hint: "Share of the answers' claims that the passages support (judge model)." },
  { key: 'citationCorrectness', label: 'Citation correctness', hint: 'Share of citing statements whose cited passages support them (judge model).' },
  { key: 'answerCorrectness', label: 'Expected answer', hint: 'How well answers give the expected answer: yes 1, partly ½, no 0 (judge model).' },
  { key: 'honestDeclines', label: 'Honest "I don\'t know"', hint: 'Of the unanswerable questions, the share whose answer said it did not know.' },
];

export function metricValue(metrics: EvaluationMetrics | null | undefined, key: ComparedMetric['key']): number | null {
  if (!metrics) return null;
  if (key === 'passRate') return metrics.scored ? metrics.passed / metrics.scored : null;
  return metrics[key];
}

/**
 * A metric dropped when it is lower than before by more than rounding. Any real drop counts:
 * on a test set of a few dozen questions one question is several points, which matters.
 */
export const METRIC_DROP_TOLERANCE = 1e-9;

export function droppedMetrics(before: EvaluationMetrics | null | undefined, after: EvaluationMetrics | null | undefined): Array<ComparedMetric['key']> {
  return COMPARED_METRICS.filter((metric) => {
    const a = metricValue(before, metric.key);
    const b = metricValue(after, metric.key);
    return a !== null && b !== null && b < a - METRIC_DROP_TOLERANCE;
  }).map((metric) => metric.key);
}

export type QuestionChange = 'regressed' | 'fixed' | 'still passing' | 'still failing' | 'not comparable';

export type PairedResult = { questionId: string; question: string; before?: EvaluationResult; after?: EvaluationResult; change: QuestionChange };

/** The questions of two runs side by side, matched by question; regressions first. */
export function pairResults(before: EvaluationResult[], after: EvaluationResult[]): PairedResult[] {
  const earlier = new Map(before.map((result) => [result.questionId, result]));
  const later = new Map(after.map((result) => [result.questionId, result]));
  const ids = [...new Set([...after.map((result) => result.questionId), ...before.map((result) => result.questionId)])];
  const order: Record<QuestionChange, number> = { regressed: 0, fixed: 1, 'still failing': 2, 'not comparable': 3, 'still passing': 4 };
  return ids
    .map((questionId) => {
      const a = earlier.get(questionId);
      const b = later.get(questionId);
      const change: QuestionChange =
        a?.passed == null || b?.passed == null
          ? 'not comparable'
          : a.passed && !b.passed
            ? 'regressed'
            : !a.passed && b.passed
              ? 'fixed'
              : b.passed
                ? 'still passing'
                : 'still failing';
      return { questionId, question: (b ?? a)!.question, before: a, after: b, change };
    })
    .sort((x, y) => order[x.change] - order[y.change]);
}
