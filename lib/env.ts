import 'server-only';
import { z } from 'zod';

// Empty strings in .env files mean "unset", not "the empty value".
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

const flag = (defaultValue: boolean) =>
  z.preprocess(
    (value) => (value === undefined || value === '' ? defaultValue : value),
    z.union([z.boolean(), z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1')]),
  );

const postgresUrl = z
  .string()
  .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL');

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: optional(postgresUrl),
  // Migrations take a session-level advisory lock, which a transaction-mode PgBouncer
  // cannot hold: point this at PostgreSQL itself when DATABASE_URL goes through PgBouncer.
  DATABASE_DIRECT_URL: optional(postgresUrl),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  // PgBouncer in transaction mode (before 1.21) cannot route prepared statements.
  DATABASE_PREPARE: flag(true),
  DATABASE_AUTO_MIGRATE: flag(true),
  PGLITE_DATA_DIR: z.string().min(1).default('.data/pglite'),

  // Auth.js reads AUTH_SECRET itself; it is validated here so a missing one fails clearly.
  AUTH_SECRET: optional(z.string().min(32, 'must be at least 32 characters (openssl rand -base64 32)')),
  // Email + password sign-in: on in development, off in production unless enabled here.
  AUTH_PASSWORD_ENABLED: optional(flag(false)),
  AUTH_GOOGLE_ID: optional(z.string()),
  AUTH_GOOGLE_SECRET: optional(z.string()),
  AUTH_MICROSOFT_ENTRA_ID_ID: optional(z.string()),
  AUTH_MICROSOFT_ENTRA_ID_SECRET: optional(z.string()),
  // https://login.microsoftonline.com/<tenant id>/v2.0 for one directory; .../common/v2.0 for any.
  AUTH_MICROSOFT_ENTRA_ID_ISSUER: optional(z.url()),
  // Any OpenID Connect provider (Okta, Keycloak, Auth0...): enterprise single sign-on.
  AUTH_OIDC_ISSUER: optional(z.url()),
  AUTH_OIDC_ID: optional(z.string()),
  AUTH_OIDC_SECRET: optional(z.string()),
  AUTH_OIDC_NAME: z.string().default('Single sign-on'),

  // Embeddings for the knowledge base. Unset: the offline lexical embedder (no semantic matching).
  EMBEDDING_PROVIDER: optional(z.enum(['local', 'openai', 'voyage', 'openai-compatible'])),
  EMBEDDING_MODEL: optional(z.string().min(1)),
  // For openai-compatible (Ollama, vLLM, llama.cpp server, LocalAI...): e.g. http://localhost:11434/v1
  EMBEDDING_BASE_URL: optional(z.url()),
  EMBEDDING_API_KEY: optional(z.string()),
  // Cosine similarity a passage needs to count as a match for a non-local embedding model
  // (lib/knowledge/search.ts); similarity scales differ between models.
  RETRIEVAL_VECTOR_FLOOR: optional(z.coerce.number().gt(0).lt(1)),
  OPENAI_API_KEY: optional(z.string()),
  VOYAGE_API_KEY: optional(z.string()),
  // Answer models. None configured: the assistant answers in retrieval-only mode.
  ANTHROPIC_API_KEY: optional(z.string()),
  ANTHROPIC_BASE_URL: optional(z.url()),
  // A proxy or gateway in front of the OpenAI API (and OPENAI_API_KEY's models).
  OPENAI_BASE_URL: optional(z.url()),
  // Any OpenAI-compatible chat server (Ollama, vLLM, llama.cpp server): e.g. http://localhost:11434/v1
  LLM_BASE_URL: optional(z.url()),
  LLM_API_KEY: optional(z.string()),
  // The models that server offers, comma-separated (e.g. llama3.2,qwen2.5:7b).
  LLM_MODELS: z.string().default(''),
  // Output-token ceiling for those models (their limits are not discoverable over the API).
  LLM_MAX_OUTPUT_TOKENS: z.coerce.number().int().positive().default(4096),
  // The model used when a personality has no preference; default: the first available.
  LLM_DEFAULT_MODEL: optional(z.string()),
  LLM_TIMEOUT_MS: z.coerce.number().int().min(1000).default(60_000),
  KNOWLEDGE_MAX_UPLOAD_MB: z.coerce.number().positive().max(200).default(20),
  // Hosts URL import may fetch even on private addresses (comma-separated): `host` on ports 80/443, `host:port` on that port.
  KNOWLEDGE_URL_ALLOWLIST: z.string().default(''),
  // Knowledge searched exactly below this many chunks per tenant (default and measurement in
  // lib/knowledge/vector-search.ts); a native PostgreSQL server affords a higher value.
  KNOWLEDGE_EXACT_SEARCH_MAX_CHUNKS: optional(z.coerce.number().int().min(0)),
  // Run the background job worker inside the web process (the embedded default).
  JOBS_IN_PROCESS: flag(true),

  // How many reverse proxies in front of the app append to X-Forwarded-For (nginx, a load
  // balancer, Vercel: 1 each). 0: forwarding headers are ignored and the TCP peer is the client.
  TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  // Meetings (LiveKit). Without URL, key and secret the meetings area explains how to set them.
  // LIVEKIT_URL is where this server reaches LiveKit's API (http(s):// or ws(s)://);
  // LIVEKIT_PUBLIC_URL is what browsers connect to (default: LIVEKIT_URL).
  LIVEKIT_URL: optional(z.string().regex(/^(https?|wss?):\/\//, 'must be an http(s):// or ws(s):// URL')),
  LIVEKIT_PUBLIC_URL: optional(z.string().regex(/^(https?|wss?):\/\//, 'must be an http(s):// or ws(s):// URL')),
  LIVEKIT_API_KEY: optional(z.string().min(1)),
  LIVEKIT_API_SECRET: optional(z.string().min(1)),
  // The name the assistant worker registers under for explicit agent dispatch.
  LIVEKIT_AGENT_NAME: z.string().min(1).default('assistant'),
  // Speech to text: an OpenAI-compatible /v1/audio/transcriptions server (OpenAI, a local
  // whisper server...) or Deepgram. Base URL and key default to OPENAI_BASE_URL / OPENAI_API_KEY.
  STT_PROVIDER: optional(z.enum(['openai', 'deepgram'])),
  STT_BASE_URL: optional(z.url()),
  STT_API_KEY: optional(z.string()),
  STT_MODEL: optional(z.string().min(1)),
  DEEPGRAM_API_KEY: optional(z.string()),
  // Text to speech: an OpenAI-compatible /v1/audio/speech server or ElevenLabs.
  TTS_PROVIDER: optional(z.enum(['openai', 'elevenlabs'])),
  TTS_BASE_URL: optional(z.url()),
  TTS_API_KEY: optional(z.string()),
  TTS_MODEL: optional(z.string().min(1)),
  TTS_VOICE: optional(z.string().min(1)),
  ELEVENLABS_API_KEY: optional(z.string()),
  // A vision-capable model of the configured providers (default: gpt-4o-mini when OpenAI is set).
  VISION_MODEL: optional(z.string().min(1)),

  // The public address of the app, used in links sent by email (invitations).
  APP_URL: optional(z.url()),
  // smtp://user:pass@host:587 or smtps://...; unset: invitation links are shown to copy.
  SMTP_URL: optional(z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')),
  SMTP_FROM: z.string().default('Assistant Platform <no-reply@localhost>'),
});

export type Env = z.infer<typeof envSchema>;

export class InvalidEnvironmentError extends Error {
  constructor(problems: string[]) {
    super(`Invalid environment configuration:\n${problems.map((problem) => `  ${problem}`).join('\n')}`);
    this.name = 'InvalidEnvironmentError';
  }
}

let cached: Env | undefined;

// Parsed on first use, not at import, so `next build` never needs runtime secrets.
export function getEnv(): Env {
  if (cached) return cached;
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    throw new InvalidEnvironmentError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  if (parsed.data.NODE_ENV === 'production' && !parsed.data.AUTH_SECRET) {
    throw new InvalidEnvironmentError(['AUTH_SECRET: required in production (openssl rand -base64 32)']);
  }
  cached = parsed.data;
  return cached;
}

export function isPasswordSignInEnabled(env: Env = getEnv()): boolean {
  return env.AUTH_PASSWORD_ENABLED ?? env.NODE_ENV !== 'production';
}
