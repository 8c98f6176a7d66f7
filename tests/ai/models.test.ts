import { describe, expect, it } from 'vitest';
import { availableModels, maxOutputTokensFor, resolveModel } from '@/lib/ai/models';
import { type Env, getEnv } from '@/lib/env';

const env = (overrides: Partial<Env>): Env => ({ ...getEnv(), OPENAI_API_KEY: undefined, ANTHROPIC_API_KEY: undefined, LLM_BASE_URL: undefined, LLM_DEFAULT_MODEL: undefined, ...overrides });

describe('model catalogue', () => {
  it('lists only models whose provider is configured', () => {
    expect(availableModels(env({}))).toEqual([]);
    expect(availableModels(env({ ANTHROPIC_API_KEY: 'k' })).map((model) => model.provider)).toEqual(['anthropic', 'anthropic']);
    expect(availableModels(env({ LLM_BASE_URL: 'http://localhost:11434/v1', LLM_MODELS: 'llama3.2, ,qwen2.5' })).map((model) => model.id)).toEqual(['llama3.2', 'qwen2.5']);
    // A base URL without model names offers nothing rather than guessing.
    expect(availableModels(env({ LLM_BASE_URL: 'http://localhost:11434/v1', LLM_MODELS: '' }))).toEqual([]);
  });

  it('resolves a personality’s model: its preference, else the deployment default, else the first, else none', () => {
    const both = env({ OPENAI_API_KEY: 'k', ANTHROPIC_API_KEY: 'k' });
    expect(resolveModel('claude-haiku-4-5', both)?.id).toBe('claude-haiku-4-5');
    expect(resolveModel('gpt-9', { ...both, LLM_DEFAULT_MODEL: 'gpt-4o' })?.id).toBe('gpt-4o');
    expect(resolveModel(null, both)?.id).toBe('gpt-4o-mini');
    expect(resolveModel('gpt-4o-mini', env({}))).toBeUndefined();
  });

  it('bounds max tokens by the chosen model', () => {
    expect(maxOutputTokensFor('gpt-4o-mini', env({ OPENAI_API_KEY: 'k' }))).toBe(16_384);
    expect(maxOutputTokensFor('llama3.2', env({ LLM_BASE_URL: 'http://x/v1', LLM_MODELS: 'llama3.2', LLM_MAX_OUTPUT_TOKENS: 2048 }))).toBe(2048);
    expect(maxOutputTokensFor(null, env({}))).toBe(4096);
  });
});
