import { UNANSWERED_REASONS, type UnansweredQuestionRow, type UnansweredReason } from '@/db/queries/unanswered';
import { embedLocally } from '@/lib/knowledge/local-embedder';

export const REASON_LABELS: Record<UnansweredReason, string> = {
  no_match: 'No match in the knowledge',
  uncited: 'Answer cited nothing',
  thumbs_down: 'Thumbs-down',
  handoff: 'Handed to a person',
};

export type UnansweredQuestion = UnansweredQuestionRow;

/** The page groups this many of the most recent unanswered questions (grouping time: `npm run bench -- unanswered`). */
export const UNANSWERED_LIST_LIMIT = 500;

export type QuestionGroup = {
  /** The question closest to the group's centre: what "Add an answer" starts from. */
  representative: UnansweredQuestion;
  /** Newest first. */
  questions: UnansweredQuestion[];
  reasons: UnansweredReason[];
  lastAskedAt: Date;
};

/**
 * Two questions belong together when the cosine of their local lexical vectors (words, word
 * pairs and character trigrams: `embedLocally`) with the group's centre reaches this. Chosen on
 * the labelled set in `tests/fixtures/unanswered-questions.ts` (`npm run bench -- unanswered`
 * sweeps 0.20–0.70): see the README, "Unanswered questions".
 */
export const SIMILARITY_THRESHOLD = 0.35;

// Typed arrays throughout: one element type keeps the dot product's loop fast.
const vectorOf = (text: string) => Float64Array.from(embedLocally(text));

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

/** Cosine similarity of two questions' local lexical vectors (1 for the same words). */
export function questionSimilarity(a: string, b: string): number {
  return dot(vectorOf(a), vectorOf(b));
}

/**
 * Groups questions that ask the same thing: each question, newest first, joins the group whose
 * centre (the normalized sum of its members' vectors) is most similar to it, if that reaches
 * `threshold`; otherwise it starts a group. Comparing with the centre rather than with the
 * nearest member keeps chains of loosely related questions from merging into one group.
 * Groups come largest first, then most recently asked.
 */
export function groupQuestions(questions: UnansweredQuestion[], threshold = SIMILARITY_THRESHOLD): QuestionGroup[] {
  const ordered = [...questions].sort((a, b) => b.askedAt.getTime() - a.askedAt.getTime());
  const clusters: Array<{ sum: Float64Array; centre: Float64Array; members: Array<{ question: UnansweredQuestion; vector: Float64Array }> }> = [];
  for (const question of ordered) {
    const vector = vectorOf(question.content);
    let best: (typeof clusters)[number] | undefined;
    let bestSimilarity = -Infinity;
    for (const cluster of clusters) {
      const similarity = dot(vector, cluster.centre);
      if (similarity > bestSimilarity) [best, bestSimilarity] = [cluster, similarity];
    }
    if (best && bestSimilarity >= threshold) {
      best.members.push({ question, vector });
      for (let i = 0; i < vector.length; i++) best.sum[i]! += vector[i]!;
      const norm = Math.sqrt(dot(best.sum, best.sum)) || 1;
      for (let i = 0; i < vector.length; i++) best.centre[i] = best.sum[i]! / norm;
    } else {
      clusters.push({ sum: Float64Array.from(vector), centre: vector.slice(), members: [{ question, vector }] });
    }
  }
  return clusters
    .map(({ centre, members }) => {
      // The first (newest) member wins ties.
      const representative = members.reduce((chosen, member) => (dot(member.vector, centre) > dot(chosen.vector, centre) + 1e-9 ? member : chosen));
      const found = new Set(members.flatMap(({ question }) => question.reasons));
      return {
        representative: representative.question,
        questions: members.map(({ question }) => question),
        reasons: UNANSWERED_REASONS.filter((reason) => found.has(reason)),
        lastAskedAt: members[0]!.question.askedAt,
      };
    })
    .sort((a, b) => b.questions.length - a.questions.length || b.lastAskedAt.getTime() - a.lastAskedAt.getTime());
}
