import 'server-only';
import { sql } from 'drizzle-orm';
import type { PgInsertValue } from 'drizzle-orm/pg-core';
import { costEvents } from '@/db/schema';
import type { Transaction } from '@/db/withTenant';
import { findPrice, perMillion, PRICE_VERSION } from './prices';

/** Records what an embedding call cost, priced from the versioned table. */
export async function recordEmbeddingCost(
  tx: Transaction,
  event: { tenantId: string; provider: string; model: string; tokens: number; sessionId?: string; operation: string },
) {
  const price = findPrice('embedding', event.model);
  const values: PgInsertValue<typeof costEvents> = {
    tenantId: event.tenantId,
    sessionId: event.sessionId,
    service: 'embedding',
    provider: event.provider,
    model: event.model,
    inputTokens: event.tokens,
    unit: 'tokens',
    units: String(event.tokens),
    // A model missing from the price table is recorded at zero and flagged, never guessed.
    costUsd: price ? perMillion(event.tokens, price.perMillionTokens) : sql`0`,
    priceVersion: PRICE_VERSION,
    metadata: { operation: price ? event.operation : `${event.operation} (unpriced model)` },
  };
  await tx.insert(costEvents).values(values);
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
  const price = findPrice('llm', event.model);
  const values: PgInsertValue<typeof costEvents> = {
    tenantId: event.tenantId,
    sessionId: event.sessionId,
    service: 'llm',
    provider: event.provider,
    model: event.model,
    inputTokens: event.inputTokens,
    outputTokens: event.outputTokens,
    unit: 'tokens',
    units: String(event.inputTokens + event.outputTokens),
    costUsd: price
      ? sql`(${perMillion(event.inputTokens, price.inputPerMillionTokens)} + ${perMillion(event.outputTokens, price.outputPerMillionTokens)})`
      : sql`0`,
    priceVersion: PRICE_VERSION,
    metadata: { operation: price ? event.operation : `${event.operation} (unpriced model)`, durationMs: event.durationMs },
  };
  const [row] = await tx.insert(costEvents).values(values).returning({ costUsd: costEvents.costUsd });
  return row!.costUsd;
}
