import { z } from 'zod';
import { resolveApiKeyByHash } from '@/db/queries/api-keys';
import { getCostEventByExternalId, isTenantSession, type UsageEvent } from '@/db/queries/costs';
import { withSystem, withTenantId } from '@/db/withTenant';
import { sha256 } from '@/lib/auth/tokens';
import { getSpendCapStatus } from '@/lib/costs/budget';
import { type CostRecord, isPriced, recordCost } from '@/lib/costs/events';
import { pricedModels, priceListAt } from '@/lib/costs/prices';
import { USAGE_API_LIMITS } from '@/lib/costs/usage-api';
import { clientIp, consumeRateLimit } from '@/lib/rate-limit';

export const dynamic = 'force-dynamic';

// External agents (voice, vision, meetings) report what they used, authenticated with a
// workspace's secret API key. Retrying with the same event id records nothing new.

// Bounds keep one event's cost inside the cost column; decimals match its 4-place units.
const decimalQuantity = (max: number) =>
  z
    .union([z.number(), z.string()])
    .transform(String)
    .refine((value) => /^\d{1,9}(\.\d{1,4})?$/.test(value) && Number(value) <= max, `Must be a number from 0 to ${max} with at most 4 decimals.`);
const count = (max: number) => z.number().int('Must be a whole number.').min(0).max(max);

const common = {
  id: z.string().trim().min(1, 'Give each event a unique id (your own), so retries are recorded once.').max(200),
  model: z.string().trim().min(1).max(100),
  occurredAt: z.iso.datetime({ offset: true, message: 'Must be an ISO 8601 date-time, e.g. 2026-11-25T10:00:00Z.' }).optional(),
  sessionId: z.uuid('Must be a conversation id.').optional(),
};

const usageSchema = z.discriminatedUnion(
  'service',
  [
    z.strictObject({ ...common, service: z.literal('voice_stt'), minutes: decimalQuantity(1_000_000) }),
    z.strictObject({ ...common, service: z.literal('voice_tts'), characters: count(1_000_000_000) }),
    z.strictObject({ ...common, service: z.literal('vision'), images: count(1_000_000) }),
    z.strictObject({ ...common, service: z.literal('livekit'), participantMinutes: decimalQuantity(10_000_000) }),
    z.strictObject({ ...common, service: z.literal('llm'), inputTokens: count(1_000_000_000), outputTokens: count(1_000_000_000) }),
    z.strictObject({ ...common, service: z.literal('embedding'), tokens: count(1_000_000_000) }),
  ],
  { error: 'service must be one of voice_stt, voice_tts, vision, livekit, llm, embedding.' },
);

const MAX_AGE_DAYS = 35;

const reply = (status: number, body: Record<string, unknown>, headers?: HeadersInit) => Response.json(body, { status, headers });
const problem = (status: number, message: string, extra: Record<string, unknown> = {}, headers?: HeadersInit) =>
  reply(status, { message, ...extra }, headers);

function eventBody(event: UsageEvent) {
  return {
    id: event.externalId,
    eventId: event.id,
    service: event.service,
    provider: event.provider,
    model: event.model,
    units: event.units,
    unit: event.unit,
    costUsd: event.costUsd,
    priceVersion: event.priceVersion,
    occurredAt: event.occurredAt.toISOString(),
  };
}

/** Records one usage event: 201 when new, 200 with the original when the id was already recorded. */
export async function POST(request: Request) {
  try {
    const ip = await consumeRateLimit(`usage:ip:${clientIp(request.headers)}`, USAGE_API_LIMITS.perIp);
    if (!ip.allowed) return problem(429, 'Too many requests. Slow down and retry.', {}, { 'Retry-After': String(ip.retryAfterSeconds) });

    const key = /^Bearer\s+(\S+)$/i.exec(request.headers.get('authorization') ?? '')?.[1];
    if (!key) return problem(401, 'Missing API key. Send "Authorization: Bearer <secret key>" with a key from Settings → Secret API keys.');
    if (key.startsWith('pk_')) {
      return problem(403, 'This is a publishable key, which cannot report usage. Use a secret key (sk_…) from Settings → Secret API keys.');
    }
    const apiKey = await withSystem((tx) => resolveApiKeyByHash(tx, sha256(key)));
    if (!apiKey) return problem(401, 'Invalid or revoked API key.');

    const limited = await consumeRateLimit(`usage:key:${apiKey.id}`, USAGE_API_LIMITS.perKey);
    if (!limited.allowed) return problem(429, 'Too many usage reports for this key. Slow down and retry.', {}, { 'Retry-After': String(limited.retryAfterSeconds) });

    let body: unknown;
    try {
      body = await request.json();
    } catch {
      return problem(400, 'The body must be a JSON object.');
    }
    const parsed = usageSchema.safeParse(body);
    if (!parsed.success) {
      return problem(422, 'The usage report is invalid.', {
        issues: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
      });
    }
    const { id: externalId, occurredAt: occurredAtText, sessionId, ...usage } = parsed.data;
    const occurredAt = occurredAtText ? new Date(occurredAtText) : new Date();
    if (occurredAt.getTime() > Date.now() + 5 * 60_000) return problem(422, 'occurredAt is in the future.');
    if (occurredAt.getTime() < Date.now() - MAX_AGE_DAYS * 86_400_000) return problem(422, `occurredAt is more than ${MAX_AGE_DAYS} days ago.`);
    if (!isPriced(usage, occurredAt)) {
      const known = pricedModels(usage.service, priceListAt(occurredAt));
      return problem(422, `There is no price for ${usage.service} model "${usage.model}". Priced models: ${known.join(', ') || 'none'}.`);
    }

    const outcome = await withTenantId(apiKey.tenantId, async (tx) => {
      if (sessionId && !(await isTenantSession(tx, apiKey.tenantId, sessionId))) return { unknownSession: true as const };
      const record = { ...usage, tenantId: apiKey.tenantId, externalId, sessionId, occurredAt, operation: 'usage api' } as CostRecord;
      const created = (await recordCost(tx, record)) !== undefined;
      const event = (await getCostEventByExternalId(tx, apiKey.tenantId, externalId))!;
      return { created, event, spendCap: await getSpendCapStatus(tx, apiKey.tenantId) };
    });
    if ('unknownSession' in outcome) return problem(422, 'sessionId is not a conversation of this workspace.');
    // Usage that already happened is always recorded; the flag tells agents to stop spending.
    return reply(outcome.created ? 201 : 200, {
      event: eventBody(outcome.event),
      duplicate: !outcome.created,
      spendCapReached: outcome.spendCap.reached,
    });
  } catch (error) {
    console.error('Usage report failed', error);
    return problem(500, 'The usage report could not be recorded. Nothing was stored; please retry with the same id.');
  }
}
