'use client';

import '@livekit/components-styles';
import { LiveKitRoom, type LocalUserChoices, PreJoin, VideoConference } from '@livekit/components-react';
import { ConnectionError, ConnectionErrorReason, DisconnectReason } from 'livekit-client';
import { useCallback, useState } from 'react';
import { Button } from '@/components/ui/button';

// The in-browser meeting: a pre-join page (camera and microphone preview, device choice,
// name), then LiveKit's conference layout (grid, or speaker focus when someone is pinned or
// shares a screen; mute, camera, screen share, chat, leave). Every way it can fail ends on a
// plain message with a way forward, never a blank room.

type Grant = { token: string; serverUrl: string; identity: string; name: string; expiresAt: string };

type Phase =
  | { name: 'prejoin' }
  | { name: 'requesting' }
  | { name: 'connecting' | 'connected'; grant: Grant; choices: LocalUserChoices }
  | { name: 'unreachable' | 'expired' | 'refused' | 'failed'; message: string }
  | { name: 'left'; message: string };

const UNREACHABLE = 'The meeting server (LiveKit) cannot be reached. Check your connection; if it persists, the server may be down or blocked by a firewall.';
const EXPIRED = 'Your access to this meeting expired before you connected. Join again to get a fresh one.';

/** How a failed connection is explained: a refused token is not a network problem. */
function describeConnectionError(error: Error): Phase {
  if (error instanceof ConnectionError && error.reason === ConnectionErrorReason.NotAllowed) return { name: 'expired', message: EXPIRED };
  if (error instanceof ConnectionError && error.reason === ConnectionErrorReason.Cancelled) return { name: 'left', message: 'The connection attempt was cancelled.' };
  return { name: 'unreachable', message: UNREACHABLE };
}

export function MeetingRoom({
  title,
  tokenUrl,
  tokenBody = {},
  defaultName = '',
  nameLabel = 'Your name',
  leaveHref,
  leaveLabel,
}: {
  title: string;
  tokenUrl: string;
  tokenBody?: Record<string, string>;
  defaultName?: string;
  nameLabel?: string;
  leaveHref: string;
  leaveLabel: string;
}) {
  const [phase, setPhase] = useState<Phase>({ name: 'prejoin' });
  const [choices, setChoices] = useState<LocalUserChoices | undefined>();

  const join = useCallback(
    async (picked: LocalUserChoices) => {
      setChoices(picked);
      setPhase({ name: 'requesting' });
      let response: Response;
      try {
        response = await fetch(tokenUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ ...tokenBody, name: picked.username }),
        });
      } catch {
        setPhase({ name: 'failed', message: 'This page could not reach the app. Check your connection and try again.' });
        return;
      }
      const body = (await response.json().catch(() => ({}))) as Partial<Grant> & { code?: string; message?: string };
      if (!response.ok || !body.token || !body.serverUrl) {
        const message = body.message ?? 'You cannot join this meeting right now.';
        setPhase(body.code === 'livekit_unreachable' ? { name: 'unreachable', message } : { name: 'refused', message });
        return;
      }
      setPhase({ name: 'connecting', grant: body as Grant, choices: picked });
    },
    [tokenUrl, tokenBody],
  );

  const header = (
    <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
      <h1 className="text-xl font-semibold">{title}</h1>
      <a href={leaveHref} className="text-sm text-indigo-600 hover:underline dark:text-indigo-400">{leaveLabel}</a>
    </div>
  );

  if (phase.name === 'prejoin' || phase.name === 'requesting') {
    return (
      <div data-lk-theme="default" className="rounded-xl p-4" data-testid="prejoin">
        {header}
        <p className="mb-3 text-sm text-slate-300">Check your camera and microphone, then join.</p>
        <PreJoin
          defaults={{ username: choices?.username ?? defaultName, videoEnabled: true, audioEnabled: true }}
          userLabel={nameLabel}
          joinLabel={phase.name === 'requesting' ? 'Joining…' : 'Join meeting'}
          persistUserChoices={false}
          onSubmit={(values) => void join(values)}
          onValidate={(values) => values.username.trim().length > 0}
          onError={(error) => console.warn('Device check', error)}
        />
      </div>
    );
  }

  if (phase.name === 'connecting' || phase.name === 'connected') {
    return (
      <div data-lk-theme="default" className="flex h-[78vh] min-h-[480px] flex-col rounded-xl p-2" data-testid="meeting-room" data-phase={phase.name}>
        {header}
        {phase.name === 'connecting' && <p role="status" className="px-2 pb-2 text-sm text-slate-300">Connecting…</p>}
        <LiveKitRoom
          className="min-h-0 flex-1"
          serverUrl={phase.grant.serverUrl}
          token={phase.grant.token}
          connect
          audio={phase.choices.audioEnabled ? { deviceId: phase.choices.audioDeviceId } : false}
          video={phase.choices.videoEnabled ? { deviceId: phase.choices.videoDeviceId } : false}
          connectOptions={{ maxRetries: 1 }}
          onConnected={() => setPhase((current) => (current.name === 'connecting' ? { ...current, name: 'connected' } : current))}
          onError={(error) => setPhase(describeConnectionError(error))}
          onDisconnected={(reason) =>
            setPhase((current) => {
              if (current.name !== 'connected' && current.name !== 'connecting') return current;
              if (reason === DisconnectReason.ROOM_DELETED) return { name: 'left', message: 'The host ended the meeting.' };
              if (reason === DisconnectReason.PARTICIPANT_REMOVED) return { name: 'left', message: 'The host removed you from the meeting.' };
              if (reason === DisconnectReason.CLIENT_INITIATED) return { name: 'left', message: 'You left the meeting.' };
              if (current.name === 'connecting') return { name: 'unreachable', message: UNREACHABLE };
              return { name: 'left', message: 'The connection to the meeting was lost.' };
            })
          }
        >
          <VideoConference />
        </LiveKitRoom>
      </div>
    );
  }

  const ended = phase as Extract<Phase, { message: string }>;
  const tone = ended.name === 'left' ? 'border-slate-300 dark:border-slate-700' : 'border-red-300 bg-red-50 dark:border-red-900 dark:bg-red-950';
  return (
    <div className="flex flex-col gap-4" data-testid="meeting-state" data-state={ended.name}>
      {header}
      <div role="alert" className={`rounded-lg border p-4 text-sm ${tone}`}>
        <p className="font-medium">
          {ended.name === 'unreachable' ? 'Cannot reach LiveKit' : ended.name === 'expired' ? 'Access expired' : ended.name === 'left' ? 'Not in the meeting' : 'Cannot join'}
        </p>
        <p className="mt-1">{ended.message}</p>
      </div>
      <div className="flex gap-2">
        {ended.name !== 'refused' && (
          <Button onClick={() => setPhase({ name: 'prejoin' })}>{ended.name === 'left' ? 'Rejoin' : 'Try again'}</Button>
        )}
        <a href={leaveHref} className="inline-flex items-center rounded-md px-3 py-2 text-sm text-indigo-600 hover:underline dark:text-indigo-400">{leaveLabel}</a>
      </div>
    </div>
  );
}
