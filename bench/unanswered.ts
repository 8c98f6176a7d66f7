import { performance } from 'node:perf_hooks';
import { groupQuestions, UNANSWERED_LIST_LIMIT } from '../lib/unanswered/grouping';
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

/** Grouping time for a full page: UNANSWERED_LIST_LIMIT questions, mostly unrelated (the slow case: many groups). */
export function benchGroupingTime() {
  const random = seededRandom(7);
  const words = [...new Set(LABELLED_QUESTIONS.flatMap(({ question }) => question.toLowerCase().match(/[a-z]+/g) ?? []))];
  const questions = Array.from({ length: UNANSWERED_LIST_LIMIT }, (_, i) => ({
    id: String(i),
    sessionId: '',
    content: Array.from({ length: 4 + Math.floor(random() * 8) }, () => words[Math.floor(random() * words.length)]).join(' ') + '?',
    askedAt: new Date(1_700_000_000_000 + i * 60_000),
    reasons: ['no_match' as const],
  }));
  const samples: number[] = [];
  let groups = 0;
  for (let run = 0; run < 5; run++) {
    const started = performance.now();
    groups = groupQuestions(questions).length;
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  console.log(`grouping ${UNANSWERED_LIST_LIMIT} questions into ${groups} groups: median ${samples[2]!.toFixed(0)} ms of 5 runs (max ${samples[4]!.toFixed(0)} ms)`);
}
