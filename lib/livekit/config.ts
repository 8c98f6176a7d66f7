import 'server-only';
import { type Env, getEnv } from '@/lib/env';

// Where LiveKit is and how to sign for it. Unset: meetings are hidden behind a notice that
// says which variables to set, and nothing tries to reach a server.

export type LiveKitConfig = {
  /** Where this server calls the room and agent dispatch APIs (http or https). */
  apiUrl: string;
  /** What browsers connect to (ws or wss). */
  publicUrl: string;
  apiKey: string;
  apiSecret: string;
  /** The assistant worker's name for explicit agent dispatch. */
  agentName: string;
};

const toHttp = (url: string) => url.replace(/^ws(s?):\/\//, 'http$1://');
const toWs = (url: string) => url.replace(/^http(s?):\/\//, 'ws$1://');

export function liveKitConfig(env: Env = getEnv()): LiveKitConfig | undefined {
  if (!env.LIVEKIT_URL || !env.LIVEKIT_API_KEY || !env.LIVEKIT_API_SECRET) return undefined;
  return {
    apiUrl: toHttp(env.LIVEKIT_URL),
    publicUrl: toWs(env.LIVEKIT_PUBLIC_URL ?? env.LIVEKIT_URL),
    apiKey: env.LIVEKIT_API_KEY,
    apiSecret: env.LIVEKIT_API_SECRET,
    agentName: env.LIVEKIT_AGENT_NAME,
  };
}

/** The variables still missing, for the "configure LiveKit" notice. */
export function missingLiveKitSettings(env: Env = getEnv()): string[] {
  return (['LIVEKIT_URL', 'LIVEKIT_API_KEY', 'LIVEKIT_API_SECRET'] as const).filter((name) => !env[name]);
}

/** A tenant-scoped room name: a webhook for it names its tenant and meeting. */
export function roomNameFor(tenantId: string, meetingId: string): string {
  return `m_${tenantId}_${meetingId}`;
}

const ROOM_NAME = /^m_([0-9a-f-]{36})_([0-9a-f-]{36})$/;

export function parseRoomName(name: string): { tenantId: string; meetingId: string } | undefined {
  const match = ROOM_NAME.exec(name);
  return match ? { tenantId: match[1]!, meetingId: match[2]! } : undefined;
}
