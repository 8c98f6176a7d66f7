import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST } from '@/app/api/v1/usage/route';
import { closeDatabase, type Database, getDatabase } from '@/db/client';
import { apiKeys, costEvents, sessions, tenants } from '@/db/schema';
import { newSecretKey } from '@/lib/auth/tokens';
import { rateLimitClock } from '@/lib/rate-limit';
import { createTeam, type Team } from '../helpers/team';

describe('POST /api/v1/usage', () => {
  let db: Database;
  let a: Team;
  let b: Team;
  let keyOfA: string;
  let keyOfB: string;
  let revokedKeyOfA: string;

  async function newKey(tenantId: string, revoked = false) {
    const { key, prefix, hash } = newSecretKey();
    await db.insert(apiKeys).values({ tenantId, name: 'Agent', prefix, keyHash: hash, revokedAt: revoked ? new Date() : null });
    return key;
  }

  beforeAll(async () => {
    ({ db } = await getDatabase());
    a = await createTeam(db, 'A');
    b = await createTeam(db, 'B');
    keyOfA = await newKey(a.tenantId);
    keyOfB = await newKey(b.tenantId);
    revokedKeyOfA = await newKey(a.tenantId, true);
  });
  afterAll(closeDatabase);

  const post = (body: unknown, key?: string, raw?: string) =>
    POST(
      new Request('http://localhost/api/v1/usage', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
        body: raw ?? JSON.stringify(body),
      }),
    );
  const eventsOf = (tenantId: string) => db.select().from(costEvents).where(eq(costEvents.tenantId, tenantId));
  const stt = (id: string, extra: Record<string, unknown> = {}) => ({ id, service: 'voice_stt', model: 'nova-3', minutes: 12.5, ...extra });

  it('records usage once (201), and a retry with the same id returns the original (200)', async () => {
    const first = await post(stt('call-1'), keyOfA);
    expect(first.status).toBe(201);
    const created = await first.json();
    expect(created).toMatchObject({
      duplicate: false,
      spendCapReached: false,
      event: { id: 'call-1', service: 'voice_stt', provider: 'deepgram', model: 'nova-3', units: '12.5000', unit: 'minutes', costUsd: '0.05375000' },
    });
    const again = await post(stt('call-1', { minutes: 99 }), keyOfA);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ ...created, duplicate: true });
    expect((await eventsOf(a.tenantId)).filter((e) => e.externalId === 'call-1')).toHaveLength(1);
  });

  it('accepts every service reported by agents', async () => {
    const bodies = [
      { id: 'tts-1', service: 'voice_tts', model: 'tts-1', characters: 1200 },
      { id: 'img-1', service: 'vision', model: 'gpt-4o-mini-vision', images: 3 },
      { id: 'room-1', service: 'livekit', model: 'cloud', participantMinutes: '45.25' },
      { id: 'llm-1', service: 'llm', model: 'gpt-4o', inputTokens: 1000, outputTokens: 200 },
      { id: 'emb-1', service: 'embedding', model: 'voyage-3.5', tokens: 5000 },
    ];
    for (const body of bodies) expect((await post(body, keyOfA)).status, body.service).toBe(201);
  });

  it('attaches usage to a conversation of the workspace only', async () => {
    const [ownSession] = await db.insert(sessions).values({ tenantId: a.tenantId }).returning();
    const [foreignSession] = await db.insert(sessions).values({ tenantId: b.tenantId }).returning();
    expect((await post(stt('in-session', { sessionId: ownSession!.id }), keyOfA)).status).toBe(201);
    const [after] = await db.select().from(sessions).where(eq(sessions.id, ownSession!.id));
    expect(after!.costUsd).toBe('0.05375000');
    const foreign = await post(stt('foreign-session', { sessionId: foreignSession!.id }), keyOfA);
    expect(foreign.status).toBe(422);
    expect((await foreign.json()).message).toBe('sessionId is not a conversation of this workspace.');
  });

  it('refuses a missing, wrong or revoked key with 401 and a publishable key with 403', async () => {
    const cases: Array<[string | undefined, number, string]> = [
      [undefined, 401, 'Missing API key'],
      ['sk_live_not-a-real-key', 401, 'Invalid or revoked API key.'],
      [revokedKeyOfA, 401, 'Invalid or revoked API key.'],
      ['pk_test_acme_1234567890', 403, 'publishable key'],
    ];
    for (const [key, status, message] of cases) {
      const response = await post(stt(`refused-${status}-${key}`), key);
      expect(response.status, String(key)).toBe(status);
      expect((await response.json()).message).toContain(message);
    }
    expect((await eventsOf(a.tenantId)).some((e) => e.externalId?.startsWith('refused-'))).toBe(false);
  });

  it("records with another tenant's key into that tenant only, and ids are per tenant", async () => {
    const response = await post(stt('call-1'), keyOfB);
    expect(response.status).toBe(201); // the same id in another workspace is another event
    expect((await eventsOf(b.tenantId)).map((e) => e.externalId)).toEqual(['call-1']);
    expect((await eventsOf(a.tenantId)).filter((e) => e.externalId === 'call-1')).toHaveLength(1);
  });

  it('answers 422 with the reasons for a bad payload and an unpriced model', async () => {
    const cases: Array<[unknown, string]> = [
      [{ service: 'voice_stt', model: 'nova-3', minutes: 1 }, 'id'],
      [{ id: 'x', service: 'teleport', model: 'nova-3', minutes: 1 }, 'service'],
      [{ id: 'x', service: 'voice_stt', model: 'nova-3', minutes: -1 }, 'minutes'],
      [{ id: 'x', service: 'voice_stt', model: 'nova-3', minutes: '1.23456' }, 'minutes'],
      [{ id: 'x', service: 'vision', model: 'gpt-4o-mini-vision', images: 1.5 }, 'images'],
      [{ id: 'x', service: 'vision', model: 'gpt-4o-mini-vision', images: 1, extra: true }, ''],
      [{ id: 'x', service: 'vision', model: 'gpt-4o-mini-vision', images: 1, occurredAt: 'yesterday' }, 'occurredAt'],
    ];
    for (const [body, path] of cases) {
      const response = await post(body, keyOfA);
      expect(response.status, JSON.stringify(body)).toBe(422);
      const json = await response.json();
      expect(json.message).toBe('The usage report is invalid.');
      expect(json.issues.map((issue: { path: string }) => issue.path)).toContain(path);
    }
    const unpriced = await post({ id: 'x', service: 'voice_stt', model: 'whisper-9', minutes: 1 }, keyOfA);
    expect(unpriced.status).toBe(422);
    expect((await unpriced.json()).message).toBe('There is no price for voice_stt model "whisper-9". Priced models: nova-3, whisper-1, gpt-4o-transcribe, gpt-4o-mini-transcribe.');
    const future = await post(stt('future', { occurredAt: new Date(Date.now() + 86_400_000).toISOString() }), keyOfA);
    expect(future.status).toBe(422);
    const notJson = await post(undefined, keyOfA, '{"id": ');
    expect(notJson.status).toBe(400);
    expect((await eventsOf(a.tenantId)).some((e) => e.externalId === 'x' || e.externalId === 'future')).toBe(false);
  });

  it('says when the monthly cap is reached, and still records usage that happened', async () => {
    await db.update(tenants).set({ monthlySpendCapUsd: '0.01' }).where(eq(tenants.id, b.tenantId));
    const response = await post(stt('over-cap', { minutes: 10 }), keyOfB);
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ spendCapReached: true });
  });

  it('rate limits per key', async () => {
    const key = await newKey(b.tenantId);
    // Time stands still, so a slow run cannot cross into the next one-minute window.
    const now = rateLimitClock.now;
    const frozen = new Date();
    rateLimitClock.now = () => frozen;
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 601; i++) statuses.push((await post({ service: 'nope' }, key)).status);
      expect(statuses.slice(0, 600).every((status) => status === 422)).toBe(true);
      const limited = await post({ service: 'nope' }, key);
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBeTruthy();
    } finally {
      rateLimitClock.now = now;
    }
  }, 120_000);
});
