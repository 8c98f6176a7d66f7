import { eq } from 'drizzle-orm';
import { TokenVerifier, TrackSource } from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST as guestTokenRoute } from '@/app/api/meetings/guest-token/route';
import { closeDatabase, type Database, getDatabase } from '@/db/client';
import { costEvents, meetingParticipants, meetings, tenants } from '@/db/schema';
import type { LiveKitConfig } from '@/lib/livekit/config';
import { roomNameFor } from '@/lib/livekit/config';
import {
  createMeetingRoom,
  deleteMeetingRoom,
  dispatchAssistant,
  listRoomParticipants,
  LiveKitUnavailableError,
  removeRoomParticipant,
  ROOM_DEPARTURE_TIMEOUT_SECONDS,
  ROOM_EMPTY_TIMEOUT_SECONDS,
} from '@/lib/livekit/rooms';
import { JOIN_TOKEN_TTL_SECONDS, mintJoinToken } from '@/lib/livekit/tokens';
import { createGuestLinkToken, newGuestLinkId } from '@/lib/meetings/guest-links';
import { joinAsGuest, joinAsMember, JoinRefusedError } from '@/lib/meetings/join';
import { startLiveKitServer, type LiveKitTestServer } from '../helpers/livekit-server';
import { createTeam, type Team } from '../helpers/team';

const PUBLISH_SOURCES = [TrackSource.CAMERA, TrackSource.MICROPHONE, TrackSource.SCREEN_SHARE, TrackSource.SCREEN_SHARE_AUDIO].map((source) => Number(source));

