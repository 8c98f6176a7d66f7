import 'server-only';
import { defineAgent, type JobContext } from '@livekit/agents';
import {
  AudioFrame,
  AudioSource,
  AudioStream,
  LocalAudioTrack,
  type RemoteParticipant,
  type RemoteTrack,
  type RemoteTrackPublication,
  RoomEvent,
  TrackKind,
  TrackPublishOptions,
  TrackSource,
  VideoBufferType,
  VideoStream,
} from '@livekit/rtc-node';
import { z } from 'zod';
import { setAssistantPresence, updateMeeting } from '@/db/queries/meetings';
import { withTenantId } from '@/db/withTenant';
import { downscale, encodePng } from '@/lib/vision/png';
import { speechToTextConfig, textToSpeechConfig } from '@/lib/voice/config';
import { type Pcm, resample } from '@/lib/voice/wav';
import { MeetingAssistant, type ScreenFrame, SPEND_CAP_NOTICE, STT_SAMPLE_RATE } from './pipeline';
import { UtteranceSegmenter } from './segmenter';

// The assistant as a LiveKit participant, run by @livekit/agents' worker (`npm run agent`):
// LiveKit dispatches a job when someone presses "Invite assistant" (explicit dispatch with the
// tenant and meeting in its metadata); this entry joins the room, listens to every
// microphone, and hands each utterance to the transport-independent pipeline (./pipeline.ts).

/** The assistant's voice track: 24 kHz mono is what the speech services return. */
const OUTPUT_SAMPLE_RATE = 24_000;
const OUTPUT_FRAME_SAMPLES = OUTPUT_SAMPLE_RATE / 100; // 10 ms frames
/** How often it checks it is still wanted (removed by the host, meeting ended, spend cap). */
const STANDING_CHECK_MS = 5_000;
/** A screen frame that has not arrived in this time is treated as "nothing shared". */
const SCREEN_FRAME_TIMEOUT_MS = 3_000;

const dispatchMetadata = z.object({ tenantId: z.uuid(), meetingId: z.uuid() });

async function grabFrame(track: RemoteTrack | undefined): Promise<ScreenFrame | undefined> {
  if (!track) return undefined;
  const stream = new VideoStream(track);
  const reader = stream.getReader();
  try {
    const next = await Promise.race([reader.read(), new Promise<undefined>((resolve) => setTimeout(resolve, SCREEN_FRAME_TIMEOUT_MS))]);
    if (!next || next.done) return undefined;
    const rgba = next.value.frame.convert(VideoBufferType.RGBA);
    return { image: encodePng(downscale({ width: rgba.width, height: rgba.height, data: rgba.data })), mediaType: 'image/png' };
  } finally {
    await reader.cancel().catch(() => {});
  }
}

