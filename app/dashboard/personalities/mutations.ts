import 'server-only';
import { z } from 'zod';
import {
  addPersonalityVersion,
  changedSettings,
  countWidgetsUsingPersonality,
  createPersonality,
  deletePersonality,
  getLivePersonalityVersion,
  getPersonalityById,
  getPersonalityVersion,
  listPersonalities,
  makePersonalityVersionLive,
  setDefaultPersonality,
  settingsOf,
  updatePersonality,
} from '@/db/queries/personalities';
import { ActionError, defineAction } from '@/lib/actions/define-action';
import { availableModels, maxOutputTokensFor } from '@/lib/ai/models';

// Decimal settings arrive as form text and are stored as numeric strings: validated as
// numbers for their range, kept as the exact text the person typed.
const decimal = (label: string, min: number, max: number) =>
  z.coerce
    .number({ error: `Enter a number for ${label}.` })
    .min(min, `${label} must be between ${min} and ${max}.`)
    .max(max, `${label} must be between ${min} and ${max}.`)
    .multipleOf(0.01, `${label} takes at most two decimals.`)
    .transform((value) => value.toFixed(2));

const checkbox = z.preprocess((value) => value === 'on' || value === 'true' || value === true, z.boolean());

export const personalityInput = z
  .object({
    name: z.string().trim().min(1, 'Give the personality a name.').max(80, 'At most 80 characters.'),
    description: z
      .string()
      .trim()
      .max(300, 'At most 300 characters.')
      .transform((value) => value || null),
    systemPrompt: z.string().trim().min(10, 'Write at least a sentence of instructions.').max(8000, 'At most 8,000 characters.'),
    temperature: decimal('Temperature', 0, 2),
    topP: decimal('Top P', 0, 1),
    frequencyPenalty: decimal('Frequency penalty', -2, 2),
    presencePenalty: decimal('Presence penalty', -2, 2),
    maxTokens: z.coerce.number({ error: 'Enter a whole number of tokens.' }).int('Enter a whole number of tokens.').min(16, 'At least 16 tokens.'),
    preferredModel: z
      .string()
      .trim()
      .transform((value) => value || null)
      .refine((value) => value === null || availableModels().some((model) => model.id === value), 'That model is not available here.'),
    allowGeneralKnowledge: checkbox,
    fallbackMessage: z
      .string()
      .trim()
      .max(500, 'At most 500 characters.')
      .default('')
      .transform((value) => value || null),
    isActive: checkbox,
  })
  .superRefine((input, ctx) => {
    const limit = maxOutputTokensFor(input.preferredModel);
    if (input.maxTokens > limit) ctx.addIssue({ code: 'custom', path: ['maxTokens'], message: `At most ${limit.toLocaleString('en-US')} tokens for this model.` });
  });

const personalityId = z.uuid('Unknown personality.');

function conflictOnDuplicateName(error: unknown): never {
  if (error instanceof Error && /ai_personalities_tenant_name_idx/.test(`${error.message} ${String((error as { cause?: unknown }).cause)}`)) {
    throw new ActionError('Another personality already has that name.', 'conflict');
  }
  throw error;
}

export const addPersonality = defineAction({
  permission: 'personalities:manage',
  input: personalityInput.and(z.object({ makeDefault: checkbox })),
  handler: async (tx, { tenantId }, { makeDefault, ...values }) => {
    const personality = await createPersonality(tx, { tenantId, ...values }).catch(conflictOnDuplicateName);
    if (makeDefault) await setDefaultPersonality(tx, tenantId, personality.id);
    return { message: `${personality.name} created.`, result: { personalityId: personality.id } };
  },
});

