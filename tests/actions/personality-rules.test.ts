import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as personalities from '@/app/dashboard/personalities/mutations';
import { type Database, getDatabase } from '@/db/client';
import { aiPersonalities, widgets } from '@/db/schema';
import { type MultiConnectionDatabase, useMultiConnectionDatabase } from '../helpers/database';
import { createTeam, type Team } from '../helpers/team';

const VALID = {
  name: 'Concierge',
  description: 'For the pricing page',
  systemPrompt: 'You help visitors choose a plan.',
  temperature: '0.7',
  topP: '0.9',
  frequencyPenalty: '-0.5',
  presencePenalty: '1.25',
  maxTokens: '1024',
  preferredModel: '',
  isActive: 'on',
};

describe('personality rules', () => {
  let db: Database;
  let t: Team;
  const owner = () => ({ userId: t.users.owner, tenantId: t.tenantId });
  const rows = () => db.select().from(aiPersonalities).where(eq(aiPersonalities.tenantId, t.tenantId)).orderBy(aiPersonalities.name);

  // Actions run through postgres.js with a pool, so concurrent ones take different connections.
  let database: MultiConnectionDatabase;
  beforeAll(async () => {
    database = await useMultiConnectionDatabase();
    ({ db } = await getDatabase());
  });
  afterAll(async () => database?.close());

  it('stores valid settings exactly as typed', async () => {
    t = await createTeam(db);
    expect(await personalities.addPersonality.run(owner(), VALID)).toMatchObject({ status: 'success' });
    const created = (await rows()).find((row) => row.name === 'Concierge')!;
    expect(created).toMatchObject({ temperature: '0.70', topP: '0.90', frequencyPenalty: '-0.50', presencePenalty: '1.25', maxTokens: 1024, preferredModel: null, isActive: true, isDefault: false });
  });

  it.each([
    ['temperature', '-0.01'], ['temperature', '2.01'], ['temperature', 'warm'], ['temperature', '0.555'],
    ['topP', '-0.1'], ['topP', '1.01'],
    ['frequencyPenalty', '-2.01'], ['frequencyPenalty', '2.5'],
    ['presencePenalty', '-3'], ['presencePenalty', '2.01'],
    ['maxTokens', '0'], ['maxTokens', '15'], ['maxTokens', '12.5'], ['maxTokens', '1000000'],
    ['name', ''], ['name', 'x'.repeat(81)], ['systemPrompt', 'short'],
    ['preferredModel', 'gpt-4o'],
  ])('refuses %s = %j with a message on that field', async (field, value) => {
    t = await createTeam(db);
    const before = await rows();
    const state = await personalities.addPersonality.run(owner(), { ...VALID, [field]: value });
    expect(state.status).toBe('error');
    expect(state.fieldErrors?.[field]?.length, JSON.stringify(state)).toBeGreaterThan(0);
    expect(await rows()).toEqual(before);
  });

  it('accepts each range at its bounds', async () => {
    t = await createTeam(db);
    const bounds = { temperature: '2', topP: '0', frequencyPenalty: '-2', presencePenalty: '2', maxTokens: '16' };
    expect(await personalities.addPersonality.run(owner(), { ...VALID, ...bounds })).toMatchObject({ status: 'success' });
    expect(await personalities.addPersonality.run(owner(), { ...VALID, name: 'Other', temperature: '0', topP: '1', frequencyPenalty: '2', presencePenalty: '-2' })).toMatchObject({ status: 'success' });
  });

  it('refuses a second personality with the same name', async () => {
    t = await createTeam(db);
    expect(await personalities.addPersonality.run(owner(), { ...VALID, name: 'Support' })).toMatchObject({ status: 'error', code: 'conflict' });
  });

  // PGlite runs one transaction at a time (tests/db/multi-connection.test.ts), so this shows
  // that concurrent switches through a connection pool all succeed and leave one default, not
  // that the tenant-row lock orders overlapping transactions: that needs a PostgreSQL server.
  it('leaves exactly one default when switches arrive at once on several connections', async () => {
    t = await createTeam(db);
    const extra = [];
    for (const name of ['A', 'B', 'C', 'D']) {
      const state = await personalities.addPersonality.run(owner(), { ...VALID, name });
      extra.push(state.result!.personalityId!);
    }
    const candidates = [t.personalityId, t.sparePersonalityId, ...extra];
    const { result: results, connections } = await database.connectionsUsedDuring(() =>
      Promise.all([...candidates, ...candidates].map((personalityId) => personalities.makeDefaultPersonality.run(owner(), { personalityId }))),
    );
    expect(connections).toBeGreaterThan(1);
    expect(results.every((state) => state.status === 'success')).toBe(true);
    expect((await rows()).filter((row) => row.isDefault)).toHaveLength(1);
  });

  it('makes a new personality the default when asked, replacing the old one', async () => {
    t = await createTeam(db);
    await personalities.addPersonality.run(owner(), { ...VALID, makeDefault: 'on' });
    expect((await rows()).filter((row) => row.isDefault).map((row) => row.name)).toEqual(['Concierge']);
  });

  it('keeps the default active', async () => {
    t = await createTeam(db);
    const { isActive: _isActive, ...inactive } = VALID;
    const state = await personalities.editPersonality.run(owner(), { ...inactive, personalityId: t.personalityId });
    expect(state).toMatchObject({ status: 'error', code: 'conflict' });
    expect((await rows()).find((row) => row.id === t.personalityId)!.isActive).toBe(true);
  });

  it('will not delete a personality used by a widget without a replacement, then moves the widget', async () => {
    t = await createTeam(db);
    const [widget] = await db.insert(widgets).values({ tenantId: t.tenantId, name: 'Site', personalityId: t.sparePersonalityId }).returning();
    expect(await personalities.removePersonality.run(owner(), { personalityId: t.sparePersonalityId })).toMatchObject({ status: 'error', code: 'conflict', message: expect.stringContaining('1 widget uses') });
    expect((await rows()).map((row) => row.name)).toEqual(['Sales', 'Support']);
    expect(await personalities.removePersonality.run(owner(), { personalityId: t.sparePersonalityId, replacementId: t.sparePersonalityId })).toMatchObject({ status: 'error' });
    expect(await personalities.removePersonality.run(owner(), { personalityId: t.sparePersonalityId, replacementId: t.personalityId })).toMatchObject({ status: 'success' });
    const [moved] = await db.select().from(widgets).where(and(eq(widgets.tenantId, t.tenantId), eq(widgets.id, widget!.id)));
    expect(moved!.personalityId).toBe(t.personalityId);
    expect((await rows()).map((row) => row.name)).toEqual(['Support']);
  });

  it('hands the default role to the replacement when the default is deleted', async () => {
    t = await createTeam(db);
    expect(await personalities.removePersonality.run(owner(), { personalityId: t.personalityId })).toMatchObject({ status: 'error', code: 'conflict' });
    expect(await personalities.removePersonality.run(owner(), { personalityId: t.personalityId, replacementId: t.sparePersonalityId })).toMatchObject({ status: 'success' });
    expect(await rows()).toMatchObject([{ name: 'Sales', isDefault: true }]);
  });

  it('duplicates with a free name and without the default flag', async () => {
    t = await createTeam(db);
    await personalities.duplicatePersonality.run(owner(), { personalityId: t.personalityId });
    await personalities.duplicatePersonality.run(owner(), { personalityId: t.personalityId });
    const names = (await rows()).map((row) => [row.name, row.isDefault, row.systemPrompt]);
    expect(names).toEqual([
      ['Sales', false, 'You are the sales assistant.'],
      ['Support', true, 'You are the support assistant.'],
      ['Support (copy 2)', false, 'You are the support assistant.'],
      ['Support (copy)', false, 'You are the support assistant.'],
    ]);
  });
});
