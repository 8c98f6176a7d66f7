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
});

export type Env = z.infer<typeof envSchema>;

let cached: Env | undefined;

// Parsed on first use, not at import, so `next build` never needs runtime secrets.
export function getEnv(): Env {
  if (cached) return cached;
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid environment configuration:\n${problems.join('\n')}`);
  }
  cached = parsed.data;
  return cached;
}
