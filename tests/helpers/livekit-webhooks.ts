import { createHash } from 'node:crypto';
import { AccessToken, ParticipantInfo, Room, WebhookEvent } from 'livekit-server-sdk';

// Webhooks signed exactly as livekit-server signs them: the body's SHA-256 (base64) in the
// `sha256` claim of a JWT made with the API key and secret, sent as the Authorization header.
// Built and signed with the real SDK (AccessToken, the protocol's WebhookEvent).

export const LIVEKIT_TEST_KEY = 'APIwebhooktest';
export const LIVEKIT_TEST_SECRET = 'webhook-test-secret-long-enough-for-hs256-signing-1234';

export async function signWebhookBody(body: string, apiKey = LIVEKIT_TEST_KEY, apiSecret = LIVEKIT_TEST_SECRET): Promise<string> {
  const token = new AccessToken(apiKey, apiSecret);
  token.sha256 = createHash('sha256').update(body).digest('base64');
  return token.toJwt();
}

export type ParticipantSpec = { sid: string; identity: string; name?: string; joinedAt: number; kind?: number };

/** A webhook event as LiveKit serialises it (protobuf JSON). Times are unix seconds. */
export function webhookEvent(spec: {
  id: string;
  event: 'room_started' | 'room_finished' | 'participant_joined' | 'participant_left' | 'participant_connection_aborted' | 'track_published';
  room: { name: string; sid?: string; creationTime?: number };
  at: number;
  participant?: ParticipantSpec;
}): string {
  const event = new WebhookEvent({
    id: spec.id,
    createdAt: BigInt(spec.at),
    room: new Room({ name: spec.room.name, sid: spec.room.sid ?? `RM_${spec.room.name.slice(-12)}`, creationTime: BigInt(spec.room.creationTime ?? spec.at) }),
    participant: spec.participant
      ? new ParticipantInfo({
          sid: spec.participant.sid,
          identity: spec.participant.identity,
          name: spec.participant.name ?? spec.participant.identity,
          joinedAt: BigInt(spec.participant.joinedAt),
          kind: spec.participant.kind ?? 0,
        })
      : undefined,
  });
  // The SDK's WebhookEvent sets `event` after its constructor copies the fields in.
  event.event = spec.event;
  return event.toJsonString();
}

/** A POST of the signed event to the webhook route, as LiveKit would send it. */
export async function webhookRequest(body: string, options: { authorization?: string | null; apiKey?: string; apiSecret?: string } = {}): Promise<Request> {
  const authorization = options.authorization === undefined ? await signWebhookBody(body, options.apiKey, options.apiSecret) : options.authorization;
  const headers: Record<string, string> = { 'content-type': 'application/webhook+json' };
  if (authorization) headers.authorization = authorization;
  return new Request('http://localhost/api/livekit/webhook', { method: 'POST', headers, body });
}
