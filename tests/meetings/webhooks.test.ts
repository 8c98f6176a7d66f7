import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST } from '@/app/api/livekit/webhook/route';
import { closeDatabase, type Database, getDatabase } from '@/db/client';
import { closeQueue } from '@/db/queue';
import { costEvents, livekitWebhookEvents, meetingParticipants, meetings, sessions } from '@/db/schema';
import { findPrice } from '@/lib/costs/prices';
import { roomNameFor } from '@/lib/livekit/config';
import { LIVEKIT_PRICE_MODELS } from '@/lib/meetings/accounting';
import { reconcileMeetings } from '@/lib/meetings/reconcile';
import { expectedCost } from '../costs/helpers';
import { LIVEKIT_TEST_KEY, LIVEKIT_TEST_SECRET, type ParticipantSpec, webhookEvent, webhookRequest } from '../helpers/livekit-webhooks';
import { seededRandom } from '../helpers/random';
import { createTeam } from '../helpers/team';

process.env.LIVEKIT_URL = 'http://127.0.0.1:9';
process.env.LIVEKIT_API_KEY = LIVEKIT_TEST_KEY;
process.env.LIVEKIT_API_SECRET = LIVEKIT_TEST_SECRET;

const MINUTE_PRICE = findPrice('livekit', LIVEKIT_PRICE_MODELS.person)!.perParticipantMinute;
const AGENT_MINUTE_PRICE = findPrice('livekit', LIVEKIT_PRICE_MODELS.assistant)!.perParticipantMinute;

