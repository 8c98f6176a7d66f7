import 'server-only';
import { AccessToken, TrackSource } from 'livekit-server-sdk';
import type { LiveKitConfig } from './config';

// Join tokens: minted only after the caller's right to the meeting was checked (membership
// for the team, a valid guest link for guests). Least grant: join this one room, publish
// camera, microphone and screen, subscribe, send chat. Nothing admin-like (no room create,
// list, record or admin): hosts act on the room through this server's API.

/**
 * A token only has to open the connection: once connected, LiveKit refreshes the
 * participant's token itself over the signalling channel. Ten minutes covers a slow
 * pre-join (device check) without leaving a long-lived credential in a browser.
 */
export const JOIN_TOKEN_TTL_SECONDS = 10 * 60;

export type JoinRole = 'owner' | 'admin' | 'member' | 'guest';

export type JoinTokenRequest = {
  roomName: string;
  identity: string;
  name: string;
  tenantId: string;
  meetingId: string;
  role: JoinRole;
};

export const PUBLISH_SOURCES = [TrackSource.CAMERA, TrackSource.MICROPHONE, TrackSource.SCREEN_SHARE, TrackSource.SCREEN_SHARE_AUDIO];

export async function mintJoinToken(config: LiveKitConfig, request: JoinTokenRequest): Promise<{ token: string; expiresAt: Date }> {
  const token = new AccessToken(config.apiKey, config.apiSecret, {
    identity: request.identity,
    name: request.name,
    ttl: JOIN_TOKEN_TTL_SECONDS,
    // Attributes travel with the participant into webhooks and other participants' views.
    attributes: { tenantId: request.tenantId, meetingId: request.meetingId, role: request.role },
  });
  token.addGrant({
    roomJoin: true,
    room: request.roomName,
    canPublish: true,
    canPublishSources: PUBLISH_SOURCES,
    canSubscribe: true,
    canPublishData: true,
    canUpdateOwnMetadata: false,
  });
  return { token: await token.toJwt(), expiresAt: new Date(Date.now() + JOIN_TOKEN_TTL_SECONDS * 1000) };
}