export default defineAgent({
  entry: async (ctx: JobContext) => {
    const parsed = dispatchMetadata.safeParse(JSON.parse(ctx.job.metadata || '{}'));
    if (!parsed.success) {
      console.error('Assistant dispatched without a tenant and meeting; leaving.', ctx.job.metadata);
      return;
    }
    const { tenantId, meetingId } = parsed.data;
    const stt = speechToTextConfig();
    if (!stt) {
      await withTenantId(tenantId, (tx) =>
        updateMeeting(tx, tenantId, meetingId, {
          assistantState: 'off',
          assistantNotice: 'The assistant cannot join: no speech-to-text service is configured (set OPENAI_API_KEY, STT_BASE_URL or DEEPGRAM_API_KEY).',
        }),
      );
      return;
    }
    const assistant = new MeetingAssistant(tenantId, meetingId, { stt, tts: textToSpeechConfig(), grabScreenFrame: () => grabFrame(screen) });

    await ctx.connect();
    const room = ctx.room;
    await withTenantId(tenantId, (tx) => setAssistantPresence(tx, tenantId, meetingId, true));
    const voice = new AudioSource(OUTPUT_SAMPLE_RATE, 1);
    await room.localParticipant!.publishTrack(LocalAudioTrack.createAudioTrack('assistant-voice', voice), new TrackPublishOptions({ source: TrackSource.SOURCE_MICROPHONE }));

    let screen: RemoteTrack | undefined;
    let leaving = false;
    // Turns are answered one at a time, in the order they were spoken.
    let turns: Promise<void> = Promise.resolve();

    const leave = async (notice?: string) => {
      if (leaving) return;
      leaving = true;
      if (notice) await room.localParticipant?.sendText(notice, { topic: 'lk.chat' }).catch(() => {});
      ctx.shutdown(notice ?? 'assistant removed');
    };

    const play = async (pcm: Pcm) => {
      const { samples } = resample(pcm, OUTPUT_SAMPLE_RATE);
      for (let offset = 0; offset < samples.length && !leaving; offset += OUTPUT_FRAME_SAMPLES) {
        const chunk = new Int16Array(OUTPUT_FRAME_SAMPLES);
        chunk.set(samples.subarray(offset, offset + OUTPUT_FRAME_SAMPLES));
        await voice.captureFrame(new AudioFrame(chunk, OUTPUT_SAMPLE_RATE, 1, OUTPUT_FRAME_SAMPLES));
      }
      await voice.waitForPlayout();
    };

    const onUtterance = (participant: RemoteParticipant, audio: Pcm) => {
      turns = turns.then(async () => {
        if (leaving) return;
        try {
          const others = [...room.remoteParticipants.values()].filter((other) => other.identity !== participant.identity).map((other) => other.name || other.identity);
          const result = await assistant.handleUtterance({ speaker: participant.name || participant.identity, audio, otherParticipants: others });
          if (result.kind === 'stop') await leave(result.reason === 'spend_cap' ? SPEND_CAP_NOTICE : undefined);
          else if (result.kind === 'answered' && result.audio) await play(result.audio);
        } catch (error) {
          // One failed turn (a provider timeout) must not end the assistant's presence.
          console.error('Meeting turn failed', { meetingId, error: error instanceof Error ? error.message : error });
        }
      });
    };

    const listen = async (track: RemoteTrack, participant: RemoteParticipant) => {
      const segmenter = new UtteranceSegmenter(STT_SAMPLE_RATE);
      const reader = new AudioStream(track, { sampleRate: STT_SAMPLE_RATE, numChannels: 1 }).getReader();
      for (;;) {
        const { value: frame, done } = await reader.read();
        if (done || leaving) break;
        for (const utterance of segmenter.push(frame.data)) onUtterance(participant, utterance);
      }
      await reader.cancel().catch(() => {});
      const last = segmenter.flush();
      if (last && !leaving) onUtterance(participant, last);
    };

    const subscribed = (track: RemoteTrack, publication: RemoteTrackPublication, participant: RemoteParticipant) => {
      if (track.kind === TrackKind.KIND_AUDIO && publication.source === TrackSource.SOURCE_MICROPHONE) {
        void listen(track, participant).catch((error) => console.error('Listening failed', error));
      } else if (track.kind === TrackKind.KIND_VIDEO && publication.source === TrackSource.SOURCE_SCREENSHARE) {
        screen = track;
      }
    };
    room.on(RoomEvent.TrackSubscribed, subscribed);
    room.on(RoomEvent.TrackUnsubscribed, (track) => {
      if (track === screen) screen = undefined;
    });
    for (const participant of room.remoteParticipants.values()) {
      for (const publication of participant.trackPublications.values()) {
        if (publication.track) subscribed(publication.track, publication, participant);
      }
    }

    const standing = setInterval(() => {
      void assistant
        .standing()
        .then((status) => (status.stop ? leave(status.stop === 'spend_cap' ? SPEND_CAP_NOTICE : undefined) : undefined))
        .catch((error) => console.error('Standing check failed', error));
    }, STANDING_CHECK_MS);
    ctx.addShutdownCallback(async () => {
      clearInterval(standing);
      leaving = true;
      await withTenantId(tenantId, (tx) => setAssistantPresence(tx, tenantId, meetingId, false)).catch(() => {});
    });
  },
});
