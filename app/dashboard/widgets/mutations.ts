import 'server-only';
import { z } from 'zod';
import { getPersonalityById } from '@/db/queries/personalities';
import { createWidget as insertWidget, deleteWidget as removeWidget, getWidget, updateWidget as saveWidget } from '@/db/queries/widgets';
import type { Transaction } from '@/db/withTenant';
import { ActionError, defineAction } from '@/lib/actions/define-action';
import { DOLLAR_AMOUNT_MESSAGE, dollarAmountPattern } from '@/lib/costs/fields';
import { VISITOR_IDENTITY_MODES } from '@/db/schema';
import { originListField } from '@/lib/origin-fields';
import { DEFAULT_PRIMARY_COLOR, DEFAULT_SECONDARY_COLOR } from '@/lib/widget/client/types';
import { MEDIA_LIMIT_BOUNDS } from '@/lib/widget/media/settings';

export const MAX_STARTER_QUESTIONS = 4;

const nameField = z.string().trim().min(1, 'Name the widget, e.g. "Help center".').max(80, 'At most 80 characters.');
const colorField = (fallback: string) =>
  z
    .string()
    .trim()
    .default(fallback)
    .transform((value) => value.toLowerCase())
    .refine((value) => /^#[0-9a-f]{6}$/.test(value), 'Use a hex colour like #4f46e5.');

const widgetIdField = z.uuid('Unknown widget.');
const optionalDollars = z
  .string()
  .trim()
  .default('')
  .refine((value) => value === '' || dollarAmountPattern.test(value), DOLLAR_AMOUNT_MESSAGE)
  .transform((value) => value || undefined);

const checkbox = z.string().optional().transform((value) => value === 'on');
/** A whole number within `bounds`; empty: the default (lib/widget/media/settings.ts). */
const optionalLimit = (bounds: { min: number; max: number }, what: string) =>
  z
    .string()
    .trim()
    .default('')
    .refine((value) => value === '' || (/^\d+$/.test(value) && Number(value) >= bounds.min && Number(value) <= bounds.max), `${what}: a whole number from ${bounds.min} to ${bounds.max}, or empty for the default.`)
    .transform((value) => (value === '' ? undefined : Number(value)));

export const widgetSettingsInput = z.object({
  widgetId: widgetIdField,
  name: nameField,
  allowedOrigins: originListField,
  theme: z.enum(['light', 'dark', 'auto'], { error: 'Choose light, dark or auto.' }),
  position: z.enum(['bottom-right', 'bottom-left'], { error: 'Choose a corner.' }),
  greeting: z.string().trim().max(300, 'At most 300 characters.').default(''),
  contactEmail: z.union([z.literal(''), z.email('Enter an email address like help@example.com.').max(254)]).default(''),
  primaryColor: colorField(DEFAULT_PRIMARY_COLOR),
  secondaryColor: colorField(DEFAULT_SECONDARY_COLOR),
  // Empty: the workspace's default personality answers.
  personalityId: z.union([z.literal(''), z.uuid('Choose a personality.')]).default(''),
  starterQuestions: z
    .string()
    .max(2000)
    .default('')
    .transform((text) => text.split('\n').map((line) => line.trim()).filter(Boolean))
    .refine((questions) => questions.length <= MAX_STARTER_QUESTIONS, `At most ${MAX_STARTER_QUESTIONS} questions, one per line.`)
    .refine((questions) => questions.every((question) => question.length <= 120), 'Each question can be at most 120 characters.'),
  // Empty: the default ceiling (lib/costs/budget.ts).
  dailySpendCapUsd: optionalDollars,
  visitorDailySpendCapUsd: optionalDollars,
  identityMode: z.enum(VISITOR_IDENTITY_MODES, { error: 'Choose anonymous, mixed or verified.' }).default('mixed'),
  voiceInput: checkbox,
  voiceReplies: checkbox,
  // A speech service's voice name (OpenAI's, or an ElevenLabs voice id); empty: the deployment's TTS_VOICE.
  voice: z.string().trim().max(64, 'At most 64 characters.').regex(/^[\w-]*$/, 'Letters, digits, - and _ only.').default(''),
  imageAttachments: checkbox,
  voiceClipsPerSession: optionalLimit(MEDIA_LIMIT_BOUNDS.voiceClipsPerSession, 'Voice messages per conversation'),
  voiceSecondsPerDay: optionalLimit(MEDIA_LIMIT_BOUNDS.voiceSecondsPerDay, 'Voice seconds per conversation per day'),
  imagesPerSession: optionalLimit(MEDIA_LIMIT_BOUNDS.imagesPerSession, 'Images per conversation'),
});

async function requireWidget(tx: Transaction, tenantId: string, widgetId: string) {
  const widget = await getWidget(tx, tenantId, widgetId);
  // Another tenant's widget looks exactly like one that does not exist.
  if (!widget) throw new ActionError('That widget was not found.', 'not_found');
  return widget;
}

export const createWidget = defineAction({
  permission: 'widgets:manage',
  input: z.object({ name: nameField }),
  handler: async (tx, { tenantId }, { name }) => {
    const widget = await insertWidget(tx, { tenantId, name, settings: { theme: 'auto', position: 'bottom-right' } });
    return { message: `Widget "${name}" created. Add the sites it may appear on, then paste the snippet.`, result: { widgetId: widget.id } };
  },
});

export const updateWidget = defineAction({
  permission: 'widgets:manage',
  input: widgetSettingsInput,
  handler: async (tx, { tenantId }, input) => {
    await requireWidget(tx, tenantId, input.widgetId);
    // The foreign key alone would accept another tenant's personality (RI checks bypass RLS).
    if (input.personalityId && !(await getPersonalityById(tx, tenantId, input.personalityId))?.isActive) {
      throw new ActionError('That personality was not found or is not active.', 'not_found');
    }
    await saveWidget(tx, tenantId, input.widgetId, {
      name: input.name,
      allowedOrigins: input.allowedOrigins,
      personalityId: input.personalityId || null,
      identityMode: input.identityMode,
      settings: {
        theme: input.theme,
        position: input.position,
        greeting: input.greeting || undefined,
        contactEmail: input.contactEmail || undefined,
        primaryColor: input.primaryColor,
        secondaryColor: input.secondaryColor,
        starterQuestions: input.starterQuestions,
        dailySpendCapUsd: input.dailySpendCapUsd,
        visitorDailySpendCapUsd: input.visitorDailySpendCapUsd,
        voiceInput: input.voiceInput,
        voiceReplies: input.voiceReplies,
        voice: input.voice || undefined,
        imageAttachments: input.imageAttachments,
        voiceClipsPerSession: input.voiceClipsPerSession,
        voiceSecondsPerDay: input.voiceSecondsPerDay,
        imagesPerSession: input.imagesPerSession,
      },
    });
    return { message: 'Widget saved. Embedded copies pick up the changes within a minute.' };
  },
});

export const setWidgetActive = defineAction({
  permission: 'widgets:manage',
  input: z.object({ widgetId: widgetIdField, active: z.enum(['true', 'false']).transform((value) => value === 'true') }),
  handler: async (tx, { tenantId }, { widgetId, active }) => {
    const widget = await requireWidget(tx, tenantId, widgetId);
    await saveWidget(tx, tenantId, widgetId, { isActive: active });
    return { message: active ? `"${widget.name}" is live again.` : `"${widget.name}" is turned off: visitors see that the chat is unavailable.` };
  },
});

export const deleteWidget = defineAction({
  permission: 'widgets:manage',
  input: z.object({ widgetId: widgetIdField }),
  handler: async (tx, { tenantId }, { widgetId }) => {
    const widget = await requireWidget(tx, tenantId, widgetId);
    await removeWidget(tx, tenantId, widgetId);
    return { message: `Widget "${widget.name}" deleted. Its conversations stay in Conversations.` };
  },
});