export const editPersonality = defineAction({
  permission: 'personalities:manage',
  input: personalityInput.and(
    z.object({
      personalityId,
      // publish: the settings become live at once (a new version when they changed);
      // draft: they are saved as a version to test before making it live.
      intent: z.enum(['publish', 'draft']).default('publish'),
      versionNote: z.string().trim().max(200, 'At most 200 characters.').default('').transform((value) => value || null),
    }),
  ),
  handler: async (tx, { tenantId, userId }, { personalityId, intent, versionNote, ...values }) => {
    const current = await getPersonalityById(tx, tenantId, personalityId);
    if (!current) throw new ActionError('That personality was not found.', 'not_found');
    if (current.isDefault && !values.isActive) throw new ActionError('The default personality must stay active. Make another one the default first.', 'conflict');
    const live = await getLivePersonalityVersion(tx, tenantId, personalityId);
    const changed = !live || changedSettings(settingsOf(live), settingsOf(values)).length > 0;
    const { name, description, isActive } = values;
    await updatePersonality(tx, tenantId, personalityId, intent === 'publish' ? values : { name, description, isActive }).catch(conflictOnDuplicateName);
    const saveVersion = (live: boolean) => addPersonalityVersion(tx, tenantId, personalityId, values, { live, note: versionNote, createdBy: userId });
    if (intent === 'draft') {
      if (!changed) throw new ActionError('These settings are the live version already: change something to save a draft.', 'conflict');
      const draft = (await saveVersion(false))!;
      return { message: `Saved as draft version ${draft.version}. Test it under Evaluation, then make it live.`, result: { versionId: draft.id } };
    }
    if (changed) await saveVersion(true);
    return { message: 'Personality saved. New replies use it right away.' };
  },
});

export const makeVersionLive = defineAction({
  permission: 'personalities:manage',
  input: z.object({ versionId: z.uuid('Unknown version.') }),
  handler: async (tx, { tenantId }, { versionId }) => {
    const version = await getPersonalityVersion(tx, tenantId, versionId);
    if (!version) throw new ActionError('That version was not found.', 'not_found');
    if (version.isLive) throw new ActionError(`Version ${version.version} is already live.`, 'conflict');
    const personality = await makePersonalityVersionLive(tx, tenantId, version);
    return { message: `Version ${version.version} of ${personality!.name} is live. New replies use it right away.` };
  },
});

export const duplicatePersonality = defineAction({
  permission: 'personalities:manage',
  input: z.object({ personalityId }),
  handler: async (tx, { tenantId }, { personalityId }) => {
    const source = await getPersonalityById(tx, tenantId, personalityId);
    if (!source) throw new ActionError('That personality was not found.', 'not_found');
    const taken = new Set((await listPersonalities(tx, tenantId)).map((row) => row.personality.name));
    let name = `${source.name} (copy)`;
    for (let n = 2; taken.has(name); n++) name = `${source.name} (copy ${n})`;
    const { id: _id, createdAt: _createdAt, updatedAt: _updatedAt, isDefault: _isDefault, ...settings } = source;
    const copy = await createPersonality(tx, { ...settings, name, isDefault: false });
    return { message: `${copy.name} created.`, result: { personalityId: copy.id } };
  },
});

export const makeDefaultPersonality = defineAction({
  permission: 'personalities:manage',
  input: z.object({ personalityId }),
  handler: async (tx, { tenantId }, { personalityId }) => {
    const personality = await setDefaultPersonality(tx, tenantId, personalityId);
    if (!personality) throw new ActionError('That personality was not found.', 'not_found');
    return { message: `${personality.name} is now the default.` };
  },
});

export const removePersonality = defineAction({
  permission: 'personalities:manage',
  input: z.object({
    personalityId,
    replacementId: z
      .string()
      .transform((value) => value || null)
      .pipe(z.uuid('Choose a replacement.').nullable())
      .default(null),
  }),
  handler: async (tx, { tenantId }, { personalityId, replacementId }) => {
    const personality = await getPersonalityById(tx, tenantId, personalityId);
    if (!personality) throw new ActionError('That personality was not found.', 'not_found');
    const widgetCount = await countWidgetsUsingPersonality(tx, tenantId, personalityId);
    if ((widgetCount > 0 || personality.isDefault) && !replacementId) {
      throw new ActionError(
        personality.isDefault
          ? 'This is the default personality: choose which one replaces it.'
          : `${widgetCount} widget${widgetCount === 1 ? ' uses' : 's use'} this personality: choose which one replaces it.`,
        'conflict',
      );
    }
    if (replacementId) {
      const replacement = replacementId === personalityId ? undefined : await getPersonalityById(tx, tenantId, replacementId);
      if (!replacement) throw new ActionError('Choose another personality as the replacement.', 'invalid');
      if (!replacement.isActive) throw new ActionError(`${replacement.name} is inactive: activate it or choose another replacement.`, 'conflict');
    }
    await deletePersonality(tx, tenantId, personalityId, replacementId);
    if (personality.isDefault && replacementId) await setDefaultPersonality(tx, tenantId, replacementId);
    return { message: `${personality.name} deleted.` };
  },
});
