import 'server-only';
import { availableModels, maxOutputTokensFor } from '@/lib/ai/models';
import type { ModelOption } from './personality-form';

/** What the personality editor offers: configured models only, with their output limits. */
export function modelOptions(): { models: ModelOption[]; automaticLimit: number } {
  return {
    models: availableModels().map(({ id, label, maxOutputTokens }) => ({ id, label, maxOutputTokens })),
    automaticLimit: maxOutputTokensFor(null),
  };
}
