import 'server-only';
import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModel } from 'ai';
import { type Env, getEnv } from '@/lib/env';

export type ModelProvider = 'openai' | 'anthropic' | 'openai-compatible';

export type ModelInfo = { id: string; provider: ModelProvider; label: string; maxOutputTokens: number; contextTokens: number };

// Hosted models the product knows the limits (and, in lib/costs/prices.ts, the prices) of.
const HOSTED_MODELS: readonly ModelInfo[] = [
  { id: 'gpt-4o-mini', provider: 'openai', label: 'GPT-4o mini', maxOutputTokens: 16_384, contextTokens: 128_000 },
  { id: 'gpt-4o', provider: 'openai', label: 'GPT-4o', maxOutputTokens: 16_384, contextTokens: 128_000 },
  { id: 'claude-haiku-4-5', provider: 'anthropic', label: 'Claude Haiku 4.5', maxOutputTokens: 64_000, contextTokens: 200_000 },
  { id: 'claude-sonnet-4-5', provider: 'anthropic', label: 'Claude Sonnet 4.5', maxOutputTokens: 64_000, contextTokens: 200_000 },
];

// Self-hosted servers rarely say how large their context is; 8k is what small local models
// commonly run with, so history is trimmed to fit that.
const SELF_HOSTED_CONTEXT_TOKENS = 8_192;

/** The models whose provider this deployment has credentials for, in preference order. */
export function availableModels(env: Env = getEnv()): ModelInfo[] {
  const selfHosted: ModelInfo[] = env.LLM_BASE_URL
    ? env.LLM_MODELS.split(',')
        .map((id) => id.trim())
        .filter(Boolean)
        .map((id) => ({
          id,
          provider: 'openai-compatible',
          label: `${id} (self-hosted)`,
          maxOutputTokens: env.LLM_MAX_OUTPUT_TOKENS,
          contextTokens: Math.max(SELF_HOSTED_CONTEXT_TOKENS, env.LLM_MAX_OUTPUT_TOKENS * 2),
        }))
    : [];
  const hosted = HOSTED_MODELS.filter(
    (model) => (model.provider === 'openai' && env.OPENAI_API_KEY) || (model.provider === 'anthropic' && env.ANTHROPIC_API_KEY),
  );
  return [...selfHosted, ...hosted];
}

/** The largest max-tokens a personality may ask for with this model (or with any model). */
export function maxOutputTokensFor(modelId: string | null, env: Env = getEnv()): number {
  const models = availableModels(env);
  const model = models.find((candidate) => candidate.id === modelId);
  if (model) return model.maxOutputTokens;
  return Math.max(4096, ...models.map((candidate) => candidate.maxOutputTokens));
}

/**
 * The model a personality answers with: its preference when available, else the deployment
 * default, else the first available. Undefined means no provider: retrieval-only mode.
 */
export function resolveModel(preferred: string | null, env: Env = getEnv()): ModelInfo | undefined {
  const models = availableModels(env);
  return (
    models.find((model) => model.id === preferred) ??
    models.find((model) => model.id === env.LLM_DEFAULT_MODEL) ??
    models[0]
  );
}

export function languageModel(model: ModelInfo, env: Env = getEnv()): LanguageModel {
  switch (model.provider) {
    case 'openai':
      // Chat Completions rather than the Responses API: the same wire format as every
      // OpenAI-compatible server, with token usage in the final streamed chunk.
      return createOpenAI({ apiKey: env.OPENAI_API_KEY, baseURL: env.OPENAI_BASE_URL }).chat(model.id);
    case 'anthropic':
      return createAnthropic({ apiKey: env.ANTHROPIC_API_KEY, baseURL: env.ANTHROPIC_BASE_URL })(model.id);
    case 'openai-compatible':
      return createOpenAICompatible({
        name: 'openai-compatible',
        baseURL: env.LLM_BASE_URL!,
        apiKey: env.LLM_API_KEY,
        includeUsage: true,
      }).chatModel(model.id);
  }
}