describe('LiveKit webhooks', () => {
  let db: Database;
  let tenantId: string;
  const base = Math.floor(Date.now() / 1000) - 3600;

  beforeAll(async () => {
    ({ db } = await getDatabase());
    ({ tenantId } = await createTeam(db));
  });
  afterAll(async () => {
    await closeQueue();
    await closeDatabase();
  });

  async function newMeeting() {
    const [meeting] = await db.insert(meetings).values({ tenantId, roomName: 'pending', title: 'Standup' }).returning();
    const roomName = roomNameFor(tenantId, meeting!.id);
    await db.update(meetings).set({ roomName }).where(eq(meetings.id, meeting!.id));
    return { meetingId: meeting!.id, roomName };
  }

  const post = async (body: string, options?: Parameters<typeof webhookRequest>[1]) => {
    const response = await POST(await webhookRequest(body, options));
    return { status: response.status, body: (await response.json()) as { status?: string; code?: string; message?: string } };
  };

  async function state(meetingId: string) {
    const participants = await db.select().from(meetingParticipants).where(eq(meetingParticipants.meetingId, meetingId)).orderBy(meetingParticipants.participantSid);
    const [meeting] = await db.select().from(meetings).where(eq(meetings.id, meetingId));
    const costs = await db
      .select({ units: costEvents.units, costUsd: costEvents.costUsd, model: costEvents.model, externalId: costEvents.externalId })
      .from(costEvents)
      .innerJoin(sessions, eq(sessions.id, costEvents.sessionId))
      .where(and(eq(sessions.meetingId, meetingId), eq(costEvents.service, 'livekit')));
    const [total] = await db
      .select({ cost: sql<string>`coalesce(sum(${costEvents.costUsd}), 0)::numeric(14,8)::text` })
      .from(costEvents)
      .innerJoin(sessions, eq(sessions.id, costEvents.sessionId))
      .where(eq(sessions.meetingId, meetingId));
    return { participants, meeting: meeting!, costs, total: total!.cost };
  }

  const alice = (joinedAt: number): ParticipantSpec => ({ sid: 'PA_alice1', identity: 'member-alice', name: 'Alice', joinedAt });

  it('records a meeting from signed events: start, a join and a leave billed in whole minutes', async () => {
    const { meetingId, roomName } = await newMeeting();
    const room = { name: roomName, sid: 'RM_abc' };
    expect((await post(webhookEvent({ id: 'EV_s1', event: 'room_started', room, at: base }))).body).toEqual({ status: 'processed' });
    await post(webhookEvent({ id: 'EV_j1', event: 'participant_joined', room, at: base + 5, participant: alice(base + 5) }));
    // 2 minutes 1 second: billed as 3 minutes.
    await post(webhookEvent({ id: 'EV_l1', event: 'participant_left', room, at: base + 5 + 121, participant: alice(base + 5) }));
    const { participants, meeting, costs } = await state(meetingId);
    expect(meeting).toMatchObject({ startedAt: new Date(base * 1000), livekitRoomId: 'RM_abc', participantMinutes: '3.00' });
    expect(participants).toMatchObject([{ identity: 'member-alice', name: 'Alice', kind: 'person', billedMinutes: 3, closeReason: 'left' }]);
    expect(costs).toEqual([{ units: '3.0000', costUsd: expectedCost([['3', MINUTE_PRICE]]), model: 'participant-minutes', externalId: `livekit:${meetingId}:PA_alice1` }]);
  });

  it('refuses a tampered body, a wrong key, a missing signature and a malformed body, storing nothing', async () => {
    const { meetingId, roomName } = await newMeeting();
    const body = webhookEvent({ id: 'EV_t1', event: 'participant_joined', room: { name: roomName }, at: base, participant: alice(base) });
    const signedForOriginal = (await webhookRequest(body)).headers.get('authorization')!;
    const tampered = body.replace('Alice', 'Mallory');
    expect(await post(tampered, { authorization: signedForOriginal })).toMatchObject({ status: 401, body: { code: 'invalid_signature' } });
    expect(await post(body, { apiSecret: 'another-secret-another-secret-another-secret-12' })).toMatchObject({ status: 401, body: { code: 'invalid_signature' } });
    expect(await post(body, { apiKey: 'APIother' })).toMatchObject({ status: 401 });
    expect(await post(body, { authorization: null })).toMatchObject({ status: 401, body: { code: 'unauthenticated' } });
    expect(await post(body, { authorization: 'not-a-jwt' })).toMatchObject({ status: 401 });
    expect(await post('{"event": "participant_joined", "room": ')).toMatchObject({ status: 400 });
    const { participants } = await state(meetingId);
    expect(participants).toEqual([]);
    expect(await db.select().from(livekitWebhookEvents).where(eq(livekitWebhookEvents.eventId, 'EV_t1'))).toEqual([]);
  });

  it('refuses an oversized body with 413', async () => {
    const response = await POST(new Request('http://localhost/api/livekit/webhook', { method: 'POST', body: 'x'.repeat(70 * 1024), headers: { authorization: 'x' } }));
    expect(response.status).toBe(413);
  });

  it('applies a replayed or duplicated event once: no double billing', async () => {
    const { meetingId, roomName } = await newMeeting();
    const room = { name: roomName };
    const join = webhookEvent({ id: 'EV_d1', event: 'participant_joined', room, at: base, participant: alice(base) });
    const leave = webhookEvent({ id: 'EV_d2', event: 'participant_left', room, at: base + 30, participant: alice(base) });
    await post(join);
    expect((await post(leave)).body.status).toBe('processed');
    // The identical delivery again (LiveKit retry), and a replay re-signed later.
    expect((await post(leave)).body.status).toBe('duplicate');
    expect((await post(join)).body.status).toBe('duplicate');
    const { costs, meeting } = await state(meetingId);
    expect(costs).toHaveLength(1);
    expect(meeting.participantMinutes).toBe('1.00');
  });

  it('tolerates out-of-order events: a leave before its join, and a finish before both', async () => {
    const { meetingId, roomName } = await newMeeting();
    const room = { name: roomName };
    const bob: ParticipantSpec = { sid: 'PA_bob1', identity: 'guest-bob', name: 'Bob (guest)', joinedAt: base + 60 };
    await post(webhookEvent({ id: 'EV_o3', event: 'room_finished', room, at: base + 900 }));
    await post(webhookEvent({ id: 'EV_o2', event: 'participant_left', room, at: base + 60 + 360, participant: bob }));
    await post(webhookEvent({ id: 'EV_o1', event: 'participant_joined', room, at: base + 60, participant: bob }));
    await post(webhookEvent({ id: 'EV_o0', event: 'room_started', room, at: base }));
    const { participants, meeting } = await state(meetingId);
    expect(meeting).toMatchObject({ startedAt: new Date(base * 1000), endedAt: new Date((base + 900) * 1000), participantMinutes: '6.00' });
    expect(participants).toMatchObject([{ joinedAt: new Date((base + 60) * 1000), leftAt: new Date((base + 420) * 1000), billedMinutes: 6 }]);
  });

  it('acknowledges events of rooms it does not know without storing anything', async () => {
    const other = await post(webhookEvent({ id: 'EV_u1', event: 'participant_joined', room: { name: 'someone-elses-room' }, at: base, participant: alice(base) }));
    expect(other).toMatchObject({ status: 200, body: { status: 'unknown_room' } });
    const missing = roomNameFor(tenantId, '00000000-0000-4000-8000-000000000000');
    expect((await post(webhookEvent({ id: 'EV_u2', event: 'room_started', room: { name: missing }, at: base }))).body.status).toBe('unknown_room');
    expect(await db.select().from(livekitWebhookEvents).where(sql`${livekitWebhookEvents.eventId} in ('EV_u1', 'EV_u2')`)).toEqual([]);
  });

  it('bills the assistant and recorders as their own kinds, and tracks the assistant being present', async () => {
    const { meetingId, roomName } = await newMeeting();
    await db.update(meetings).set({ assistantState: 'invited' }).where(eq(meetings.id, meetingId));
    const room = { name: roomName };
    const agent: ParticipantSpec = { sid: 'PA_agent', identity: 'agent-AJ_1', joinedAt: base, kind: 4 };
    const recorder: ParticipantSpec = { sid: 'PA_rec', identity: 'EG_1', joinedAt: base, kind: 2 };
    await post(webhookEvent({ id: 'EV_k1', event: 'participant_joined', room, at: base, participant: agent }));
    expect((await state(meetingId)).meeting.assistantState).toBe('active');
    await post(webhookEvent({ id: 'EV_k2', event: 'participant_left', room, at: base + 600, participant: agent }));
    await post(webhookEvent({ id: 'EV_k3', event: 'participant_connection_aborted', room, at: base + 61, participant: recorder }));
    const { participants, meeting, costs } = await state(meetingId);
    expect(meeting.assistantState).toBe('off');
    expect(participants.map((p) => [p.kind, p.billedMinutes, p.closeReason])).toEqual([
      ['assistant', 10, 'left'],
      ['recorder', 2, 'aborted'],
    ]);
    expect(costs.map((c) => c.model).sort()).toEqual(['agent-session-minutes', 'egress-minutes']);
    expect(costs.find((c) => c.model === 'agent-session-minutes')!.costUsd).toBe(expectedCost([['10', AGENT_MINUTE_PRICE]]));
  });

  // ---- the property: any interleaving gives the minutes a direct recomputation gives ----

  it.each(Array.from({ length: 12 }, (_, i) => i + 1))('any interleaving of join/leave/finish events gives the recomputed minutes (seed %i)', async (seed) => {
    const rand = seededRandom(seed);
    const int = (max: number) => Math.floor(rand() * max);
    const { meetingId, roomName } = await newMeeting();
    const room = { name: roomName };
    type Connection = { sid: string; joinedAt: number; leftAt: number; leaveLost: boolean };
    const connections: Connection[] = [];
    const people = 2 + int(4);
    for (let person = 0; person < people; person++) {
      let t = base + int(120);
      for (let c = 0, count = 1 + int(3); c < count; c++) {
        const duration = int(900);
        connections.push({ sid: `PA_${seed}_${person}_${c}`, joinedAt: t, leftAt: t + duration, leaveLost: rand() < 0.2 });
        t += duration + 1 + int(60);
      }
    }
    const endedAt = Math.max(...connections.map((c) => c.leftAt)) + 1 + int(30);
    const events: string[] = [];
    let n = 0;
    for (const c of connections) {
      const participant: ParticipantSpec = { sid: c.sid, identity: `id-${c.sid.split('_')[2]}`, joinedAt: c.joinedAt };
      events.push(webhookEvent({ id: `EV_${seed}_${n++}`, event: 'participant_joined', room, at: c.joinedAt, participant }));
      if (!c.leaveLost) events.push(webhookEvent({ id: `EV_${seed}_${n++}`, event: rand() < 0.8 ? 'participant_left' : 'participant_connection_aborted', room, at: c.leftAt, participant }));
    }
    events.push(webhookEvent({ id: `EV_${seed}_${n++}`, event: 'room_finished', room, at: endedAt }));
    // Retries: some deliveries arrive twice.
    for (let i = 0, dupes = int(5); i < dupes; i++) events.push(events[int(events.length)]!);
    for (let i = events.length - 1; i > 0; i--) {
      const j = int(i + 1);
      [events[i], events[j]] = [events[j]!, events[i]!];
    }
    for (const body of events) expect((await post(body)).status).toBe(200);
    // Connections whose leave was lost are closed at the room's end once the grace period passed.
    await reconcileMeetings({ now: new Date((endedAt + 3600) * 1000), config: null });

    const expected = new Map(connections.map((c) => [c.sid, Math.max(1, Math.ceil(((c.leaveLost ? endedAt : c.leftAt) - c.joinedAt) / 60))]));
    const totalMinutes = [...expected.values()].reduce((a, b) => a + b, 0);
    const { participants, meeting, costs, total } = await state(meetingId);
    expect(Object.fromEntries(participants.map((p) => [p.participantSid, p.billedMinutes]))).toEqual(Object.fromEntries(expected));
    expect(costs).toHaveLength(connections.length);
    expect(meeting.participantMinutes).toBe(`${totalMinutes}.00`);
    expect(total).toBe(expectedCost([[String(totalMinutes), MINUTE_PRICE]]));
    // A second reconciliation finds nothing left to do.
    const again = await reconcileMeetings({ now: new Date((endedAt + 3700) * 1000), config: null });
    expect(again.billedMinutes).toBe(0);
  });
});
