import 'server-only';
import type { Transaction } from '../client';
import { aiPersonalities, type NewAiPersonality } from '../schema';

export const DEFAULT_SYSTEM_PROMPT =
  'You are a helpful assistant for this company. Answer only from the provided knowledge and cite ' +
  'your sources. If the knowledge does not cover a question, say so plainly and suggest how to ' +
  'reach the team. Be concise and friendly.';

export async function createPersonality(tx: Transaction, values: NewAiPersonality) {
  const [personality] = await tx.insert(aiPersonalities).values(values).returning();
  return personality!;
}
