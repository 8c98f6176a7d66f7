import 'server-only';
import { and, asc, count, desc, eq, ne, sql } from 'drizzle-orm';
import type { Transaction } from '../client';
import { aiPersonalities, type AiPersonality, type NewAiPersonality, tenants, widgets } from '../schema';

export const DEFAULT_SYSTEM_PROMPT =
  'You are a helpful assistant for this company. Answer only from the provided knowledge and cite ' +
  'your sources. If the knowledge does not cover a question, say so plainly and suggest how to ' +
  'reach the team. Be concise and friendly.';

export async function createPersonality(tx: Transaction, values: NewAiPersonality) {
  const [personality] = await tx.insert(aiPersonalities).values(values).returning();
  return personality!;
}

/** Every personality of the tenant with how many widgets use it; the default first. */
export async function listPersonalities(tx: Transaction, tenantId: string) {
  return tx
    .select({
      personality: aiPersonalities,
      widgetCount: sql<number>`(select count(*)::int from ${widgets} w where w.tenant_id = ${aiPersonalities.tenantId} and w.personality_id = ${aiPersonalities.id})`,
    })
    .from(aiPersonalities)
    .where(eq(aiPersonalities.tenantId, tenantId))
    .orderBy(desc(aiPersonalities.isDefault), asc(aiPersonalities.name));
}

export async function getPersonalityById(tx: Transaction, tenantId: string, personalityId: string) {
  const [personality] = await tx
    .select()
    .from(aiPersonalities)
    .where(and(eq(aiPersonalities.tenantId, tenantId), eq(aiPersonalities.id, personalityId)));
  return personality;
}

/** The personality a reply is written with: the requested one while active, else the default. */
export async function getPersonalityForReply(tx: Transaction, tenantId: string, personalityId: string | null): Promise<AiPersonality | undefined> {
  const [personality] = await tx
    .select()
    .from(aiPersonalities)
    .where(
      and(
        eq(aiPersonalities.tenantId, tenantId),
        personalityId
          ? sql`(${aiPersonalities.id} = ${personalityId} and ${aiPersonalities.isActive}) or ${aiPersonalities.isDefault}`
          : eq(aiPersonalities.isDefault, true),
      ),
    )
    // The requested personality wins over the default when both match.
    .orderBy(personalityId ? sql`${aiPersonalities.id} = ${personalityId} desc` : asc(aiPersonalities.id))
    .limit(1);
  return personality;
}

export async function updatePersonality(tx: Transaction, tenantId: string, personalityId: string, values: Partial<NewAiPersonality>) {
  const [personality] = await tx
    .update(aiPersonalities)
    .set({ ...values, updatedAt: sql`now()` })
    .where(and(eq(aiPersonalities.tenantId, tenantId), eq(aiPersonalities.id, personalityId)))
    .returning();
  return personality;
}

/**
 * Makes one personality the default. The tenant row is locked first so concurrent switches
 * queue up instead of racing: each clears the old default, then sets its own, and the last
 * one to commit wins with exactly one default left.
 */
export async function setDefaultPersonality(tx: Transaction, tenantId: string, personalityId: string) {
  await tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.id, tenantId)).for('update');
  await tx
    .update(aiPersonalities)
    .set({ isDefault: false, updatedAt: sql`now()` })
    .where(and(eq(aiPersonalities.tenantId, tenantId), eq(aiPersonalities.isDefault, true), ne(aiPersonalities.id, personalityId)));
  return updatePersonality(tx, tenantId, personalityId, { isDefault: true, isActive: true });
}

export async function countWidgetsUsingPersonality(tx: Transaction, tenantId: string, personalityId: string): Promise<number> {
  const [row] = await tx
    .select({ value: count() })
    .from(widgets)
    .where(and(eq(widgets.tenantId, tenantId), eq(widgets.personalityId, personalityId)));
  return row?.value ?? 0;
}

/** Moves the widgets of one personality to another, then deletes the first. */
export async function deletePersonality(tx: Transaction, tenantId: string, personalityId: string, replacementId: string | null) {
  if (replacementId) {
    await tx
      .update(widgets)
      .set({ personalityId: replacementId, updatedAt: sql`now()` })
      .where(and(eq(widgets.tenantId, tenantId), eq(widgets.personalityId, personalityId)));
  }
  const deleted = await tx
    .delete(aiPersonalities)
    .where(and(eq(aiPersonalities.tenantId, tenantId), eq(aiPersonalities.id, personalityId)))
    .returning({ id: aiPersonalities.id });
  return deleted.length > 0;
}
