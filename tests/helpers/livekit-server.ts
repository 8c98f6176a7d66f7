import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AgentDispatch, type ClaimGrants, ParticipantInfo, Room, TokenVerifier } from 'livekit-server-sdk';

// A local server speaking LiveKit's server API the way livekit-server does: Twirp over HTTP
// with JSON bodies (`POST /twirp/livekit.RoomService/CreateRoom`), every call authorised by
// a JWT signed with the API secret and checked for the grant that call needs. It keeps rooms
// and participants in memory, records every call, and answers with the protocol's own
// message types serialised by the same protobuf JSON mapping the SDK parses.

export type RecordedCall = { service: string; method: string; body: Record<string, unknown>; grants: ClaimGrants };

export type FakeParticipant = { sid: string; identity: string; name?: string; kind?: number; joinedAt?: number };

export type LiveKitTestServer = {
  url: string;
  apiKey: string;
  apiSecret: string;
  calls: RecordedCall[];
  rooms: Map<string, { room: Room; participants: ParticipantInfo[] }>;
  /** Puts someone in a room, as if they had connected. */
  addParticipant: (roomName: string, participant: FakeParticipant) => void;
  /** Makes the next calls fail with this HTTP status (e.g. 503), in order. */
  failNext: (...statuses: number[]) => void;
  close: () => Promise<void>;
};

const GRANT_NEEDED: Record<string, (grants: ClaimGrants, body: Record<string, unknown>) => boolean> = {
  'RoomService/CreateRoom': (g) => !!g.video?.roomCreate,
  'RoomService/ListRooms': (g) => !!g.video?.roomList,
  'RoomService/DeleteRoom': (g) => !!g.video?.roomCreate,
  'RoomService/ListParticipants': (g, body) => !!g.video?.roomAdmin && g.video.room === body.room,
  'RoomService/RemoveParticipant': (g, body) => !!g.video?.roomAdmin && g.video.room === body.room,
  'AgentDispatchService/CreateDispatch': (g, body) => !!g.video?.roomAdmin && g.video.room === body.room,
};

export async function startLiveKitServer(options: { port?: number; apiKey?: string; apiSecret?: string } = {}): Promise<LiveKitTestServer> {
  const apiKey = options.apiKey ?? 'APItestkey';
  const apiSecret = options.apiSecret ?? 'test-secret-that-is-long-enough-for-hs256-signing';
  const verifier = new TokenVerifier(apiKey, apiSecret);
  const calls: RecordedCall[] = [];
  const rooms = new Map<string, { room: Room; participants: ParticipantInfo[] }>();
  const failures: number[] = [];
  let sequence = 0;
  const nextId = (prefix: string) => `${prefix}_${(++sequence).toString(36).padStart(8, '0')}`;

  const twirpError = (response: import('node:http').ServerResponse, status: number, code: string, msg: string) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ code, msg }));
  };

  const server: Server = createServer(async (request, response) => {
    let raw = '';
    for await (const chunk of request) raw += chunk;
    if (request.method === 'GET' && request.url === '/health') {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end('ok');
      return;
    }
    const match = /^\/twirp\/livekit\.(\w+)\/(\w+)$/.exec(request.url ?? '');
    if (request.method !== 'POST' || !match) return twirpError(response, 404, 'bad_route', `no handler for ${request.method} ${request.url}`);
    const [, service, method] = match as unknown as [string, string, string];
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    let grants: ClaimGrants;
    try {
      grants = await verifier.verify(token ?? '');
    } catch {
      return twirpError(response, 401, 'unauthenticated', 'invalid token');
    }
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    calls.push({ service, method, body, grants });
    const failure = failures.shift();
    if (failure) return twirpError(response, failure, 'unavailable', `scripted ${failure}`);
    const allowed = GRANT_NEEDED[`${service}/${method}`];
    if (!allowed) return twirpError(response, 404, 'bad_route', `unknown method ${service}/${method}`);
    if (!allowed(grants, body)) return twirpError(response, 403, 'permission_denied', 'permissions denied');
    const reply = (message: { toJson: () => unknown } | Record<string, unknown>) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify('toJson' in message && typeof message.toJson === 'function' ? message.toJson() : message));
    };
    const name = String(body.name ?? body.room ?? '');
    switch (`${service}/${method}`) {
      case 'RoomService/CreateRoom': {
        const existing = rooms.get(name);
        if (existing) return reply(existing.room);
        const room = new Room({
          sid: nextId('RM'),
          name,
          emptyTimeout: Number(body.emptyTimeout ?? 0),
          departureTimeout: Number(body.departureTimeout ?? 0),
          maxParticipants: Number(body.maxParticipants ?? 0),
          metadata: String(body.metadata ?? ''),
          creationTime: BigInt(Math.floor(Date.now() / 1000)),
        });
        rooms.set(name, { room, participants: [] });
        return reply(room);
      }
      case 'RoomService/ListRooms': {
        const names = (body.names as string[] | undefined) ?? [];
        const list = [...rooms.values()].map((entry) => entry.room).filter((room) => names.length === 0 || names.includes(room.name));
        return reply({ rooms: list.map((room) => room.toJson()) });
      }
      case 'RoomService/DeleteRoom': {
        if (!rooms.delete(name)) return twirpError(response, 404, 'not_found', 'room not found');
        return reply({});
      }
      case 'RoomService/ListParticipants': {
        const entry = rooms.get(name);
        if (!entry) return twirpError(response, 404, 'not_found', 'room not found');
        return reply({ participants: entry.participants.map((participant) => participant.toJson()) });
      }
      case 'RoomService/RemoveParticipant': {
        const entry = rooms.get(name);
        const index = entry?.participants.findIndex((participant) => participant.identity === body.identity) ?? -1;
        if (!entry || index < 0) return twirpError(response, 404, 'not_found', 'participant not found');
        entry.participants.splice(index, 1);
        return reply({});
      }
      case 'AgentDispatchService/CreateDispatch': {
        if (!rooms.has(name)) return twirpError(response, 404, 'not_found', 'room not found');
        return reply(new AgentDispatch({ id: nextId('AD'), agentName: String(body.agentName ?? ''), room: name, metadata: String(body.metadata ?? '') }));
      }
    }
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    apiSecret,
    calls,
    rooms,
    addParticipant: (roomName, participant) => {
      const entry = rooms.get(roomName);
      if (!entry) throw new Error(`no room ${roomName}`);
      entry.participants.push(
        new ParticipantInfo({
          sid: participant.sid,
          identity: participant.identity,
          name: participant.name ?? participant.identity,
          kind: participant.kind ?? 0,
          joinedAt: BigInt(participant.joinedAt ?? Math.floor(Date.now() / 1000)),
        }),
      );
    },
    failNext: (...statuses) => failures.push(...statuses),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
