import { describe, expect, it } from 'vitest';
import type { UnansweredReason } from '@/db/queries/unanswered';
import { faqMarkdown } from '@/lib/unanswered/faq';
import { groupQuestions, questionSimilarity, SIMILARITY_THRESHOLD } from '@/lib/unanswered/grouping';
import { scoreGrouping } from '../fixtures/unanswered-questions';
import { seededRandom } from '../helpers/random';

let clock = Date.parse('2025-03-01T12:00:00Z');
/** Questions asked one minute apart, in the order given (so the last is the newest). */
function asked(...questions: Array<string | [string, UnansweredReason[]]>) {
  return questions.map((entry, i) => {
    const [content, reasons] = typeof entry === 'string' ? [entry, ['no_match'] as UnansweredReason[]] : entry;
    clock += 60_000;
    return { id: `q${i}`, sessionId: `s${i}`, content, askedAt: new Date(clock), reasons };
  });
}

const grouped = (questions: ReturnType<typeof asked>) => groupQuestions(questions).map((group) => group.questions.map(({ content }) => content).sort());

describe('grouping unanswered questions', () => {
  it('puts paraphrases of one question together', () => {
    const groups = grouped(asked('Do you support single sign-on with Okta?', 'Can I log in with Okta single sign-on?', 'Is Okta single sign on supported?', 'okta single sign-on support'));
    expect(groups).toHaveLength(1);
  });

  it('keeps unrelated questions apart, also when they share words', () => {
    const groups = grouped(
      asked('What is the capital of France?', 'How do I export my invoices as PDF?', 'How do I export my contacts to a CSV file?', 'Do you offer a student discount?', 'Will it rain in Berlin tomorrow?'),
    );
    expect(groups).toHaveLength(5);
  });

  it('groups the same question asked again with different case and punctuation', () => {
    expect(questionSimilarity('What is the capital of France?', 'what is the capital of france')).toBeCloseTo(1, 6);
    const groups = grouped(asked('What is the capital of France?', 'How can I delete my account?', 'what is the capital of france', 'Where do I delete my account?'));
    expect(groups).toEqual([
      ['How can I delete my account?', 'Where do I delete my account?'],
      ['What is the capital of France?', 'what is the capital of france'],
    ]);
  });

  it('orders groups by how often they were asked, then by the latest question; merges reasons; newest question first', () => {
    const questions = asked(
      ['Is there a dark mode?', ['thumbs_down']],
      ['What is your refund policy?', ['no_match']],
      ['Can I get a refund on an annual plan? What is the refund policy?', ['handoff', 'uncited']],
      ['Will it rain in Berlin tomorrow?', ['no_match']],
    );
    const groups = groupQuestions(questions);
    expect(groups.map((group) => group.questions.length)).toEqual([2, 1, 1]);
    expect(groups[0]!.reasons).toEqual(['no_match', 'uncited', 'handoff']);
    expect(groups[0]!.questions[0]!.content).toBe('Can I get a refund on an annual plan? What is the refund policy?');
    expect(groups[0]!.lastAskedAt).toEqual(questions[2]!.askedAt);
    // Then the most recent of the single questions.
    expect(groups.slice(1).map((group) => group.representative.content)).toEqual(['Will it rain in Berlin tomorrow?', 'Is there a dark mode?']);
  });

  it('represents a group by its most typical question', () => {
    const groups = groupQuestions(asked('okta sso?', 'Do you support single sign-on with Okta?', 'Is Okta single sign on supported?', 'Can we use Okta single sign-on?'));
    expect(groups).toHaveLength(1);
    expect(groups[0]!.representative.content).not.toBe('okta sso?');
  });

  it('returns nothing for nothing, and a group of one for one question', () => {
    expect(groupQuestions([])).toEqual([]);
    const [only] = asked('Are you hiring?');
    expect(groupQuestions([only!])).toEqual([{ representative: only, questions: [only], reasons: ['no_match'], lastAskedAt: only!.askedAt }]);
  });

  it('holds its precision and recall on the labelled set at the chosen threshold', () => {
    // Measured by `npm run bench -- unanswered` (20 random orders): precision 0.956, recall 0.708 at 0.35.
    const scores = scoreGrouping((questions) => groupQuestions(questions.map((question) => ({ ...question, sessionId: '', reasons: ['no_match'] }))), seededRandom(13));
    expect(SIMILARITY_THRESHOLD).toBe(0.35);
    expect(scores.precision).toBeGreaterThanOrEqual(0.93);
    expect(scores.recall).toBeGreaterThanOrEqual(0.68);
  });
});

describe('the FAQ entry', () => {
  it('is the question as a one-line heading, then the answer', () => {
    expect(faqMarkdown('  Do you ship\nabroad? ', '\nYes, to the EU.\n\nShipping takes 3 days.  ')).toBe('# Do you ship abroad?\n\nYes, to the EU.\n\nShipping takes 3 days.\n');
  });
});
