import 'server-only';
import { z } from 'zod';
import {
  createMeeting as insertMeeting,
  deleteMeeting as removeMeeting,
  getMeeting,
  listOpenParticipants,
  meetingStatus,
  updateMeeting,
} from '@/db/queries/meetings';
import type { Meeting } from '@/db/schema';
import type { Transaction } from '@/db/withTenant';
import { ActionError, defineAction } from '@/lib/actions/define-action';
import { getSpendCapStatus } from '@/lib/costs/budget';
import { type LiveKitConfig, liveKitConfig, roomNameFor } from '@/lib/livekit/config';
import { createMeetingRoom, deleteMeetingRoom, dispatchAssistant, LiveKitUnavailableError, removeRoomParticipant } from '@/lib/livekit/rooms';
import { GUEST_LINK_LIFETIMES_HOURS, newGuestLinkId } from '@/lib/meetings/guest-links';

// LiveKit calls made here happen inside the action's transaction on purpose: the meeting row
// changes only if LiveKit did what was asked (each call gives up after a few seconds).

const meetingIdField = z.uuid('Unknown meeting.');

export const meetingInput = z.object({
  title: z.string().trim().min(1, 'Give the meeting a title, e.g. "Weekly support review".').max(120, 'At most 120 characters.'),
  description: z.string().trim().max(2000, 'At most 2,000 characters.').default(''),
  // From <input type="datetime-local"> with the browser's offset appended by the form.
  scheduledFor: z
    .string()
    .trim()
    .default('')
    .refine((value) => value === '' || !Number.isNaN(Date.parse(value)), 'Pick a valid date and time.')
    .transform((value) => (value ? new Date(value) : null)),
  maxParticipants: z.coerce.number({ error: 'Enter a number.' }).int('Enter a whole number.').min(2, 'At least 2.').max(100, 'At most 100.').default(20),
});

function requireLiveKit(): LiveKitConfig {
  const config = liveKitConfig();
  if (!config) throw new ActionError('Meetings need LiveKit: set LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET.', 'invalid');
  return config;
}

async function requireMeeting(tx: Transaction, tenantId: string, meetingId: string): Promise<Meeting> {
  const meeting = await getMeeting(tx, tenantId, meetingId);
  // Another tenant's meeting looks exactly like one that does not exist.
  if (!meeting) throw new ActionError('That meeting was not found.', 'not_found');
  return meeting;
}

async function liveKit<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof LiveKitUnavailableError) throw new ActionError('The meeting server (LiveKit) cannot be reached right now, so nothing was changed. Try again in a moment.');
    throw error;
  }
}

export const createMeeting = defineAction({
  permission: 'meetings:manage',
  input: meetingInput,
  handler: async (tx, { tenantId, userId }, input) => {
    requireLiveKit();
    const id = crypto.randomUUID();
    const meeting = await insertMeeting(tx, {
      id,
      tenantId,
      roomName: roomNameFor(tenantId, id),
      title: input.title,
      description: input.description || null,
      scheduledFor: input.scheduledFor,
      maxParticipants: input.maxParticipants,
      createdBy: userId,
    });
    return { message: `Meeting "${meeting.title}" created. Join it, or create a guest link for people outside the team.`, result: { meetingId: meeting.id } };
  },
});

export const endMeeting = defineAction({
  permission: 'meetings:manage',
  input: z.object({ meetingId: meetingIdField }),
  handler: async (tx, { tenantId }, { meetingId }) => {
    const meeting = await requireMeeting(tx, tenantId, meetingId);
    if (meeting.endedAt) throw new ActionError('This meeting has already ended.', 'conflict');
    const config = requireLiveKit();
    // Disconnects everyone; LiveKit's room_finished webhook then records the exact end.
    await liveKit(() => deleteMeetingRoom(config, meeting.roomName));
    await updateMeeting(tx, tenantId, meetingId, { endedAt: new Date(), startedAt: meeting.startedAt ?? new Date(), guestLinkId: null, assistantState: 'off' });
    return { message: `"${meeting.title}" has ended; everyone was disconnected.` };
  },
});

export const deleteMeeting = defineAction({
  permission: 'meetings:manage',
  input: z.object({ meetingId: meetingIdField }),
  handler: async (tx, { tenantId }, { meetingId }) => {
    const meeting = await requireMeeting(tx, tenantId, meetingId);
    if (meetingStatus(meeting) === 'live') {
      const config = requireLiveKit();
      await liveKit(() => deleteMeetingRoom(config, meeting.roomName));
    }
    await removeMeeting(tx, tenantId, meetingId);
    return { message: `"${meeting.title}" was deleted with its transcript. Its costs stay in the totals.` };
  },
});

