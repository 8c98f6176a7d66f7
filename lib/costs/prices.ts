import { type SQL, sql } from 'drizzle-orm';
import type { CostService } from '@/db/schema';

// Prices in USD as decimal strings: they are multiplied in PostgreSQL `numeric`, never as floats.
// A new price list is a new version with the date it takes effect; events keep the version they
// were priced with, so a price change never rewrites history.
export type Price =
  | { service: 'llm'; provider: string; model: string; inputPerMillionTokens: string; outputPerMillionTokens: string }
  | { service: 'embedding'; provider: string; model: string; perMillionTokens: string }
  | { service: 'voice_stt'; provider: string; model: string; perMinute: string }
  | { service: 'voice_tts'; provider: string; model: string; perMillionCharacters: string }
  | { service: 'vision'; provider: string; model: string; perImage: string }
  | { service: 'livekit'; provider: string; model: string; perParticipantMinute: string };

export type PriceList = { version: string; effectiveFrom: Date; prices: readonly Price[] };

// Oldest first. An event is priced with the newest list in effect when it occurred.
export const PRICE_LISTS: readonly PriceList[] = [
  {
    version: '2026-06-01',
    effectiveFrom: new Date('2026-06-01T00:00:00Z'),
    prices: [
      { service: 'llm', provider: 'openai', model: 'gpt-4o-mini', inputPerMillionTokens: '0.15', outputPerMillionTokens: '0.60' },
      { service: 'llm', provider: 'openai', model: 'gpt-4o', inputPerMillionTokens: '2.50', outputPerMillionTokens: '10.00' },
      { service: 'llm', provider: 'anthropic', model: 'claude-sonnet-4-5', inputPerMillionTokens: '3.00', outputPerMillionTokens: '15.00' },
      { service: 'embedding', provider: 'openai', model: 'text-embedding-3-small', perMillionTokens: '0.02' },
      { service: 'embedding', provider: 'voyage', model: 'voyage-3.5', perMillionTokens: '0.06' },
      { service: 'voice_stt', provider: 'deepgram', model: 'nova-3', perMinute: '0.0077' },
      { service: 'voice_tts', provider: 'openai', model: 'tts-1', perMillionCharacters: '15.00' },
      { service: 'vision', provider: 'openai', model: 'gpt-4o-mini-vision', perImage: '0.002125' },
      { service: 'livekit', provider: 'livekit', model: 'cloud', perParticipantMinute: '0.0006' },
    ],
  },
  {
    version: '2026-11-01',
    effectiveFrom: new Date('2026-11-01T00:00:00Z'),
    prices: [
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
      // Meetings (issue #12): speech models the assistant uses, images it looks at, and
      // participant-minutes by kind of participant (people, the assistant agent, recorders).
      { service: 'voice_stt', provider: 'openai', model: 'whisper-1', perMinute: '0.006' },
      { service: 'voice_stt', provider: 'openai', model: 'gpt-4o-transcribe', perMinute: '0.006' },
      { service: 'voice_stt', provider: 'openai', model: 'gpt-4o-mini-transcribe', perMinute: '0.003' },
      { service: 'voice_tts', provider: 'openai', model: 'tts-1-hd', perMillionCharacters: '30.00' },
      { service: 'vision', provider: 'openai', model: 'gpt-4o-mini', perImage: '0.002125' },
      { service: 'vision', provider: 'openai', model: 'gpt-4o', perImage: '0.001913' },
      { service: 'livekit', provider: 'livekit', model: 'participant-minutes', perParticipantMinute: '0.0005' },
      { service: 'livekit', provider: 'livekit', model: 'agent-session-minutes', perParticipantMinute: '0.01' },
      { service: 'livekit', provider: 'livekit', model: 'egress-minutes', perParticipantMinute: '0.02' },
    ],
  },
];

const CURRENT = PRICE_LISTS[PRICE_LISTS.length - 1]!;

/** The current price version (what a call made now is priced with). */
export const PRICE_VERSION = CURRENT.version;
export const PRICES = CURRENT.prices;

/** The price list in effect at `at`; before the first list, the first one. */
export function priceListAt(at: Date): PriceList {
  return PRICE_LISTS.findLast((list) => list.effectiveFrom.getTime() <= at.getTime()) ?? PRICE_LISTS[0]!;
}

export function findPrice<S extends CostService>(
  service: S,
  model: string,
  list: PriceList = CURRENT,
): Extract<Price, { service: S }> | undefined {
  return list.prices.find((price): price is Extract<Price, { service: S }> => price.service === service && price.model === model);
}

/** The models a service can be priced for in a list, for error messages. */
export function pricedModels(service: CostService, list: PriceList = CURRENT): string[] {
  return list.prices.filter((price) => price.service === service).map((price) => price.model);
}

// Costs are computed by PostgreSQL numeric arithmetic from the decimal-string prices, so no
// float ever touches money.
export const perMillion = (quantity: number | string, price: string): SQL => sql`(${String(quantity)}::numeric * ${price}::numeric / 1000000)`;
export const perUnit = (quantity: number | string, price: string): SQL => sql`(${String(quantity)}::numeric * ${price}::numeric)`;
