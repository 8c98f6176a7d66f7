import type { CostService } from '@/db/schema';

// Shared by server pages and the client chart (a client module's exports other than
// components are not readable from a server component).
export const SERVICE_LABELS: Record<CostService, string> = {
  llm: 'Language model',
  embedding: 'Embeddings',
  voice_stt: 'Speech to text',
  voice_tts: 'Text to speech',
  vision: 'Vision',
  livekit: 'Meetings (LiveKit)',
};
