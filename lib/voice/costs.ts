import 'server-only';
import type { Transaction } from '@/db/withTenant';
import { type RecordedCost, recordCost } from '@/lib/costs/events';
import type { Transcript } from './stt';
import type { Speech } from './tts';

// Speech usage as cost events, priced from the versioned table like every other call.

export async function recordSpeechToTextCost(
  tx: Transaction,
  context: { tenantId: string; sessionId?: string | null; operation: string },
  transcript: Transcript,
): Promise<RecordedCost | undefined> {
  return recordCost(tx, {
    tenantId: context.tenantId,
    sessionId: context.sessionId,
    service: 'voice_stt',
    provider: transcript.provider,
    model: transcript.model,
    // Minutes with the column's 4 decimals (0.006 s resolution): the provider's seconds, not rounded up.
    minutes: (transcript.seconds / 60).toFixed(4),
    operation: transcript.secondsFrom === 'provider' ? context.operation : `${context.operation} (duration measured, not reported)`,
    durationMs: transcript.durationMs,
  });
}

export async function recordTextToSpeechCost(
  tx: Transaction,
  context: { tenantId: string; sessionId?: string | null; operation: string },
  speech: Pick<Speech, 'characters' | 'model' | 'provider' | 'durationMs'>,
): Promise<RecordedCost | undefined> {
  return recordCost(tx, {
    tenantId: context.tenantId,
    sessionId: context.sessionId,
    service: 'voice_tts',
    provider: speech.provider,
    model: speech.model,
    characters: speech.characters,
    operation: context.operation,
    durationMs: speech.durationMs,
  });
}
