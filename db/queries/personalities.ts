import 'server-only';
import { and, asc, count, desc, eq, ne, sql } from 'drizzle-orm';
import type { Transaction } from '../client';
import { aiPersonalities, type AiPersonality, type NewAiPersonality, personalityVersions, type PersonalityVersion, tenants, users, widgets } from '../schema';

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

// ---- Versions: every saved set of answering settings (see personality_versions in the schema) ----

/** The settings a version holds: everything that changes how replies are written. */
export const VERSIONED_SETTINGS = [
  'systemPrompt',
  'temperature',
  'maxTokens',
  'topP',
  'frequencyPenalty',
  'presencePenalty',
  'preferredModel',
  'allowGeneralKnowledge',
  'fallbackMessage',
] as const;
export type PersonalitySettings = Pick<AiPersonality, (typeof VERSIONED_SETTINGS)[number]>;

export function settingsOf(source: PersonalitySettings): PersonalitySettings {
  return Object.fromEntries(VERSIONED_SETTINGS.map((key) => [key, source[key]])) as PersonalitySettings;
}

/** The settings that differ between two versions (decimals are compared as numbers). */
export function changedSettings(a: PersonalitySettings, b: PersonalitySettings): Array<(typeof VERSIONED_SETTINGS)[number]> {
  return VERSIONED_SETTINGS.filter((key) => {
    const left = a[key];
    const right = b[key];
    if (typeof left === 'string' && typeof right === 'string' && /^-?\d+(\.\d+)?$/.test(left) && /^-?\d+(\.\d+)?$/.test(right)) return Number(left) !== Number(right);
    return (left ?? null) !== (right ?? null);
  });
}

export async function listPersonalityVersions(tx: Transaction, tenantId: string, personalityId: string) {
  return tx
    .select({ version: personalityVersions, authorName: users.name, authorEmail: users.email })
    .from(personalityVersions)
    .leftJoin(users, eq(users.id, personalityVersions.createdBy))
    .where(and(eq(personalityVersions.tenantId, tenantId), eq(personalityVersions.personalityId, personalityId)))
    .orderBy(desc(personalityVersions.version));
}

/** Every version of every personality, for choosing what a run tests. */
export async function listAllPersonalityVersions(tx: Transaction, tenantId: string) {
  return tx
    .select({
      id: personalityVersions.id,
      personalityId: personalityVersions.personalityId,
      personalityName: aiPersonalities.name,
      version: personalityVersions.version,
      isLive: personalityVersions.isLive,
      note: personalityVersions.note,
      preferredModel: personalityVersions.preferredModel,
    })
    .from(personalityVersions)
    .innerJoin(aiPersonalities, and(eq(aiPersonalities.tenantId, personalityVersions.tenantId), eq(aiPersonalities.id, personalityVersions.personalityId)))
    .where(eq(personalityVersions.tenantId, tenantId))
    .orderBy(desc(aiPersonalities.isDefault), asc(aiPersonalities.name), desc(personalityVersions.version));
}

export async function getPersonalityVersion(tx: Transaction, tenantId: string, versionId: string): Promise<PersonalityVersion | undefined> {
  const [version] = await tx
    .select()
    .from(personalityVersions)
    .where(and(eq(personalityVersions.tenantId, tenantId), eq(personalityVersions.id, versionId)));
  return version;
}

export async function getLivePersonalityVersion(tx: Transaction, tenantId: string, personalityId: string): Promise<PersonalityVersion | undefined> {
  const [version] = await tx
    .select()
    .from(personalityVersions)
    .where(and(eq(personalityVersions.tenantId, tenantId), eq(personalityVersions.personalityId, personalityId), eq(personalityVersions.isLive, true)));
  return version;
}

/** Locks the personality row, so version numbers and the live flag change one writer at a time. */
async function lockPersonality(tx: Transaction, tenantId: string, personalityId: string) {
  const [row] = await tx
    .select({ id: aiPersonalities.id })
    .from(aiPersonalities)
    .where(and(eq(aiPersonalities.tenantId, tenantId), eq(aiPersonalities.id, personalityId)))
    .for('update');
  return row;
}

async function clearLiveVersion(tx: Transaction, tenantId: string, personalityId: string) {
  await tx
    .update(personalityVersions)
    .set({ isLive: false })
    .where(and(eq(personalityVersions.tenantId, tenantId), eq(personalityVersions.personalityId, personalityId), eq(personalityVersions.isLive, true)));
}

/**
 * Saves settings as the personality's next version. A live version also becomes the
 * personality's settings (what replies use); a draft waits to be tested and made live.
 */
export async function addPersonalityVersion(
  tx: Transaction,
  tenantId: string,
  personalityId: string,
  settings: PersonalitySettings,
  options: { live: boolean; note?: string | null; createdBy?: string | null },
): Promise<PersonalityVersion | undefined> {
  if (!(await lockPersonality(tx, tenantId, personalityId))) return undefined;
  const [{ next }] = (await tx
    .select({ next: sql<number>`coalesce(max(${personalityVersions.version}), 0)::int + 1` })
    .from(personalityVersions)
    .where(and(eq(personalityVersions.tenantId, tenantId), eq(personalityVersions.personalityId, personalityId)))) as [{ next: number }];
  if (options.live) await clearLiveVersion(tx, tenantId, personalityId);
  const [version] = await tx
    .insert(personalityVersions)
    .values({
      tenantId,
      personalityId,
      version: next,
      ...settingsOf(settings),
      note: options.note ?? null,
      createdBy: options.createdBy ?? null,
      isLive: options.live,
      publishedAt: options.live ? sql`now()` : null,
    })
    .returning();
  if (options.live) await updatePersonality(tx, tenantId, personalityId, settingsOf(settings));
  return version;
}

/** Makes a saved version live: publishing a tested draft, or rolling back to an earlier one. */
export async function makePersonalityVersionLive(tx: Transaction, tenantId: string, version: PersonalityVersion) {
  if (!(await lockPersonality(tx, tenantId, version.personalityId))) return undefined;
  await clearLiveVersion(tx, tenantId, version.personalityId);
  await tx
    .update(personalityVersions)
    .set({ isLive: true, publishedAt: sql`now()` })
    .where(and(eq(personalityVersions.tenantId, tenantId), eq(personalityVersions.id, version.id)));
  return updatePersonality(tx, tenantId, version.personalityId, settingsOf(version));
}
