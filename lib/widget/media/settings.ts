import type { WidgetSettings } from '@/db/schema';

// Voice and images in a widget: what the owner turned on, and the per-conversation limits
// (on top of the spend caps, which every billable call is reserved against). The defaults are
// policy, not measurements: about ten minutes of a real support chat by voice, a handful of
// screenshots; owners change them on the widget's page.

export const MEDIA_LIMIT_DEFAULTS = {
  voiceClipsPerSession: 30,
  voiceSecondsPerDay: 600,
  imagesPerSession: 5,
} as const;

export const MEDIA_LIMIT_BOUNDS = {
  voiceClipsPerSession: { min: 1, max: 500 },
  voiceSecondsPerDay: { min: 10, max: 7200 },
  imagesPerSession: { min: 1, max: 100 },
} as const;

/** Voices of OpenAI-compatible speech servers (ElevenLabs takes any voice id). */
export const OPENAI_VOICES = ['alloy', 'ash', 'ballad', 'coral', 'echo', 'fable', 'nova', 'onyx', 'sage', 'shimmer', 'verse'] as const;

export type WidgetMedia = {
  voiceInput: boolean;
  voiceReplies: boolean;
  voice?: string;
  images: boolean;
  voiceClipsPerSession: number;
  voiceSecondsPerDay: number;
  imagesPerSession: number;
};

export function widgetMedia(settings: WidgetSettings): WidgetMedia {
  return {
    voiceInput: settings.voiceInput === true,
    voiceReplies: settings.voiceInput === true && settings.voiceReplies === true,
    voice: settings.voice || undefined,
    images: settings.imageAttachments === true,
    voiceClipsPerSession: settings.voiceClipsPerSession ?? MEDIA_LIMIT_DEFAULTS.voiceClipsPerSession,
    voiceSecondsPerDay: settings.voiceSecondsPerDay ?? MEDIA_LIMIT_DEFAULTS.voiceSecondsPerDay,
    imagesPerSession: settings.imagesPerSession ?? MEDIA_LIMIT_DEFAULTS.imagesPerSession,
  };
}
