import 'server-only';
import { AgentDispatchClient, RoomServiceClient, TwirpError } from 'livekit-server-sdk';
import type { ParticipantKind } from '@/db/schema';
import type { LiveKitConfig } from './config';

// The room service and agent dispatch APIs (Twirp over HTTP). Every call names one room; the
// room's name carries the tenant (see roomNameFor), so nothing here can reach across tenants.

/** A room with nobody in it closes after five minutes (time to get the first person in). */
export const ROOM_EMPTY_TIMEOUT_SECONDS = 5 * 60;
/** After the last person leaves, the room closes after a minute (room for a reconnect). */
export const ROOM_DEPARTURE_TIMEOUT_SECONDS = 60;
/** API calls fail fast so a page or job never hangs on an unreachable server. */
const API_TIMEOUT_SECONDS = 5;

export class LiveKitUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`LiveKit cannot be reached: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'LiveKitUnavailableError';
  }
}

const roomService = (config: LiveKitConfig) =>
  new RoomServiceClient(config.apiUrl, config.apiKey, config.apiSecret, { requestTimeout: API_TIMEOUT_SECONDS });

async function call<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    // A 4xx from LiveKit is an answer (e.g. not found), anything else means it is not there.
    if (error instanceof TwirpError && error.status < 500) throw error;
    throw new LiveKitUnavailableError(error);
  }
}

const isNotFound = (error: unknown) => error instanceof TwirpError && (error.status === 404 || error.code === 'not_found');

/** Creates the room (or returns it when it exists already) and answers its SID. */
export async function createMeetingRoom(
  config: LiveKitConfig,
  room: { name: string; maxParticipants: number; metadata: Record<string, string> },
): Promise<{ sid: string }> {
  const created = await call(() =>
    roomService(config).createRoom({
      name: room.name,
      emptyTimeout: ROOM_EMPTY_TIMEOUT_SECONDS,
      departureTimeout: ROOM_DEPARTURE_TIMEOUT_SECONDS,
      maxParticipants: room.maxParticipants,
      metadata: JSON.stringify(room.metadata),
    }),
  );
  return { sid: created.sid };
}

export type RoomParticipant = { sid: string; identity: string; name: string; kind: ParticipantKind; joinedAt: Date | null };

/** Who is in the room now; undefined when the room no longer exists. */
export async function listRoomParticipants(config: LiveKitConfig, roomName: string): Promise<RoomParticipant[] | undefined> {
  const service = roomService(config);
  const rooms = await call(() => service.listRooms([roomName]));
  if (!rooms.some((room) => room.name === roomName)) return undefined;
  try {
    const participants = await call(() => service.listParticipants(roomName));
    return participants.map((participant) => ({
      sid: participant.sid,
      identity: participant.identity,
      name: participant.name,
      kind: participantKind(participant.kind),
      joinedAt: participant.joinedAt ? new Date(Number(participant.joinedAt) * 1000) : null,
    }));
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** Removes one participant (the assistant, say); a participant already gone is not an error. */
export async function removeRoomParticipant(config: LiveKitConfig, roomName: string, identity: string): Promise<void> {
  try {
    await call(() => roomService(config).removeParticipant(roomName, identity));
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

/** Ends the meeting for everyone; a room already closed is not an error. */
export async function deleteMeetingRoom(config: LiveKitConfig, roomName: string): Promise<void> {
  try {
    await call(() => roomService(config).deleteRoom(roomName));
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

export type AssistantDispatchMetadata = { tenantId: string; meetingId: string };

/** Asks LiveKit to send the assistant worker into the room (explicit agent dispatch). */
export async function dispatchAssistant(config: LiveKitConfig, roomName: string, metadata: AssistantDispatchMetadata): Promise<{ dispatchId: string }> {
  const client = new AgentDispatchClient(config.apiUrl, config.apiKey, config.apiSecret, { requestTimeout: API_TIMEOUT_SECONDS });
  const dispatch = await call(() => client.createDispatch(roomName, config.agentName, { metadata: JSON.stringify(metadata) }));
  return { dispatchId: dispatch.id };
}

// LiveKit's ParticipantInfo.Kind values (livekit_models.proto): STANDARD 0, INGRESS 1,
// EGRESS 2, SIP 3, AGENT 4.
const KIND_EGRESS = 2;
const KIND_AGENT = 4;

/** What LiveKit's participant kind means for billing: people (browsers, phones, ingress), the assistant, recorders. */
export function participantKind(kind: number | undefined): ParticipantKind {
  if (kind === KIND_AGENT) return 'assistant';
  if (kind === KIND_EGRESS) return 'recorder';
  return 'person';
}
