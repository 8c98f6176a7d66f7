import { groupQuestions } from '../lib/unanswered/grouping';
import { seededRandom } from '../tests/helpers/random';
import { LABELLED_QUESTIONS, scoreGrouping } from '../tests/fixtures/unanswered-questions';

/** The similarity threshold sweep that chose SIMILARITY_THRESHOLD (lib/unanswered/grouping.ts). */
export function benchUnanswered() {
  const intents = new Set(LABELLED_QUESTIONS.map(({ intent }) => intent)).size;
  console.log(`\n## Grouping unanswered questions (${LABELLED_QUESTIONS.length} questions, ${intents} intents, 20 random orders each)`);
  console.log('threshold   groups   pair precision   pair recall   F1');
  for (let step = 0; step <= 10; step++) {
    const threshold = 0.2 + step * 0.05;
    const scores = scoreGrouping(
      (questions) => groupQuestions(questions.map((question) => ({ ...question, sessionId: '', reasons: ['no_match'] })), threshold),
      seededRandom(13),
    );
    console.log(
      `${threshold.toFixed(2).padStart(9)}   ${scores.groups.toFixed(1).padStart(6)}   ${scores.precision.toFixed(3).padStart(14)}   ${scores.recall.toFixed(3).padStart(11)}   ${scores.f1.toFixed(3)}`,
    );
  }
}
