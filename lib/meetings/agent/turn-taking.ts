// When the assistant speaks in a meeting: when addressed by name, or asked a question that is
// not put to someone else in the room. Otherwise it stays quiet (the words still go into the
// transcript).

export type TurnDecision = { answer: boolean; reason: 'addressed' | 'question' | 'not-for-me'; aboutScreen: boolean };

const QUESTION_START = /^(what|what's|whats|how|why|when|where|who|whom|which|whose|can|could|does|do|did|is|are|was|were|should|would|will|may|have|has)\b/;
const SCREEN = /\b(screen|slide|slides|shared|sharing|showing|on display|this chart|this diagram|this page|look at this|see this|can you see)\b/;

const normalize = (text: string) =>
  text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\p{L}\p{N}?' ]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();

const mentions = (normalized: string, name: string) => {
  const target = normalize(name).replace(/\?/g, '');
  return target.length > 1 && new RegExp(`(^| )${target.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}( |\\?|$)`).test(normalized);
};

export function decideTurn(text: string, names: { assistant: string[]; others: string[] }): TurnDecision {
  const normalized = normalize(text);
  const aboutScreen = SCREEN.test(normalized);
  if (names.assistant.some((name) => mentions(normalized, name))) return { answer: true, reason: 'addressed', aboutScreen };
  const question = text.trim().endsWith('?') || QUESTION_START.test(normalized);
  // "Maria, can you send the deck?" is for Maria.
  const forSomeoneElse = names.others.some((name) => name.split(/\s+/).some((part) => mentions(normalized, part)));
  if (question && !forSomeoneElse) return { answer: true, reason: 'question', aboutScreen };
  return { answer: false, reason: 'not-for-me', aboutScreen };
}
