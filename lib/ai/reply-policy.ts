import type { AnswerStatus } from '@/db/schema';

// The rules that decide how a reply is written, shared by the engine (every visitor's reply)
// and evaluation runs (which must answer exactly as the assistant would).

/** Passages the model is given per reply. */
export const PASSAGES_PER_REPLY = 5;
/** Passages quoted when no model is configured. */
export const RETRIEVAL_ONLY_PASSAGES = 3;

type StoredSettings = { temperature: string; topP: string; frequencyPenalty: string; presencePenalty: string; maxTokens: number };

/** A personality's (or one of its versions') settings as the model call takes them. */
export function modelCallSettings(settings: StoredSettings) {
  return {
    temperature: Number(settings.temperature),
    topP: Number(settings.topP),
    frequencyPenalty: Number(settings.frequencyPenalty),
    presencePenalty: Number(settings.presencePenalty),
    maxTokens: settings.maxTokens,
  };
}

/**
 * True when the reply is the honest "I don't know" without a model call: no passage cleared
 * the floor and either no model is configured or the personality has its own fallback message
 * (and does not allow answers from general knowledge).
 */
export function declinesWithoutModel(passageCount: number, hasModel: boolean, personality: { fallbackMessage: string | null; allowGeneralKnowledge: boolean }): boolean {
  return passageCount === 0 && (!hasModel || (Boolean(personality.fallbackMessage) && !personality.allowGeneralKnowledge));
}

/** How well a model's reply is grounded: no passage at all, passages it cites, or passages it ignores. */
export function modelAnswerStatus(passageCount: number, citationCount: number): AnswerStatus {
  if (passageCount === 0) return 'no_match';
  return citationCount ? 'grounded' : 'uncited';
}
