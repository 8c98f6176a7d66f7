import type { ChatScript } from './openai-server';

// Deterministic stand-ins for the models an evaluation run calls, for the local
// OpenAI-compatible test servers: an assistant that answers from its first passage, a judge
// that checks word by word whether statements are in the passages, and a question writer.
// They recognise their task by the system prompt, as a real model would read it.

type Messages = Array<{ role: string; content: string }>;

const STOP_WORDS = new Set(['the', 'and', 'are', 'for', 'you', 'your', 'our', 'with', 'from', 'that', 'this', 'can', 'how', 'what', 'which', 'does', 'has', 'have', 'will', 'not', 'but']);

/** Words that carry meaning: letters or digits, two or more characters, not a stop word. */
export function contentWords(text: string): string[] {
  return (text.toLowerCase().replace(/\[\d+\]/g, ' ').match(/[a-z0-9]+/g) ?? []).filter((word) => (word.length >= 3 || /^\d+$/.test(word)) && !STOP_WORDS.has(word));
}

const covered = (statement: string, source: string) => {
  const words = contentWords(statement);
  const available = new Set(contentWords(source));
  return words.length > 0 && words.every((word) => available.has(word));
};

const firstSentence = (text: string) => /[^.!?\n]+[.!?]?/.exec(text.trim())?.[0]?.trim() ?? '';

const usage = (text: string, prompt: string) => ({ promptTokens: Math.ceil(prompt.length / 4), completionTokens: text.split(/\s+/).length });

export const isJudgeRequest = (messages: Messages) => (messages[0]?.content ?? '').startsWith('You grade the answers');
export const isQuestionWriterRequest = (messages: Messages) => (messages[0]?.content ?? '').startsWith('You write test questions');

const DECLINE = /do not know|don't know|could not find/i;

/** The judge: a statement is supported when every content word of it is in the passages (the cited ones, for its citations). */
export function fakeJudge(messages: Messages): ChatScript {
  const prompt = messages.at(-1)?.content ?? '';
  const passages = new Map([...prompt.matchAll(/<passage id="(\d+)"[^>]*>\n([^]*?)\n<\/passage>/g)].map((match) => [Number(match[1]), match[2]!]));
  const all = [...passages.values()].join('\n');
  const expected = /<expected_answer>\n([^]*?)\n<\/expected_answer>/.exec(prompt)?.[1];
  const statements = [...prompt.matchAll(/<statement id="(\d+)" cites="([^"]*)">([^]*?)<\/statement>/g)].map((match) => {
    // The e2e assistant frames answers as "(its first instruction) From the knowledge base: …": framing, not claims.
    const text = match[3]!.replace(/^\(.*?\)\s*/, '').replace(/^From the knowledge base:\s*/i, '');
    const cites = match[2] ? match[2].split(',').map(Number) : [];
    const claim = !DECLINE.test(text) && contentWords(text).length > 0;
    return {
      id: Number(match[1]),
      claim,
      supported: !claim || covered(text, all),
      citations_support: cites.length ? covered(text, cites.map((index) => passages.get(index) ?? '').join('\n')) : null,
    };
  });
  const answer = [...prompt.matchAll(/<statement[^>]*>([^]*?)<\/statement>/g)].map((match) => match[1]).join(' ');
  const expectedWords = expected ? contentWords(expected) : [];
  const answerWords = new Set(contentWords(answer));
  const share = expectedWords.length ? expectedWords.filter((word) => answerWords.has(word)).length / expectedWords.length : 0;
  const verdict = {
    statements,
    declined: DECLINE.test(answer),
    matches_expected: expected ? (share >= 0.6 ? 'yes' : share > 0 ? 'partly' : 'no') : null,
    reason: statements.every((statement) => statement.supported) ? 'Every claim is in the passages.' : 'A claim is not in the passages.',
  };
  const text = JSON.stringify(verdict);
  return { text, ...usage(text, prompt) };
}

/** The question writer: asks about the passage's first sentence and answers with it. */
export function fakeQuestionWriter(messages: Messages): ChatScript {
  const prompt = messages.at(-1)?.content ?? '';
  const passage = /<passage[^>]*>\n([^]*?)\n<\/passage>/.exec(prompt)?.[1] ?? '';
  const sentence = firstSentence(passage.replace(/^#+ .*$/gm, ''));
  const words = contentWords(sentence).slice(0, 4);
  const text = JSON.stringify(words.length ? { question: `What should I know about ${words.join(' ')}?`, answer: sentence } : { question: null, answer: null });
  return { text, ...usage(text, prompt) };
}

/** The assistant: the first sentence of passage 1, cited, or "I do not know" without passages. */
export function fakeAssistant(messages: Messages): ChatScript {
  const prompt = messages.at(-1)?.content ?? '';
  const passage = /<passage id="1"[^>]*>\n([^]*?)\n<\/passage>/.exec(prompt)?.[1];
  const text = passage ? `${firstSentence(passage)} [1]` : 'I do not know that from the information available.';
  return { text, ...usage(text, prompt) };
}
