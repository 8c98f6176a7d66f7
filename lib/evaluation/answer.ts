import 'server-only';
import type { PersonalitySettings } from '@/db/queries/personalities';
import type { AnswerStatus } from '@/db/schema';
import type { ModelInfo } from '@/lib/ai/models';
import { buildPrompt, citedPassages, type PromptPassage } from '@/lib/ai/prompt';
import { declinesWithoutModel, modelAnswerStatus, modelCallSettings } from '@/lib/ai/reply-policy';
import { noAnswerReply } from '@/lib/ai/retrieval-only';
import type { Env } from '@/lib/env';
import type { SearchHit } from '@/lib/knowledge/search';
import { completeText, type ModelCall } from './model-call';

// The answer a personality version would give, written the way the engine writes a reply
// (same prompt, rules and settings), without a conversation: nothing is stored as a message.

export type VersionAnswer = {
  content: string;
  citations: number[];
  answerStatus: AnswerStatus;
  /** False when the reply is the personality's own "I don't know", sent without a model call. */
  modelWritten: boolean;
  call?: ModelCall;
};

export function promptPassages(hits: SearchHit[]): PromptPassage[] {
  return hits.map((hit, position) => ({ index: position + 1, title: hit.title, headingPath: hit.headingPath, content: hit.content }));
}

export async function answerAsVersion(version: PersonalitySettings, model: ModelInfo, question: string, hits: SearchHit[], env: Env): Promise<VersionAnswer> {
  const passages = promptPassages(hits);
  if (declinesWithoutModel(passages.length, true, version)) {
    return { content: noAnswerReply(version.fallbackMessage, []), citations: [], answerStatus: 'no_match', modelWritten: false };
  }
  const { maxTokens, ...sampling } = modelCallSettings(version);
  const prompt = buildPrompt({
    systemPrompt: version.systemPrompt,
    policy: { allowGeneralKnowledge: version.allowGeneralKnowledge, alternatives: [] },
    passages,
    history: [],
    question,
    historyTokenBudget: 0,
  });
  const { text, call } = await completeText(model, { ...prompt, ...sampling, maxOutputTokens: maxTokens, operation: 'evaluation: answer' }, env);
  const citations = citedPassages(text, passages.length);
  return { content: text, citations, answerStatus: modelAnswerStatus(passages.length, citations.length), modelWritten: true, call };
}
