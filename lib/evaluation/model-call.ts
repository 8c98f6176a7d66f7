import 'server-only';
import { generateText, type ModelMessage } from 'ai';
import type { Transaction } from '@/db/withTenant';
import { languageModel, type ModelInfo } from '@/lib/ai/models';
import { recordLlmCost } from '@/lib/costs/events';
import type { Env } from '@/lib/env';

// One model call made by an evaluation run or by question generation: written in full (no
// reader is waiting for a stream), with the deployment's time budget and retries on transient
// errors, and costed through the cost recorder like every other call.

export type ModelCall = { model: ModelInfo; inputTokens: number; outputTokens: number; durationMs: number; operation: string };

export async function completeText(
  model: ModelInfo,
  request: {
    system: string;
    messages: ModelMessage[];
    maxOutputTokens: number;
    temperature?: number;
    topP?: number;
    frequencyPenalty?: number;
    presencePenalty?: number;
    operation: string;
  },
  env: Env,
): Promise<{ text: string; call: ModelCall }> {
  const startedAt = performance.now();
  const { operation, ...settings } = request;
  const result = await generateText({
    model: languageModel(model, env),
    ...settings,
    maxOutputTokens: Math.min(request.maxOutputTokens, model.maxOutputTokens),
    maxRetries: 2,
    abortSignal: AbortSignal.timeout(env.LLM_TIMEOUT_MS),
  });
  if (!result.text.trim()) throw new Error(`The model ${model.id} returned no text (finish reason: ${result.finishReason}).`);
  return {
    text: result.text,
    call: {
      model,
      inputTokens: result.usage.inputTokens ?? 0,
      outputTokens: result.usage.outputTokens ?? 0,
      durationMs: Math.round(performance.now() - startedAt),
      operation,
    },
  };
}

/** Records a call's cost event and returns its cost as a decimal string. */
export function recordCall(tx: Transaction, tenantId: string, call: ModelCall): Promise<string> {
  return recordLlmCost(tx, {
    tenantId,
    provider: call.model.provider,
    model: call.model.id,
    inputTokens: call.inputTokens,
    outputTokens: call.outputTokens,
    durationMs: call.durationMs,
    operation: call.operation,
  });
}
