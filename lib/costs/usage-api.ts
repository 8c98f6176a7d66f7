import type { RateLimit } from '@/lib/rate-limit';

/** Limits of the usage API (POST /api/v1/usage): per client address, then per secret key. */
export const USAGE_API_LIMITS = {
  perIp: { limit: 1200, windowSeconds: 60 },
  perKey: { limit: 600, windowSeconds: 60 },
} satisfies Record<string, RateLimit>;
