import type { PromptPassage } from './prompt';
import { passageLabel } from './prompt';

const EXCERPT_CHARACTERS = 600;

export const RETRIEVAL_ONLY_NOTICE =
  '_No AI model is connected, so these are the passages of the knowledge base that best match your question, quoted as written._';

export const NO_MATCH_ANSWER = "I'm sorry, I don't know: I could not find anything about this in the information I have.";

/**
 * The reply when no passage clears the relevance floor and no model writes one: the
 * personality's own fallback message when it has one, then the alternatives the visitor has.
 */
export function noAnswerReply(fallbackMessage: string | null, alternatives: string[]): string {
  const message = fallbackMessage?.trim() || NO_MATCH_ANSWER;
  if (alternatives.length === 0) return `${message} Try asking in other words.`;
  return `${message}\n\nYou can ${alternatives.join(', or ')}.`;
}

/** A passage cut at a sentence (or word) end, so a quote never stops mid-word. */
export function excerpt(text: string, limit = EXCERPT_CHARACTERS): string {
  const clean = text.replace(/\s+\n/g, '\n').trim();
  if (clean.length <= limit) return clean;
  const cut = clean.slice(0, limit);
  const sentenceEnd = Math.max(cut.lastIndexOf('. '), cut.lastIndexOf('.\n'), cut.lastIndexOf('? '), cut.lastIndexOf('! '));
  const end = sentenceEnd > limit / 2 ? sentenceEnd + 1 : cut.lastIndexOf(' ');
  return `${cut.slice(0, end > 0 ? end : limit).trimEnd()} …`;
}

/** The reply when no model is configured: the best passages, labelled and cited like an answer. */
export function retrievalOnlyAnswer(passages: PromptPassage[]): string {
  if (passages.length === 0) return NO_MATCH_ANSWER;
  const quoted = passages.map((passage) => {
    const quote = excerpt(passage.content)
      .split('\n')
      .map((line) => `> ${line}`)
      .join('\n');
    return `**${passageLabel(passage)}** [${passage.index}]\n${quote}`;
  });
  return [RETRIEVAL_ONLY_NOTICE, ...quoted].join('\n\n');
}
