import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as personalities from '@/app/dashboard/personalities/mutations';
import { closeDatabase, type Database, getDatabase } from '@/db/client';
import { aiPersonalities, personalityVersions } from '@/db/schema';
import { createTeam, type Team } from '../helpers/team';

const SETTINGS = {
  name: 'Support',
  description: '',
  systemPrompt: 'You are the support assistant.',
  temperature: '0.7',
  topP: '1',
  frequencyPenalty: '0',
  presencePenalty: '0',
  maxTokens: '1024',
  preferredModel: '',
  isActive: 'on',
};

// Personality edits create versions: a draft is saved without changing replies, a version is
// made live (publishing a draft or rolling back), and the live settings are always the row's.
describe('personality versions', () => {
  let db: Database;
  let t: Team;
  const owner = () => ({ userId: t.users.owner, tenantId: t.tenantId });
  const personality = async () => (await db.select().from(aiPersonalities).where(eq(aiPersonalities.id, t.personalityId)))[0]!;
  const versions = () =>
    db.select().from(personalityVersions).where(and(eq(personalityVersions.tenantId, t.tenantId), eq(personalityVersions.personalityId, t.personalityId))).orderBy(asc(personalityVersions.version));

  beforeAll(async () => {
    ({ db } = await getDatabase());
    t = await createTeam(db);
  });
  afterAll(closeDatabase);

  it('saves a draft as the next version without changing what replies use; renaming applies at once', async () => {
    const state = await personalities.editPersonality.run(owner(), { ...SETTINGS, personalityId: t.personalityId, name: 'Helpdesk', systemPrompt: 'Answer in one sentence.', intent: 'draft', versionNote: 'Shorter' });
    expect(state).toMatchObject({ status: 'success', message: 'Saved as draft version 3. Test it under Evaluation, then make it live.' });
    expect(await personality()).toMatchObject({ name: 'Helpdesk', systemPrompt: 'You are the support assistant.' });
    const draft = (await versions()).at(-1)!;
    expect(draft).toMatchObject({ version: 3, isLive: false, systemPrompt: 'Answer in one sentence.', note: 'Shorter', createdBy: t.users.owner, publishedAt: null });
    expect(state.result!.versionId).toBe(draft.id);
  });

  it('refuses a draft identical to the live version', async () => {
    expect(await personalities.editPersonality.run(owner(), { ...SETTINGS, personalityId: t.personalityId, intent: 'draft' })).toMatchObject({ status: 'error', code: 'conflict', message: expect.stringContaining('live version already') });
  });

  it('makes a draft live, then rolls back to version 1, copying each version’s settings to the personality', async () => {
    const draft = (await versions()).at(-1)!;
    expect(await personalities.makeVersionLive.run(owner(), { versionId: draft.id })).toMatchObject({ status: 'success', message: 'Version 3 of Helpdesk is live. New replies use it right away.' });
    expect(await personality()).toMatchObject({ systemPrompt: 'Answer in one sentence.' });
    expect((await versions()).map((version) => [version.version, version.isLive])).toEqual([[1, false], [2, false], [3, true]]);

    const first = (await versions())[0]!;
    expect(await personalities.makeVersionLive.run(owner(), { versionId: first.id })).toMatchObject({ status: 'success' });
    expect(await personality()).toMatchObject({ systemPrompt: 'You are the support assistant.', temperature: first.temperature });
    expect((await versions()).filter((version) => version.isLive).map((version) => version.version)).toEqual([1]);
    expect(await personalities.makeVersionLive.run(owner(), { versionId: first.id })).toMatchObject({ status: 'error', code: 'conflict', message: 'Version 1 is already live.' });
  });

  it('publishing changed settings adds a live version; saving unchanged settings adds none', async () => {
    const before = (await versions()).length;
    expect(await personalities.editPersonality.run(owner(), { ...SETTINGS, personalityId: t.personalityId, name: 'Helpdesk' })).toMatchObject({ status: 'success' });
    expect(await versions()).toHaveLength(before);
    expect(await personalities.editPersonality.run(owner(), { ...SETTINGS, personalityId: t.personalityId, name: 'Helpdesk', temperature: '0.2', versionNote: 'Calmer' })).toMatchObject({ status: 'success' });
    const latest = (await versions()).at(-1)!;
    expect(latest).toMatchObject({ version: before + 1, isLive: true, temperature: '0.20', note: 'Calmer' });
    expect(await personality()).toMatchObject({ temperature: '0.20' });
  });

  it('gives a new or duplicated personality its own live version 1', async () => {
    const created = await personalities.addPersonality.run(owner(), { ...SETTINGS, name: 'Concierge' });
    const copy = await personalities.duplicatePersonality.run(owner(), { personalityId: created.result!.personalityId! });
    for (const personalityId of [created.result!.personalityId!, copy.result!.personalityId!]) {
      const rows = await db.select().from(personalityVersions).where(eq(personalityVersions.personalityId, personalityId));
      expect(rows).toMatchObject([{ version: 1, isLive: true, systemPrompt: SETTINGS.systemPrompt }]);
    }
  });

  it('deleting a personality deletes its versions', async () => {
    const created = await personalities.addPersonality.run(owner(), { ...SETTINGS, name: 'Temporary' });
    const personalityId = created.result!.personalityId!;
    expect(await personalities.removePersonality.run(owner(), { personalityId })).toMatchObject({ status: 'success' });
    expect(await db.select().from(personalityVersions).where(eq(personalityVersions.personalityId, personalityId))).toEqual([]);
  });
});
