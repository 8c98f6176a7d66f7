import 'server-only';
import { z } from 'zod';
import { getMemberDisplayName, saveSupportSettings, setMemberOnDuty } from '@/db/queries/handoffs';
import type { TenantContext, Transaction } from '@/db/withTenant';
import { ActionError, defineAction } from '@/lib/actions/define-action';
import { claimHandoff, HandoffError, type Member, releaseHandoff, replyAsMember, resolveHandoff } from '@/lib/handoff/conversation';
import { isValidTimeZone, TIME_OF_DAY, WEEKDAYS } from '@/lib/handoff/office-hours';

export const MAX_REPLY_CHARACTERS = 4000;

const handoffIdField = z.uuid('Unknown conversation.');

async function asMember(tx: Transaction, context: TenantContext): Promise<Member> {
  return { ...context, name: await getMemberDisplayName(tx, context.userId) };
}

/** Runs a handoff transition, turning its refusals into the action's error states. */
async function transition<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof HandoffError) throw new ActionError(error.message, error.code);
    throw error;
  }
}

export const takeConversation = defineAction({
  permission: 'inbox:work',
  input: z.object({ handoffId: handoffIdField }),
  handler: async (tx, context, { handoffId }) => {
    await transition(async () => claimHandoff(tx, await asMember(tx, context), handoffId));
    return { message: 'The conversation is yours: the visitor sees that you joined.' };
  },
});

export const handBackConversation = defineAction({
  permission: 'inbox:work',
  input: z.object({ handoffId: handoffIdField }),
  handler: async (tx, context, { handoffId }) => {
    await transition(async () => releaseHandoff(tx, await asMember(tx, context), handoffId));
    return { message: 'Handed back: the conversation waits for another team member.' };
  },
});

export const resolveConversation = defineAction({
  permission: 'inbox:work',
  input: z.object({ handoffId: handoffIdField, note: z.string().trim().max(500, 'At most 500 characters.').default('') }),
  handler: async (tx, context, { handoffId, note }) => {
    await transition(async () => resolveHandoff(tx, await asMember(tx, context), handoffId, note || null));
    return { message: 'Resolved: the assistant answers this visitor again.' };
  },
});

export const replyToVisitor = defineAction({
  permission: 'inbox:work',
  input: z.object({
    handoffId: handoffIdField,
    content: z.string().trim().min(1, 'Write a reply first.').max(MAX_REPLY_CHARACTERS, `At most ${MAX_REPLY_CHARACTERS} characters.`),
  }),
  handler: async (tx, context, { handoffId, content }) => {
    const message = await transition(async () => replyAsMember(tx, await asMember(tx, context), handoffId, content));
    return { message: 'Sent.', result: { messageId: message.id } };
  },
});

export const setOnDuty = defineAction({
  permission: 'inbox:work',
  input: z.object({ onDuty: z.enum(['true', 'false']).transform((value) => value === 'true') }),
  handler: async (tx, { tenantId, userId }, { onDuty }) => {
    await setMemberOnDuty(tx, tenantId, userId, onDuty);
    return { message: onDuty ? 'You are on duty: you get an email when a visitor asks for a person.' : 'You are off duty.' };
  },
});

const checkbox = z.preprocess((value) => value === 'on' || value === 'true' || value === true, z.boolean());

// Each weekday is three form fields: open<d> (checkbox), from<d> and to<d> (HH:MM).
const dayFields = Object.fromEntries(
  WEEKDAYS.flatMap((_, day) => [
    [`open${day}`, checkbox],
    [`from${day}`, z.string().trim().default('09:00')],
    [`to${day}`, z.string().trim().default('17:00')],
  ]),
) as Record<string, z.ZodType>;

export const supportSettingsInput = z
  .object({
    handoffEnabled: checkbox,
    officeHoursEnabled: checkbox,
    timeZone: z.string().trim().refine(isValidTimeZone, 'Choose a time zone such as Europe/Berlin or America/New_York.'),
    pickupTimeoutMinutes: z.coerce.number({ error: 'Enter a number of minutes.' }).int('Whole minutes.').min(1, 'At least 1 minute.').max(1440, 'At most 1440 minutes (a day).'),
    ...dayFields,
  })
  .superRefine((input: Record<string, unknown>, ctx) => {
    WEEKDAYS.forEach((name, day) => {
      if (!input[`open${day}`]) return;
      for (const field of [`from${day}`, `to${day}`]) {
        if (!TIME_OF_DAY.test(String(input[field]))) ctx.addIssue({ code: 'custom', path: [field], message: `${name}: use a time like 09:00.` });
      }
      if (input[`from${day}`] === input[`to${day}`]) ctx.addIssue({ code: 'custom', path: [`to${day}`], message: `${name}: opening and closing times are the same.` });
    });
  });

export const updateSupportSettings = defineAction({
  permission: 'support:manage',
  input: supportSettingsInput,
  handler: async (tx, { tenantId }, input) => {
    const values = input as Record<string, unknown> & z.output<typeof supportSettingsInput>;
    await saveSupportSettings(tx, tenantId, {
      handoffEnabled: values.handoffEnabled as boolean,
      officeHoursEnabled: values.officeHoursEnabled as boolean,
      timeZone: values.timeZone as string,
      pickupTimeoutMinutes: values.pickupTimeoutMinutes as number,
      weeklyHours: WEEKDAYS.map((_, day) => (values[`open${day}`] ? { open: String(values[`from${day}`]), close: String(values[`to${day}`]) } : null)),
    });
    return { message: 'Handoff settings saved.' };
  },
});