describe('LiveKit rooms and join tokens', () => {
  let server: LiveKitTestServer;
  let config: LiveKitConfig;
  let verifier: TokenVerifier;
  let db: Database;
  let a: Team;
  let b: Team;

  beforeAll(async () => {
    server = await startLiveKitServer();
    config = { apiUrl: server.url, publicUrl: 'wss://meet.example.test', apiKey: server.apiKey, apiSecret: server.apiSecret, agentName: 'assistant' };
    verifier = new TokenVerifier(server.apiKey, server.apiSecret);
    ({ db } = await getDatabase());
    a = await createTeam(db, 'A');
    b = await createTeam(db, 'B');
  });
  afterAll(async () => {
    await server.close();
    await closeDatabase();
  });

  async function meetingOf(team: Team, values: Partial<typeof meetings.$inferInsert> = {}) {
    const [meeting] = await db.insert(meetings).values({ tenantId: team.tenantId, roomName: `tmp-${Math.random()}`, title: 'Weekly sync', ...values }).returning();
    const roomName = roomNameFor(team.tenantId, meeting!.id);
    await db.update(meetings).set({ roomName }).where(eq(meetings.id, meeting!.id));
    return { ...meeting!, roomName };
  }

  const member = (team: Team, who: keyof Team['users'] = 'member') => ({ userId: team.users[who], tenantId: team.tenantId, name: who, email: `${who}@example.com` });

  describe('tokens', () => {
    it('carry exactly the least grants, a short TTL, the identity, and the tenant in attributes', async () => {
      const { token, expiresAt } = await mintJoinToken(config, { roomName: 'm_room', identity: 'member-1', name: 'Ada', tenantId: a.tenantId, meetingId: 'meeting-1', role: 'member' });
      const claims = await verifier.verify(token);
      expect(claims.sub).toBe('member-1');
      expect(claims.name).toBe('Ada');
      expect(claims.video).toEqual({
        roomJoin: true,
        room: 'm_room',
        canPublish: true,
        canPublishSources: ['camera', 'microphone', 'screen_share', 'screen_share_audio'],
        canSubscribe: true,
        canPublishData: true,
        canUpdateOwnMetadata: false,
      });
      expect(claims.attributes).toEqual({ tenantId: a.tenantId, meetingId: 'meeting-1', role: 'member' });
      expect(claims.exp! - claims.nbf!).toBe(JOIN_TOKEN_TTL_SECONDS);
      expect(Math.abs(expiresAt.getTime() / 1000 - claims.exp!)).toBeLessThan(2);
      expect(PUBLISH_SOURCES).toHaveLength(4);
    });

    it('is refused by the verifier when signed with another secret or expired', async () => {
      const { token } = await mintJoinToken({ ...config, apiSecret: 'another-secret-another-secret-another-secret' }, { roomName: 'r', identity: 'i', name: 'n', tenantId: a.tenantId, meetingId: 'm', role: 'member' });
      await expect(verifier.verify(token)).rejects.toThrow();
      const { AccessToken } = await import('livekit-server-sdk');
      const old = new AccessToken(server.apiKey, server.apiSecret, { identity: 'i', ttl: 1 });
      old.addGrant({ roomJoin: true, room: 'r' });
      const expired = await old.toJwt();
      await new Promise((resolve) => setTimeout(resolve, 2100));
      // (The SDK allows a few seconds of clock skew by default; none here.)
      await expect(verifier.verify(expired, 0)).rejects.toThrow(/exp/);
    });

    it('a member joins a meeting of their workspace: room created with its limits, token for that room only', async () => {
      const meeting = await meetingOf(a, { maxParticipants: 12 });
      server.calls.length = 0;
      const grant = await joinAsMember(config, member(a), meeting.id);
      expect(grant).toMatchObject({ serverUrl: 'wss://meet.example.test', identity: `member-${a.users.member}`, meeting: { id: meeting.id, title: 'Weekly sync' } });
      const claims = await verifier.verify(grant.token);
      expect(claims.video?.room).toBe(meeting.roomName);
      expect(claims.attributes).toMatchObject({ tenantId: a.tenantId, meetingId: meeting.id, role: 'member' });
      expect(server.calls.map((call) => call.method)).toEqual(['CreateRoom']);
      expect(server.calls[0]!.body).toMatchObject({ name: meeting.roomName, emptyTimeout: ROOM_EMPTY_TIMEOUT_SECONDS, departureTimeout: ROOM_DEPARTURE_TIMEOUT_SECONDS, maxParticipants: 12 });
      const [stored] = await db.select().from(meetings).where(eq(meetings.id, meeting.id));
      expect(stored!.livekitRoomId).toBe(server.rooms.get(meeting.roomName)!.room.sid);
      // The owner gets the same narrow grants (admin work goes through the app's API), with the owner role attribute.
      const owner = await verifier.verify((await joinAsMember(config, member(a, 'owner'), meeting.id)).token);
      expect(owner.video).toEqual(claims.video);
      expect(owner.attributes?.role).toBe('owner');
    });

    it("never gives a member of one workspace a token for another workspace's room", async () => {
      const meetingOfB = await meetingOf(b);
      server.calls.length = 0;
      await expect(joinAsMember(config, member(a, 'owner'), meetingOfB.id)).rejects.toMatchObject({ code: 'not_found', status: 404 });
      // Claiming B's tenant in the session without a membership there is refused too.
      await expect(joinAsMember(config, { ...member(a, 'owner'), tenantId: b.tenantId }, meetingOfB.id)).rejects.toThrow(/not a member/);
      expect(server.calls).toEqual([]);
    });

    it('refuses an ended meeting, but reopens one whose room closed before anyone came', async () => {
      const ended = await meetingOf(a, { startedAt: new Date(Date.now() - 3_600_000), endedAt: new Date() });
      await db.insert(meetingParticipants).values({ tenantId: a.tenantId, meetingId: ended.id, participantSid: 'PA_x', identity: 'x', joinedAt: new Date() });
      await expect(joinAsMember(config, member(a), ended.id)).rejects.toMatchObject({ code: 'ended', status: 409 });
      const empty = await meetingOf(a, { startedAt: new Date(Date.now() - 600_000), endedAt: new Date(), livekitRoomId: 'RM_gone' });
      await joinAsMember(config, member(a), empty.id);
      const [reopened] = await db.select().from(meetings).where(eq(meetings.id, empty.id));
      expect(reopened).toMatchObject({ endedAt: null, startedAt: null });
    });

    it('stops a new meeting from starting once the spend cap is reached, but not a running one', async () => {
      const team = await createTeam(db, 'Capped');
      await db.update(tenants).set({ monthlySpendCapUsd: '1.00' }).where(eq(tenants.id, team.tenantId));
      await db.insert(costEvents).values({ tenantId: team.tenantId, service: 'llm', provider: 'openai', model: 'gpt-4o', costUsd: '1.00', priceVersion: 'test' });
      const upcoming = await meetingOf(team);
      await expect(joinAsMember(config, member(team), upcoming.id)).rejects.toMatchObject({ code: 'spend_cap', status: 402 });
      const running = await meetingOf(team, { startedAt: new Date() });
      await expect(joinAsMember(config, member(team), running.id)).resolves.toMatchObject({ meeting: { id: running.id } });
    });

    it('says LiveKit cannot be reached when the room API is down', async () => {
      const meeting = await meetingOf(a);
      await expect(joinAsMember({ ...config, apiUrl: 'http://127.0.0.1:9' }, member(a), meeting.id)).rejects.toBeInstanceOf(LiveKitUnavailableError);
      server.failNext(503);
      await expect(joinAsMember(config, member(a), meeting.id)).rejects.toBeInstanceOf(LiveKitUnavailableError);
    });
  });

  describe('guest links', () => {
    async function linkFor(team: Team, hoursFromNow = 24) {
      const meeting = await meetingOf(team);
      const linkId = newGuestLinkId();
      const expiresAt = new Date(Date.now() + hoursFromNow * 3_600_000);
      await db.update(meetings).set({ guestLinkId: linkId, guestLinkExpiresAt: expiresAt }).where(eq(meetings.id, meeting.id));
      return { meeting, link: createGuestLinkToken({ tenantId: team.tenantId, meetingId: meeting.id, linkId, expiresAt }) };
    }

    it('a valid link gives a guest token with the same narrow grants', async () => {
      const { meeting, link } = await linkFor(a);
      const grant = await joinAsGuest(config, link, 'Grace');
      const claims = await verifier.verify(grant.token);
      expect(claims.sub).toMatch(/^guest-[A-Za-z0-9_-]{12}$/);
      expect(claims.name).toBe('Grace (guest)');
      expect(claims.video).toMatchObject({ roomJoin: true, room: meeting.roomName, canPublish: true, canSubscribe: true, canPublishData: true, canUpdateOwnMetadata: false });
      expect(claims.video?.roomAdmin).toBeUndefined();
      expect(claims.attributes).toEqual({ tenantId: a.tenantId, meetingId: meeting.id, role: 'guest' });
    });

    it('refuses an expired, revoked, rotated or forged link', async () => {
      const expired = await linkFor(a, -1);
      await expect(joinAsGuest(config, expired.link, 'Eve')).rejects.toMatchObject({ code: 'expired', status: 410 });
      const revoked = await linkFor(a);
      await db.update(meetings).set({ guestLinkId: null }).where(eq(meetings.id, revoked.meeting.id));
      await expect(joinAsGuest(config, revoked.link, 'Eve')).rejects.toMatchObject({ code: 'revoked', status: 410 });
      const rotated = await linkFor(a);
      await db.update(meetings).set({ guestLinkId: newGuestLinkId() }).where(eq(meetings.id, rotated.meeting.id));
      await expect(joinAsGuest(config, rotated.link, 'Eve')).rejects.toMatchObject({ code: 'revoked' });
      const valid = await linkFor(a);
      // Pointing a signed link at another meeting breaks its signature.
      const other = await meetingOf(b);
      const forged = valid.link.replace(valid.meeting.id, other.id).replace(a.tenantId, b.tenantId);
      await expect(joinAsGuest(config, forged, 'Eve')).rejects.toMatchObject({ code: 'invalid', status: 404 });
      const stretched = valid.link.replace(/\.(\d+)\./, (_, seconds: string) => `.${Number(seconds) + 86_400}.`);
      await expect(joinAsGuest(config, stretched, 'Eve')).rejects.toBeInstanceOf(JoinRefusedError);
    });

    it('the guest route answers bad input with 4xx JSON', async () => {
      const call = (body: string) => guestTokenRoute(new Request('http://localhost/api/meetings/guest-token', { method: 'POST', body, headers: { 'x-forwarded-for': '198.51.100.7' } }));
      const notJson = await call('{');
      expect(notJson.status).toBe(400);
      const noName = await call(JSON.stringify({ link: 'x', name: '  ' }));
      expect(noName.status).toBe(422);
      expect(await noName.json()).toMatchObject({ message: expect.stringMatching(/Enter your name/) });
      expect((await call(JSON.stringify({ link: 'x', name: 'a\u202Eb' }))).status).toBe(422);
      expect((await call('x'.repeat(5000))).status).toBe(413);
    });
  });

  describe('room service (Twirp JSON API)', () => {
    it('creates, lists, removes from and deletes a room with the calls and grants LiveKit expects', async () => {
      server.calls.length = 0;
      const room = await createMeetingRoom(config, { name: 'm_api_room', maxParticipants: 8, metadata: { meetingId: 'x' } });
      expect(room.sid).toMatch(/^RM_/);
      // Idempotent: the same room again.
      expect(await createMeetingRoom(config, { name: 'm_api_room', maxParticipants: 8, metadata: {} })).toEqual(room);
      server.addParticipant('m_api_room', { sid: 'PA_1', identity: 'member-1', name: 'Ada', joinedAt: 1_764_000_000 });
      server.addParticipant('m_api_room', { sid: 'PA_2', identity: 'agent-1', kind: 4, joinedAt: 1_764_000_060 });
      expect(await listRoomParticipants(config, 'm_api_room')).toEqual([
        { sid: 'PA_1', identity: 'member-1', name: 'Ada', kind: 'person', joinedAt: new Date(1_764_000_000_000) },
        { sid: 'PA_2', identity: 'agent-1', name: 'agent-1', kind: 'assistant', joinedAt: new Date(1_764_000_060_000) },
      ]);
      await removeRoomParticipant(config, 'm_api_room', 'agent-1');
      await removeRoomParticipant(config, 'm_api_room', 'agent-1'); // already gone: not an error
      expect((await listRoomParticipants(config, 'm_api_room'))!.map((p) => p.identity)).toEqual(['member-1']);
      expect(await dispatchAssistant(config, 'm_api_room', { tenantId: 't', meetingId: 'm' })).toMatchObject({ dispatchId: expect.stringMatching(/^AD_/) });
      await deleteMeetingRoom(config, 'm_api_room');
      await deleteMeetingRoom(config, 'm_api_room'); // already closed: not an error
      expect(await listRoomParticipants(config, 'm_api_room')).toBeUndefined();

      expect(server.calls.map((call) => `${call.service}/${call.method}`)).toEqual([
        'RoomService/CreateRoom',
        'RoomService/CreateRoom',
        'RoomService/ListRooms',
        'RoomService/ListParticipants',
        'RoomService/RemoveParticipant',
        'RoomService/RemoveParticipant',
        'RoomService/ListRooms',
        'RoomService/ListParticipants',
        'AgentDispatchService/CreateDispatch',
        'RoomService/DeleteRoom',
        'RoomService/DeleteRoom',
        'RoomService/ListRooms',
      ]);
      expect(server.calls[0]!.body).toEqual({ name: 'm_api_room', emptyTimeout: ROOM_EMPTY_TIMEOUT_SECONDS, departureTimeout: ROOM_DEPARTURE_TIMEOUT_SECONDS, maxParticipants: 8, metadata: '{"meetingId":"x"}' });
      expect(server.calls.find((call) => call.method === 'CreateDispatch')!.body).toMatchObject({ room: 'm_api_room', agentName: 'assistant', metadata: '{"tenantId":"t","meetingId":"m"}' });
      // Each call's token is scoped to what it does: per-room admin for participants, never for other rooms.
      for (const call of server.calls.filter((c) => c.method === 'ListParticipants' || c.method === 'RemoveParticipant')) {
        expect(call.grants.video).toMatchObject({ roomAdmin: true, room: 'm_api_room' });
      }
    });

    it('turns a refused or unreachable server into LiveKitUnavailableError, not a crash', async () => {
      server.failNext(500);
      await expect(createMeetingRoom(config, { name: 'm_x', maxParticipants: 2, metadata: {} })).rejects.toBeInstanceOf(LiveKitUnavailableError);
      await expect(createMeetingRoom({ ...config, apiSecret: 'wrong-secret-wrong-secret-wrong-secret-wrong' }, { name: 'm_x', maxParticipants: 2, metadata: {} })).rejects.toMatchObject({ status: 401 });
    });
  });
});
