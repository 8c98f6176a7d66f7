import { eq } from 'drizzle-orm';
import { WebhookEvent } from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, type Database, getDatabase } from '@/db/client';
import { costEvents, meetingParticipants, meetings } from '@/db/schema';
import type { LiveKitConfig } from '@/lib/livekit/config';
import { roomNameFor } from '@/lib/livekit/config';
import { RECONCILE_GRACE_MS, reconcileMeetings } from '@/lib/meetings/reconcile';
import { applyWebhookEvent } from '@/lib/meetings/webhooks';
import { startLiveKitServer, type LiveKitTestServer } from '../helpers/livekit-server';
import { type ParticipantSpec, webhookEvent } from '../helpers/livekit-webhooks';
import { createTeam } from '../helpers/team';

// The reconciler closes connections whose leave event was lost, using the room API for running
// meetings and the room's end for finished ones, and never bills a connection twice.
describe('meeting reconciler', () => {
  let server: LiveKitTestServer;
  let config: LiveKitConfig;
  let db: Database;
  let tenantId: string;
  const base = Math.floor(Date.now() / 1000) - 1800;

  beforeAll(async () => {
    server = await startLiveKitServer();
    config = { apiUrl: server.url, publicUrl: 'ws://unused', apiKey: server.apiKey, apiSecret: server.apiSecret, agentName: 'assistant' };
    ({ db } = await getDatabase());
    ({ tenantId } = await createTeam(db));
  });
  afterAll(async () => {
    await server.close();
    await closeDatabase();
  });

  async function liveMeeting() {
    const [meeting] = await db.insert(meetings).values({ tenantId, roomName: `tmp-${Math.random()}`, title: 'Planning' }).returning();
    const roomName = roomNameFor(tenantId, meeting!.id);
    await db.update(meetings).set({ roomName }).where(eq(meetings.id, meeting!.id));
    return { meetingId: meeting!.id, roomName };
  }
  let eventNumber = 0;
  const deliver = (spec: Omit<Parameters<typeof webhookEvent>[0], 'id'>) =>
    applyWebhookEvent(WebhookEvent.fromJsonString(webhookEvent({ ...spec, id: `EV_rec_${++eventNumber}` }), { ignoreUnknownFields: true }));
  const rows = (meetingId: string) => db.select().from(meetingParticipants).where(eq(meetingParticipants.meetingId, meetingId)).orderBy(meetingParticipants.participantSid);
  const livekitCosts = async (meetingId: string) =>
    (await db.select().from(costEvents).where(eq(costEvents.service, 'livekit'))).filter((event) => event.externalId?.startsWith(`livekit:${meetingId}:`));

  it('closes and bills once a participant whose leave event was lost, while the meeting runs', async () => {
    const { meetingId, roomName } = await liveMeeting();
    const { sid } = await (await import('@/lib/livekit/rooms')).createMeetingRoom(config, { name: roomName, maxParticipants: 10, metadata: {} });
    const ada: ParticipantSpec = { sid: 'PA_ada', identity: 'member-ada', joinedAt: base };
    const bo: ParticipantSpec = { sid: 'PA_bo', identity: 'member-bo', joinedAt: base + 30 };
    await deliver({ event: 'room_started', room: { name: roomName, sid }, at: base });
    await deliver({ event: 'participant_joined', room: { name: roomName, sid }, at: base, participant: ada });
    await deliver({ event: 'participant_joined', room: { name: roomName, sid }, at: base + 30, participant: bo });
    // Ada left (her leave webhook is lost); Bo is still there; Cy is there but her join was lost.
    server.addParticipant(roomName, { sid: 'PA_bo', identity: 'member-bo', joinedAt: base + 30 });
    server.addParticipant(roomName, { sid: 'PA_cy', identity: 'guest-cy', name: 'Cy (guest)', joinedAt: base + 60 });

    const now = new Date((base + 600) * 1000);
    const result = await reconcileMeetings({ now, config });
    expect(result).toMatchObject({ closed: 1, added: 1, billedMinutes: 10 });
    expect((await rows(meetingId)).map((row) => [row.participantSid, row.closeReason, row.billedMinutes, row.leftAt])).toEqual([
      ['PA_ada', 'reconciled', 10, now],
      ['PA_bo', null, null, null],
      ['PA_cy', null, null, null],
    ]);
    // Her leave event arrives after all: nothing is billed a second time.
    await deliver({ event: 'participant_left', room: { name: roomName, sid }, at: base + 200, participant: ada });
    await reconcileMeetings({ now: new Date(now.getTime() + 60_000), config });
    expect(await livekitCosts(meetingId)).toHaveLength(1);
  });

  it('ends a meeting whose room is gone, then closes what is left at that end after the grace period', async () => {
    const { meetingId, roomName } = await liveMeeting();
    const ada: ParticipantSpec = { sid: 'PA_ada2', identity: 'member-ada', joinedAt: base };
    await deliver({ event: 'participant_joined', room: { name: roomName }, at: base, participant: ada });
    // No room on the server: it closed and room_finished was lost too.
    const now = new Date((base + 300) * 1000);
    expect(await reconcileMeetings({ now, config })).toMatchObject({ ended: 1 });
    const [meeting] = await db.select().from(meetings).where(eq(meetings.id, meetingId));
    expect(meeting!.endedAt).toEqual(now);
    // Within the grace period late events may still come: nothing closed yet.
    await reconcileMeetings({ now: new Date(now.getTime() + RECONCILE_GRACE_MS - 1000), config });
    expect((await rows(meetingId))[0]!.billedMinutes).toBeNull();
    await reconcileMeetings({ now: new Date(now.getTime() + RECONCILE_GRACE_MS + 1000), config });
    expect((await rows(meetingId))[0]).toMatchObject({ closeReason: 'room_finished', leftAt: now, billedMinutes: 5 });
    await reconcileMeetings({ now: new Date(now.getTime() + RECONCILE_GRACE_MS + 60_000), config });
    expect(await livekitCosts(meetingId)).toHaveLength(1);
  });

  it('closes at the room end a connection whose leave was lost after room_finished arrived', async () => {
    const { meetingId, roomName } = await liveMeeting();
    const ada: ParticipantSpec = { sid: 'PA_ada3', identity: 'member-ada', joinedAt: base };
    await deliver({ event: 'participant_joined', room: { name: roomName }, at: base, participant: ada });
    await deliver({ event: 'room_finished', room: { name: roomName }, at: base + 125 });
    await reconcileMeetings({ now: new Date((base + 125) * 1000 + RECONCILE_GRACE_MS + 1000), config: null });
    expect((await rows(meetingId))[0]).toMatchObject({ closeReason: 'room_finished', leftAt: new Date((base + 125) * 1000), billedMinutes: 3 });
    expect(await livekitCosts(meetingId)).toHaveLength(1);
  });
});