export const createGuestLink = defineAction({
  permission: 'meetings:manage',
  input: z.object({
    meetingId: meetingIdField,
    hours: z.coerce
      .number()
      .refine((hours) => (GUEST_LINK_LIFETIMES_HOURS as readonly number[]).includes(hours), 'Choose how long the link works.')
      .default(24),
  }),
  handler: async (tx, { tenantId }, { meetingId, hours }) => {
    const meeting = await requireMeeting(tx, tenantId, meetingId);
    if (meeting.endedAt) throw new ActionError('This meeting has ended; guests can no longer join.', 'conflict');
    // A new link id: any earlier link stops working.
    await updateMeeting(tx, tenantId, meetingId, { guestLinkId: newGuestLinkId(), guestLinkExpiresAt: new Date(Date.now() + hours * 3_600_000) });
    return { message: 'Guest link created. Anyone with it can join until it expires or you turn it off; earlier links stopped working.' };
  },
});

export const revokeGuestLink = defineAction({
  permission: 'meetings:manage',
  input: z.object({ meetingId: meetingIdField }),
  handler: async (tx, { tenantId }, { meetingId }) => {
    await requireMeeting(tx, tenantId, meetingId);
    await updateMeeting(tx, tenantId, meetingId, { guestLinkId: null, guestLinkExpiresAt: null });
    return { message: 'Guest link turned off: nobody new can join with it (guests already in the meeting stay).' };
  },
});

export const inviteAssistant = defineAction({
  permission: 'meetings:manage',
  input: z.object({ meetingId: meetingIdField }),
  handler: async (tx, { tenantId }, { meetingId }) => {
    const meeting = await requireMeeting(tx, tenantId, meetingId);
    if (meeting.endedAt) throw new ActionError('This meeting has ended.', 'conflict');
    if (meeting.assistantState === 'invited' || meeting.assistantState === 'active') throw new ActionError('The assistant is already in this meeting.', 'conflict');
    if ((await getSpendCapStatus(tx, tenantId)).reached) {
      throw new ActionError('This workspace has reached its monthly spend cap, so the assistant cannot join. Raise the cap in Settings.', 'forbidden');
    }
    const config = requireLiveKit();
    await liveKit(async () => {
      await createMeetingRoom(config, { name: meeting.roomName, maxParticipants: meeting.maxParticipants, metadata: { tenantId, meetingId, title: meeting.title } });
      await dispatchAssistant(config, meeting.roomName, { tenantId, meetingId });
    });
    await updateMeeting(tx, tenantId, meetingId, { assistantState: 'invited', assistantNotice: null });
    return { message: 'The assistant is on its way. Address it by name or ask a question, and it answers from your knowledge.' };
  },
});

export const setAssistantMuted = defineAction({
  permission: 'meetings:manage',
  input: z.object({ meetingId: meetingIdField, muted: z.enum(['true', 'false']).transform((value) => value === 'true') }),
  handler: async (tx, { tenantId }, { meetingId, muted }) => {
    const meeting = await requireMeeting(tx, tenantId, meetingId);
    if (meeting.assistantState === 'off') throw new ActionError('The assistant is not in this meeting.', 'conflict');
    await updateMeeting(tx, tenantId, meetingId, { assistantState: muted ? 'muted' : 'active' });
    return { message: muted ? 'The assistant keeps listening (for the transcript) but will not speak.' : 'The assistant may answer again.' };
  },
});

export const removeAssistant = defineAction({
  permission: 'meetings:manage',
  input: z.object({ meetingId: meetingIdField }),
  handler: async (tx, { tenantId }, { meetingId }) => {
    const meeting = await requireMeeting(tx, tenantId, meetingId);
    if (meeting.assistantState === 'off') throw new ActionError('The assistant is not in this meeting.', 'conflict');
    const assistants = (await listOpenParticipants(tx, tenantId, meetingId)).filter((participant) => participant.kind === 'assistant' && !participant.leftAt);
    const config = liveKitConfig();
    if (config) await liveKit(async () => Promise.all(assistants.map((assistant) => removeRoomParticipant(config, meeting.roomName, assistant.identity))));
    await updateMeeting(tx, tenantId, meetingId, { assistantState: 'off' });
    return { message: 'The assistant left the meeting.' };
  },
});
