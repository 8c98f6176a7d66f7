import { type SQL, sql } from 'drizzle-orm';
import type { CostService } from '@/db/schema';

// Prices in USD as decimal strings: they are multiplied in PostgreSQL `numeric`, never as floats.
// A new price list is a new version; events keep the version they were priced with.
export type Price =
  | { service: 'llm'; provider: string; model: string; inputPerMillionTokens: string; outputPerMillionTokens: string }
  | { service: 'embedding'; provider: string; model: string; perMillionTokens: string }
  | { service: 'voice_stt'; provider: string; model: string; perMinute: string }
  | { service: 'voice_tts'; provider: string; model: string; perMillionCharacters: string }
  | { service: 'vision'; provider: string; model: string; perImage: string }
  | { service: 'livekit'; provider: string; model: string; perParticipantMinute: string };

export const PRICE_VERSION = '2026-11-01';

export const PRICES: readonly Price[] = [
  { service: 'llm', provider: 'openai', model: 'gpt-4o-mini', inputPerMillionTokens: '0.15', outputPerMillionTokens: '0.60' },
  { service: 'llm', provider: 'openai', model: 'gpt-4o', inputPerMillionTokens: '2.50', outputPerMillionTokens: '10.00' },
  { service: 'llm', provider: 'anthropic', model: 'claude-sonnet-4-5', inputPerMillionTokens: '3.00', outputPerMillionTokens: '15.00' },
  { service: 'llm', provider: 'anthropic', model: 'claude-haiku-4-5', inputPerMillionTokens: '1.00', outputPerMillionTokens: '5.00' },
  { service: 'embedding', provider: 'openai', model: 'text-embedding-3-small', perMillionTokens: '0.02' },
  { service: 'embedding', provider: 'voyage', model: 'voyage-3.5', perMillionTokens: '0.06' },
  { service: 'voice_stt', provider: 'deepgram', model: 'nova-3', perMinute: '0.0043' },
  { service: 'voice_tts', provider: 'openai', model: 'tts-1', perMillionCharacters: '15.00' },
  { service: 'vision', provider: 'openai', model: 'gpt-4o-mini-vision', perImage: '0.002125' },
  { service: 'livekit', provider: 'livekit', model: 'cloud', perParticipantMinute: '0.0005' },
];

export function findPrice<S extends CostService>(service: S, model: string): Extract<Price, { service: S }> | undefined {
  return PRICES.find((price): price is Extract<Price, { service: S }> => price.service === service && price.model === model);
}

// Costs are computed by PostgreSQL numeric arithmetic from the decimal-string prices, so no
// float ever touches money.
export const perMillion = (quantity: number, price: string): SQL => sql`(${quantity}::numeric * ${price}::numeric / 1000000)`;
export const perUnit = (quantity: number | string, price: string): SQL => sql`(${quantity}::numeric * ${price}::numeric)`;
