import 'server-only';
import { and, eq, type SQL, sql } from 'drizzle-orm';
import type { PgInsertValue } from 'drizzle-orm/pg-core';
import { type CostEvent, costEvents, sessions } from '@/db/schema';
import { executeRows } from '@/db/sql';
import type { Transaction } from '@/db/withTenant';
import { findPrice, perMillion, perUnit, priceListAt } from './prices';

// The one way a billable call becomes a cost event: every service, priced from the versioned
// table in effect when it occurred, with the cost computed by PostgreSQL numeric arithmetic.

/** What was used, per service (quantities as the provider bills them). */
export type Usage =
  | { service: 'llm'; model: string; inputTokens: number; outputTokens: number }
  | { service: 'embedding'; model: string; tokens: number }
  | { service: 'voice_stt'; model: string; minutes: number | string }
  | { service: 'voice_tts'; model: string; characters: number }
  | { service: 'vision'; model: string; images: number }
  | { service: 'livekit'; model: string; participantMinutes: number | string };

/** Who used it, when and for what. */
export type CostContext = {
  tenantId: string;
  /** Used when the model is not in the price table (the price's provider wins otherwise). */
  provider?: string;
  sessionId?: string | null;
  occurredAt?: Date;
  /** A client-supplied id that makes the record idempotent (unique per tenant). */
  externalId?: string;
  operation?: string;
  durationMs?: number;
};

export type CostRecord = Usage & CostContext;

type Quantities = { inputTokens?: number; outputTokens?: number; units: string; unit: NonNullable<CostEvent['unit']> };

/** The billed quantities, and the price's provider and SQL cost expression when the model is priced. */
function price(usage: Usage, at: Date): { quantities: Quantities; provider?: string; cost?: SQL } {
  const list = priceListAt(at);
  switch (usage.service) {
    case 'llm': {
      const p = findPrice('llm', usage.model, list);
      return {
        quantities: { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, units: String(usage.inputTokens + usage.outputTokens), unit: 'tokens' },
        provider: p?.provider,
        cost: p && sql`(${perMillion(usage.inputTokens, p.inputPerMillionTokens)} + ${perMillion(usage.outputTokens, p.outputPerMillionTokens)})`,
      };
    }
    case 'embedding': {
      const p = findPrice('embedding', usage.model, list);
      return { quantities: { inputTokens: usage.tokens, units: String(usage.tokens), unit: 'tokens' }, provider: p?.provider, cost: p && perMillion(usage.tokens, p.perMillionTokens) };
    }
    case 'voice_stt': {
      const p = findPrice('voice_stt', usage.model, list);
      return { quantities: { units: String(usage.minutes), unit: 'minutes' }, provider: p?.provider, cost: p && perUnit(usage.minutes, p.perMinute) };
    }
    case 'voice_tts': {
      const p = findPrice('voice_tts', usage.model, list);
      return { quantities: { units: String(usage.characters), unit: 'characters' }, provider: p?.provider, cost: p && perMillion(usage.characters, p.perMillionCharacters) };
    }
    case 'vision': {
      const p = findPrice('vision', usage.model, list);
      return { quantities: { units: String(usage.images), unit: 'images' }, provider: p?.provider, cost: p && perUnit(usage.images, p.perImage) };
    }
    case 'livekit': {
      const p = findPrice('livekit', usage.model, list);
      return { quantities: { units: String(usage.participantMinutes), unit: 'participant_minutes' }, provider: p?.provider, cost: p && perUnit(usage.participantMinutes, p.perParticipantMinute) };
    }
  }
}

/** What `usage` would cost now, priced like a recorded event (0 for an unpriced model). */
export async function estimateCost(tx: Transaction, usage: Usage): Promise<string> {
  const { cost } = price(usage, new Date());
  if (!cost) return '0';
  const [row] = await executeRows<{ cost: string }>(tx, sql`select round(${cost}, 8)::text as cost`);
  return row!.cost;
}

/** Whether the price table in effect at `at` knows this service and model. */
export function isPriced(usage: Pick<Usage, 'service' | 'model'>, at = new Date()): boolean {
  return findPrice(usage.service, usage.model, priceListAt(at)) !== undefined;
}

/** The row for a cost event (also used by the demo seed, which inserts in batches). */
export function costEventValues(record: CostRecord): PgInsertValue<typeof costEvents> {
  const occurredAt = record.occurredAt ?? new Date();
  const { quantities, provider, cost } = price(record, occurredAt);
  return {
    tenantId: record.tenantId,
    sessionId: record.sessionId ?? null,
    service: record.service,
    provider: provider ?? record.provider ?? 'unknown',
    model: record.model,
    ...quantities,
    // A model missing from the price table is recorded at zero and flagged, never guessed.
    costUsd: cost ?? sql`0`,
    priceVersion: priceListAt(occurredAt).version,
    externalId: record.externalId,
    metadata: {
      operation: cost ? record.operation : `${record.operation ?? record.service} (unpriced model)`,
      durationMs: record.durationMs,
    },
    occurredAt,
  };
}

export type RecordedCost = { id: string; costUsd: string; priceVersion: string };

/**
 * Records one billable use and adds its cost to the conversation it belongs to. Returns
 * undefined only when `externalId` was already recorded for the tenant (an idempotent retry).
 */
export async function recordCost(tx: Transaction, record: CostRecord): Promise<RecordedCost | undefined> {
  const [event] = await tx
    .insert(costEvents)
    .values(costEventValues(record))
    .onConflictDoNothing({ target: [costEvents.tenantId, costEvents.externalId] })
    .returning({ id: costEvents.id, costUsd: costEvents.costUsd, priceVersion: costEvents.priceVersion });
  if (event && record.sessionId) {
    await tx
      .update(sessions)
      .set({ costUsd: sql`${sessions.costUsd} + ${event.costUsd}::numeric` })
      .where(and(eq(sessions.tenantId, record.tenantId), eq(sessions.id, record.sessionId)));
  }
  return event;
}

/** Records what an embedding call cost, priced from the versioned table. */
export async function recordEmbeddingCost(
  tx: Transaction,
  event: { tenantId: string; provider: string; model: string; tokens: number; sessionId?: string; operation: string },
) {
  await recordCost(tx, { ...event, service: 'embedding' });
}

/** Records what a model call cost and returns the cost as a decimal string. */
export async function recordLlmCost(
  tx: Transaction,
  event: {
    tenantId: string;
    provider: string;
    model: string;
    inputTokens: number;
    outputTokens: number;
    sessionId?: string;
    durationMs?: number;
    operation: string;
  },
): Promise<string> {
  // No externalId, so there is never a conflict and always a row.
  const recorded = await recordCost(tx, { ...event, service: 'llm' });
  return recorded!.costUsd;
}
